//! MOAA/S (Modified Observer's Assessment of Alertness/Sedation): the six response levels, the sedation flag
//! (clinic-set threshold) and the unresponsive flag.
//!
//! Source: `clinical.md` §2.6 (Chernik 1990 via BMC Anesthesiol 2022 Table 2; Spravato PI §5.1 and J&J Medical
//! Information for the sedation data). The one "item" is the observer's rating, so the total is the rating.

use super::{AnswerOption, Band, Flag, Instrument, InstrumentSpec, Item};
use crate::error::InvalidInput;
use crate::rule::{Confidence, Rule};

pub static RULE: Rule = Rule {
    id: "moaas.scoring",
    version: 1,
    summary: "MOAA/S is one observer rating from 5 (responds readily to name in normal tone) to 0 (no response to \
              painful trapezius squeeze); each level is its own band",
    source: "clinical.md §2.6; Chernik DA et al. J Clin Psychopharmacol 1990;10:244-251; BMC Anesthesiol 2022 Table 2",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static SEDATION_RULE: Rule = Rule {
    id: "moaas.sedation_flag",
    version: 1,
    summary: "A MOAA/S rating at or below a clinic-set threshold (default 4) is flagged as sedation; the threshold the \
              label uses is unverified",
    source: "clinical.md §2.6 (MOAA/S 4 reported as mild sedation; label threshold [U]), §3.8 (REMS monitoring until \
             sedation resolves)",
    confidence: Confidence::Unverified,
    configurable: true,
};

pub static UNRESPONSIVE_RULE: Rule = Rule {
    id: "moaas.unresponsive_flag",
    version: 1,
    summary: "A MOAA/S rating of 0 (no response to painful trapezius squeeze) is loss of consciousness",
    source: "clinical.md §2.6 (loss of consciousness, MOAA/S = 0, Spravato PI 2019 §5.1)",
    confidence: Confidence::Confirmed,
    configurable: false,
};

pub static EXTRA_RULES: &[&Rule] = &[&SEDATION_RULE, &UNRESPONSIVE_RULE];

static ITEMS: [Item; 1] = Item::names_only(["Responsiveness"]);

/// The response levels of `clinical.md` §2.6, which the observer picks from.
static ANSWERS: [AnswerOption; 6] = [
    AnswerOption { score: 5, label: "Responds readily to name spoken in normal tone", loinc: None },
    AnswerOption { score: 4, label: "Lethargic response to name spoken in normal tone", loinc: None },
    AnswerOption { score: 3, label: "Responds only after name is called loudly and/or repeatedly", loinc: None },
    AnswerOption { score: 2, label: "Responds only after mild prodding or shaking", loinc: None },
    AnswerOption { score: 1, label: "Responds only after painful trapezius squeeze", loinc: None },
    AnswerOption { score: 0, label: "Does not respond to painful trapezius squeeze", loinc: None },
];

static BANDS: [Band; 6] = [
    Band { min: 0, max: 0, severity: "no_response", label: "Does not respond to painful trapezius squeeze" },
    Band { min: 1, max: 1, severity: "responds_to_pain", label: "Responds only after painful trapezius squeeze" },
    Band { min: 2, max: 2, severity: "responds_to_prodding", label: "Responds only after mild prodding or shaking" },
    Band {
        min: 3,
        max: 3,
        severity: "responds_to_loud_voice",
        label: "Responds only after name is called loudly and/or repeatedly",
    },
    Band { min: 4, max: 4, severity: "lethargic", label: "Lethargic response to name spoken in normal tone" },
    Band { min: 5, max: 5, severity: "alert", label: "Alert: responds readily to name spoken in normal tone" },
];

pub static SPEC: InstrumentSpec = InstrumentSpec {
    instrument: Instrument::Moaas,
    name: "MOAA/S",
    recall: "at the moment of assessment",
    items: &ITEMS,
    item_min: 0,
    item_max: 5,
    total_max: 5,
    bands: &BANDS,
    answers: &ANSWERS,
    loinc_panel: None,
    loinc_total: None,
    copyright: None,
    rule: &RULE,
};

/// Clinic settings for the MOAA/S flags. The sedation threshold is an unverified default ([`SEDATION_RULE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct MoaasConfig {
    sedation_at_or_below: u8,
}

impl MoaasConfig {
    /// Default 4 [U]: J&J Medical Information calls MOAA/S 4 "mild sedation" and reports it as the most frequent
    /// level (`clinical.md` §2.6, [C]), so every rating below "alert" is flagged. The label's own threshold
    /// (perhaps 3 or less) is unverified; a clinic that uses it sets 3.
    pub const DEFAULT_SEDATION_AT_OR_BELOW: u8 = 4;

    /// A threshold from 0 to 4: 5 would call every alert patient sedated, so it is refused.
    pub fn new(sedation_at_or_below: u8) -> Result<Self, InvalidInput> {
        let sedation_at_or_below = super::checked_threshold("moaas.sedation_at_or_below", sedation_at_or_below, 0..=4)?;
        Ok(Self { sedation_at_or_below })
    }

    pub fn sedation_at_or_below(&self) -> u8 {
        self.sedation_at_or_below
    }
}

impl Default for MoaasConfig {
    fn default() -> Self {
        Self { sedation_at_or_below: Self::DEFAULT_SEDATION_AT_OR_BELOW }
    }
}

/// Flags with the default clinic settings; what [`super::score`] uses.
pub fn flags(values: &[u8]) -> Vec<Flag> {
    flags_with(values, &MoaasConfig::default())
}

/// Flags with a clinic's settings. A rating of 0 raises both flags: it is sedation as well as unresponsiveness.
pub fn flags_with(values: &[u8], config: &MoaasConfig) -> Vec<Flag> {
    let rating = super::item_score(values, 1);
    let mut flags = Vec::new();
    if rating <= config.sedation_at_or_below {
        flags.push(Flag {
            code: "sedation",
            item: Some(1),
            message: format!(
                "MOAA/S {rating} is at or below the clinic's sedation threshold of {} (unverified: the label's \
                 cut-off is not confirmed): keep monitoring and do not discharge until sedation has resolved",
                config.sedation_at_or_below
            ),
            rule: SEDATION_RULE.reference(),
        });
    }
    if rating == 0 {
        flags.push(Flag {
            code: "unresponsive",
            item: Some(1),
            message: "MOAA/S 0: no response to painful trapezius squeeze (loss of consciousness). Check airway, \
                      breathing and oxygen saturation now and follow the clinic's emergency protocol"
                .to_owned(),
            rule: UNRESPONSIVE_RULE.reference(),
        });
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_level_has_a_band_and_an_answer() {
        for level in 0..=5u8 {
            assert_eq!(SPEC.bands.iter().filter(|b| b.min == u16::from(level) && b.max == u16::from(level)).count(), 1);
            assert_eq!(SPEC.answers.iter().filter(|a| a.score == level).count(), 1);
        }
    }

    #[test]
    fn config_range() {
        assert!(MoaasConfig::new(5).is_err());
        assert_eq!(MoaasConfig::new(0).unwrap().sedation_at_or_below(), 0);
    }
}
