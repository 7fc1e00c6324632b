//! Tests of the contraindication and caution catalog.

use ketapath_clinical::rule::{Confidence, find as find_rule};
use ketapath_clinical::safety::conditions::{self, CONDITIONS, ConditionKind, DERIVED, find, parse_conditions};
use serde_json::json;

#[test]
fn exactly_the_label_contraindications_are_contraindications() {
    let mut codes: Vec<&str> =
        CONDITIONS.iter().filter(|c| c.kind == ConditionKind::Contraindication).map(|c| c.code).collect();
    codes.sort_unstable();
    assert_eq!(
        codes,
        [
            "aneurysmal_vascular_disease",
            "arteriovenous_malformation",
            "hypersensitivity_esketamine_ketamine",
            "intracerebral_hemorrhage"
        ]
    );
    for c in CONDITIONS.iter().filter(|c| c.kind == ConditionKind::Contraindication) {
        assert!(c.source.contains("clinical.md §3.5"), "{}", c.code);
        assert_eq!(c.confidence, Confidence::Confirmed);
    }
}

#[test]
fn warnings_are_cautions_not_contraindications() {
    for code in [
        "hypertension",
        "pregnancy",
        "breastfeeding",
        "psychosis",
        "substance_use_disorder",
        "cardiovascular_disease",
        "cerebrovascular_disease",
        "hypertensive_encephalopathy_history",
        "cystitis",
        "cns_depressants",
        "psychostimulants",
        "maoi",
        "age_under_18",
        "age_65_and_over",
        "elevated_blood_pressure",
    ] {
        let c = find(code).unwrap_or_else(|| panic!("{code} missing"));
        assert_eq!(c.kind, ConditionKind::Caution, "{code}");
    }
}

#[test]
fn every_entry_is_complete_and_sourced() {
    let mut seen = std::collections::HashSet::new();
    for c in CONDITIONS.iter().chain(DERIVED) {
        assert!(seen.insert(c.code), "duplicate {}", c.code);
        assert!(!c.label.is_empty(), "{}", c.code);
        assert!(c.discuss.contains("clinician"), "{}: {}", c.code, c.discuss);
        assert!(c.discuss.ends_with('.'), "{}", c.code);
        assert!(
            c.source.contains("clinical.md §3.") || c.source.contains("clinical.md §8."),
            "{}: {}",
            c.code,
            c.source
        );
        let lower = c.discuss.to_lowercase();
        assert!(!lower.contains("eligib"), "{}", c.code);
    }
    assert!(find_rule("safety.contraindications").is_some());
    assert!(find_rule("safety.cautions").is_some());
}

/// A person ticks from these labels: two entries naming the same condition (the arteriovenous malformation was once
/// both its own entry and the tail of the aneurysm's label) would list it twice and split one answer over two codes.
/// An explanation in parentheses may use another entry's words ("brain symptoms from very high blood pressure"
/// explains the encephalopathy; it is not a second entry for high blood pressure).
#[test]
fn no_label_names_another_entry_again() {
    for a in CONDITIONS.iter().chain(DERIVED) {
        let named = without_parentheses(&a.label.to_lowercase());
        for b in CONDITIONS.iter().chain(DERIVED).filter(|b| b.code != a.code) {
            let b_label = without_parentheses(&b.label.to_lowercase());
            assert!(!named.contains(b_label.trim()), "{} repeats the label of {}: {}", a.code, b.code, a.label);
        }
    }
}

/// The label without its parenthesised explanations.
fn without_parentheses(label: &str) -> String {
    let mut depth = 0usize;
    label
        .chars()
        .filter(|c| {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ => return depth == 0,
            }
            false
        })
        .collect()
}

#[test]
fn parse_reads_codes_and_ignores_repeats() {
    let parsed =
        parse_conditions(&json!(["pregnancy", "intracerebral_hemorrhage", "pregnancy"]), "conditions").expect("valid");
    let codes: Vec<&str> = parsed.iter().map(|c| c.code).collect();
    assert_eq!(codes, ["pregnancy", "intracerebral_hemorrhage"]);
    assert!(parse_conditions(&json!([]), "conditions").expect("empty ok").is_empty());
}

#[test]
fn unknown_codes_name_the_entry_and_list_known_codes() {
    let err = parse_conditions(&json!(["pregnancy", "flu"]), "conditions").expect_err("unknown");
    assert_eq!(err.field, "conditions[1]");
    assert!(err.message.contains("\"flu\""));
    for code in conditions::input_codes() {
        assert!(err.message.contains(code), "known code {code} not listed");
    }
    let err = parse_conditions(&json!(["age_65_and_over"]), "conditions").expect_err("derived");
    assert_eq!(err.field, "conditions[0]");
    assert!(err.message.contains("set from age or blood pressure"));
    let err = parse_conditions(&json!([3]), "conditions").expect_err("not a string");
    assert_eq!(err.field, "conditions[0]");
    let err = parse_conditions(&json!("pregnancy"), "conditions").expect_err("not an array");
    assert_eq!(err.field, "conditions");
}
