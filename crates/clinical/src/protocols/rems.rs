//! The times the SPRAVATO REMS Patient Monitoring Form asks for: total treatment duration from the first device
//! to the completion of monitoring, and the evaluation question "when would this patient have been ready to leave".

use serde::Serialize;
use time::OffsetDateTime;

use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static MONITORING_FORM_RULE: Rule = Rule {
    id: "protocols.rems.monitoring_form_times",
    version: 1,
    summary: "The Patient Monitoring Form records total minutes from the 1st device administration to completion of \
              monitoring (at least 2 hours) and, had there been no 2-hour minimum, when the patient would have been \
              ready to leave, in minutes from the start of administration",
    source: "clinical.md §3.9 (Patient Monitoring Form, June 2024 transcription); directory-and-interop.md §d.3",
    confidence: Confidence::Confirmed,
    configurable: false,
};

/// The REMS minimum, in minutes, that the form's duration is checked against.
pub const REMS_MINIMUM_MINUTES: u32 = 120;

fn whole_minutes(from: OffsetDateTime, to: OffsetDateTime, field: &str) -> Result<u32, InvalidInput> {
    if to < from {
        return Err(InvalidInput::new(field, "must not be before the first device administration"));
    }
    u32::try_from((to - from).whole_minutes())
        .map_err(|_| InvalidInput::new(field, "is too far after the first device administration"))
}

/// The answer to the REMS evaluation question, in whole minutes from the first device.
pub fn ready_to_leave_minutes(
    first_device_at: OffsetDateTime,
    ready_to_leave_at: OffsetDateTime,
) -> Result<u32, InvalidInput> {
    whole_minutes(first_device_at, ready_to_leave_at, "ready_to_leave_at")
}

/// The form's treatment duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TreatmentDuration {
    /// Whole minutes from the first device to the completion of monitoring.
    pub minutes: u32,
    /// Whether the duration reaches the REMS two hours; the form says the patient must be monitored that long.
    pub meets_rems_minimum: bool,
    pub rule: RuleRef,
}

/// The total treatment duration for the form.
pub fn treatment_duration(
    first_device_at: OffsetDateTime,
    monitoring_completed_at: OffsetDateTime,
) -> Result<TreatmentDuration, InvalidInput> {
    let minutes = whole_minutes(first_device_at, monitoring_completed_at, "monitoring_completed_at")?;
    Ok(TreatmentDuration {
        minutes,
        meets_rems_minimum: minutes >= REMS_MINIMUM_MINUTES,
        rule: MONITORING_FORM_RULE.reference(),
    })
}
