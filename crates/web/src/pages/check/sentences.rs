//! The words of a contraindication or caution in the page's language: its label, what to discuss, the published
//! source in plain words, and what in the answers raised it. The engine gives codes; the catalogue
//! (`locales/*/result.ftl`, `check.ftl`) gives the words, in English exactly the engine's own.

use ketapath_clinical::screen::ConditionFinding;

use crate::i18n::Tr;

/// The label of the condition `code` (`condition-{code}`).
pub(crate) fn condition_label(code: &str, t: Tr) -> String {
    t.m(&format!("condition-{code}"))
}

/// What to discuss about the condition `code`: the same message as the engine's `Discuss::Condition` code.
pub(crate) fn condition_discuss(code: &str, t: Tr) -> String {
    t.m(&format!("condition-{code}-discuss"))
}

/// The published source of the condition `code` in plain words, without the section numbers of KetaPath's internal
/// reference, which a reader of the page cannot open.
pub(crate) fn condition_source(code: &str, t: Tr) -> String {
    t.m(&format!("condition-{code}-source"))
}

/// A finding's label with what raised it, "Under 18 years old (age 16 is under 18)", for one-line lists.
pub(crate) fn finding_line(f: &ConditionFinding, t: Tr) -> String {
    let label = condition_label(f.code, t);
    match &f.detail {
        Some(detail) => format!("{label} ({})", t.sentence(detail)),
        None => label,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    use ketapath_clinical::safety::conditions::{CONDITIONS, DERIVED};
    use ketapath_clinical::screen_sentences::{Discuss, FindingDetail};
    use ketapath_clinical::sentence::Sentence;
    use ketapath_clinical::trd::TrialNote;

    use crate::i18n::Lang;

    /// The source as the page showed it before the catalogue held it: the published source named in the rule's
    /// parentheses, "PI" spelled out. The English catalogue must keep saying exactly this.
    fn plain_source(source: &str) -> String {
        let inner = source.split_once('(').and_then(|(_, rest)| rest.split_once(')')).map(|(inner, _)| inner.trim());
        let words = |text: &str| {
            text.split(' ').map(|w| if w == "PI" { "prescribing information" } else { w }).collect::<Vec<_>>().join(" ")
        };
        match inner {
            Some(inner) if ["SPRAVATO", "PI", "Heart"].iter().any(|k| inner.contains(k)) => words(inner),
            Some(inner) => format!("SPRAVATO (esketamine) label: {inner}"),
            None => "the SPRAVATO (esketamine) label".to_owned(),
        }
    }

    /// Every sentence kind the engine has, with sample values.
    fn every_sentence() -> Vec<Box<dyn Sentence>> {
        let mut all: Vec<Box<dyn Sentence>> = Vec::new();
        all.extend(TrialNote::examples().into_iter().map(|s| Box::new(s) as Box<dyn Sentence>));
        all.extend(Discuss::examples().into_iter().map(|s| Box::new(s) as Box<dyn Sentence>));
        all.extend(CONDITIONS.iter().chain(DERIVED).map(|c| Box::new(Discuss::Condition(c)) as Box<dyn Sentence>));
        all.extend(FindingDetail::examples().into_iter().map(|s| Box::new(s) as Box<dyn Sentence>));
        all
    }

    #[test]
    fn the_english_catalogue_says_exactly_what_the_engine_says() {
        let en = Lang::En.tr();
        for sentence in every_sentence() {
            assert_eq!(en.sentence(&*sentence), sentence.to_string(), "{}", sentence.code());
        }
        for c in CONDITIONS.iter().chain(DERIVED) {
            assert_eq!(condition_label(c.code, en), c.label, "{}", c.code);
            assert_eq!(condition_discuss(c.code, en), c.discuss, "{}", c.code);
            assert_eq!(condition_source(c.code, en), plain_source(c.source), "{}", c.code);
        }
    }

    #[test]
    fn every_sentence_has_its_own_spanish_words() {
        let (en, es) = (Lang::En.tr(), Lang::Es.tr());
        for sentence in every_sentence() {
            let spanish = es.sentence(&*sentence);
            assert!(!spanish.contains("Unknown localization"), "{}", sentence.code());
            assert_ne!(spanish, en.sentence(&*sentence), "{} is not translated", sentence.code());
            assert!(!spanish.contains("{"), "{}: {spanish}", sentence.code());
        }
        for c in CONDITIONS.iter().chain(DERIVED) {
            for words in [condition_label, condition_discuss, condition_source] {
                assert_ne!(words(c.code, es), words(c.code, en), "{}", c.code);
            }
        }
    }

    #[test]
    fn every_sentence_code_in_the_catalogue_has_an_engine_example() {
        let codes: BTreeSet<String> = every_sentence().iter().map(|s| s.code()).collect();
        let catalogue = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/locales/en-US/result.ftl"))
            .unwrap_or_default();
        for line in catalogue.lines() {
            let Some((id, _)) = line.split_once(" = ") else { continue };
            if ["note-", "discuss-", "detail-"].iter().any(|prefix| id.starts_with(prefix)) {
                assert!(codes.contains(id), "{id} is in the catalogue but no engine sentence has that code");
            }
        }
    }

    #[test]
    fn one_week_and_several_weeks_read_right_in_both_languages() {
        let one = TrialNote::WeeksShort { weeks: 1.0, min: 6.0 };
        let many = TrialNote::WeeksMeet { weeks: 8.5, min: 6.0 };
        assert_eq!(Lang::Es.tr().sentence(&one), "1 semana es menos que el mínimo de 6 semanas");
        assert_eq!(Lang::Es.tr().sentence(&many), "8.5 semanas alcanzan el mínimo de 6 semanas");
        assert_eq!(Lang::En.tr().sentence(&one), "1 week is shorter than the 6-week minimum");
    }
}
