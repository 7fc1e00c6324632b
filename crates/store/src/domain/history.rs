//! A past course of treatment written as one record: the fictional year of treated patients that `serve --demo`
//! gives its demo clinics ([`crate::ClinicScope::record_past_treatment`]).

use ketapath_clinical::instruments::Items;
use time::{Date, OffsetDateTime};

use super::assessment::AssessmentContext;
use super::patient::NewPatient;
use super::treatment::{AeSeverity, Measurement};

/// One patient and one course of treatment that already happened, with its sessions and scores.
#[derive(Debug, Clone)]
pub struct PastTreatment {
    pub patient: NewPatient,
    /// The date the patient gave research consent, recorded in the consent history; `None`: never asked.
    pub consent_on: Option<Date>,
    /// The course's treatment code (a modality code).
    pub treatment: String,
    pub planned_sessions: Option<i64>,
    pub started_on: Date,
    /// Set when the course is over (completed); an open course stays active.
    pub ended_on: Option<Date>,
    pub sessions: Vec<PastSession>,
    pub assessments: Vec<PastAssessment>,
}

/// One supervised session of a past course.
#[derive(Debug, Clone)]
pub struct PastSession {
    pub started_at: OffsetDateTime,
    /// Measures in time order: the pre-dose blood pressure first.
    pub observations: Vec<(OffsetDateTime, Measurement)>,
    /// `None` when the pre-dose gate refused the dose and no one overrode it: the session was stopped.
    pub dose: Option<PastDose>,
    /// A prescriber's reason for dosing above the blood-pressure gate, with the rules overridden (`id@version`).
    pub gate_override: Option<(String, Vec<String>)>,
    pub ended_at: OffsetDateTime,
    pub adverse_events: Vec<PastAdverseEvent>,
}

/// The dose of a past session.
#[derive(Debug, Clone)]
pub struct PastDose {
    pub at: OffsetDateTime,
    pub drug: String,
    pub dose_mg: f64,
    pub route: String,
    pub lot_number: Option<String>,
}

/// An adverse event of a past session.
#[derive(Debug, Clone)]
pub struct PastAdverseEvent {
    pub at: OffsetDateTime,
    pub kind: String,
    pub severity: AeSeverity,
    pub description: Option<String>,
}

/// A rating of a past course, scored by the clinical rules when it is written.
#[derive(Debug, Clone)]
pub struct PastAssessment {
    pub items: Items,
    pub at: OffsetDateTime,
    pub context: AssessmentContext,
    /// The index in [`PastTreatment::sessions`] of the session it was taken at, if any.
    pub session: Option<usize>,
}
