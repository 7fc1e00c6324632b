//! Research consent records, patient addresses and a clinic's choice to publish its outcomes.

use ketapath_directory::ClinicId;
use ketapath_research::ConsentStatus;
use serde::Serialize;
use time::{Date, OffsetDateTime};

use super::{PatientId, StaffId, id_type};

id_type!(
    /// A research-consent record's id.
    ConsentRecordId
);

/// One research-consent decision of a patient, as recorded by the clinic.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConsentRecord {
    pub id: ConsentRecordId,
    pub patient_id: PatientId,
    pub status: ConsentStatus,
    /// The date the patient gave or withdrew consent (may be earlier than the day it was recorded).
    pub decided_on: Date,
    pub recorded_by: Option<StaffId>,
    pub recorded_at: OffsetDateTime,
}

/// A patient's postal address. Every field is optional because clinics record what they have.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct PatientAddress {
    pub street: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip: Option<String>,
}

/// Whether a clinic shows its response and remission rates in the directory.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutcomePublication {
    pub clinic_id: ClinicId,
    pub publish: bool,
    pub updated_at: OffsetDateTime,
}
