//! The alert a returned self-report raises: PHQ-9 item 9 above zero shows the person crisis help at once and puts
//! an alert on the clinic's dashboard.
//!
//! No rule of its own: the level is [`crate::safety::suicide_items`]'s (the one function that the score, the portal
//! and the self-check's PHQ-9 share) and the crisis block of an answer to the direct question is
//! [`crate::safety::crisis::triage`]'s, so a self-report and the anonymous self-check can never disagree.

use serde::Serialize;

use crate::instruments::{Flag, Instrument, Items, score};
use crate::safety::suicide_items::{SuicideItemLevels, crisis_of, suicide_item};
use crate::safety::{Crisis, CrisisLevel, triage};

/// What a positive self-report means for the person (the crisis help to show at once) and for the clinic (the
/// dashboard alert).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Alert {
    pub level: CrisisLevel,
    /// The person's answer to the instrument's suicide item (PHQ-9 item 9, 0 to 3, for the PHQ-9 that the
    /// self-report links send).
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

/// The alert for a returned self-report, if its suicide item is positive at the crisis levels
/// ([`SuicideItemLevels::DEFAULT`]). Instruments without a suicide item give `None`.
pub fn self_report_alert(items: &Items) -> Option<Alert> {
    self_report_alert_with(items, false)
}

/// As [`self_report_alert`], with the answer to a direct question on acting on thoughts of self-harm, which makes
/// the alert an emergency whatever the suicide item says.
pub fn self_report_alert_with(items: &Items, acting_on_thoughts: bool) -> Option<Alert> {
    let found = suicide_item(items, &SuicideItemLevels::DEFAULT)?;
    let crisis = if acting_on_thoughts {
        triage(if found.instrument == Instrument::Phq9 { found.score } else { 0 }, true)
    } else {
        crisis_of(&found)?
    };
    let scored = score(items);
    let flag = scored.flags.into_iter().find(|f| f.item == Some(found.item));
    let item9 = found.score;
    let what = format!("{} item {} = {item9}", found.instrument.spec().name, found.item);
    let clinic_message = match crisis.level {
        CrisisLevel::Emergency => format!(
            "Self-report: the patient may act on thoughts of self-harm ({what}); contact them now and follow the \
             clinic's emergency procedure"
        ),
        _ => format!("Self-report: {what}; contact the patient today for a structured suicide risk assessment"),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn items(instrument: Instrument, item: usize, score: i64) -> Items {
        let mut values = vec![0_i64; instrument.spec().items.len()];
        values[item - 1] = score;
        Items::from_values(instrument, &values).unwrap()
    }

    #[test]
    fn alerts_use_the_suicide_item_levels_of_every_instrument() {
        assert_eq!(self_report_alert(&items(Instrument::Phq9, 9, 0)), None);
        let phq9 = self_report_alert(&items(Instrument::Phq9, 9, 1)).unwrap();
        assert_eq!((phq9.level, phq9.item9), (CrisisLevel::Urgent, 1));
        let own = triage(1, false);
        assert_eq!((&phq9.crisis.message, &phq9.crisis.resources), (&own.message, &own.resources), "the self-check's");
        let acting = self_report_alert_with(&items(Instrument::Phq9, 9, 0), true).unwrap();
        assert_eq!(acting.level, CrisisLevel::Emergency);
        let madrs = self_report_alert(&items(Instrument::Madrs, 10, 6)).unwrap();
        assert_eq!(madrs.level, CrisisLevel::Emergency);
        assert!(madrs.clinic_message.contains("MADRS item 10 = 6"), "{}", madrs.clinic_message);
        assert_eq!(self_report_alert(&items(Instrument::Madrs, 10, 1)), None);
        assert_eq!(self_report_alert(&items(Instrument::QidsSr16, 12, 2)).unwrap().level, CrisisLevel::Urgent);
        assert_eq!(self_report_alert(&items(Instrument::Gad7, 7, 3)), None);
    }
}
