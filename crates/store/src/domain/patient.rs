//! Patients of a clinic and the clinic's patient list with latest scores.

use ketapath_clinical::instruments::Instrument;
use ketapath_directory::ClinicId;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use super::id_type;

id_type!(
    /// A patient's id.
    PatientId
);

/// A patient of one clinic.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Patient {
    pub id: PatientId,
    pub clinic_id: ClinicId,
    /// The clinic's own medical record number, unique within the clinic.
    pub mrn: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Date,
    pub sex: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    /// Consent to de-identified use in research exports.
    pub research_consent: bool,
    /// The patient's enrolment id in the SPRAVATO REMS, when enrolled.
    pub rems_patient_id: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub archived_at: Option<OffsetDateTime>,
}

/// A patient to register; the clinic comes from the scope.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPatient {
    pub mrn: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub birth_date: Date,
    pub sex: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub research_consent: bool,
    pub rems_patient_id: Option<String>,
}

/// The editable fields of a patient; every field is replaced.
pub type PatientUpdate = NewPatient;

/// The most recent score of one instrument.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatestScore {
    pub instrument: Instrument,
    pub total: i64,
    pub severity: Option<String>,
    pub administered_at: OffsetDateTime,
}

/// A row of the clinic's patient list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientSummary {
    pub patient: Patient,
    /// The latest score per instrument, in instrument order.
    pub latest: Vec<LatestScore>,
}

/// What a patient search matches, within the clinic's patients that are not archived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatientMatch {
    /// Every patient.
    Everyone,
    /// Text typed by staff: every word of it is part of the patient's name (without regard to accents or case),
    /// or the whole of it is the patient's clinic record number (without regard to case).
    Text(String),
    /// The birth date, exactly.
    BirthDate(Date),
}
