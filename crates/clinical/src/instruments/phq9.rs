//! PHQ-9: items and texts (Pfizer, no permission required), LOINC codes, severity bands and the item 9 flag.
//!
//! Source: `clinical.md` §2.1 (Kroenke 2001; US Core examples for codes and texts).

use super::severity::{MILD, MINIMAL, MODERATE, MODERATELY_SEVERE, SEVERE};
use super::{AnswerOption, Band, Flag, Instrument, InstrumentSpec, Item, band};
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "phq9.scoring",
    version: 1,
    summary: "PHQ-9 total is the sum of items 1-9 (0-27); bands 0-4 minimal, 5-9 mild, 10-14 moderate, 15-19 moderately severe, 20-27 severe",
    source: "clinical.md §2.1; Kroenke K et al. J Gen Intern Med 2001;16:606-613",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static ITEM9_RULE: Rule = Rule {
    id: "phq9.item9_flag",
    version: 1,
    summary: "Any PHQ-9 item 9 answer above 'not at all' calls for clinician follow-up, whatever the total; a zero is never 'no risk'",
    source: "clinical.md §2.1 (item 9 handling), §5.5; Simon 2013; Louzon 2016",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static EXTRA_RULES: &[&Rule] = &[&ITEM9_RULE];

/// The copyright line that must accompany the texts (`clinical.md` §2.1, Licensing).
pub const COPYRIGHT: &str = "Copyright © Pfizer Inc. All rights reserved. Developed by Drs. Robert L. Spitzer, Janet B.W. Williams, \
Kurt Kroenke and colleagues, with an educational grant from Pfizer Inc. No permission required to reproduce, translate, display or distribute.";

/// The question stem shown before the items.
pub const STEM: &str = "Over the last 2 weeks, how often have you been bothered by any of the following problems?";

static ITEMS: [Item; 9] = [
    Item {
        number: 1,
        name: "Anhedonia",
        text: Some("Little interest or pleasure in doing things"),
        loinc: Some("44250-9"),
    },
    Item {
        number: 2,
        name: "Depressed mood",
        text: Some("Feeling down, depressed, or hopeless"),
        loinc: Some("44255-8"),
    },
    Item {
        number: 3,
        name: "Sleep",
        text: Some("Trouble falling or staying asleep, or sleeping too much"),
        loinc: Some("44259-0"),
    },
    Item { number: 4, name: "Fatigue", text: Some("Feeling tired or having little energy"), loinc: Some("44254-1") },
    Item { number: 5, name: "Appetite", text: Some("Poor appetite or overeating"), loinc: Some("44251-7") },
    Item {
        number: 6,
        name: "Self-worth",
        text: Some("Feeling bad about yourself — or that you are a failure or have let yourself or your family down"),
        loinc: Some("44258-2"),
    },
    Item {
        number: 7,
        name: "Concentration",
        text: Some("Trouble concentrating on things, such as reading the newspaper or watching television"),
        loinc: Some("44252-5"),
    },
    Item {
        number: 8,
        name: "Psychomotor",
        text: Some(
            "Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or \
             restless that you have been moving around a lot more than usual",
        ),
        loinc: Some("44253-3"),
    },
    Item {
        number: 9,
        name: "Thoughts of death or self-harm",
        text: Some("Thoughts that you would be better off dead, or of hurting yourself in some way"),
        loinc: Some("44260-8"),
    },
];

/// Answer options shared by the PHQ-9 and the GAD-7, with LOINC answer codes (`clinical.md` §2.1).
pub static ANSWERS: [AnswerOption; 4] = [
    AnswerOption { score: 0, label: "Not at all", loinc: Some("LA6568-5") },
    AnswerOption { score: 1, label: "Several days", loinc: Some("LA6569-3") },
    AnswerOption { score: 2, label: "More than half the days", loinc: Some("LA6570-1") },
    AnswerOption { score: 3, label: "Nearly every day", loinc: Some("LA6571-9") },
];

static BANDS: [Band; 5] = [
    band(0, 4, MINIMAL),
    band(5, 9, MILD),
    band(10, 14, MODERATE),
    band(15, 19, MODERATELY_SEVERE),
    band(20, 27, SEVERE),
];

pub static SPEC: InstrumentSpec =
    InstrumentSpec::pfizer(Instrument::Phq9, "PHQ-9", &ITEMS, &BANDS, "44249-1", "44261-6", &RULE);

pub fn flags(values: &[u8]) -> Vec<Flag> {
    let item9 = values[8];
    if item9 == 0 {
        return Vec::new();
    }
    vec![Flag {
        code: "item9_positive",
        item: Some(9),
        message: format!(
            "Item 9 (thoughts of death or self-harm) scored {item9}: follow up with a structured suicide risk assessment today"
        ),
        rule: ITEM9_RULE.reference(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instruments::{Items, score};

    fn scored(values: [i64; 9]) -> crate::instruments::Score {
        score(&Items::from_values(Instrument::Phq9, &values).unwrap())
    }

    #[test]
    fn band_boundaries() {
        let cases = [
            (0, "minimal"),
            (4, "minimal"),
            (5, "mild"),
            (9, "mild"),
            (10, "moderate"),
            (14, "moderate"),
            (15, "moderately_severe"),
            (19, "moderately_severe"),
            (20, "severe"),
            (27, "severe"),
        ];
        for (total, expected) in cases {
            // Spread the total over items 1-8 so that item 9 stays zero.
            let mut values = [0i64; 9];
            let mut left = total;
            for v in values.iter_mut().take(8) {
                let take = left.min(3);
                *v = take;
                left -= take;
            }
            values[8] = left;
            let s = scored(values);
            assert_eq!(s.total, total as u16, "total for {values:?}");
            assert_eq!(s.severity, expected, "severity at total {total}");
        }
    }

    #[test]
    fn item9_flag_only_when_positive() {
        assert!(scored([3, 3, 3, 3, 3, 3, 3, 3, 0]).flags.is_empty());
        let s = scored([0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(s.flags.len(), 1);
        assert_eq!(s.flags[0].code, "item9_positive");
        assert_eq!(s.flags[0].item, Some(9));
        assert_eq!(s.flags[0].rule.id, "phq9.item9_flag");
    }

    #[test]
    fn codes_match_reference() {
        assert_eq!(SPEC.loinc_total, Some("44261-6"));
        assert_eq!(SPEC.items[8].loinc, Some("44260-8"));
        assert!(SPEC.copyright.unwrap().contains("No permission required"));
    }
}
