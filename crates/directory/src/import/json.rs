//! JSON import of clinic records: an array of objects with the CSV's 17 fields as typed JSON values, plus the
//! optional extended fields `insurance_plans`, `verified_by`, `hours`, `accessibility`, `description` and `demo`.
//!
//! The shape is a search result entry without `distance_km` (DESIGN.md, "Clinic search"). `lat`/`lon` are
//! numbers or null (null: the ZIP centroid), lists are arrays of codes, booleans are JSON booleans, and
//! `last_verified` is `"YYYY-MM-DD"` or null. Optional fields may be missing or null; unknown fields are faults,
//! so that a misspelt field is never silently dropped. Faults name the array index and field (`[3].lat`).

use serde_json::{Map, Value};
use thiserror::Error;

use super::fields::{self, Coord, Field, RawClinic};
use super::{CSV_COLUMNS, EntryBatch, EntryReject, FirstSeen};
use crate::geo::Gazetteer;
use crate::model::OpeningHours;

/// The fields a JSON record may carry beyond the contract's CSV columns.
const EXTENDED_FIELDS: [&str; 6] = ["insurance_plans", "verified_by", "hours", "accessibility", "description", "demo"];

/// Every field a JSON record may carry: the CSV columns, in order, then the extended fields.
fn json_fields() -> impl Iterator<Item = &'static str> {
    CSV_COLUMNS.iter().chain(EXTENDED_FIELDS.iter()).copied()
}

/// A document that is not a JSON array at all; faults inside records are rejects instead.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JsonDocumentError {
    #[error("not valid JSON: {0}")]
    Syntax(String),
    #[error("the document must be a JSON array of clinic records, found {0}")]
    NotAnArray(&'static str),
}

/// Parses a JSON array of clinic records.
pub fn parse_json(bytes: &[u8], gazetteer: &Gazetteer) -> Result<EntryBatch, JsonDocumentError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| JsonDocumentError::Syntax(e.to_string()))?;
    let Value::Array(records) = value else { return Err(JsonDocumentError::NotAnArray(kind(&value))) };
    let mut batch = EntryBatch::default();
    let mut first_index_of: FirstSeen<usize> = FirstSeen::default();
    for (index, record) in records.iter().enumerate() {
        let mut problems = Vec::new();
        let id = record.get("id").and_then(Value::as_str).map(str::to_owned);
        if let Some(first) = id.as_deref().and_then(|id| first_index_of.get(id)) {
            problems.push(format!("[{index}].id: duplicate id {:?}, first at [{first}]", id.as_deref().unwrap_or("")));
        } else if let Some(id) = &id {
            first_index_of.insert(id.as_str().into(), index);
        }
        match parse_record(record, index, gazetteer, &mut problems) {
            Some(clinic) => batch.clinics.push((index, clinic)),
            None => batch.rejects.push(EntryReject { index, id, reasons: problems }),
        }
    }
    Ok(batch)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Reads one record; `problems` may already hold a fault (a duplicate id), which prevents the clinic.
fn parse_record(
    record: &Value,
    index: usize,
    gazetteer: &Gazetteer,
    problems: &mut Vec<String>,
) -> Option<crate::model::Clinic> {
    let Value::Object(map) = record else {
        problems.push(format!("[{index}]: expected an object, found {}", kind(record)));
        return None;
    };
    let mut r = Reader { map, index, problems };
    for key in map.keys().filter(|k| !json_fields().any(|f| f == k.as_str())) {
        r.fault(key, format!("unknown field; known: {}", json_fields().collect::<Vec<_>>().join(", ")));
    }
    let raw = RawClinic {
        id: r.text("id"),
        name: r.text("name"),
        street: r.text("street"),
        city: r.text("city"),
        state: r.text("state"),
        zip: r.text("zip"),
        lat: Some(r.coord("lat")),
        lon: Some(r.coord("lon")),
        phone: r.text("phone"),
        website: r.text("website"),
        offers: r.codes("offers", |codes| fields::parse_offers(codes.into_iter())),
        payment: r.codes("payment", |codes| fields::parse_payments(codes.into_iter())),
        insurance_plans: r.codes("insurance_plans", Ok),
        telehealth: r.boolean("telehealth", None),
        languages: r.codes("languages", |codes| fields::parse_languages(codes.into_iter())),
        accepting_new_patients: r.boolean("accepting_new_patients", None),
        rems_certified: r.boolean("rems_certified", None),
        last_verified: {
            let text = r.text("last_verified");
            fields::parse_date(text).map_err(|m| r.fault("last_verified", m)).ok().flatten()
        },
        verified_by: r.text("verified_by"),
        hours: r.hours(),
        accessibility: r.codes("accessibility", |codes| Ok(codes.into_iter().map(str::to_owned).collect())),
        description: r.text("description"),
        demo: r.boolean("demo", Some(false)),
    };
    let path = |f: Field| format!("[{index}].{}", f.name());
    let clinic = fields::validate(&raw, gazetteer, &path, r.problems);
    // Reasons come from two passes (reading, then validating); list them in field order.
    let prefix_len = format!("[{index}].").len();
    r.problems.sort_by_key(|reason| {
        let field = reason.get(prefix_len..).unwrap_or_default();
        let field = field.split([':', '[']).next().unwrap_or_default();
        json_fields().position(|f| f == field).unwrap_or(usize::MAX)
    });
    clinic
}

/// Reads typed fields from one record's object, reporting type faults by path.
struct Reader<'a, 'p> {
    map: &'a Map<String, Value>,
    index: usize,
    problems: &'p mut Vec<String>,
}

impl<'a> Reader<'a, '_> {
    fn fault(&mut self, key: &str, message: impl std::fmt::Display) {
        self.problems.push(format!("[{}].{key}: {message}", self.index));
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A string field; missing or null reads as empty, which the validator rejects where a value is required.
    fn text(&mut self, key: &str) -> &'a str {
        match self.get(key) {
            None => "",
            Some(Value::String(s)) => s,
            Some(other) => {
                self.fault(key, format!("expected a string, found {}", kind(other)));
                ""
            }
        }
    }

    fn coord(&mut self, key: &str) -> Coord {
        match self.get(key) {
            None => Coord::Absent,
            Some(Value::Number(n)) => n.as_f64().map_or(Coord::Invalid, Coord::Given),
            Some(other) => {
                self.fault(key, format!("expected a number or null, found {}", kind(other)));
                Coord::Invalid
            }
        }
    }

    /// A boolean field; `default` is used when it is missing or null, and without one it is required.
    fn boolean(&mut self, key: &str, default: Option<bool>) -> bool {
        match (self.get(key), default) {
            (Some(Value::Bool(b)), _) => *b,
            (None, Some(default)) => default,
            (None, None) => {
                self.fault(key, "is required: true or false");
                false
            }
            (Some(other), _) => {
                self.fault(key, format!("expected true or false, found {}", kind(other)));
                false
            }
        }
    }

    /// A list of codes (missing or null: empty), converted by `parse`.
    fn codes<T: Default>(&mut self, key: &str, parse: impl FnOnce(Vec<&'a str>) -> Result<T, String>) -> T {
        let items = match self.get(key) {
            None => Vec::new(),
            Some(Value::Array(items)) => {
                let mut codes = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::String(code) => codes.push(code.as_str()),
                        other => {
                            self.fault(&format!("{key}[{i}]"), format!("expected a string, found {}", kind(other)))
                        }
                    }
                }
                codes
            }
            Some(other) => {
                self.fault(key, format!("expected an array of strings, found {}", kind(other)));
                return T::default();
            }
        };
        parse(items).map_err(|m| self.fault(key, m)).unwrap_or_default()
    }

    fn hours(&mut self) -> Vec<OpeningHours> {
        match self.get("hours") {
            None => Vec::new(),
            Some(value) => serde_json::from_value::<Vec<OpeningHours>>(value.clone())
                .map_err(|e| {
                    self.fault(
                        "hours",
                        format!("{e}; expected [{{\"days\": [\"mon\"], \"opens\": \"09:00\", \"closes\": \"17:00\"}}]"),
                    )
                })
                .unwrap_or_default(),
        }
    }
}
