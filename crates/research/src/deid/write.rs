//! Writers of export tables as CSV (RFC 4180) and NDJSON text. Pure: they return strings; the caller writes files.

use serde_json::Value;

use super::records::Table;
use crate::error::ExportError;

/// The file formats of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Csv,
    Ndjson,
}

impl Format {
    /// Parses `csv` or `ndjson`, as the CLI's `--format` and the portal's form give them.
    pub fn parse(text: &str) -> Result<Self, ketapath_clinical::InvalidInput> {
        match text {
            "csv" => Ok(Format::Csv),
            "ndjson" => Ok(Format::Ndjson),
            other => Err(ketapath_clinical::InvalidInput::new(
                "format",
                format!("unknown format {other:?}; known: csv, ndjson"),
            )),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Ndjson => "ndjson",
        }
    }
}

/// Writes `rows` in `format`.
pub fn write_table<T: Table>(rows: &[T], format: Format) -> Result<String, ExportError> {
    match format {
        Format::Csv => to_csv(rows),
        Format::Ndjson => to_ndjson(rows),
    }
}

/// CSV with a header line of [`Table::COLUMNS`], `\n` line ends, quoting only where needed. Absent values are
/// empty cells.
pub fn to_csv<T: Table>(rows: &[T]) -> Result<String, ExportError> {
    // The csv crate quotes exactly where RFC 4180 needs it (a comma, a quote or a line break in the cell).
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    writer.write_record(T::COLUMNS).map_err(serialization)?;
    for row in rows {
        let Value::Object(map) = serde_json::to_value(row).map_err(serialization)? else {
            return Err(serialization(format!("a {} row is not a JSON object", T::FILE_STEM)));
        };
        writer
            .write_record(T::COLUMNS.iter().map(|column| csv_cell(map.get(*column).unwrap_or(&Value::Null))))
            .map_err(serialization)?;
    }
    let bytes = writer.into_inner().map_err(serialization)?;
    String::from_utf8(bytes).map_err(serialization)
}

/// One JSON object per line, keys in [`Table::COLUMNS`] order, absent values as `null`.
pub fn to_ndjson<T: Table>(rows: &[T]) -> Result<String, ExportError> {
    let mut out = String::new();
    for row in rows {
        out.push_str(&serde_json::to_string(row).map_err(serialization)?);
        out.push('\n');
    }
    Ok(out)
}

fn serialization(error: impl std::fmt::Display) -> ExportError {
    ExportError::Invalid(ketapath_clinical::InvalidInput::new("export", format!("cannot serialize: {error}")))
}

/// A cell's text: absent values are empty, strings as they are, numbers and booleans as JSON writes them.
fn csv_cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deid::records::{AdverseEventRow, AssessmentRow, CourseRow, PatientRow, SessionRow};

    fn keys_of<T: Table>(row: &T) -> Vec<String> {
        match serde_json::to_value(row) {
            Ok(Value::Object(map)) => map.keys().cloned().collect(),
            other => panic!("not an object: {other:?}"),
        }
    }

    fn sorted(columns: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = columns.iter().map(|c| (*c).to_owned()).collect();
        v.sort();
        v
    }

    #[test]
    fn columns_match_serialized_fields() {
        let patient = PatientRow {
            patient: "pt-1".into(),
            clinic: "cl-1".into(),
            sex: "female",
            age_at_first_event: None,
            zip3: None,
            state: None,
            first_event_date: None,
        };
        assert_eq!(keys_of(&patient), sorted(PatientRow::COLUMNS));
        let course = CourseRow {
            course: "co-1".into(),
            patient: "pt-1".into(),
            modality: "iv_ketamine",
            start_date: "2026-01-01".into(),
            end_date: None,
            sessions: 0,
            induction_cohort: false,
        };
        assert_eq!(keys_of(&course), sorted(CourseRow::COLUMNS));
        let assessment = AssessmentRow {
            assessment: "as-1".into(),
            patient: "pt-1".into(),
            course: None,
            instrument: "phq9",
            taken_at: "x".into(),
            total: 3,
            baseline: true,
        };
        assert_eq!(keys_of(&assessment), sorted(AssessmentRow::COLUMNS));
        let session = SessionRow {
            session: "se-1".into(),
            patient: "pt-1".into(),
            course: None,
            modality: "iv_ketamine",
            dose_mg: None,
            started_at: "x".into(),
            ended_at: None,
            minutes_monitored: None,
            observations: 0,
            max_systolic: None,
            max_diastolic: None,
            max_heart_rate: None,
            min_spo2: None,
            max_cadss: None,
            min_moaas: None,
            bp_gate_checked: false,
            bp_gate_blocked: false,
            bp_gate_overridden: false,
        };
        assert_eq!(keys_of(&session), sorted(SessionRow::COLUMNS));
        let event = AdverseEventRow {
            adverse_event: "ae-1".into(),
            patient: "pt-1".into(),
            session: None,
            occurred_at: "x".into(),
            kind: "nausea",
            serious: false,
        };
        assert_eq!(keys_of(&event), sorted(AdverseEventRow::COLUMNS));
    }

    #[test]
    fn csv_quotes_only_where_needed_and_leaves_absent_cells_empty() {
        let row = AssessmentRow {
            assessment: "as,\"1\"".into(),
            patient: "pt-1".into(),
            course: None,
            instrument: "phq9",
            taken_at: "2026-01-01T00:00:00Z".into(),
            total: 12,
            baseline: false,
        };
        let csv = to_csv(&[row]).expect("serializable");
        assert_eq!(
            csv,
            "assessment,patient,course,instrument,taken_at,total,baseline\n\
             \"as,\"\"1\"\"\",pt-1,,phq9,2026-01-01T00:00:00Z,12,false\n"
        );
        assert_eq!(Format::parse("ndjson"), Ok(Format::Ndjson));
        assert!(Format::parse("xlsx").is_err());
    }
}
