//! PLACEHOLDER for the Gad7 instrument: to be replaced by its real definition (items, bands, flags, rule).

use super::{Band, Flag, Instrument, InstrumentSpec};
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "gad7.scoring",
    version: 1,
    summary: "placeholder",
    source: "clinical.md §2",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static EXTRA_RULES: &[&Rule] = &[];

static BANDS: [Band; 1] = [Band { min: 0, max: 0, severity: "unknown", label: "Unknown" }];

pub static SPEC: InstrumentSpec = InstrumentSpec {
    instrument: Instrument::Gad7,
    name: "Gad7",
    recall: "",
    items: &[],
    item_min: 0,
    item_max: 0,
    total_max: 0,
    bands: &BANDS,
    answers: &[],
    loinc_panel: None,
    loinc_total: None,
    copyright: None,
    rule: &RULE,
};

pub fn total(values: &[u8]) -> u16 {
    super::sum(values)
}

pub fn flags(_values: &[u8]) -> Vec<Flag> {
    Vec::new()
}
