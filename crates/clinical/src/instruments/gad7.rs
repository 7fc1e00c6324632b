//! GAD-7: items and texts (Pfizer, no permission required), LOINC codes and severity bands.
//!
//! Source: `clinical.md` §2.2 (Spitzer 2006; HL7 PHR and PCO implementation guides for the codes).
//! The GAD-7 has no safety item, so it raises no flags.

use super::severity::{MILD, MINIMAL, MODERATE, SEVERE};
use super::{Band, Instrument, InstrumentSpec, Item, band};
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "gad7.scoring",
    version: 1,
    summary: "GAD-7 total is the sum of items 1-7 (0-21); bands 0-4 minimal, 5-9 mild, 10-14 moderate, 15-21 severe",
    source: "clinical.md §2.2; Spitzer RL et al. Arch Intern Med 2006;166:1092-1097",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static EXTRA_RULES: &[&Rule] = &[];

/// The GAD-7 carries the same Pfizer notice as the PHQ-9 (`clinical.md` §2.2, Licensing), so the line is shared.
pub const COPYRIGHT: &str = super::phq9::COPYRIGHT;

/// The question stem shown before the items. It is the wording of the Pfizer form; `clinical.md` §2.2 gives the
/// item texts but not the stem, so check it against phqscreeners.com together with the [S] item codes below.
pub const STEM: &str = "Over the last 2 weeks, how often have you been bothered by the following problems?";

static ITEMS: [Item; 7] = [
    Item { number: 1, name: "Nervousness", text: Some("Feeling nervous, anxious, or on edge"), loinc: Some("69725-0") },
    Item {
        number: 2,
        name: "Uncontrollable worry",
        text: Some("Not being able to stop or control worrying"),
        loinc: Some("68509-9"),
    },
    Item {
        number: 3,
        name: "Excessive worry",
        text: Some("Worrying too much about different things"),
        loinc: Some("69733-4"),
    },
    Item { number: 4, name: "Trouble relaxing", text: Some("Trouble relaxing"), loinc: Some("69734-2") },
    Item {
        number: 5,
        name: "Restlessness",
        text: Some("Being so restless that it is hard to sit still"),
        loinc: Some("69735-9"),
    },
    // Items 6 and 7: these two LOINC codes are [S] in clinical.md §2.2 (found in public FHIR client configs, not in
    // an HL7 artefact); verify them at loinc.org before release (clinical.md §6, open item 8).
    Item {
        number: 6,
        name: "Irritability",
        text: Some("Becoming easily annoyed or irritable"),
        loinc: Some("69689-8"),
    },
    Item {
        number: 7,
        name: "Fear of something awful",
        text: Some("Feeling afraid, as if something awful might happen"),
        loinc: Some("69736-7"),
    },
];

static BANDS: [Band; 4] = [band(0, 4, MINIMAL), band(5, 9, MILD), band(10, 14, MODERATE), band(15, 21, SEVERE)];

// The answer options and their LOINC answer codes are the PHQ-9's (clinical.md §2.1, §2.2).
pub static SPEC: InstrumentSpec =
    InstrumentSpec::pfizer(Instrument::Gad7, "GAD-7", &ITEMS, &BANDS, "69737-5", "70274-6", &RULE);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_match_reference() {
        // 69737-5 is the panel, not the total (clinical.md §0): keep the two apart.
        assert_eq!(SPEC.loinc_panel, Some("69737-5"));
        assert_eq!(SPEC.loinc_total, Some("70274-6"));
        assert_eq!(SPEC.items[1].loinc, Some("68509-9"));
        assert!(SPEC.copyright.unwrap().contains("No permission required"));
        assert!(SPEC.items.iter().all(|i| i.text.is_some()));
    }
}
