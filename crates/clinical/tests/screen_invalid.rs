//! Tests that every kind of invalid self-check input is rejected with the field at fault.

use ketapath_clinical::screen::ScreeningInput;
use serde_json::{Value, json};

const PHQ9: [u8; 9] = [1, 1, 1, 1, 1, 1, 1, 1, 0];

fn with(key: &str, value: Value) -> Value {
    let mut input = json!({"phq9": PHQ9});
    input[key] = value;
    input
}

fn field_of(input: Value) -> String {
    match ScreeningInput::parse(&input) {
        Ok(_) => panic!("{input} should be rejected"),
        Err(e) => {
            assert!(!e.message.is_empty());
            e.field
        }
    }
}

#[test]
fn phq9_errors() {
    assert_eq!(field_of(json!({})), "phq9");
    assert_eq!(field_of(json!({"phq9": null})), "phq9");
    assert_eq!(field_of(json!({"phq9": [1, 1, 1]})), "phq9");
    assert_eq!(field_of(json!({"phq9": "111111111"})), "phq9");
    assert_eq!(field_of(json!({"phq9": [0, 0, 0, 4, 0, 0, 0, 0, 0]})), "phq9[3]");
    assert_eq!(field_of(json!({"phq9": [0, 0, 0, 0, 0, 0, 0, 0, -1]})), "phq9[8]");
    assert_eq!(field_of(json!({"phq9": [0, 0, 1.5, 0, 0, 0, 0, 0, 0]})), "phq9[2]");
}

#[test]
fn top_level_errors() {
    assert_eq!(field_of(json!([1, 2, 3])), "");
    assert_eq!(field_of(with("phq_9", json!([0]))), "phq_9");
    assert_eq!(field_of(with("acting_on_thoughts", json!("no"))), "acting_on_thoughts");
    assert_eq!(field_of(with("age", json!(-1))), "age");
    assert_eq!(field_of(with("age", json!(121))), "age");
    assert_eq!(field_of(with("age", json!(34.5))), "age");
    assert_eq!(field_of(with("age", json!("34"))), "age");
    assert_eq!(field_of(with("episode_months", json!(-0.5))), "episode_months");
    assert_eq!(field_of(with("episode_months", json!("18"))), "episode_months");
    assert_eq!(field_of(with("episode_months", json!(100000))), "episode_months");
}

#[test]
fn trial_errors() {
    assert_eq!(field_of(with("trials", json!({"drug": "x"}))), "trials");
    assert_eq!(field_of(with("trials", json!([{"drug": "x", "weeks": -2}]))), "trials[0].weeks");
    assert_eq!(
        field_of(with("trials", json!([{"drug": "x"}, {"drug": "y", "dose_mg_per_day": -10}]))),
        "trials[1].dose_mg_per_day"
    );
    assert_eq!(field_of(with("trials", json!([{"drug": ""}]))), "trials[0].drug");
    assert_eq!(field_of(with("trials", json!([{"drug": "x", "improvement": "great"}]))), "trials[0].improvement");
    assert_eq!(field_of(with("trials", json!([{"drug": "x", "week": 6}]))), "trials[0].week");
}

#[test]
fn condition_errors() {
    assert_eq!(field_of(with("conditions", json!("pregnancy"))), "conditions");
    assert_eq!(field_of(with("conditions", json!(["pregnancy", "headache"]))), "conditions[1]");
    assert_eq!(field_of(with("conditions", json!(["elevated_blood_pressure"]))), "conditions[0]");
}

#[test]
fn blood_pressure_errors() {
    let bp = |v: Value| field_of(with("blood_pressure", v));
    assert_eq!(bp(json!("150/95")), "blood_pressure");
    assert_eq!(bp(json!({"diastolic": 90})), "blood_pressure.systolic");
    assert_eq!(bp(json!({"systolic": 140})), "blood_pressure.diastolic");
    assert_eq!(bp(json!({"systolic": 1400, "diastolic": 90})), "blood_pressure.systolic");
    assert_eq!(bp(json!({"systolic": 40, "diastolic": 30})), "blood_pressure.systolic");
    assert_eq!(bp(json!({"systolic": 140.5, "diastolic": 90})), "blood_pressure.systolic");
    assert_eq!(bp(json!({"systolic": 140, "diastolic": 10})), "blood_pressure.diastolic");
    assert_eq!(bp(json!({"systolic": 90, "diastolic": 140})), "blood_pressure.diastolic");
    assert_eq!(bp(json!({"systolic": 140, "diastolic": 90, "pulse": 80})), "blood_pressure.pulse");
}

#[test]
fn messages_say_why() {
    let err = ScreeningInput::parse(&with("trials", json!([{"drug": "x", "weeks": -2}]))).expect_err("invalid");
    assert!(err.message.contains("negative"), "{}", err.message);
    assert_eq!(err.to_string(), format!("trials[0].weeks: {}", err.message));
    let err = ScreeningInput::parse(&with("conditions", json!(["headache"]))).expect_err("invalid");
    assert!(err.message.contains("aneurysmal_vascular_disease"), "lists known codes: {}", err.message);
}
