//! Tests of the self-check result: the DESIGN.md output shape and each default rule.

use ketapath_clinical::RULES_VERSION;
use ketapath_clinical::safety::CrisisLevel;
use ketapath_clinical::screen::{BpCaution, ScreenConfig, ScreeningInput, screen};
use serde_json::{Value, json};

fn run(input: Value) -> Value {
    run_with(input, &ScreenConfig::default())
}

fn run_with(input: Value, config: &ScreenConfig) -> Value {
    let parsed = ScreeningInput::parse(&input).unwrap_or_else(|e| panic!("valid input expected: {e}"));
    serde_json::to_value(screen(&parsed, config)).expect("serialises")
}

fn codes(value: &Value, key: &str) -> Vec<String> {
    value[key].as_array().expect("array").iter().map(|c| c["code"].as_str().expect("code").to_owned()).collect()
}

const PHQ9_ZERO_ITEM9: [u8; 9] = [2, 2, 2, 2, 1, 1, 1, 1, 0];

#[test]
fn design_example_has_the_contract_shape() {
    let out = run(json!({
        "phq9": [0,1,2,3,0,1,2,1,0], "acting_on_thoughts": false, "age": 34, "episode_months": 18,
        "trials": [{"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none", "augmentation": false}],
        "conditions": ["aneurysmal_vascular_disease"], "blood_pressure": {"systolic": 150, "diastolic": 95}
    }));
    assert_eq!(out["rules_version"], RULES_VERSION);
    assert_eq!(out["crisis"]["level"], "none");
    assert_eq!(out["crisis"]["resources"][0]["name"], "988 Suicide & Crisis Lifeline");
    assert_eq!(out["crisis"]["resources"][0]["contact"], "Call or text 988");
    assert_eq!(out["phq9"], json!({"total": 10, "severity": "moderate", "item9": 0}));
    let trial = &out["trials"][0];
    assert_eq!(trial["drug"], "sertraline");
    assert_eq!(trial["adequate"], "yes");
    assert_eq!(trial["failed"], "yes");
    assert!(trial["notes"].as_array().is_some_and(|n| !n.is_empty()));
    assert_eq!(out["failed_adequate_trials"], 1);
    assert_eq!(out["possible_failed_trials"], 1);
    assert_eq!(out["trd"], "not_met");
    assert_eq!(codes(&out, "contraindications"), ["aneurysmal_vascular_disease"]);
    assert!(out["contraindications"][0]["source"].as_str().is_some_and(|s| s.contains("clinical.md §3.5")));
    assert_eq!(codes(&out, "cautions"), ["elevated_blood_pressure"]);
    assert!(out["cautions"][0]["source"].as_str().is_some_and(|s| s.contains("clinical.md §3.3")));
    assert_eq!(out["episode"]["duration"], "sub_acute");
    assert!(out["discuss"].as_array().is_some_and(|d| d.len() >= 3));
    let rules: Vec<&str> = out["rules"].as_array().expect("rules").iter().filter_map(|r| r["id"].as_str()).collect();
    for id in [
        "phq9.scoring",
        "crisis.triage",
        "trd.adequate_trial",
        "trd.definition",
        "safety.contraindications",
        "screen.bp_caution",
    ] {
        assert!(rules.contains(&id), "{id} missing from {rules:?}");
    }
}

#[test]
fn crisis_comes_first_in_the_document() {
    let text = serde_json::to_string(&screen(
        &ScreeningInput::parse(&json!({"phq9": PHQ9_ZERO_ITEM9})).expect("valid"),
        &ScreenConfig::default(),
    ))
    .expect("serialises");
    let crisis = text.find("\"crisis\"").expect("crisis");
    for later in ["\"phq9\"", "\"trials\"", "\"trd\"", "\"contraindications\"", "\"cautions\"", "\"discuss\""] {
        assert!(crisis < text.find(later).expect(later), "crisis must precede {later}");
    }
}

#[test]
fn only_phq9_is_required() {
    let out = run(json!({"phq9": PHQ9_ZERO_ITEM9}));
    assert_eq!(out["trials"], json!([]));
    assert_eq!(out["trd"], "not_met");
    assert_eq!(out["contraindications"], json!([]));
    assert_eq!(out["cautions"], json!([]));
    assert!(out.get("episode").is_none());
    let nulls = run(json!({"phq9": PHQ9_ZERO_ITEM9, "age": null, "trials": null, "blood_pressure": null}));
    assert_eq!(nulls["cautions"], json!([]));
}

#[test]
fn crisis_levels() {
    let level = |item9: u8, acting: Option<bool>| {
        let mut phq9 = PHQ9_ZERO_ITEM9;
        phq9[8] = item9;
        let mut input = json!({"phq9": phq9});
        if let Some(a) = acting {
            input["acting_on_thoughts"] = json!(a);
        }
        run(input)["crisis"].clone()
    };
    let none = level(0, None);
    assert_eq!(none["level"], "none");
    assert!(none["message"].as_str().is_some_and(|m| m.contains("does not rule out risk")));
    assert_eq!(level(1, None)["level"], "urgent");
    assert_eq!(level(3, Some(false))["level"], "urgent");
    let emergency = level(2, Some(true));
    assert_eq!(emergency["level"], "emergency");
    assert_eq!(emergency["resources"][0]["name"], "Emergency services (911)");
    assert_eq!(level(0, Some(true))["level"], "emergency");
    assert_eq!(level(1, None)["resources"][0]["name"], "988 Suicide & Crisis Lifeline");
}

#[test]
fn positive_item9_adds_a_discussion_point() {
    let mut phq9 = PHQ9_ZERO_ITEM9;
    phq9[8] = 1;
    let out = run(json!({"phq9": phq9}));
    assert!(out["discuss"][0].as_str().is_some_and(|d| d.contains("thoughts of death or self-harm")));
}

#[test]
fn distinct_drugs_unknowns_and_augmentation() {
    let out = run(json!({"phq9": PHQ9_ZERO_ITEM9, "trials": [
        {"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none"},
        {"drug": "Zoloft", "dose_mg_per_day": 150, "weeks": 8, "improvement": "partial"},
        {"drug": "aripiprazole", "dose_mg_per_day": 5, "weeks": 8, "improvement": "none", "augmentation": true},
        {"drug": "bupropion", "weeks": 10, "improvement": "none"}
    ]}));
    assert_eq!(out["trials"].as_array().map(Vec::len), Some(4));
    assert_eq!(out["trials"][1]["drug"], "sertraline");
    assert_eq!(out["trials"][2]["counted"], false);
    assert_eq!(out["trials"][3]["adequate"], "unknown");
    assert_eq!(out["failed_adequate_trials"], 1);
    assert_eq!(out["possible_failed_trials"], 2);
    assert_eq!(out["trd"], "possible");
}

#[test]
fn meets_definition_and_not_met() {
    let meets = run(json!({"phq9": PHQ9_ZERO_ITEM9, "trials": [
        {"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none"},
        {"drug": "Effexor", "dose_mg_per_day": 225, "weeks": 8, "improvement": "partial"}
    ]}));
    assert_eq!(meets["trd"], "meets_definition");
    assert_eq!(meets["failed_adequate_trials"], 2);
    let not_met = run(json!({"phq9": PHQ9_ZERO_ITEM9, "trials": [
        {"drug": "citalopram", "dose_mg_per_day": 20, "weeks": 4, "improvement": "none"},
        {"drug": "venlafaxine", "dose_mg_per_day": 75, "weeks": 7, "improvement": "none"}
    ]}));
    assert_eq!(not_met["trd"], "not_met");
    assert_eq!(not_met["possible_failed_trials"], 0);
}

#[test]
fn contraindications_and_cautions_are_separated() {
    let out = run(json!({"phq9": PHQ9_ZERO_ITEM9, "conditions": [
        "pregnancy", "intracerebral_hemorrhage", "psychosis", "hypersensitivity_esketamine_ketamine", "maoi"
    ]}));
    assert_eq!(codes(&out, "contraindications"), ["intracerebral_hemorrhage", "hypersensitivity_esketamine_ketamine"]);
    assert_eq!(codes(&out, "cautions"), ["pregnancy", "psychosis", "maoi"]);
    for finding in out["contraindications"]
        .as_array()
        .into_iter()
        .flatten()
        .chain(out["cautions"].as_array().into_iter().flatten())
    {
        assert!(
            finding["discuss"]
                .as_str()
                .is_some_and(|d| out["discuss"].as_array().is_some_and(|all| all.iter().any(|a| a == d)))
        );
    }
}

#[test]
fn blood_pressure_caution_is_strictly_above_140_over_90() {
    let cautions = |s: u16, d: u16| {
        codes(&run(json!({"phq9": PHQ9_ZERO_ITEM9, "blood_pressure": {"systolic": s, "diastolic": d}})), "cautions")
    };
    assert!(cautions(140, 90).is_empty());
    assert_eq!(cautions(141, 80), ["elevated_blood_pressure"]);
    assert_eq!(cautions(130, 91), ["elevated_blood_pressure"]);
    assert_eq!(cautions(179, 110), ["elevated_blood_pressure"]);
    let out = run(json!({"phq9": PHQ9_ZERO_ITEM9, "blood_pressure": {"systolic": 150, "diastolic": 95}}));
    assert_eq!(out["cautions"][0]["detail"], "blood pressure 150/95 mmHg is above 140/90");
    let config =
        ScreenConfig { bp_caution: BpCaution { systolic_above: 160, diastolic_above: 100 }, ..ScreenConfig::default() };
    let out = run_with(json!({"phq9": PHQ9_ZERO_ITEM9, "blood_pressure": {"systolic": 150, "diastolic": 95}}), &config);
    assert!(codes(&out, "cautions").is_empty());
}

#[test]
fn age_cautions() {
    let cautions = |age: u8| codes(&run(json!({"phq9": PHQ9_ZERO_ITEM9, "age": age})), "cautions");
    assert_eq!(cautions(0), ["age_under_18"]);
    assert_eq!(cautions(17), ["age_under_18"]);
    assert!(cautions(18).is_empty());
    assert!(cautions(64).is_empty());
    assert_eq!(cautions(65), ["age_65_and_over"]);
    assert_eq!(cautions(120), ["age_65_and_over"]);
}

#[test]
fn never_says_eligible_or_no_risk() {
    let inputs = [
        json!({"phq9": PHQ9_ZERO_ITEM9}),
        json!({"phq9": [3,3,3,3,3,3,3,3,3], "acting_on_thoughts": true, "age": 70, "episode_months": 40,
               "conditions": ["aneurysmal_vascular_disease", "pregnancy", "cystitis"],
               "blood_pressure": {"systolic": 170, "diastolic": 100},
               "trials": [{"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none"},
                          {"drug": "venlafaxine", "dose_mg_per_day": 225, "weeks": 12, "improvement": "none"}]}),
        json!({"phq9": [1,1,1,1,1,1,1,1,1], "age": 15,
               "trials": [{"drug": "wonderpill"}, {"drug": "Seroquel", "augmentation": true}]}),
        json!({"phq9": [0,0,0,0,0,0,0,0,0], "trials": [{"drug": "citalopram", "dose_mg_per_day": 20, "weeks": 4}]}),
    ];
    for input in inputs {
        let text = serde_json::to_string(&run(input)).expect("serialises").to_lowercase();
        assert!(!text.contains("eligible"), "{text}");
        assert!(!text.contains("no risk"), "{text}");
    }
}

#[test]
fn episode_duration_is_categorised() {
    let duration = |m: f64| run(json!({"phq9": PHQ9_ZERO_ITEM9, "episode_months": m}))["episode"]["duration"].clone();
    assert_eq!(duration(12.0), "acute");
    assert_eq!(duration(13.0), "sub_acute");
    assert_eq!(duration(25.0), "chronic");
}

#[test]
fn rules_are_listed_once() {
    let out = run(json!({"phq9": PHQ9_ZERO_ITEM9, "conditions": ["pregnancy", "psychosis"], "age": 70}));
    let rules: Vec<String> =
        out["rules"].as_array().expect("rules").iter().map(|r| format!("{}@{}", r["id"], r["version"])).collect();
    let unique: std::collections::HashSet<&String> = rules.iter().collect();
    assert_eq!(unique.len(), rules.len(), "{rules:?}");
    assert!(rules.iter().any(|r| r.contains("screen.age_caution")));
    assert!(rules.iter().any(|r| r.contains("safety.cautions")));
}

#[test]
fn a_reading_of_180_over_120_or_more_is_in_the_hypertensive_crisis_range() {
    let cautions = |s: u16, d: u16| {
        codes(&run(json!({"phq9": PHQ9_ZERO_ITEM9, "blood_pressure": {"systolic": s, "diastolic": d}})), "cautions")
    };
    assert_eq!(cautions(180, 100), ["hypertensive_crisis_range", "elevated_blood_pressure"], "systolic alone");
    assert_eq!(cautions(170, 120), ["hypertensive_crisis_range", "elevated_blood_pressure"], "diastolic alone");
    assert_eq!(cautions(179, 119), ["elevated_blood_pressure"]);
    let out = run(json!({"phq9": PHQ9_ZERO_ITEM9, "blood_pressure": {"systolic": 230, "diastolic": 130}}));
    let caution = &out["cautions"][0];
    assert_eq!(caution["code"], "hypertensive_crisis_range");
    for field in ["label", "detail", "discuss", "source", "confidence", "rule"] {
        assert!(!caution[field].is_null(), "{field} like the other cautions");
    }
    assert_eq!(caution["rule"]["id"], "screen.hypertensive_crisis");
    let discuss = caution["discuss"].as_str().unwrap();
    for words in [
        "Wait a few minutes and measure",
        "contact a clinician today",
        "Call 911 at once",
        "chest or back pain",
        "shortness of breath",
        "numbness or weakness",
        "a change in vision",
        "difficulty speaking",
        "American Heart Association",
    ] {
        assert!(discuss.contains(words), "{words:?} missing from {discuss}");
    }
    assert!(caution["source"].as_str().unwrap().contains("§8.2"));
    assert_eq!(out["discuss"][0], discuss, "the first thing to discuss");
}

#[test]
fn trials_of_an_earlier_episode_are_reported_not_counted() {
    let trials = json!([
        {"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none"},
        {"drug": "venlafaxine", "dose_mg_per_day": 225, "weeks": 8, "improvement": "none", "current_episode": false},
        {"drug": "escitalopram", "dose_mg_per_day": 20, "weeks": 8, "improvement": "none", "current_episode": true}
    ]);
    let out = run(json!({"phq9": PHQ9_ZERO_ITEM9, "trials": trials}));
    assert_eq!(out["trd"], "meets_definition");
    assert_eq!(out["failed_adequate_trials"], 2);
    assert_eq!(out["trials"][0]["current_episode"], true, "absent means the current episode");
    assert_eq!(out["trials"][1]["current_episode"], false);
    assert_eq!(out["trials"][1]["counted"], false);
    let notes = out["trials"][1]["notes"].to_string();
    assert!(notes.contains("earlier episode") && notes.contains("current episode"), "{notes}");

    let earlier_only = json!([
        {"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none", "current_episode": false},
        {"drug": "venlafaxine", "dose_mg_per_day": 225, "weeks": 8, "improvement": "none", "current_episode": false}
    ]);
    let out = run(json!({"phq9": PHQ9_ZERO_ITEM9, "trials": earlier_only}));
    assert_eq!(out["trd"], "not_met", "two failed trials of an earlier episode do not make TRD now");
    assert_eq!(out["failed_adequate_trials"], 0);

    let bad = json!({"phq9": PHQ9_ZERO_ITEM9, "trials": [{"drug": "sertraline", "current_episode": "no"}]});
    assert_eq!(ScreeningInput::parse(&bad).unwrap_err().field, "trials[0].current_episode");
}

#[test]
fn invalid_input_keeps_the_crisis_block_when_the_triage_answers_can_be_read() {
    // The example: acting on thoughts, with an impossible age, 8 PHQ-9 items and an unknown condition.
    let raw = json!({"phq9": [3, 3, 3, 3, 3, 3, 3, 3], "acting_on_thoughts": true, "age": 150, "conditions": ["x"]});
    let invalid = ScreeningInput::parse_or_triage(&raw).unwrap_err();
    assert_eq!(invalid.error.field, "phq9");
    let crisis = invalid.crisis.expect("crisis block");
    let valid = run(json!({"phq9": [3, 3, 3, 3, 3, 3, 3, 3, 3], "acting_on_thoughts": true}));
    assert_eq!(serde_json::to_value(&crisis).unwrap(), valid["crisis"], "the same block as a valid input");

    let raw = json!({"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 2], "age": 150});
    let invalid = ScreeningInput::parse_or_triage(&raw).unwrap_err();
    assert_eq!((invalid.error.field.as_str(), invalid.crisis.map(|c| c.level)), ("age", Some(CrisisLevel::Urgent)));

    // Item 9 itself invalid, no acting on thoughts: no block, and the error names the field.
    let raw = json!({"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 7]});
    let invalid = ScreeningInput::parse_or_triage(&raw).unwrap_err();
    assert_eq!((invalid.error.field.as_str(), invalid.crisis), ("phq9[8]", None));
}

#[test]
fn the_anonymous_check_never_promises_that_a_clinician_will_follow_up() {
    for (item9, acting) in [(0, false), (1, false), (3, false), (2, true)] {
        let mut phq9 = PHQ9_ZERO_ITEM9;
        phq9[8] = item9;
        let out = run(json!({"phq9": phq9, "acting_on_thoughts": acting}));
        let text = out.to_string().to_lowercase();
        for promise in ["will follow up", "should follow up", "will contact you", "will call you", "will ask about"] {
            assert!(!text.contains(promise), "{promise:?} in the result for item 9 = {item9}, acting {acting}");
        }
    }
}
