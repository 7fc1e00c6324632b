//! MADRS: item names (texts and anchors are not reproduced), Snaith severity bands and the item 10 flag.
//!
//! Source: `clinical.md` §2.4 (Montgomery and Åsberg 1979; Snaith 1986 cut points).

use super::severity::{MILD, MODERATE, SEVERE};
use super::{Band, Flag, Instrument, InstrumentSpec, Item, ItemThreshold, SuicideItem, band};
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "madrs.scoring",
    version: 1,
    summary: "MADRS total is the unweighted sum of 10 items rated 0-6 (0-60); Snaith bands 0-6 normal, 7-19 mild, \
              20-34 moderate, 35-60 severe",
    source: "clinical.md §2.4; Montgomery SA, Åsberg M. Br J Psychiatry 1979;134:382-389; \
             Snaith RP et al. Br J Psychiatry 1986;148:599-601",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static ITEM10_RULE: Rule = Rule {
    id: "madrs.item10_flag",
    version: 2,
    summary: "MADRS item 10 (suicidal thoughts) at or above a clinic-set threshold (default 2, the urgent cut-off of \
              crisis.suicide_items, and never higher) calls for clinician escalation; no source gives the threshold, \
              so the default is unverified",
    source: "clinical.md §2.4, §5.5 (MADRS item 10 high: clinician escalation; threshold [U]), §8.4",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static EXTRA_RULES: &[&Rule] = &[&ITEM10_RULE];

static ITEMS: [Item; 10] = Item::names_only([
    "Apparent sadness",
    "Reported sadness",
    "Inner tension",
    "Reduced sleep",
    "Reduced appetite",
    "Concentration difficulties",
    "Lassitude",
    "Inability to feel",
    "Pessimistic thoughts",
    "Suicidal thoughts",
]);

static BANDS: [Band; 4] =
    [band(0, 6, ("normal", "Normal / absent")), band(7, 19, MILD), band(20, 34, MODERATE), band(35, 60, SEVERE)];

// No LOINC code was found for the MADRS total (clinical.md §2.4, [U]); anchors are not shown (licence terms [U],
// clinical.md §2.4).
pub static SPEC: InstrumentSpec =
    InstrumentSpec::licensed(Instrument::Madrs, "MADRS", "past week", &ITEMS, 6, &BANDS, &RULE);

/// MADRS item 10 (suicidal thoughts), whose threshold is an unverified default ([`ITEM10_RULE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Item10 {}

impl SuicideItem for Item10 {
    const ITEM: u8 = 10;
    const SETTING: &'static str = "madrs.item10_threshold";
    /// Default 2 [U]: the urgent cut-off of the crisis levels (`crate::safety::suicide_items`). The MADRS defines
    /// anchors at 0, 2, 4 and 6 (`clinical.md` §2.4); 2 is the first defined anchor above zero.
    const DEFAULT_THRESHOLD: u8 = crate::safety::suicide_items::SuicideItemLevels::DEFAULT.madrs_item10.urgent;
    const FLAG: (&'static str, &'static Rule) = ("item10_high", &ITEM10_RULE);

    fn message(score: u8, threshold: u8) -> String {
        format!(
            "Item 10 (suicidal thoughts) rated {score}, at or above the clinic's threshold of {threshold} (unverified: \
             no published cut-off): escalate to the responsible clinician for a suicide risk assessment before any dosing decision"
        )
    }
}

/// Clinic settings for the MADRS flags: a threshold of 1 or 2 for item 10.
pub type MadrsConfig = ItemThreshold<Item10>;

/// Flags with the default clinic settings; what [`super::score`] uses.
pub fn flags(values: &[u8]) -> Vec<Flag> {
    flags_with(values, &MadrsConfig::default())
}

/// Flags with a clinic's settings.
pub fn flags_with(values: &[u8], config: &MadrsConfig) -> Vec<Flag> {
    config.flags(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn item_names_follow_reference_order() {
        assert_eq!(SPEC.items.len(), 10);
        assert_eq!(SPEC.items[9].name, "Suicidal thoughts");
        assert!(SPEC.items.iter().all(|i| i.text.is_none()));
    }

    #[test]
    fn config_range() {
        assert!(MadrsConfig::new(0).is_err());
        assert!(MadrsConfig::new(3).is_err(), "less sensitive than the crisis levels");
        assert_eq!(MadrsConfig::new(1).unwrap().threshold(), 1);
    }
}
