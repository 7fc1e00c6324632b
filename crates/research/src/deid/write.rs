//! Writers of export tables as CSV (RFC 4180) and NDJSON text. Pure: they return strings; the caller writes files.

use serde_json::Value;

use super::records::{DateForm, Table};
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

/// Writes `rows` in `format`, with the columns of the date `form` the rows were built in; CSV begins with its header
/// line when `header` is true (NDJSON has none).
pub fn write_table<T: Table>(rows: &[T], format: Format, form: DateForm, header: bool) -> Result<String, ExportError> {
    match format {
        Format::Csv => to_csv_part(rows, form, header),
        Format::Ndjson => to_ndjson(rows),
    }
}

/// CSV with a header line of the table's columns in `form` ([`Table::columns`]), `\n` line ends, quoting only
/// where needed. Absent values are empty cells.
pub fn to_csv<T: Table>(rows: &[T], form: DateForm) -> Result<String, ExportError> {
    to_csv_part(rows, form, true)
}

/// [`to_csv`], with or without the header line (a later page of a streamed export has none).
fn to_csv_part<T: Table>(rows: &[T], form: DateForm, header: bool) -> Result<String, ExportError> {
    let columns = T::columns(form);
    // The csv crate quotes exactly where RFC 4180 needs it (a comma, a quote or a line break in the cell).
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    if header {
        writer.write_record(columns).map_err(serialization)?;
    }
    for row in rows {
        let Value::Object(map) = serde_json::to_value(row).map_err(serialization)? else {
            return Err(serialization(format!("a {} row is not a JSON object", T::FILE_STEM)));
        };
        writer
            .write_record(columns.iter().map(|column| csv_cell(map.get(*column).unwrap_or(&Value::Null))))
            .map_err(serialization)?;
    }
    let bytes = writer.into_inner().map_err(serialization)?;
    String::from_utf8(bytes).map_err(serialization)
}

/// One JSON object per line, keys in the order of the table's columns (the rows' field order, which a test checks
/// against [`Table::columns`]), absent values as `null`.
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
    use crate::deid::records::{
        AdverseEventRow, AssessmentRow, CourseDates, CourseRow, FirstEvent, Occurred, PatientRow, SessionRow,
        SessionTimes, Taken,
    };

    /// The JSON keys of `row` in the order written, which must be the table's columns in `form`.
    fn assert_keys<T: Table>(row: &T, form: DateForm) {
        let json = serde_json::to_string(row).expect("serializable");
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&json) else { panic!("not an object: {json}") };
        let mut keys: Vec<&String> = map.keys().collect();
        keys.sort_by_key(|k| json.find(&format!("\"{k}\":")));
        assert_eq!(keys, T::columns(form), "{} in {form:?}", T::FILE_STEM);
    }

    fn patient(first_event: FirstEvent) -> PatientRow {
        PatientRow {
            patient: "pt-1".into(),
            clinic: "cl-1".into(),
            sex: "female",
            age_at_first_event: None,
            zip3: None,
            state: None,
            first_event,
        }
    }

    fn course(dates: CourseDates) -> CourseRow {
        CourseRow {
            course: "co-1".into(),
            patient: "pt-1".into(),
            modality: "iv_ketamine",
            dates,
            sessions: 0,
            induction_cohort: false,
        }
    }

    fn assessment(taken: Taken) -> AssessmentRow {
        AssessmentRow {
            assessment: "as-1".into(),
            patient: "pt-1".into(),
            course: None,
            instrument: "phq9",
            taken,
            total: 3,
            baseline: true,
        }
    }

    fn session(times: SessionTimes) -> SessionRow {
        SessionRow {
            session: "se-1".into(),
            patient: "pt-1".into(),
            course: None,
            modality: "iv_ketamine",
            dose_mg: None,
            times,
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
        }
    }

    fn event(occurred: Occurred) -> AdverseEventRow {
        AdverseEventRow {
            adverse_event: "ae-1".into(),
            patient: "pt-1".into(),
            session: None,
            occurred,
            kind: "nausea",
            serious: false,
        }
    }

    #[test]
    fn columns_match_serialized_fields_in_order_in_both_forms() {
        let offsets = DateForm::Offsets;
        assert_keys(&patient(FirstEvent::Year { first_event_year: None }), offsets);
        assert_keys(&course(CourseDates::Offsets { day: 0, end_day: None }), offsets);
        assert_keys(&assessment(Taken::Day { day: 3 }), offsets);
        assert_keys(&session(SessionTimes::Offsets { day: 0, last_observation_minute: None }), offsets);
        assert_keys(&event(Occurred::Offsets { day: 0, minute: Some(30) }), offsets);

        let shifted = DateForm::Shifted;
        assert_keys(&patient(FirstEvent::Date { first_event_date: None }), shifted);
        assert_keys(&course(CourseDates::Shifted { start_date: "2026-01-01".into(), end_date: None }), shifted);
        assert_keys(&assessment(Taken::At { taken_at: "x".into() }), shifted);
        assert_keys(&session(SessionTimes::Shifted { started_at: "x".into(), ended_at: None }), shifted);
        assert_keys(&event(Occurred::At { occurred_at: "x".into() }), shifted);
    }

    #[test]
    fn csv_quotes_only_where_needed_and_leaves_absent_cells_empty() {
        let mut row = assessment(Taken::At { taken_at: "2026-01-01T00:00:00Z".into() });
        row.assessment = "as,\"1\"".into();
        row.total = 12;
        row.baseline = false;
        let csv = to_csv(&[row], DateForm::Shifted).expect("serializable");
        assert_eq!(
            csv,
            "assessment,patient,course,instrument,taken_at,total,baseline\n\
             \"as,\"\"1\"\"\",pt-1,,phq9,2026-01-01T00:00:00Z,12,false\n"
        );
        let csv = to_csv(&[assessment(Taken::Day { day: 14 })], DateForm::Offsets).expect("serializable");
        assert_eq!(csv, "assessment,patient,course,instrument,day,total,baseline\nas-1,pt-1,,phq9,14,3,true\n");
        assert_eq!(Format::parse("ndjson"), Ok(Format::Ndjson));
        assert!(Format::parse("xlsx").is_err());
    }
}
