//! The suicide item of every instrument and the crisis level its answer calls for: PHQ-9 item 9, MADRS item 10
//! and QIDS-SR16 item 12.
//!
//! One function, [`suicide_item_crisis`], decides the level for the score (`ketapath score`, the scoring API), the
//! portal's assessment entry and list, and the alerts of returned self-reports, so that no two surfaces can
//! disagree. A PHQ-9 at `urgent` gets exactly the self-check's crisis block ([`super::crisis::triage`]).
//!
//! Sources: `clinical.md` §2.1 (PHQ-9 item 9: any answer above zero needs follow-up), §5.5 (QIDS-SR16 item 12
//! routes like PHQ-9 item 9; MADRS item 10 high calls for escalation; cut-offs unverified) and §8.4 (the MADRS and
//! QIDS-SR16 anchors). The cut-offs are design choices [U]: they live in [`SuicideItemLevels::DEFAULT`], the one
//! place they are set, and [`SuicideItemLevels::new`] lets a caller make them stricter but never less sensitive.
//! They are not a clinic setting yet, because the clinic settings have no place for them; the floor is enforced
//! here so that a future setting cannot cross it.

use serde::Serialize;

use super::crisis::{self, Crisis, CrisisLevel};
use crate::error::InvalidInput;
use crate::instruments::{Instrument, Items};
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "crisis.suicide_items",
    version: 1,
    summary: "The suicide item of each instrument sets a crisis level: PHQ-9 item 9 >= 1 urgent; MADRS item 10 >= 2 \
              urgent, >= 5 emergency; QIDS-SR16 item 12 >= 1 urgent, 3 emergency. The cut-offs are unverified \
              defaults that may be made stricter, never less sensitive",
    source: "clinical.md §2.1 (item 9), §5.5 (QIDS-SR16 item 12 routes like PHQ-9 item 9; MADRS item 10 high: \
             escalation; cut-offs [U]), §8.4 (MADRS and QIDS-SR16 anchors)",
    confidence: Confidence::Unverified,
    configurable: true,
};

/// The answers from which an item is `urgent` and, where set, `emergency`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Cutoffs {
    pub urgent: u8,
    pub emergency: Option<u8>,
}

impl Cutoffs {
    fn level(self, score: u8) -> CrisisLevel {
        if self.emergency.is_some_and(|e| score >= e) {
            CrisisLevel::Emergency
        } else if score >= self.urgent {
            CrisisLevel::Urgent
        } else {
            CrisisLevel::None
        }
    }
}

/// The cut-offs of the three suicide items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SuicideItemLevels {
    pub phq9_item9: Cutoffs,
    pub madrs_item10: Cutoffs,
    pub qids_item12: Cutoffs,
}

impl Default for SuicideItemLevels {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl SuicideItemLevels {
    /// The defaults of [`RULE`], which are also the floors: PHQ-9 item 9 >= 1 urgent (§2.1); MADRS item 10 >= 2
    /// urgent (the first defined anchor above zero), >= 5 emergency (towards 6, "explicit plans … active
    /// preparations", §8.4); QIDS-SR16 item 12 >= 1 urgent (as PHQ-9 item 9, §5.5), 3 emergency ("specific plans
    /// for suicide or have actually tried", §8.4).
    pub const DEFAULT: Self = Self {
        phq9_item9: Cutoffs { urgent: 1, emergency: None },
        madrs_item10: Cutoffs { urgent: 2, emergency: Some(5) },
        qids_item12: Cutoffs { urgent: 1, emergency: Some(3) },
    };

    /// Stricter cut-offs. Each must be at or below its default (a higher cut-off would be less sensitive), an
    /// urgent cut-off at least 1 (0 would raise every administration), and an emergency cut-off at or above the
    /// urgent one. Errors name the field (`madrs_item10.emergency`).
    pub fn new(phq9_item9: Cutoffs, madrs_item10: Cutoffs, qids_item12: Cutoffs) -> Result<Self, InvalidInput> {
        let defaults = Self::DEFAULT;
        for (name, chosen, default) in [
            ("phq9_item9", phq9_item9, defaults.phq9_item9),
            ("madrs_item10", madrs_item10, defaults.madrs_item10),
            ("qids_item12", qids_item12, defaults.qids_item12),
        ] {
            if chosen.urgent == 0 || chosen.urgent > default.urgent {
                return Err(InvalidInput::new(
                    format!("{name}.urgent"),
                    format!(
                        "must be from 1 to {} (a higher cut-off would be less sensitive than the default); got {}",
                        default.urgent, chosen.urgent
                    ),
                ));
            }
            let ceiling = default.emergency.unwrap_or(u8::MAX);
            match chosen.emergency {
                None if default.emergency.is_some() => {
                    return Err(InvalidInput::new(
                        format!("{name}.emergency"),
                        format!("is required: at most {ceiling}, so that the highest answers stay an emergency"),
                    ));
                }
                Some(e) if e < chosen.urgent || e > ceiling => {
                    return Err(InvalidInput::new(
                        format!("{name}.emergency"),
                        format!("must be from the urgent cut-off {} to {ceiling}; got {e}", chosen.urgent),
                    ));
                }
                _ => {}
            }
        }
        Ok(Self { phq9_item9, madrs_item10, qids_item12 })
    }

    /// The suicide item of `instrument` (1-based) and its cut-offs; `None` for instruments without one.
    pub fn of(&self, instrument: Instrument) -> Option<(u8, Cutoffs)> {
        match instrument {
            Instrument::Phq9 => Some((9, self.phq9_item9)),
            Instrument::Madrs => Some((10, self.madrs_item10)),
            Instrument::QidsSr16 => Some((12, self.qids_item12)),
            Instrument::Gad7 | Instrument::Cadss | Instrument::Moaas | Instrument::BprsPositive => None,
        }
    }
}

/// The answer to an instrument's suicide item and the level it calls for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SuicideItem {
    pub instrument: Instrument,
    /// The item's number, 1-based.
    pub item: u8,
    pub score: u8,
    pub level: CrisisLevel,
}

/// The suicide item of checked items at `levels`; `None` when the instrument has none.
pub fn suicide_item(items: &Items, levels: &SuicideItemLevels) -> Option<SuicideItem> {
    let instrument = items.instrument();
    let (item, cutoffs) = levels.of(instrument)?;
    let score = items.values().get(usize::from(item) - 1).copied()?;
    Some(SuicideItem { instrument, item, score, level: cutoffs.level(score) })
}

/// The suicide item of stored item scores at the default levels (the portal's assessment list); `None` when the
/// instrument has no suicide item or the scores do not check against it.
pub fn stored_suicide_item(instrument: Instrument, values: &[u8]) -> Option<SuicideItem> {
    let values: Vec<i64> = values.iter().map(|v| i64::from(*v)).collect();
    let items = Items::from_values(instrument, &values).ok()?;
    suicide_item(&items, &SuicideItemLevels::DEFAULT)
}

/// The crisis block for checked items at the default levels, when their suicide item is positive; `None` otherwise.
pub fn suicide_item_crisis(items: &Items) -> Option<Crisis> {
    suicide_item_crisis_with(items, &SuicideItemLevels::DEFAULT)
}

/// As [`suicide_item_crisis`], at `levels`.
pub fn suicide_item_crisis_with(items: &Items, levels: &SuicideItemLevels) -> Option<Crisis> {
    let found = suicide_item(items, levels)?;
    crisis_of(&found)
}

/// The crisis block of a suicide item's answer, when it is positive. A PHQ-9 at `urgent` is the self-check's own
/// block, so the self-check and a scored PHQ-9 say the same thing.
pub fn crisis_of(found: &SuicideItem) -> Option<Crisis> {
    let spec = found.instrument.spec();
    let name = spec.items.get(usize::from(found.item) - 1).map_or("suicide item", |i| i.name);
    let what = format!("{} item {} ({}) is {}", spec.name, found.item, name.to_lowercase(), found.score);
    let message = match found.level {
        CrisisLevel::None => return None,
        CrisisLevel::Urgent if found.instrument == Instrument::Phq9 => {
            let mut block = crisis::triage(found.score, false);
            block.rules.insert(0, RULE.reference());
            return Some(block);
        }
        CrisisLevel::Urgent => format!(
            "{what}: talk to someone today: call or text 988, or text HOME to 741741, and have a clinician assess \
             suicide risk today. If there is any danger of acting on these thoughts, call 911."
        ),
        CrisisLevel::Emergency => format!(
            "{what}: get help now: call 911 or go to the nearest emergency department, or call or text 988. The \
             person should not be left alone: stay with someone you trust."
        ),
    };
    Some(crisis::at_level(found.level, message, vec![RULE.reference(), crisis::TRIAGE_RULE.reference()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(instrument: Instrument, item: u8, score: i64) -> Items {
        let mut values = vec![0_i64; instrument.spec().items.len()];
        values[usize::from(item) - 1] = score;
        Items::from_values(instrument, &values).unwrap()
    }

    fn level(instrument: Instrument, item: u8, score: i64) -> Option<CrisisLevel> {
        suicide_item_crisis(&items(instrument, item, score)).map(|c| c.level)
    }

    #[test]
    fn default_levels_of_each_instrument() {
        use CrisisLevel::{Emergency, Urgent};
        assert_eq!(level(Instrument::Phq9, 9, 0), None);
        for score in 1..=3 {
            assert_eq!(level(Instrument::Phq9, 9, score), Some(Urgent), "PHQ-9 item 9 = {score}");
        }
        let madrs = [None, None, Some(Urgent), Some(Urgent), Some(Urgent), Some(Emergency), Some(Emergency)];
        for (score, expected) in madrs.into_iter().enumerate() {
            assert_eq!(level(Instrument::Madrs, 10, score as i64), expected, "MADRS item 10 = {score}");
        }
        let qids = [None, Some(Urgent), Some(Urgent), Some(Emergency)];
        for (score, expected) in qids.into_iter().enumerate() {
            assert_eq!(level(Instrument::QidsSr16, 12, score as i64), expected, "QIDS item 12 = {score}");
        }
        assert_eq!(suicide_item_crisis(&Items::from_values(Instrument::Gad7, &[3; 7]).unwrap()), None);
        // Another item at its maximum raises nothing: only the suicide item counts.
        assert_eq!(level(Instrument::Madrs, 9, 6), None);
    }

    #[test]
    fn a_positive_phq9_gets_the_self_check_block() {
        let block = suicide_item_crisis(&items(Instrument::Phq9, 9, 2)).unwrap();
        let triage = crisis::triage(2, false);
        assert_eq!((block.level, &block.message, &block.resources), (triage.level, &triage.message, &triage.resources));
        assert!(block.rules.contains(&RULE.reference()));
    }

    #[test]
    fn emergencies_put_911_first_and_say_not_to_be_alone() {
        let block = suicide_item_crisis(&items(Instrument::Madrs, 10, 6)).unwrap();
        assert_eq!(block.resources[0].name, crisis::EMERGENCY_911.name);
        assert!(block.message.contains("MADRS item 10") && block.message.contains("someone you trust"));
        let urgent = suicide_item_crisis(&items(Instrument::QidsSr16, 12, 1)).unwrap();
        assert_eq!(urgent.resources[0].name, crisis::LIFELINE_988.name);
    }

    #[test]
    fn levels_may_be_stricter_never_less_sensitive() {
        let d = SuicideItemLevels::DEFAULT;
        let stricter = Cutoffs { urgent: 1, emergency: Some(4) };
        let levels = SuicideItemLevels::new(d.phq9_item9, stricter, d.qids_item12).unwrap();
        assert_eq!(
            suicide_item_crisis_with(&items(Instrument::Madrs, 10, 1), &levels).unwrap().level,
            CrisisLevel::Urgent
        );
        let looser = Cutoffs { urgent: 3, emergency: Some(5) };
        assert_eq!(
            SuicideItemLevels::new(d.phq9_item9, looser, d.qids_item12).unwrap_err().field,
            "madrs_item10.urgent"
        );
        let no_emergency = Cutoffs { urgent: 1, emergency: None };
        assert_eq!(
            SuicideItemLevels::new(d.phq9_item9, d.madrs_item10, no_emergency).unwrap_err().field,
            "qids_item12.emergency"
        );
        let zero = Cutoffs { urgent: 0, emergency: None };
        assert_eq!(SuicideItemLevels::new(zero, d.madrs_item10, d.qids_item12).unwrap_err().field, "phq9_item9.urgent");
        let phq9_emergency = Cutoffs { urgent: 1, emergency: Some(3) };
        assert!(SuicideItemLevels::new(phq9_emergency, d.madrs_item10, d.qids_item12).is_ok());
    }
}
