//! What the clinic portal knows about a session when it drafts the Patient Monitoring Form: the patient, the
//! people and place, the devices given, the observations, and the answers staff recorded during the session.
//!
//! Plain data, filled by the portal from its records; the form sections that need no computation are the
//! form's own types, so the draft copies them as they are.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::form::{
    ConcomitantMedications, EarlyDepartureReason, HcpSection, PatientSection, SettingSection, VitalSignsSection,
};
use super::from_chart::ChartThresholds;
use super::setting::SettingType;
use crate::protocols::{LotNumber, Observation};

/// One device given during the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeviceRecord {
    #[serde(with = "time::serde::rfc3339")]
    pub given_at: OffsetDateTime,
    /// Milligrams the device delivered: 28 for a SPRAVATO device.
    pub mg: u32,
    #[serde(default)]
    pub lot_number: Option<LotNumber>,
}

/// Whether an adverse effect, by question code, occurred during the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdverseEventAnswer {
    pub code: String,
    pub occurred: bool,
}

/// A session as the portal recorded it. Times carry the clinic's UTC offset: the treatment date on the form is
/// the first device's date in that offset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionFacts {
    pub setting_type: SettingType,
    /// Identity, first-treatment and enrollment answers.
    pub patient: PatientSection,
    pub concomitant_medications: ConcomitantMedications,
    pub hcp: HcpSection,
    pub setting: SettingSection,
    /// The devices given, in any order.
    pub devices: Vec<DeviceRecord>,
    pub observations: Vec<Observation>,
    /// When monitoring was completed (the discharge time, or the departure time of an early departure).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub monitoring_completed_at: Option<OffsetDateTime>,
    /// When the clinician judged the patient would have been ready to leave without the 2-hour minimum.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub ready_to_leave_at: Option<OffsetDateTime>,
    /// The clinician's answers on whether vital signs were in an acceptable range.
    #[serde(default)]
    pub vital_signs: VitalSignsSection,
    /// Adverse effects answered during the session, by question code.
    #[serde(default)]
    pub adverse_events: Vec<AdverseEventAnswer>,
    /// Why the patient left before the end of monitoring, when the session ended early.
    #[serde(default)]
    pub early_departure: Option<EarlyDepartureReason>,
    /// The clinic's thresholds that turn the charted scores into adverse-effect answers.
    #[serde(default)]
    pub thresholds: ChartThresholds,
}
