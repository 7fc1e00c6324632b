//! What the registry reads of a patient: no identifier but the clinic's, no free text, and each course named by
//! its position in the patient's course list instead of its id.
//!
//! The registry counts every consenting patient of every clinic: at a million patients and ten million
//! assessments, building a full [`ResearchPatient`] (a 36-character id copied into every assessment and session,
//! names, notes) cost more than reading the rows. The store builds these records straight from its rows for the
//! statistics; a full record is turned into one by [`StatsPatient::from_record`], so that the registry has one
//! computation whatever it is handed (see [`RegistryPatient`]).

use std::borrow::Cow;

use ketapath_clinical::instruments::Instrument;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use crate::consent::Consent;
use crate::model::{AdverseEventKind, Modality, ResearchPatient};

/// One patient as the registry reads them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatsPatient {
    /// The directory id of the clinic that treats the patient: the per-clinic outcome lines select by it.
    pub clinic_id: String,
    pub consent: Consent,
    pub courses: Vec<StatsCourse>,
    pub assessments: Vec<StatsAssessment>,
    pub sessions: Vec<StatsSession>,
    /// The type of each adverse event recorded for the patient.
    pub adverse_events: Vec<AdverseEventKind>,
}

/// A course: its modality and start date.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StatsCourse {
    pub modality: Modality,
    pub started_on: Date,
}

/// A scored assessment, with the position of its course in the patient's `courses` (`None` outside any course).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StatsAssessment {
    pub course: Option<u32>,
    pub instrument: Instrument,
    pub taken_at: OffsetDateTime,
    pub total: u16,
    /// Marked by the clinic as the course's baseline.
    pub baseline: bool,
}

/// A treatment session, with the position of its course (`None` outside any course) and its blood-pressure gate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct StatsSession {
    pub course: Option<u32>,
    pub started_at: OffsetDateTime,
    pub bp_gate_checked: bool,
    pub bp_gate_blocked: bool,
    pub bp_gate_overridden: bool,
}

impl StatsPatient {
    /// What the registry reads of a full research record. An assessment or session whose course id names none of
    /// the patient's courses is outside any course, as the registry has always read it.
    pub fn from_record(patient: &ResearchPatient) -> Self {
        let course_of = |id: Option<&str>| {
            let id = id?;
            let position = patient.courses.iter().position(|c| c.course_id == id)?;
            u32::try_from(position).ok()
        };
        Self {
            clinic_id: patient.clinic_id.clone(),
            consent: patient.consent,
            courses: patient
                .courses
                .iter()
                .map(|c| StatsCourse { modality: c.modality, started_on: c.started_on })
                .collect(),
            assessments: patient
                .assessments
                .iter()
                .map(|a| StatsAssessment {
                    course: course_of(a.course_id.as_deref()),
                    instrument: a.instrument,
                    taken_at: a.taken_at,
                    total: a.total,
                    baseline: a.baseline,
                })
                .collect(),
            sessions: patient
                .sessions
                .iter()
                .map(|s| StatsSession {
                    course: course_of(s.course_id.as_deref()),
                    started_at: s.started_at,
                    bp_gate_checked: s.bp_gate_checked,
                    bp_gate_blocked: s.bp_gate_blocked,
                    bp_gate_overridden: s.bp_gate_overridden,
                })
                .collect(),
            adverse_events: patient.adverse_events.iter().map(|e| e.kind).collect(),
        }
    }
}

/// A patient the registry can count: a full research record, read as [`StatsPatient::from_record`] reads it, or
/// the statistics read's own record, read as it is.
pub trait RegistryPatient {
    fn statistics(&self) -> Cow<'_, StatsPatient>;
}

impl RegistryPatient for StatsPatient {
    fn statistics(&self) -> Cow<'_, StatsPatient> {
        Cow::Borrowed(self)
    }
}

impl RegistryPatient for ResearchPatient {
    fn statistics(&self) -> Cow<'_, StatsPatient> {
        Cow::Owned(StatsPatient::from_record(self))
    }
}
