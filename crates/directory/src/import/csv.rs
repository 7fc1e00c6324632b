//! CSV import of clinic records exactly per DESIGN.md "Clinic records", and the `--skip-invalid` rejects file.
//!
//! Rows are read as bytes, so a row with invalid UTF-8 is reported with its line instead of aborting the file.
//! Line numbers are counted from the record's byte position (the csv reader's own line count is one short after
//! every CRLF, rust-csv issue 395): a quoted field with a line break inside moves
//! the following records' lines correctly. `last_verified` may be empty (no verification date known).

use csv::{ByteRecord, ReaderBuilder, Trim};

use super::fields::{self, Coord, Field, RawClinic};
use super::{FirstSeen, ImportBatch, Reject};
use crate::geo::Gazetteer;
use crate::spreadsheet::restore;

/// The contract's columns, in order.
pub const CSV_COLUMNS: [&str; 17] = [
    "id",
    "name",
    "street",
    "city",
    "state",
    "zip",
    "lat",
    "lon",
    "phone",
    "website",
    "offers",
    "payment",
    "telehealth",
    "languages",
    "accepting_new_patients",
    "rems_certified",
    "last_verified",
];

/// The contract's leading columns, `id` to `lon`: what names a clinic and places it, which the platform checks
/// and a clinic cannot change on its own listing.
pub const IDENTITY_AND_PLACE: &[&str] = CSV_COLUMNS.split_at(8).0;

/// The columns KetaPath writes: the contract's, then the optional `insurance_plans` (`;`-separated plan names).
/// A file may carry either header; its rows must then have as many columns as it.
pub const CSV_COLUMNS_WITH_PLANS: [&str; 18] = {
    let mut all = [crate::insurance::INSURANCE_PLANS; 18];
    let mut i = 0;
    while i < CSV_COLUMNS.len() {
        all[i] = CSV_COLUMNS[i];
        i += 1;
    }
    all
};

/// How often the progress callback is called, in rows: often enough for a smooth bar, rarely enough to cost nothing.
const PROGRESS_EVERY: u64 = 4096;

/// Parses a CSV file of clinic records. See [`parse_csv_with_progress`].
pub fn parse_csv(bytes: &[u8], gazetteer: &Gazetteer) -> ImportBatch {
    parse_csv_with_progress(bytes, gazetteer, &mut |_| {})
}

/// Parses a CSV file of clinic records; `progress` is called with the number of data rows read so far, every few
/// thousand rows and once at the end.
///
/// A wrong header is one reject on line 1 and nothing else is read, since the columns' meaning is unknown.
/// A leading UTF-8 byte order mark and spaces around fields are ignored. A repeated `id` rejects the later row.
pub fn parse_csv_with_progress(bytes: &[u8], gazetteer: &Gazetteer, progress: &mut dyn FnMut(u64)) -> ImportBatch {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = ReaderBuilder::new().has_headers(false).flexible(true).trim(Trim::All).from_reader(bytes);
    let mut batch = ImportBatch::default();
    let mut record = ByteRecord::new();

    match reader.read_byte_record(&mut record) {
        Ok(true) => match check_header(&record) {
            Ok(columns) => batch.columns = columns,
            Err(reason) => {
                let end = reader.position().byte();
                batch.rejects.push(Reject { line: 1, id: None, raw: raw_text(bytes, 0, end), reasons: vec![reason] });
                return batch;
            }
        },
        Ok(false) => {
            let reason = format!("the file is empty; the first line must be the header {}", CSV_COLUMNS.join(","));
            batch.rejects.push(Reject { line: 1, id: None, raw: String::new(), reasons: vec![reason] });
            return batch;
        }
        Err(error) => {
            batch.rejects.push(Reject { line: 1, id: None, raw: String::new(), reasons: vec![error.to_string()] });
            return batch;
        }
    }

    // Reserving for every line up front avoids copying a million clinics while the vectors grow. A valid record
    // is far longer than 64 bytes, so a file of mostly blank lines cannot make this reserve more than it needs.
    let lines = bytes.iter().filter(|&&b| b == b'\n').count().min(bytes.len() / 64);
    batch.clinics.reserve(lines);
    let mut first_line_of: FirstSeen<u64> = FirstSeen::with_capacity_and_hasher(lines, Default::default());
    let mut rows = 0u64;
    let mut lines_before = LineCounter::default();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                rows += 1;
                let start = record.position().map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
                let (line, start) = lines_before.line_at(bytes, start);
                match parse_row(&record, batch.columns, line, gazetteer, &mut first_line_of) {
                    Ok(clinic) => batch.clinics.push((line, clinic)),
                    Err((id, reasons)) => {
                        let raw = raw_text(bytes, start, reader.position().byte());
                        batch.rejects.push(Reject { line, id, raw, reasons });
                    }
                }
                if rows.is_multiple_of(PROGRESS_EVERY) {
                    progress(rows);
                }
            }
            Err(error) => {
                // Reading from memory cannot fail; should the reader ever report a fault, stop with it rather
                // than risk reading the rest of the file out of step.
                let line = error.position().map_or(0, |p| p.line());
                batch.rejects.push(Reject { line, id: None, raw: String::new(), reasons: vec![error.to_string()] });
                break;
            }
        }
    }
    progress(rows);
    batch
}

/// The columns the header names: the contract's, or the contract's with `insurance_plans` last.
fn check_header(record: &ByteRecord) -> Result<&'static [&'static str], String> {
    let found: Vec<String> = record.iter().map(|f| String::from_utf8_lossy(f).into_owned()).collect();
    for columns in [&CSV_COLUMNS[..], &CSV_COLUMNS_WITH_PLANS[..]] {
        if found.iter().map(String::as_str).eq(columns.iter().copied()) {
            return Ok(columns);
        }
    }
    let detail = match found.iter().zip(CSV_COLUMNS).position(|(f, e)| f != e) {
        Some(i) => format!("column {} is {:?}, expected {:?}", i + 1, found[i], CSV_COLUMNS[i]),
        None => format!("found {} columns, expected {}", found.len(), CSV_COLUMNS.len()),
    };
    Err(format!(
        "header: {detail}; the header must be exactly {} (optionally followed by ,{}); found {}",
        CSV_COLUMNS.join(","),
        crate::insurance::INSURANCE_PLANS,
        found.join(",")
    ))
}

type RowFault = (Option<String>, Vec<String>);

fn parse_row(
    record: &ByteRecord,
    columns: &[&str],
    line: u64,
    gazetteer: &Gazetteer,
    first_line_of: &mut FirstSeen<u64>,
) -> Result<crate::model::Clinic, RowFault> {
    let id_text = record.get(0).and_then(|f| std::str::from_utf8(f).ok()).filter(|s| !s.is_empty());
    let id = id_text.map(str::to_owned);
    if record.len() != columns.len() {
        return Err((id, vec![format!("expected {} columns, found {}", columns.len(), record.len())]));
    }
    let mut text = [""; 18];
    let mut problems = Vec::new();
    for (i, field) in record.iter().enumerate() {
        match std::str::from_utf8(field) {
            Ok(s) => text[i] = s,
            Err(e) => problems.push(format!("{}: invalid UTF-8 at byte {} of the field", columns[i], e.valid_up_to())),
        }
    }
    if !problems.is_empty() {
        return Err((id, problems));
    }
    let [
        id_f,
        name,
        street,
        city,
        state,
        zip,
        lat,
        lon,
        phone,
        website,
        offers,
        payment,
        telehealth,
        languages,
        accepting,
        rems,
        verified,
        plans,
    ] = text;
    // Exports put a `'` before free text a spreadsheet would evaluate; it is not part of the value.
    let (name, street, city) = (restore(name), restore(street), restore(city));
    let (phone, website) = (restore(phone), restore(website));

    let p = &mut problems;
    let lat = column(p, "lat", fields::parse_coord(lat)).unwrap_or(Coord::Invalid);
    let lon = column(p, "lon", fields::parse_coord(lon)).unwrap_or(Coord::Invalid);
    let offers = column(p, "offers", fields::parse_offers(offers.split(';'))).unwrap_or_default();
    let payment = column(p, "payment", fields::parse_payments(payment.split(';'))).unwrap_or_default();
    let telehealth = column(p, "telehealth", fields::parse_bool(telehealth)).unwrap_or_default();
    let languages = column(p, "languages", fields::parse_languages(languages.split(';'))).unwrap_or_default();
    let accepting = column(p, "accepting_new_patients", fields::parse_bool(accepting)).unwrap_or_default();
    let rems = column(p, "rems_certified", fields::parse_bool(rems)).unwrap_or_default();
    let last_verified = column(p, "last_verified", fields::parse_date(verified)).flatten();

    if let Some(first) = id_text.and_then(|id| first_line_of.get(id)) {
        problems.push(format!("id: duplicate id {id_f:?}, first on line {first}"));
    } else if let Some(id) = id_text {
        first_line_of.insert(id.into(), line);
    }

    let raw = RawClinic {
        id: id_f,
        name,
        street,
        city,
        state,
        zip,
        lat: Some(lat),
        lon: Some(lon),
        phone,
        website,
        offers,
        payment,
        insurance_plans: crate::insurance::split_plans(restore(plans)).collect(),
        telehealth,
        languages,
        accepting_new_patients: accepting,
        rems_certified: rems,
        last_verified,
        ..RawClinic::default()
    };
    match fields::validate(&raw, gazetteer, &|f: Field| f.name().to_owned(), &mut problems) {
        Some(clinic) => Ok(clinic),
        None => {
            // Reasons come from two passes (reading, then validating); list them in column order.
            problems.sort_by_key(|reason| {
                let column = reason.split(':').next().unwrap_or_default();
                columns.iter().position(|c| *c == column).unwrap_or(columns.len())
            });
            Err((id, problems))
        }
    }
}

/// The value of a column, or `None` after reporting why it cannot be read.
fn column<T>(problems: &mut Vec<String>, name: &str, result: Result<T, String>) -> Option<T> {
    result.map_err(|m| problems.push(format!("{name}: {m}"))).ok()
}

/// Physical line numbers from byte offsets, counted incrementally so a file is scanned once.
///
/// The csv reader reports a record's start at the `\n` of the CRLF before it, so leading line-break bytes are
/// skipped first; `\r\n`, `\n` and a lone `\r` each end one line, as the reader treats them.
#[derive(Default)]
struct LineCounter {
    counted_to: usize,
    breaks: u64,
}

impl LineCounter {
    /// The 1-based line where the record that the reader says starts at `start` begins, and its first byte.
    fn line_at(&mut self, bytes: &[u8], start: usize) -> (u64, u64) {
        let mut start = start.max(self.counted_to).min(bytes.len());
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let chunk = &bytes[self.counted_to..start];
        let breaks =
            chunk.iter().enumerate().filter(|&(i, &b)| b == b'\n' || (b == b'\r' && chunk.get(i + 1) != Some(&b'\n')));
        self.breaks += breaks.count() as u64;
        self.counted_to = start;
        (self.breaks + 1, start as u64)
    }
}

/// The text of bytes `start..end` without the trailing line terminator.
fn raw_text(bytes: &[u8], start: u64, end: u64) -> String {
    let (start, end) = (usize::try_from(start).unwrap_or(0), usize::try_from(end).unwrap_or(0));
    let slice = bytes.get(start..end.min(bytes.len())).unwrap_or_default();
    String::from_utf8_lossy(slice).trim_end_matches(['\r', '\n']).to_owned()
}

/// The `--skip-invalid` rejects file: the contract header plus a `reason` column, then each rejected record as it
/// appeared in the input with its line number and reasons appended as the last field.
pub fn write_rejects_csv(rejects: &[Reject]) -> String {
    write_rejects_csv_under(&CSV_COLUMNS, rejects)
}

/// The rejects file under the header the input had (see [`crate::import::ImportBatch::rejects_csv`]).
pub(crate) fn write_rejects_csv_under(columns: &[&str], rejects: &[Reject]) -> String {
    let mut out = columns.join(",");
    out.push_str(",reason\n");
    for reject in rejects {
        out.push_str(&reject.raw);
        out.push(',');
        out.push('"');
        out.push_str(&reject.to_string().replace('"', "\"\""));
        out.push_str("\"\n");
    }
    out
}
