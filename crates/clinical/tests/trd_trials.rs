//! Tests of past-trial parsing, adequacy and failure judgements, distinct-drug counting and the TRD status.

use ketapath_clinical::trd::{
    DoseTable, Evidence, Improvement, Judgement, TrdConfig, TrdStatus, Trial, assess_history, assess_trial,
    parse_trials,
};
use serde_json::{Value, json};

fn trial(drug: &str, dose: Option<f64>, weeks: Option<f64>, improvement: Improvement) -> Trial {
    Trial {
        drug: drug.to_owned(),
        dose_mg_per_day: dose,
        weeks,
        improvement,
        augmentation: false,
        current_episode: true,
    }
}

fn judge(t: &Trial) -> (Judgement, Judgement, Vec<String>) {
    let a = assess_trial(t, DoseTable::embedded(), &TrdConfig::default());
    (a.adequate, a.failed, a.notes.iter().map(ToString::to_string).collect())
}

fn history(trials: &[Trial]) -> ketapath_clinical::trd::TrdAssessment {
    assess_history(trials, DoseTable::embedded(), &TrdConfig::default())
}

// The ATRQ worked examples of clinical.md §1.1.

#[test]
fn atrq_sertraline_100mg_12_weeks_no_improvement_is_failed_adequate() {
    let (adequate, failed, notes) = judge(&trial("sertraline", Some(100.0), Some(12.0), Improvement::None));
    assert_eq!((adequate, failed), (Judgement::Yes, Judgement::Yes), "{notes:?}");
}

#[test]
fn atrq_citalopram_20mg_4_weeks_is_too_short() {
    let (adequate, _, notes) = judge(&trial("citalopram", Some(20.0), Some(4.0), Improvement::None));
    assert_eq!(adequate, Judgement::No);
    assert!(notes.iter().any(|n| n == "4 weeks is shorter than the 6-week minimum"), "{notes:?}");
    assert!(notes.iter().any(|n| n.contains("meets the 20 mg/day minimum")), "{notes:?}");
}

#[test]
fn atrq_venlafaxine_75mg_7_weeks_is_dose_too_low() {
    let (adequate, _, notes) = judge(&trial("venlafaxine", Some(75.0), Some(7.0), Improvement::None));
    assert_eq!(adequate, Judgement::No);
    assert!(notes.iter().any(|n| n == "dose 75 mg/day is below the 150 mg/day minimum for venlafaxine"), "{notes:?}");
}

#[test]
fn boundaries_are_inclusive() {
    assert_eq!(judge(&trial("sertraline", Some(50.0), Some(6.0), Improvement::None)).0, Judgement::Yes);
    assert_eq!(judge(&trial("sertraline", Some(49.9), Some(6.0), Improvement::None)).0, Judgement::No);
    assert_eq!(judge(&trial("sertraline", Some(50.0), Some(5.9), Improvement::None)).0, Judgement::No);
    assert_eq!(judge(&trial("tianeptine", Some(37.5), Some(6.0), Improvement::None)).0, Judgement::Yes);
}

#[test]
fn missing_dose_duration_or_unknown_drug_is_never_yes() {
    let cases = [
        trial("sertraline", None, Some(12.0), Improvement::None),
        trial("sertraline", Some(100.0), None, Improvement::None),
        trial("sertraline", None, None, Improvement::None),
        trial("wonderpill", Some(100.0), Some(12.0), Improvement::None),
    ];
    for t in &cases {
        let (adequate, _, notes) = judge(t);
        assert_eq!(adequate, Judgement::Unknown, "{t:?}: {notes:?}");
    }
    let notes = judge(&cases[3]).2;
    assert!(notes.iter().any(|n| n.starts_with("unknown drug \"wonderpill\"") && n.contains("cannot be judged")));
    assert!(judge(&cases[0]).2.iter().any(|n| n.starts_with("dose not given")));
    assert!(judge(&cases[1]).2.iter().any(|n| n.starts_with("duration not given")));
}

#[test]
fn a_known_failing_criterion_is_no_even_when_the_other_is_missing() {
    assert_eq!(judge(&trial("sertraline", Some(25.0), None, Improvement::None)).0, Judgement::No);
    assert_eq!(judge(&trial("sertraline", None, Some(3.0), Improvement::None)).0, Judgement::No);
    assert_eq!(judge(&trial("wonderpill", Some(100.0), Some(3.0), Improvement::None)).0, Judgement::No);
}

#[test]
fn failure_follows_improvement() {
    let f = |i| judge(&trial("sertraline", Some(100.0), Some(8.0), i)).1;
    assert_eq!(f(Improvement::None), Judgement::Yes);
    assert_eq!(f(Improvement::Partial), Judgement::Yes);
    assert_eq!(f(Improvement::Response), Judgement::No);
    assert_eq!(f(Improvement::Unknown), Judgement::Unknown);
}

#[test]
fn configurable_minimum_weeks_and_partial_response() {
    let table = DoseTable::embedded();
    let four_weeks = TrdConfig::new(4.0, true, 2).expect("valid");
    let t = trial("citalopram", Some(20.0), Some(4.0), Improvement::Partial);
    assert_eq!(assess_trial(&t, table, &four_weeks).adequate, Judgement::Yes);
    let strict = TrdConfig::new(6.0, false, 2).expect("valid");
    assert_eq!(assess_trial(&t, table, &strict).failed, Judgement::No);
    assert!(TrdConfig::new(0.0, true, 2).is_err());
    assert!(TrdConfig::new(f64::NAN, true, 2).is_err());
    assert!(TrdConfig::new(6.0, true, 0).is_err());
}

#[test]
fn aliases_are_reported_with_their_generic_name() {
    let a = assess_trial(
        &trial("Zoloft", Some(100.0), Some(8.0), Improvement::None),
        DoseTable::embedded(),
        &TrdConfig::default(),
    );
    assert_eq!(a.drug, "sertraline");
    assert_eq!(a.entered_as, "Zoloft");
    assert!(a.notes.iter().any(|n| n.to_string() == "\"Zoloft\" read as sertraline"), "{:?}", a.notes);
    let cr = assess_trial(
        &trial("Paxil CR", Some(20.0), Some(8.0), Improvement::None),
        DoseTable::embedded(),
        &TrdConfig::default(),
    );
    assert_eq!(cr.adequate, Judgement::No, "Paxil CR needs 25 mg/day: {:?}", cr.notes);
}

#[test]
fn distinct_drugs_count_once_by_their_strongest_entry() {
    let h = history(&[
        trial("sertraline", Some(25.0), Some(4.0), Improvement::None),
        trial("Zoloft", Some(100.0), Some(12.0), Improvement::None),
        trial("sertraline", Some(150.0), Some(10.0), Improvement::Partial),
    ]);
    assert_eq!(h.drugs.len(), 1);
    assert_eq!(h.drugs[0].entries, vec![0, 1, 2]);
    assert_eq!(h.drugs[0].evidence, Evidence::Definite);
    assert_eq!(h.failed_adequate_trials, 1);
    assert_eq!(h.possible_failed_trials, 1);
    assert_eq!(h.trd, TrdStatus::NotMet);
    assert!(
        h.trials[0]
            .notes
            .iter()
            .map(ToString::to_string)
            .any(|n| n.contains("listed 3 times") && n.contains("trials[1]"))
    );
}

#[test]
fn two_different_failed_adequate_drugs_meet_the_definition() {
    let h = history(&[
        trial("sertraline", Some(100.0), Some(12.0), Improvement::None),
        trial("venlafaxine", Some(225.0), Some(8.0), Improvement::Partial),
    ]);
    assert_eq!(h.failed_adequate_trials, 2);
    assert_eq!(h.possible_failed_trials, 2);
    assert_eq!(h.trd, TrdStatus::MeetsDefinition);
}

#[test]
fn unknowns_make_it_possible_not_met() {
    let h = history(&[
        trial("sertraline", Some(100.0), Some(12.0), Improvement::None),
        trial("bupropion", None, Some(10.0), Improvement::None),
    ]);
    assert_eq!((h.failed_adequate_trials, h.possible_failed_trials), (1, 2));
    assert_eq!(h.trd, TrdStatus::Possible);

    let h = history(&[
        trial("wonderpill", Some(10.0), Some(10.0), Improvement::None),
        trial("sertraline", Some(100.0), Some(12.0), Improvement::Unknown),
    ]);
    assert_eq!((h.failed_adequate_trials, h.possible_failed_trials), (0, 2));
    assert_eq!(h.trd, TrdStatus::Possible);

    // A response or an inadequate trial is not even possible.
    let h = history(&[
        trial("sertraline", Some(100.0), Some(12.0), Improvement::Response),
        trial("citalopram", Some(20.0), Some(4.0), Improvement::None),
    ]);
    assert_eq!((h.failed_adequate_trials, h.possible_failed_trials), (0, 0));
    assert_eq!(h.trd, TrdStatus::NotMet);
}

#[test]
fn augmentation_entries_are_reported_but_not_counted() {
    let mut aripiprazole = trial("aripiprazole", Some(5.0), Some(8.0), Improvement::None);
    aripiprazole.augmentation = true;
    let mut lithium_sertraline = trial("sertraline", Some(100.0), Some(8.0), Improvement::None);
    lithium_sertraline.augmentation = true;
    let h = history(&[
        trial("citalopram", Some(40.0), Some(8.0), Improvement::None),
        aripiprazole,
        lithium_sertraline,
        trial("quetiapine", Some(300.0), Some(8.0), Improvement::None),
    ]);
    assert_eq!(h.trials.len(), 4, "every entry is reported");
    assert!(h.trials[0].counted);
    for t in &h.trials[1..] {
        assert!(!t.counted, "{t:?}");
        assert!(
            t.notes.iter().any(|n| n.to_string().contains("not counted as an antidepressant trial")),
            "{:?}",
            t.notes
        );
    }
    assert_eq!(h.drugs.len(), 1);
    assert_eq!((h.failed_adequate_trials, h.possible_failed_trials), (1, 1));
    assert_eq!(h.trd, TrdStatus::NotMet);
}

#[test]
fn required_failed_trials_is_configurable() {
    let config = TrdConfig::new(6.0, true, 3).expect("valid");
    let trials = [
        trial("sertraline", Some(100.0), Some(12.0), Improvement::None),
        trial("venlafaxine", Some(225.0), Some(8.0), Improvement::None),
    ];
    assert_eq!(assess_history(&trials, DoseTable::embedded(), &config).trd, TrdStatus::NotMet);
}

#[test]
fn rules_are_referenced() {
    let h = history(&[]);
    let ids: Vec<&str> = h.rules.iter().map(|r| r.id).collect();
    assert_eq!(ids, ["trd.min_dose_table", "trd.adequate_trial", "trd.failed_trial", "trd.definition"]);
    assert_eq!(h.trd, TrdStatus::NotMet);
}

fn parse_err(value: Value) -> (String, String) {
    let err = parse_trials(&value, "trials").expect_err("should fail");
    (err.field, err.message)
}

#[test]
fn parse_accepts_the_contract_example_and_defaults() {
    let trials = parse_trials(
        &json!([
            {"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none", "augmentation": false},
            {"drug": "  Zoloft  ", "dose_mg_per_day": null, "weeks": 6.5},
            {"drug": "citalopram", "improvement": "partial"},
            {"drug": "lithium", "improvement": "response", "augmentation": true},
            {"drug": "bupropion", "improvement": "unknown"}
        ]),
        "trials",
    )
    .expect("valid");
    assert_eq!(trials[0], trial("sertraline", Some(100.0), Some(12.0), Improvement::None));
    assert_eq!(trials[1], trial("Zoloft", None, Some(6.5), Improvement::Unknown));
    assert_eq!(trials[2].improvement, Improvement::Partial);
    assert!(trials[3].augmentation);
    assert_eq!(trials[4].improvement, Improvement::Unknown);
}

#[test]
fn parse_errors_name_the_field() {
    let ok = json!({"drug": "sertraline"});
    let cases = [
        (json!([ok, {"drug": "x", "dose_mg_per_day": -5}]), "trials[1].dose_mg_per_day", "negative"),
        (json!([ok, {"drug": "x", "dose_mg_per_day": "100"}]), "trials[1].dose_mg_per_day", "number"),
        (json!([ok, {"drug": "x", "dose_mg_per_day": "NaN"}]), "trials[1].dose_mg_per_day", "number"),
        (json!([{"drug": "x", "dose_mg_per_day": 0}]), "trials[0].dose_mg_per_day", "greater than 0"),
        (json!([{"drug": "x", "dose_mg_per_day": 1e9}]), "trials[0].dose_mg_per_day", "up to"),
        (json!([{"drug": "x", "weeks": -1}]), "trials[0].weeks", "negative"),
        (json!([{"drug": "x", "weeks": true}]), "trials[0].weeks", "number"),
        (json!([{"drug": "   "}]), "trials[0].drug", "empty"),
        (json!([{"drug": 5}]), "trials[0].drug", "string"),
        (json!([{"dose_mg_per_day": 5}]), "trials[0].drug", "required"),
        (json!([{"drug": "x", "improvement": "better"}]), "trials[0].improvement", "better"),
        (json!([{"drug": "x", "improvement": 1}]), "trials[0].improvement", "one of"),
        (json!([{"drug": "x", "augmentation": "yes"}]), "trials[0].augmentation", "true or false"),
        (json!([{"drug": "x", "dose_mg": 5}]), "trials[0].dose_mg", "unknown field"),
        (json!(["sertraline"]), "trials[0]", "object"),
        (json!({"drug": "x"}), "trials", "array"),
    ];
    for (value, field, words) in cases {
        let (f, message) = parse_err(value.clone());
        assert_eq!(f, field, "{value}: {message}");
        assert!(message.contains(words), "{value}: {message:?} should mention {words:?}");
    }
}

#[test]
fn non_finite_values_from_typed_callers_do_not_count_as_known() {
    let t = trial("sertraline", Some(f64::NAN), Some(f64::INFINITY), Improvement::None);
    assert_eq!(judge(&t).0, Judgement::Unknown);
}
