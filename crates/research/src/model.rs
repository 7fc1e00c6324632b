//! The input of the research core: one consenting patient's records as the store reads them, identifiers included.
//!
//! These are plain data on purpose: the store builds them from its rows, and the de-identification
//! ([`crate::deid`]) and the statistics ([`crate::stats`]) read them. Every kind of identifier the clinic holds
//! (names, address, phone, e-mail, MRN, birth date, free-text notes) is a field here, so that the export tests can
//! prove that none of them leaves. The output types in [`crate::deid::records`] have no such fields at all.

use ketapath_clinical::InvalidInput;
use ketapath_clinical::instruments::Instrument;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::consent::Consent;

/// Administrative sex as recorded by the clinic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Other,
    Unknown,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Other => "other",
            Sex::Unknown => "unknown",
        }
    }
}

/// How ketamine or esketamine is given: the clinical crate's modality, so the export and the portal share one code list.
pub use ketapath_clinical::protocols::Modality;

/// The type of an adverse event, as a closed list of codes.
///
/// A closed list rather than a string so that no free text can travel in the "type" column of the export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdverseEventKind {
    Hypertension,
    Hypotension,
    Tachycardia,
    Bradycardia,
    Hypoxia,
    RespiratoryDepression,
    Sedation,
    Dissociation,
    Nausea,
    Vomiting,
    Dizziness,
    Headache,
    Anxiety,
    SuicidalIdeation,
    UrinarySymptoms,
    Other,
}

impl AdverseEventKind {
    pub const ALL: [AdverseEventKind; 16] = [
        AdverseEventKind::Hypertension,
        AdverseEventKind::Hypotension,
        AdverseEventKind::Tachycardia,
        AdverseEventKind::Bradycardia,
        AdverseEventKind::Hypoxia,
        AdverseEventKind::RespiratoryDepression,
        AdverseEventKind::Sedation,
        AdverseEventKind::Dissociation,
        AdverseEventKind::Nausea,
        AdverseEventKind::Vomiting,
        AdverseEventKind::Dizziness,
        AdverseEventKind::Headache,
        AdverseEventKind::Anxiety,
        AdverseEventKind::SuicidalIdeation,
        AdverseEventKind::UrinarySymptoms,
        AdverseEventKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AdverseEventKind::Hypertension => "hypertension",
            AdverseEventKind::Hypotension => "hypotension",
            AdverseEventKind::Tachycardia => "tachycardia",
            AdverseEventKind::Bradycardia => "bradycardia",
            AdverseEventKind::Hypoxia => "hypoxia",
            AdverseEventKind::RespiratoryDepression => "respiratory_depression",
            AdverseEventKind::Sedation => "sedation",
            AdverseEventKind::Dissociation => "dissociation",
            AdverseEventKind::Nausea => "nausea",
            AdverseEventKind::Vomiting => "vomiting",
            AdverseEventKind::Dizziness => "dizziness",
            AdverseEventKind::Headache => "headache",
            AdverseEventKind::Anxiety => "anxiety",
            AdverseEventKind::SuicidalIdeation => "suicidal_ideation",
            AdverseEventKind::UrinarySymptoms => "urinary_symptoms",
            AdverseEventKind::Other => "other",
        }
    }

    /// Parses an adverse-event type code; the error lists the known codes.
    pub fn parse(code: &str) -> Result<Self, InvalidInput> {
        InvalidInput::from_code(&AdverseEventKind::ALL, AdverseEventKind::code, code, "kind", "adverse event type")
    }
}

impl std::fmt::Display for AdverseEventKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// A treatment course (an induction, a maintenance phase) of one modality.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Course {
    /// The store's id of the course.
    pub course_id: String,
    pub modality: Modality,
    pub started_on: Date,
    pub ended_on: Option<Date>,
    /// Free text: never exported.
    pub notes: Option<String>,
}

/// One administration of a rating instrument, already scored.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub assessment_id: String,
    /// The course the assessment belongs to; assessments outside any course are exported but not used by the
    /// registry's outcome cells, which are defined per course.
    pub course_id: Option<String>,
    pub instrument: Instrument,
    pub taken_at: OffsetDateTime,
    pub total: u16,
    /// Marked by the clinic as the course's baseline.
    pub baseline: bool,
    /// Free text: never exported.
    pub notes: Option<String>,
}

/// One timed observation during a session. Every measure is optional because monitors record different things at
/// different times.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Observation {
    pub at: OffsetDateTime,
    pub systolic: Option<u16>,
    pub diastolic: Option<u16>,
    pub heart_rate: Option<u16>,
    pub spo2: Option<u8>,
    pub cadss: Option<u16>,
    pub moaas: Option<u8>,
}

/// One supervised treatment session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Session {
    pub session_id: String,
    pub course_id: Option<String>,
    pub modality: Modality,
    pub dose_mg: Option<f64>,
    pub started_at: OffsetDateTime,
    /// Discharge time; `None` while the session is open.
    pub ended_at: Option<OffsetDateTime>,
    pub observations: Vec<Observation>,
    /// Whether the pre-dose blood-pressure gate was evaluated in this session.
    pub bp_gate_checked: bool,
    /// Whether the blood-pressure gate blocked dosing.
    pub bp_gate_blocked: bool,
    /// Whether a prescriber overrode the block (with a reason, which is free text and never exported).
    pub bp_gate_overridden: bool,
    /// Free text: never exported.
    pub notes: Option<String>,
}

/// An adverse event recorded for the patient, usually during a session.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AdverseEvent {
    pub event_id: String,
    pub session_id: Option<String>,
    pub occurred_at: OffsetDateTime,
    pub kind: AdverseEventKind,
    pub serious: bool,
    /// Free text: never exported.
    pub description: Option<String>,
}

/// One patient's records as the store hands them to the research core, with every identifier the clinic holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResearchPatient {
    /// The store's id of the patient (a UUID in practice).
    pub patient_id: String,
    /// The directory id of the clinic that treats the patient.
    pub clinic_id: String,
    pub mrn: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub street: Option<String>,
    pub city: Option<String>,
    /// Two-letter state code; Safe Harbor allows the state.
    pub state: Option<String>,
    pub zip: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub birth_date: Date,
    pub sex: Sex,
    pub consent: Consent,
    /// Free-text notes about the patient: never exported.
    pub notes: Vec<String>,
    pub courses: Vec<Course>,
    pub assessments: Vec<Assessment>,
    pub sessions: Vec<Session>,
    pub adverse_events: Vec<AdverseEvent>,
}
