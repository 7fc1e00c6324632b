//! The alert a returned self-report raises: PHQ-9 item 9 above zero shows the person crisis help at once and puts
//! an alert on the clinic's dashboard.
//!
//! No rule of its own: the item 9 flag is [`crate::instruments::phq9`]'s and the crisis level and resources are
//! [`crate::safety::crisis::triage`]'s, so a self-report and the anonymous self-check can never disagree.

use serde::Serialize;

use crate::instruments::{Flag, Instrument, Items, score};
use crate::safety::{Crisis, CrisisLevel, triage};

/// What a positive self-report means for the person (the crisis help to show at once) and for the clinic (the
/// dashboard alert).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub level: CrisisLevel,
    /// The person's answer to item 9, 0 to 3.
    pub item9: u8,
    pub total: u16,
    pub severity: &'static str,
    /// The instrument's flag, when item 9 raised one.
    pub flag: Option<Flag>,
    /// What to show the person now, resources first.
    pub crisis: Crisis,
    /// The line for the clinic's dashboard.
    pub clinic_message: String,
}

/// The alert for a returned self-report PHQ-9, if item 9 is above zero. Other instruments give `None`: the
/// self-report links send a PHQ-9.
pub fn self_report_alert(items: &Items) -> Option<Alert> {
    self_report_alert_with(items, false)
}

/// As [`self_report_alert`], with the answer to a direct question on acting on thoughts of self-harm, which makes
/// the alert an emergency whatever item 9 says.
pub fn self_report_alert_with(items: &Items, acting_on_thoughts: bool) -> Option<Alert> {
    if items.instrument() != Instrument::Phq9 {
        return None;
    }
    let scored = score(items);
    let flag = scored.flags.into_iter().find(|f| f.item == Some(9));
    if flag.is_none() && !acting_on_thoughts {
        return None;
    }
    let item9 = items.item(9);
    let crisis = triage(item9, acting_on_thoughts);
    let clinic_message = match crisis.level {
        CrisisLevel::Emergency => format!(
            "Self-report: the patient may act on thoughts of self-harm (PHQ-9 item 9 = {item9}); contact them now \
             and follow the clinic's emergency procedure"
        ),
        _ => format!(
            "Self-report: PHQ-9 item 9 = {item9}; contact the patient today for a structured suicide risk assessment"
        ),
    };
    Some(Alert {
        level: crisis.level,
        item9,
        total: scored.total,
        severity: scored.severity,
        flag,
        crisis,
        clinic_message,
    })
}
