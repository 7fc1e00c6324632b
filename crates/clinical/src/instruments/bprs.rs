//! BPRS positive symptom subscale (4 items) for psychotomimetic monitoring, and its two anchoring conventions.
//!
//! Source: `clinical.md` §2.7. The ketamine trial NCT04226963 rates each item 0-6 (total 0-24); the traditional
//! BPRS rates 1-7 (total 4-28). The same patient state therefore has totals 4 apart, so the convention must be
//! stored with the data. [`SPEC`] (the instrument contract of `bprs_positive`) uses 0-6; ratings recorded 1-7
//! enter through [`parse_items`] with [`BprsAnchoring::OneToSeven`] and are shifted down by one on entry, and
//! [`total_as`] converts a total back for display. No severity cut-offs are published, so there is one band.

use serde::Serialize;
use serde_json::Value;

use super::{Band, Instrument, InstrumentSpec, Item, Items};
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "bprs.scoring",
    version: 1,
    summary: "BPRS positive subscale total is the sum of conceptual disorganization, suspiciousness, hallucinatory \
              behaviour and unusual thought content, each rated 0-6 (0-24); no severity bands are published",
    source: "clinical.md §2.7; NCT04226963 outcome description",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static ANCHORING_RULE: Rule = Rule {
    id: "bprs.anchoring",
    version: 1,
    summary: "BPRS ratings recorded on the traditional 1-7 anchoring are stored as 0-6 by subtracting 1 from each \
              item (4 from the total); which convention a clinic records in is its setting",
    source: "clinical.md §2.7 (1-7 anchoring [U/S]; store the anchoring convention with the data)",
    confidence: Confidence::Secondary,
    configurable: true,
};

pub static EXTRA_RULES: &[&Rule] = &[&ANCHORING_RULE];

static ITEMS: [Item; 4] = Item::names_only([
    "Conceptual disorganization",
    "Suspiciousness",
    "Hallucinatory behaviour",
    "Unusual thought content",
]);

/// One band covering every total: no cut-offs are published for the positive subscale, and inventing one would
/// present an unsourced threshold as a clinical category.
static BANDS: [Band; 1] =
    [Band { min: 0, max: 24, severity: "not_banded", label: "Not banded (no published cut-offs)" }];

pub static SPEC: InstrumentSpec = InstrumentSpec::licensed(
    Instrument::BprsPositive,
    "BPRS positive subscale (0-6 anchoring)",
    "current state, at each timed assessment",
    &ITEMS,
    6,
    &BANDS,
    &RULE,
);

/// The anchoring convention BPRS ratings were recorded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BprsAnchoring {
    /// 0 = not present … 6 = extremely severe (NCT04226963); the convention of [`SPEC`] and of stored items.
    ZeroToSix,
    /// 1 = not present … 7 = extremely severe (traditional BPRS).
    OneToSeven,
}

impl BprsAnchoring {
    /// The lowest rating an item may take in this convention.
    pub fn item_min(self) -> u8 {
        match self {
            BprsAnchoring::ZeroToSix => 0,
            BprsAnchoring::OneToSeven => 1,
        }
    }

    /// The highest rating an item may take in this convention.
    pub fn item_max(self) -> u8 {
        self.item_min() + SPEC.item_max
    }
}

/// Parses item ratings recorded in `anchoring` into checked items on the 0-6 convention of [`SPEC`].
/// Errors name the item (`items[2]`) and the range of the convention the caller used.
pub fn parse_items(raw: &Value, field: &str, anchoring: BprsAnchoring) -> Result<Items, InvalidInput> {
    let offset = i64::from(anchoring.item_min());
    let array = match raw.as_array() {
        Some(array) if offset != 0 && array.len() == ITEMS.len() => array,
        // The 0-6 convention, a non-array or a wrong length: the shared parser says what is wrong.
        _ => return Items::parse(Instrument::BprsPositive, raw, field),
    };
    let mut shifted = Vec::with_capacity(array.len());
    for (index, value) in array.iter().enumerate() {
        let range = i64::from(anchoring.item_min())..=i64::from(anchoring.item_max());
        let Some(rating) = value.as_i64().filter(|v| range.contains(v)) else {
            return Err(InvalidInput::new(
                format!("{field}[{index}]"),
                format!(
                    "item {} ({}) must be an integer from {} to {} on the 1-7 anchoring; got {value}",
                    ITEMS[index].number,
                    ITEMS[index].name,
                    range.start(),
                    range.end()
                ),
            ));
        };
        shifted.push(Value::from(rating - offset));
    }
    Items::parse(Instrument::BprsPositive, &Value::Array(shifted), field)
}

/// Expresses a total on the 0-6 convention in `anchoring` (adds one per item for 1-7), for display next to
/// data recorded in that convention.
pub fn total_as(total: u16, anchoring: BprsAnchoring) -> u16 {
    // ITEMS has 4 entries, so the cast cannot truncate.
    total + u16::from(anchoring.item_min()) * ITEMS.len() as u16
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn one_to_seven_shifts_down() {
        let items = parse_items(&json!([1, 7, 4, 2]), "items", BprsAnchoring::OneToSeven).unwrap();
        assert_eq!(items.values(), &[0, 6, 3, 1]);
        assert_eq!(total_as(crate::instruments::sum(items.values()), BprsAnchoring::OneToSeven), 1 + 7 + 4 + 2);
        assert_eq!(total_as(10, BprsAnchoring::ZeroToSix), 10);
    }

    #[test]
    fn one_to_seven_rejects_zero_and_eight() {
        for (raw, field) in [(json!([1, 0, 1, 1]), "items[1]"), (json!([1, 1, 1, 8]), "items[3]")] {
            let err = parse_items(&raw, "items", BprsAnchoring::OneToSeven).unwrap_err();
            assert_eq!(err.field, field);
            assert!(err.message.contains("1 to 7"), "{}", err.message);
        }
        assert_eq!(parse_items(&json!([1, 1, 1]), "items", BprsAnchoring::OneToSeven).unwrap_err().field, "items");
    }
}
