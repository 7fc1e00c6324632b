//! The rows of the research read: only the columns the research model takes, with record ids decoded as 16-byte
//! UUIDs instead of text. A page of the read holds tens of thousands of rows; the full domain rows (every column,
//! every id a `String`, each observation's JSON parsed) cost an allocation per column and most of the read's time
//! (profile of `registry_bench` at 100,000 patients: allocation, string comparison and hashing of text ids took
//! about three quarters of it, SQLite a quarter).
//!
//! Text columns a statistics read does not select (notes, descriptions) are `Option`s, which serde leaves `None`
//! when their column is absent, so one row type serves both depths of the read.

use ketapath_clinical::instruments::Instrument;
use uuid::Uuid;

/// `courses`, for the research model's course.
pub(crate) const COURSE_COLUMNS: &str = "id, patient_id, treatment, started_on, ended_on, created_at";
/// Course columns only the full read takes.
pub(crate) const COURSE_TEXT_COLUMNS: &str = "end_reason, notes";

#[derive(Debug, serde::Deserialize)]
pub(crate) struct CourseRow {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub treatment: String,
    pub started_on: Option<String>,
    pub ended_on: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub end_reason: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// `sessions`, for the research model's session.
pub(crate) const SESSION_COLUMNS: &str = "id, patient_id, course_id, started_at, ended_at, discharged_at";
/// Session columns only the full read takes.
pub(crate) const SESSION_TEXT_COLUMNS: &str = "notes, discharge_override_reason";

#[derive(Debug, serde::Deserialize)]
pub(crate) struct SessionRow {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub course_id: Uuid,
    pub started_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub discharged_at: Option<i64>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub discharge_override_reason: Option<String>,
}

/// `dose_records`: what a session's dose and its first dose time are summed and taken from.
pub(crate) const DOSE_COLUMNS: &str = "id, session_id, given_at, dose_mg";

#[derive(Debug, serde::Deserialize)]
pub(crate) struct DoseRow {
    pub id: Uuid,
    pub session_id: Uuid,
    pub given_at: i64,
    pub dose_mg: f64,
}

/// `observations`, with the measurement as stored (JSON tagged by kind).
pub(crate) const OBSERVATION_COLUMNS: &str = "id, session_id, observed_at, kind, data";

#[derive(Debug, serde::Deserialize)]
pub(crate) struct ObservationRow {
    pub id: Uuid,
    pub session_id: Uuid,
    pub observed_at: i64,
    pub kind: String,
    pub data: String,
}

/// `adverse_events`, for the research model's event.
pub(crate) const ADVERSE_EVENT_COLUMNS: &str = "id, patient_id, session_id, occurred_at, kind, severity";
/// Adverse event columns only the full read takes.
pub(crate) const ADVERSE_EVENT_TEXT_COLUMNS: &str = "description, action_taken";

#[derive(Debug, serde::Deserialize)]
pub(crate) struct AdverseEventRow {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub session_id: Option<Uuid>,
    pub occurred_at: i64,
    pub kind: String,
    pub severity: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub action_taken: Option<String>,
}

/// `assessments`: the score, not the items.
pub(crate) const ASSESSMENT_COLUMNS: &str = "id, patient_id, course_id, instrument, total, administered_at, context";

#[derive(Debug, serde::Deserialize)]
pub(crate) struct AssessmentRow {
    pub id: Uuid,
    pub patient_id: Uuid,
    pub course_id: Option<Uuid>,
    #[serde(deserialize_with = "instrument_code")]
    pub instrument: Instrument,
    pub total: i64,
    pub administered_at: i64,
    /// `baseline`, `pre_session`, … (schema version 3); older rows have none.
    pub context: Option<String>,
}

/// An instrument's code read without copying it into a `String`: a read at a million patients decodes ten million.
fn instrument_code<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Instrument, D::Error> {
    struct Code;
    impl serde::de::Visitor<'_> for Code {
        type Value = Instrument;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an instrument code")
        }

        fn visit_str<E: serde::de::Error>(self, code: &str) -> Result<Instrument, E> {
            Instrument::parse(code).map_err(E::custom)
        }
    }
    deserializer.deserialize_str(Code)
}
