//! The rows of the research export, one type per file, in the export's two date forms.
//!
//! Free text is dropped by construction: none of these types has a field that could hold a note, a name, an
//! address, a phone number, an e-mail, an MRN or a birth date. Ids are keyed pseudonyms, ages are grouped, ZIP codes
//! cut to three digits. Each row's date part is an enum of the two [`DateForm`]s: by default no calendar date at
//! all (whole days since the patient's first event, minutes since the session's start, and the year of the first
//! event), or, on request, dates shifted per patient and written in UTC (`YYYY-MM-DD`, RFC 3339).
//! `docs/research-export.md` describes every column; the column lists here give the CSV order and a test checks
//! them against the serialized field names.

use serde::Serialize;

/// How the export writes a patient's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DateForm {
    /// The default, meant to meet Safe Harbor's date rule: no calendar date, only offsets from the patient's first
    /// event (days; minutes within a session) and the year of the first event.
    #[default]
    Offsets,
    /// Dates shifted per patient (`--shifted-dates`): calendar dates that are not the real ones. Needs an Expert
    /// Determination before the data leave the clinic.
    Shifted,
}

/// A row type of the export: its file stem and its columns in CSV order (which are also its JSON keys) in each
/// date form.
pub trait Table: Serialize {
    const FILE_STEM: &'static str;
    /// The columns of the default form ([`DateForm::Offsets`]).
    const COLUMNS: &'static [&'static str];
    /// The columns of the shifted-date form ([`DateForm::Shifted`]).
    const SHIFTED_COLUMNS: &'static [&'static str];

    /// The columns of `form`.
    fn columns(form: DateForm) -> &'static [&'static str] {
        match form {
            DateForm::Offsets => Self::COLUMNS,
            DateForm::Shifted => Self::SHIFTED_COLUMNS,
        }
    }
}

/// `patients`: one row per consenting patient.
/// Declares a row type's [`Table`]: its file stem and its columns, each written once: `$before`, then the date
/// columns of the default form (`$offsets`) or of the shifted form (`$shifted`), then `$after`.
macro_rules! table {
    ($row:ty, $stem:literal, [$($before:literal),*], [$($offsets:literal),*] or [$($shifted:literal),*], [$($after:literal),*]) => {
        impl Table for $row {
            const FILE_STEM: &'static str = $stem;
            const COLUMNS: &'static [&'static str] = &[$($before,)* $($offsets,)* $($after),*];
            const SHIFTED_COLUMNS: &'static [&'static str] = &[$($before,)* $($shifted,)* $($after),*];
        }
    };
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientRow {
    pub patient: String,
    pub clinic: String,
    pub sex: &'static str,
    /// Whole years at the first recorded event, from real dates; `90+` from 90 on.
    pub age_at_first_event: Option<String>,
    pub zip3: Option<String>,
    pub state: Option<String>,
    #[serde(flatten)]
    pub first_event: FirstEvent,
}

/// When the patient's first recorded event (course start, session, assessment or adverse event) was.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FirstEvent {
    /// Its real year only (`YYYY`).
    Year { first_event_year: Option<i32> },
    /// Its shifted date.
    Date { first_event_date: Option<String> },
}

table!(
    PatientRow,
    "patients",
    ["patient", "clinic", "sex", "age_at_first_event", "zip3", "state"],
    ["first_event_year"] or ["first_event_date"],
    []
);

/// `courses`: one row per treatment course.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CourseRow {
    pub course: String,
    pub patient: String,
    pub modality: &'static str,
    #[serde(flatten)]
    pub dates: CourseDates,
    /// Sessions recorded for the course.
    pub sessions: u32,
    /// Whether the course meets the induction cohort definition ([`crate::cohort::INDUCTION_COHORT`]).
    pub induction_cohort: bool,
}

/// A course's first and last day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CourseDates {
    /// Days since the patient's first event; `end_day` is absent while the course is open.
    Offsets {
        day: i64,
        end_day: Option<i64>,
    },
    Shifted {
        start_date: String,
        end_date: Option<String>,
    },
}

table!(
    CourseRow,
    "courses",
    ["course", "patient", "modality"],
    ["day", "end_day"] or ["start_date", "end_date"],
    ["sessions", "induction_cohort"]
);

/// `assessments`: one row per scored instrument administration.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AssessmentRow {
    pub assessment: String,
    pub patient: String,
    pub course: Option<String>,
    pub instrument: &'static str,
    #[serde(flatten)]
    pub taken: Taken,
    pub total: u16,
    pub baseline: bool,
}

/// When an assessment was completed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Taken {
    /// Days since the patient's first event.
    Day { day: i64 },
    /// The shifted instant, RFC 3339 in UTC.
    At { taken_at: String },
}

table!(
    AssessmentRow,
    "assessments",
    ["assessment", "patient", "course", "instrument"],
    ["day"] or ["taken_at"],
    ["total", "baseline"]
);

/// `sessions`: one row per supervised session, with a summary of its observations.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionRow {
    pub session: String,
    pub patient: String,
    pub course: Option<String>,
    pub modality: &'static str,
    pub dose_mg: Option<f64>,
    #[serde(flatten)]
    pub times: SessionTimes,
    /// Whole minutes from start to discharge: the discharge minute.
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

/// When a session started and ended.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum SessionTimes {
    /// The day since the patient's first event, and the minute of the last observation since the session's start
    /// (the discharge minute is `minutes_monitored`).
    Offsets { day: i64, last_observation_minute: Option<i64> },
    /// Shifted instants, RFC 3339 in UTC.
    Shifted { started_at: String, ended_at: Option<String> },
}

table!(
    SessionRow,
    "sessions",
    ["session", "patient", "course", "modality", "dose_mg"],
    ["day", "last_observation_minute"] or ["started_at", "ended_at"],
    [
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
        "bp_gate_overridden"
    ]
);

/// `adverse_events`: one row per adverse event, type code only.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdverseEventRow {
    pub adverse_event: String,
    pub patient: String,
    pub session: Option<String>,
    #[serde(flatten)]
    pub occurred: Occurred,
    pub kind: &'static str,
    pub serious: bool,
}

/// When an adverse event occurred.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Occurred {
    /// The day since the patient's first event, and the minute since the start of the event's session (absent
    /// when the event is not tied to a session of the export).
    Offsets { day: i64, minute: Option<i64> },
    /// The shifted instant, RFC 3339 in UTC.
    At { occurred_at: String },
}

table!(
    AdverseEventRow,
    "adverse_events",
    ["adverse_event", "patient", "session"],
    ["day", "minute"] or ["occurred_at"],
    ["kind", "serious"]
);
