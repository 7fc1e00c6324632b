//! Import of clinic records from CSV, JSON and (in [`crate::fhir`]) FHIR bundles, with every bad record reported.
//!
//! Each format turns its records into the same raw shape and hands it to one validator (`fields.rs`), so the
//! three formats accept and reject exactly the same listings. Nothing here decides whether an import is atomic:
//! a batch carries both the good clinics and the rejects, and the caller (store, CLI) chooses between "nothing
//! on any reject" and `--skip-invalid` (DESIGN.md, "Clinic records").

pub mod csv;
pub(crate) mod fields;
pub mod json;

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

use serde::Serialize;

use crate::model::Clinic;

pub use self::csv::{CSV_COLUMNS, CSV_COLUMNS_WITH_PLANS, parse_csv, parse_csv_with_progress, write_rejects_csv};
pub use self::json::{JsonDocumentError, parse_json};

/// Where each id was first seen, for reporting a repeated id with the line or index of its first use.
///
/// Hashed with FxHash (the rustc hasher) plus a finalizer: ids come from the importing administrator's own file, so hash
/// flooding is not a concern, and SipHash was the largest single cost of a million-row import.
pub(crate) type FirstSeen<V> = HashMap<Box<str>, V, BuildHasherDefault<FxHasher>>;

#[derive(Default)]
pub(crate) struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }

    /// Mixes the state with MurmurHash3's finalizer: the multiply above leaves the low bits, which pick the
    /// bucket, depending only on the first bytes of each word (`c-` in `c-12345`), which would collide.
    fn finish(&self) -> u64 {
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }
}

/// The result of parsing a CSV file: good clinics with their line, and bad rows with every reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportBatch {
    /// Valid clinics with the 1-based line their record starts on (the header is line 1).
    pub clinics: Vec<(u64, Clinic)>,
    pub rejects: Vec<Reject>,
    /// The columns the file's header named (empty when the header was refused).
    pub columns: &'static [&'static str],
}

/// A CSV row that cannot be imported. Serializes as `{"line", "id", "raw", "reasons"}` for a JSON report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    /// The 1-based line the record starts on (a quoted field may continue on later lines).
    pub line: u64,
    /// The row's `id` column, when it could be read.
    pub id: Option<String>,
    /// The record as it appeared in the file, without its line terminator; invalid UTF-8 is shown as U+FFFD.
    pub raw: String,
    /// Every reason, each starting with the column at fault (`lat: latitude 91 is outside -90..90`).
    pub reasons: Vec<String>,
}

impl fmt::Display for Reject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.reasons.join("; "))
    }
}

/// The result of parsing a JSON array or a FHIR bundle: good clinics with their array or entry index, and
/// bad records with every reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EntryBatch {
    pub clinics: Vec<(usize, Clinic)>,
    pub rejects: Vec<EntryReject>,
}

/// A JSON record or FHIR listing that cannot be imported. Serializes as `{"index", "id", "reasons"}`, which is
/// what a `--skip-invalid` rejects file holds for these formats (their records have no line to copy).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryReject {
    /// The index in the JSON array, or the index of the FHIR bundle entry holding the listing's Location.
    pub index: usize,
    pub id: Option<String>,
    /// Every reason, each starting with the full path at fault (`[3].lat: …`, `entry[4].resource.name: …`).
    pub reasons: Vec<String>,
}

impl fmt::Display for EntryReject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reasons.join("; "))
    }
}

impl ImportBatch {
    /// The `--skip-invalid` rejects file under the input's own header (with or without `insurance_plans`), so that
    /// each rejected row sits under its columns.
    pub fn rejects_csv(&self) -> String {
        let columns = if self.columns.is_empty() { &CSV_COLUMNS[..] } else { self.columns };
        self::csv::write_rejects_csv_under(columns, &self.rejects)
    }

    /// The reject that stopped the whole file, if any: a wrong or missing header (or a first line the CSV reader
    /// cannot read) is reported on line 1, where no record can start, and nothing after it was read. No row can
    /// be told valid then, so the caller refuses the file even when it would skip invalid rows.
    pub fn file_fault(&self) -> Option<&Reject> {
        self.rejects.first().filter(|r| r.line == 1)
    }

    /// The clinics when there is no reject (an atomic import), else the rejects.
    pub fn into_atomic(self) -> Result<Vec<Clinic>, Vec<Reject>> {
        if self.rejects.is_empty() { Ok(self.clinics.into_iter().map(|(_, c)| c).collect()) } else { Err(self.rejects) }
    }
}

impl EntryBatch {
    /// The clinics when there is no reject (an atomic import), else the rejects.
    pub fn into_atomic(self) -> Result<Vec<Clinic>, Vec<EntryReject>> {
        if self.rejects.is_empty() { Ok(self.clinics.into_iter().map(|(_, c)| c).collect()) } else { Err(self.rejects) }
    }
}
