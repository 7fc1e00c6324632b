//! Property tests: no input, however malformed, makes parsing or screening panic.

use ketapath_clinical::screen::{ScreenConfig, ScreeningInput, screen};
use proptest::prelude::*;
use serde_json::{Value, json};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-zA-Z ]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn trial() -> impl Strategy<Value = Value> {
    (
        prop_oneof![Just("sertraline"), Just("Zoloft"), Just("Paxil CR"), Just("quetiapine"), Just("wonderpill")],
        prop::option::of(-10.0f64..500.0),
        prop::option::of(-2.0f64..60.0),
        prop_oneof![Just("none"), Just("partial"), Just("response"), Just("unknown"), Just("better")],
        any::<bool>(),
    )
        .prop_map(|(drug, dose, weeks, improvement, augmentation)| {
            json!({"drug": drug, "dose_mg_per_day": dose, "weeks": weeks, "improvement": improvement,
                   "augmentation": augmentation})
        })
}

fn check(input: &Value) {
    if let Ok(parsed) = ScreeningInput::parse(input) {
        let result = screen(&parsed, &ScreenConfig::default());
        let text = serde_json::to_string(&result).expect("serialises");
        assert!(!text.to_lowercase().contains("eligible"));
    }
}

proptest! {
    #[test]
    fn arbitrary_json_never_panics(value in any_json()) {
        check(&value);
        check(&json!({"phq9": [0, 0, 0, 0, 0, 0, 0, 0, 0], "trials": [value.clone()]}));
        check(&json!({"phq9": value}));
    }

    #[test]
    fn near_valid_input_never_panics(
        phq9 in prop::collection::vec(-1i64..5, 8..11),
        acting in any::<bool>(),
        age in -5i64..130,
        months in -1.0f64..2000.0,
        trials in prop::collection::vec(trial(), 0..6),
        systolic in 0i64..400,
        diastolic in 0i64..250,
    ) {
        check(&json!({"phq9": phq9, "acting_on_thoughts": acting, "age": age, "episode_months": months,
                      "trials": trials, "blood_pressure": {"systolic": systolic, "diastolic": diastolic}}));
    }
}
