//! CADSS (23-item subjective version): item numbers, the Spravato dissociation cut, the pre/post-dose rule
//! and the CADSS-6 short form.
//!
//! Source: `clinical.md` §2.5 (Bremner 1998; NCT04226963 for the 0-4, 23-item version used with ketamine;
//! J&J Medical Information for the Spravato programme definition; Rodrigues 2021 for the CADSS-6).
//! Item texts are not reproduced (licence [U]), and items are named by number only.

use serde::Serialize;

use super::{Band, Instrument, InstrumentSpec, Item, Items};
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule, RuleRef};

pub static RULE: Rule = Rule {
    id: "cadss.scoring",
    version: 2,
    summary: "CADSS (23-item subjective version) total is the sum of items rated 0-4 (0-92); a total above 4 alone is \
              undetermined: it is dissociation (Spravato programme cut) only with a rise from the pre-dose total",
    source: "clinical.md §2.5; Bremner JD et al. J Trauma Stress 1998; NCT04226963; J&J Medical Information 04/2024",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static DISSOCIATION_RULE: Rule = Rule {
    id: "cadss.dissociation",
    version: 1,
    summary: "Dissociation is a post-dose CADSS total above 4 that is also above the pre-dose total (Spravato programme \
              definition); without a pre-dose total a post-dose total above 4 is undetermined",
    source: "clinical.md §2.5; J&J Medical Information, Spravato dissociative effects, last updated 04/17/2024",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static CADSS6_RULE: Rule = Rule {
    id: "cadss.cadss6",
    version: 1,
    summary: "CADSS-6 is the sum of items 1, 2, 6, 7, 15 and 22 of the 23-item CADSS (0-24)",
    source: "clinical.md §2.5; Rodrigues NB et al. J Affect Disord 2021",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static EXTRA_RULES: &[&Rule] = &[&DISSOCIATION_RULE, &CADSS6_RULE];

/// The cut of the Spravato programme definition: totals above it may be dissociation (`clinical.md` §2.5).
pub const DISSOCIATION_CUT: u16 = 4;

/// The items of the 23-item CADSS that make up the CADSS-6 (`clinical.md` §2.5).
pub const CADSS6_ITEMS: [u8; 6] = [1, 2, 6, 7, 15, 22];

static ITEMS: [Item; 23] = Item::names_only([
    "Item 1", "Item 2", "Item 3", "Item 4", "Item 5", "Item 6", "Item 7", "Item 8", "Item 9", "Item 10", "Item 11",
    "Item 12", "Item 13", "Item 14", "Item 15", "Item 16", "Item 17", "Item 18", "Item 19", "Item 20", "Item 21",
    "Item 22", "Item 23",
]);

static BANDS: [Band; 2] = [
    Band { min: 0, max: DISSOCIATION_CUT, severity: "none", label: "None (total 4 or less)" },
    Band {
        min: DISSOCIATION_CUT + 1,
        max: 92,
        severity: "undetermined",
        label: "Above 4: undetermined without a pre-dose total (dissociation only if also above it)",
    },
];

/// What the ratings describe: the state at each timed assessment after a dose, not a recall period.
const RECALL: &str = "current state, at each timed assessment after dosing";

// No LOINC code was found for the CADSS (clinical.md §6, open item 8).
pub static SPEC: InstrumentSpec =
    InstrumentSpec::licensed(Instrument::Cadss, "CADSS", RECALL, &ITEMS, 4, &BANDS, &RULE);

/// Whether a session met the Spravato programme definition of dissociation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DissociationStatus {
    Present,
    Absent,
    /// The post-dose total is above the cut but there is no pre-dose total to compare with.
    Undetermined,
}

/// The result of [`dissociation`], with the totals it was computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dissociation {
    pub status: DissociationStatus,
    pub pre: Option<u16>,
    pub post: u16,
    /// Post-dose minus pre-dose total, when the pre-dose total is known.
    pub change: Option<i32>,
    pub rule: RuleRef,
}

/// Applies the Spravato programme definition (`clinical.md` §2.5): CADSS total above 4 and a change above 0
/// from the pre-dose total. A total of 4 or less is never dissociation, so it needs no pre-dose value.
pub fn dissociation(pre: Option<u16>, post: u16) -> Result<Dissociation, InvalidInput> {
    let check = |field: &str, value: u16| {
        if value > SPEC.total_max {
            Err(InvalidInput::new(field, format!("CADSS total must be from 0 to {}; got {value}", SPEC.total_max)))
        } else {
            Ok(value)
        }
    };
    let post = check("post", post)?;
    let pre = pre.map(|value| check("pre", value)).transpose()?;
    let change = pre.map(|pre| i32::from(post) - i32::from(pre));
    let status = match change {
        _ if post <= DISSOCIATION_CUT => DissociationStatus::Absent,
        None => DissociationStatus::Undetermined,
        Some(change) if change > 0 => DissociationStatus::Present,
        Some(_) => DissociationStatus::Absent,
    };
    Ok(Dissociation { status, pre, post, change, rule: DISSOCIATION_RULE.reference() })
}

/// The CADSS-6 total from a checked 23-item CADSS administration.
pub fn cadss6_total(items: &Items) -> Result<u16, InvalidInput> {
    if items.instrument() != Instrument::Cadss {
        return Err(InvalidInput::new(
            "instrument",
            format!("the CADSS-6 is computed from CADSS items; got {}", items.instrument()),
        ));
    }
    Ok(CADSS6_ITEMS.iter().map(|number| u16::from(super::item_score(items.values(), *number))).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_are_numbered_without_texts() {
        assert_eq!(SPEC.items.len(), 23);
        for (index, item) in SPEC.items.iter().enumerate() {
            assert_eq!(usize::from(item.number), index + 1);
            assert_eq!(item.name, format!("Item {}", index + 1));
            assert!(item.text.is_none());
        }
    }

    #[test]
    fn cadss6_needs_cadss_items() {
        let phq9 = Items::from_values(Instrument::Phq9, &[0; 9]).unwrap();
        assert_eq!(cadss6_total(&phq9).unwrap_err().field, "instrument");
    }
}
