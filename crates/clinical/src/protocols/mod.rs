//! Session protocols: the rules the clinic portal applies during supervised ketamine and esketamine sessions.
//!
//! Protocols as data plus pure functions: course schedules ([`schedule`]), esketamine devices ([`esketamine`]),
//! IV doses from weight ([`iv_ketamine`]), the pre-dose checks and blood-pressure gate ([`pre_checks`],
//! [`bp_gate`]), hypertensive crisis routing ([`crisis`]), timed monitoring ([`monitoring`]), the discharge gate
//! ([`discharge`]), prescriber overrides ([`overrides`]), the alerts raised while the patient is in the chair
//! ([`alerts`], thresholds in [`alert_settings`]) and the REMS form times ([`rems`]). Every value a clinic
//! may change lives in [`settings::ProtocolSettings`], and every value and result names its [`Rule`].
//!
//! Nothing here reads the clock: times come in as parameters, so the live session page and a test ask the same
//! question the same way. Facts: `clinical.md` §2.5–2.6, §3.2–3.4, §3.8–3.9, §4; `directory-and-interop.md` §d.3.

pub mod alert_settings;
pub mod alerts;
pub mod blood_pressure;
pub mod bp_gate;
pub mod crisis;
pub mod discharge;
pub mod esketamine;
pub mod iv_ketamine;
pub mod modality;
pub mod monitoring;
pub mod observation;
pub mod overrides;
pub mod pre_checks;
pub mod rems;
pub mod schedule;
pub mod settings;
pub mod settings_view;

pub use alert_settings::AlertSettings;
pub use alerts::{Alert, AlertCode, AlertContext, AlertLevel, alerts_for};
pub use blood_pressure::BloodPressure;
pub use bp_gate::{BpGate, GateDecision, bp_gate};
pub use crisis::{CrisisSymptom, SymptomRoute, SymptomRouting, hypertensive_symptom_routing};
pub use discharge::{Criteria, DischargeDecision, Refusal, Unmet, discharge_check};
pub use esketamine::{
    DevicePlan, DeviceStep, EsketamineIndication, LotNumber, SpacingWarning, after_induction, benefit_review_gate,
    check_device_spacing, esketamine_devices,
};
pub use iv_ketamine::{IvDose, iv_dose};
pub use modality::{Course, Modality};
pub use monitoring::{DueItem, DueStatus, DueWhat, MonitoringStatus, PlannedCheck, monitoring_plan, monitoring_status};
pub use observation::{Observation, ObservationRecord, parse_observations};
pub use overrides::{Blocking, GateOutcome, apply_override};
pub use pre_checks::{
    EnrollmentGate, NasalMedication, PreCheck, PreCheckAnswers, PreCheckKind, PreCheckReport, PreCheckResult,
    PreCheckStatus, PreCheckWarning, PregnancyStatus, enrollment_gate, evaluate_pre_checks, pre_checks,
};
pub use rems::{TreatmentDuration, ready_to_leave_minutes, treatment_duration};
pub use schedule::{
    MaintenanceFrequency, Phase, PlannedDose, PlannedSession, esketamine_mdsi_schedule, esketamine_schedule, iv_series,
};
pub use settings::{ProtocolSettings, RemsSettings, SettingsValues};
pub use settings_view::SettingView;

use crate::rule::Rule;

/// Every rule of the session protocols, in a stable order.
pub fn rules() -> Vec<&'static Rule> {
    vec![
        &schedule::ESKETAMINE_SCHEDULE_RULE,
        &esketamine::MDSI_RULE,
        &esketamine::BENEFIT_REVIEW_RULE,
        &esketamine::DEVICES_RULE,
        &esketamine::START_28MG_RULE,
        &schedule::IV_SERIES_RULE,
        &iv_ketamine::DOSE_RULE,
        &pre_checks::REMS_ENROLLMENT_RULE,
        &pre_checks::FASTING_RULE,
        &pre_checks::FASTING_KETAMINE_RULE,
        &pre_checks::NASAL_MEDICATION_RULE,
        &pre_checks::TRANSPORT_RULE,
        &pre_checks::TRANSPORT_KETAMINE_RULE,
        &pre_checks::PREGNANCY_RULE,
        &pre_checks::PREGNANCY_KETAMINE_RULE,
        &bp_gate::ESKETAMINE_RULE,
        &bp_gate::KETAMINE_RULE,
        &overrides::OVERRIDE_RULE,
        &crisis::HYPERTENSIVE_CRISIS_RULE,
        &monitoring::MINIMUM_ESKETAMINE_RULE,
        &monitoring::MINIMUM_IV_RULE,
        &monitoring::MINIMUM_IM_RULE,
        &monitoring::MINIMUM_ORAL_RULE,
        &monitoring::ESKETAMINE_BP_RULE,
        &monitoring::IV_BP_RULE,
        &monitoring::OTHER_BP_RULE,
        &monitoring::SEDATION_CHECK_RULE,
        &monitoring::PRE_DISCHARGE_ESKETAMINE_RULE,
        &monitoring::PRE_DISCHARGE_KETAMINE_RULE,
        &monitoring::TIMING_RULE,
        &monitoring::SPO2_EVERY_CHECK_RULE,
        &alerts::SPO2_LOW_RULE,
        &alerts::UNRESPONSIVE_RULE,
        &alerts::HYPERTENSIVE_RANGE_RULE,
        &alerts::BP_ABOVE_GATE_RULE,
        &alerts::DISSOCIATION_RULE,
        &discharge::ALERT_RULE,
        &discharge::SPO2_RULE,
        &discharge::DISSOCIATION_RULE,
        &discharge::BP_RULE,
        &discharge::RECENT_RULE,
        &rems::MONITORING_FORM_RULE,
    ]
}
