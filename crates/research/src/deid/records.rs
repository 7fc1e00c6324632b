//! The rows of the research export, one type per file.
//!
//! Free text is dropped by construction: none of these types has a field that could hold a note, a name, an
//! address, a phone number, an e-mail, an MRN or a birth date. Ids are keyed pseudonyms, dates and times are
//! shifted per patient and written in UTC (`YYYY-MM-DD`, RFC 3339), ages are grouped, ZIP codes cut to three
//! digits. `docs/research-export.md` describes every column; the `COLUMNS` lists here give the CSV order and a
//! test checks them against the serialized field names.

use serde::Serialize;

/// A row type of the export: its file stem and its columns in CSV order (which are also its JSON keys).
pub trait Table: Serialize {
    const FILE_STEM: &'static str;
    const COLUMNS: &'static [&'static str];
}

/// `patients`: one row per consenting patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientRow {
    pub patient: String,
    pub clinic: String,
    pub sex: &'static str,
    /// Whole years at the first recorded event, from real dates; `90+` from 90 on.
    pub age_at_first_event: Option<String>,
    pub zip3: Option<String>,
    pub state: Option<String>,
    /// Shifted date of the first recorded event (course start, session, assessment or adverse event).
    pub first_event_date: Option<String>,
}

impl Table for PatientRow {
    const FILE_STEM: &'static str = "patients";
    const COLUMNS: &'static [&'static str] =
        &["patient", "clinic", "sex", "age_at_first_event", "zip3", "state", "first_event_date"];
}

/// `courses`: one row per treatment course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseRow {
    pub course: String,
    pub patient: String,
    pub modality: &'static str,
    pub start_date: String,
    pub end_date: Option<String>,
    /// Sessions recorded for the course.
    pub sessions: u32,
    /// Whether the course meets the induction cohort definition ([`crate::cohort::INDUCTION_COHORT`]).
    pub induction_cohort: bool,
}

impl Table for CourseRow {
    const FILE_STEM: &'static str = "courses";
    const COLUMNS: &'static [&'static str] =
        &["course", "patient", "modality", "start_date", "end_date", "sessions", "induction_cohort"];
}

/// `assessments`: one row per scored instrument administration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentRow {
    pub assessment: String,
    pub patient: String,
    pub course: Option<String>,
    pub instrument: &'static str,
    pub taken_at: String,
    pub total: u16,
    pub baseline: bool,
}

impl Table for AssessmentRow {
    const FILE_STEM: &'static str = "assessments";
    const COLUMNS: &'static [&'static str] =
        &["assessment", "patient", "course", "instrument", "taken_at", "total", "baseline"];
}

/// `sessions`: one row per supervised session, with a summary of its observations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRow {
    pub session: String,
    pub patient: String,
    pub course: Option<String>,
    pub modality: &'static str,
    pub dose_mg: Option<f64>,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// Whole minutes from start to discharge.
    pub minutes_monitored: Option<i64>,
    pub observations: u32,
    pub max_systolic: Option<u16>,
    pub max_diastolic: Option<u16>,
    pub max_heart_rate: Option<u16>,
    pub min_spo2: Option<u8>,
    pub max_cadss: Option<u16>,
    pub min_moaas: Option<u8>,
    pub bp_gate_checked: bool,
    pub bp_gate_blocked: bool,
    pub bp_gate_overridden: bool,
}

impl Table for SessionRow {
    const FILE_STEM: &'static str = "sessions";
    const COLUMNS: &'static [&'static str] = &[
        "session",
        "patient",
        "course",
        "modality",
        "dose_mg",
        "started_at",
        "ended_at",
        "minutes_monitored",
        "observations",
        "max_systolic",
        "max_diastolic",
        "max_heart_rate",
        "min_spo2",
        "max_cadss",
        "min_moaas",
        "bp_gate_checked",
        "bp_gate_blocked",
        "bp_gate_overridden",
    ];
}

/// `adverse_events`: one row per adverse event, type code only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdverseEventRow {
    pub adverse_event: String,
    pub patient: String,
    pub session: Option<String>,
    pub occurred_at: String,
    pub kind: &'static str,
    pub serious: bool,
}

impl Table for AdverseEventRow {
    const FILE_STEM: &'static str = "adverse_events";
    const COLUMNS: &'static [&'static str] = &["adverse_event", "patient", "session", "occurred_at", "kind", "serious"];
}
