//! QIDS-SR16: item names (texts are licensed), the nine-domain scoring, severity bands and the item 12 flag.
//!
//! Source: `clinical.md` §2.3 (Rush 2003). The total is the sum of nine domain scores, where the sleep,
//! appetite/weight and psychomotor domains take the highest of their items; summing all 16 items would
//! overstate severity, which is why [`total`] goes through [`domain_scores`].

use super::severity::{MILD, MODERATE, NONE, SEVERE, VERY_SEVERE};
use super::{Band, Flag, Instrument, InstrumentSpec, Item, ItemThreshold, SuicideItem, band};
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "qids.scoring",
    version: 1,
    summary: "QIDS-SR16 total is the sum of 9 domain scores (max of items 1-4, 5, max of 6-9, 10, 11, 12, 13, 14, \
              max of 15-16), range 0-27; bands <=5 none, 6-10 mild, 11-15 moderate, 16-20 severe, 21-27 very severe",
    source: "clinical.md §2.3; Rush AJ et al. Biol Psychiatry 2003;54:573-583",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static ITEM12_RULE: Rule = Rule {
    id: "qids.item12_flag",
    version: 2,
    summary: "QIDS-SR16 item 12 (thoughts of death or suicide) at or above 1 calls for the same follow-up as PHQ-9 \
              item 9; no source gives a cut-off, so the default is unverified, and a higher one would be less \
              sensitive than the crisis levels (crisis.suicide_items), so it is refused",
    source: "clinical.md §2.3 (item 12 routes like PHQ-9 item 9), §5.5 (threshold [U]), §8.4",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static EXTRA_RULES: &[&Rule] = &[&ITEM12_RULE];

static ITEMS: [Item; 16] = Item::names_only([
    "Sleep onset insomnia",
    "Mid-nocturnal insomnia",
    "Early morning insomnia",
    "Hypersomnia",
    "Sad mood",
    "Decreased appetite",
    "Increased appetite",
    "Weight loss",
    "Weight gain",
    "Concentration and decision-making",
    "Self-view",
    "Thoughts of death or suicide",
    "General interest",
    "Energy and fatigue",
    "Feeling slowed down",
    "Feeling restless",
]);

/// One of the nine DSM symptom domains and the items (1-based) whose highest score is the domain score.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Domain {
    pub name: &'static str,
    pub items: &'static [u8],
}

/// The nine domains of `clinical.md` §2.3, in the order of the table there.
pub static DOMAINS: [Domain; 9] = [
    Domain { name: "Sleep", items: &[1, 2, 3, 4] },
    Domain { name: "Sad mood", items: &[5] },
    Domain { name: "Appetite/weight", items: &[6, 7, 8, 9] },
    Domain { name: "Concentration/decision-making", items: &[10] },
    Domain { name: "Self-view", items: &[11] },
    Domain { name: "Thoughts of death/suicide", items: &[12] },
    Domain { name: "General interest", items: &[13] },
    Domain { name: "Energy/fatigue", items: &[14] },
    Domain { name: "Psychomotor", items: &[15, 16] },
];

static BANDS: [Band; 5] =
    [band(0, 5, NONE), band(6, 10, MILD), band(11, 15, MODERATE), band(16, 20, SEVERE), band(21, 27, VERY_SEVERE)];

// No LOINC code was found for the QIDS-SR16 (clinical.md §2.3, [U]); the texts are not shown (licence terms [U],
// clinical.md §2.3), so no licence line is needed.
pub static SPEC: InstrumentSpec =
    InstrumentSpec::licensed(Instrument::QidsSr16, "QIDS-SR16", "past 7 days", &ITEMS, 3, &BANDS, &RULE);

/// QIDS-SR16 item 12 (thoughts of death or suicide), whose threshold is an unverified default ([`ITEM12_RULE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item12 {}

impl SuicideItem for Item12 {
    const ITEM: u8 = 12;
    const SETTING: &'static str = "qids.item12_threshold";
    /// The default threshold mirrors PHQ-9 item 9: any answer above zero is followed up (`clinical.md` §5.5), so
    /// 1 is the only threshold allowed.
    const DEFAULT_THRESHOLD: u8 = crate::safety::suicide_items::SuicideItemLevels::DEFAULT.qids_item12.urgent;
    const FLAG: (&'static str, &'static Rule) = ("item12_positive", &ITEM12_RULE);

    fn message(score: u8, threshold: u8) -> String {
        format!(
            "Item 12 (thoughts of death or suicide) scored {score}, at or above the clinic's threshold of {threshold} \
             (unverified: no published cut-off): follow up as for PHQ-9 item 9, with a structured suicide risk assessment today"
        )
    }
}

/// Clinic settings for the QIDS-SR16 flags: a threshold of 1 for item 12.
pub type QidsConfig = ItemThreshold<Item12>;

/// The nine domain scores, in the order of [`DOMAINS`].
pub fn domain_scores(values: &[u8]) -> [u8; 9] {
    DOMAINS
        .each_ref()
        .map(|domain| domain.items.iter().map(|number| super::item_score(values, *number)).max().unwrap_or(0))
}

/// The QIDS-SR16 total: the sum of the domain scores, never of all 16 items.
pub fn total(values: &[u8]) -> u16 {
    super::sum(&domain_scores(values))
}

/// Flags with the default clinic settings; what [`super::score`] uses.
pub fn flags(values: &[u8]) -> Vec<Flag> {
    flags_with(values, &QidsConfig::default())
}

/// Flags with a clinic's settings.
pub fn flags_with(values: &[u8], config: &QidsConfig) -> Vec<Flag> {
    config.flags(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_is_in_exactly_one_domain() {
        let mut seen: Vec<u8> = DOMAINS.iter().flat_map(|d| d.items.iter().copied()).collect();
        seen.sort_unstable();
        assert_eq!(seen, (1..=16).collect::<Vec<u8>>());
    }

    #[test]
    fn licensed_texts_are_not_shipped() {
        assert!(SPEC.items.iter().all(|i| i.text.is_none()));
        assert_eq!(SPEC.copyright, None);
    }

    #[test]
    fn config_refuses_zero_and_out_of_range() {
        assert_eq!(QidsConfig::new(0).unwrap_err().field, "qids.item12_threshold");
        assert!(QidsConfig::new(4).is_err());
        assert!(QidsConfig::new(2).is_err(), "less sensitive than the crisis levels");
        assert_eq!(QidsConfig::new(1).unwrap().threshold(), 1);
    }
}
