//! `POST /api/v1/screenings`: the contract document, crisis resources in order, every kind of invalid input as a
//! 400 naming the field (never a 5xx), no caching, and the rate limit.

use axum::http::StatusCode;
use ketapath_clinical::RULES_VERSION;
use ketapath_clinical::screen::{ScreenConfig, ScreeningInput, screen};
use ketapath_web::{RateLimitConfig, WebConfig};
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::support::*;

pub const SCREENINGS: &str = "/api/v1/screenings";

fn full_input() -> Value {
    json!({"phq9": [0,1,2,3,0,1,2,1,0], "acting_on_thoughts": false, "age": 34, "episode_months": 18,
        "trials": [
            {"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none", "augmentation": false},
            {"drug": "Lexapro", "dose_mg_per_day": 20, "weeks": 8, "improvement": "partial"},
            {"drug": "quetiapine", "dose_mg_per_day": 150, "weeks": 10, "improvement": "none", "augmentation": true}
        ],
        "conditions": ["aneurysmal_vascular_disease", "pregnancy"], "blood_pressure": {"systolic": 150, "diastolic": 95}})
}

#[tokio::test]
async fn answers_the_contract_document() {
    let input = full_input();
    let reply = send(&default_app(), post_json(SCREENINGS, input.to_string())).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.header("cache-control"), Some("no-store"));
    let body = reply.json();
    // The HTTP surface adds nothing and loses nothing: the engine's document, as the CLI prints it.
    let expected = screen(&ScreeningInput::parse(&input).unwrap(), &ScreenConfig::default());
    assert_eq!(body, serde_json::to_value(&expected).unwrap());
    // The fields DESIGN.md says scripts rely on.
    assert_eq!(body["rules_version"], RULES_VERSION);
    assert_eq!(body["crisis"]["level"], "none");
    assert_eq!(body["crisis"]["resources"][0]["name"], "988 Suicide & Crisis Lifeline");
    assert_eq!(body["phq9"], json!({"total": 10, "severity": "moderate", "item9": 0}));
    assert_eq!(body["trials"][0]["drug"], "sertraline");
    assert_eq!(body["trials"][0]["adequate"], "yes");
    assert_eq!(body["trials"][0]["failed"], "yes");
    assert!(body["trials"][0]["notes"].as_array().is_some_and(|n| !n.is_empty()));
    assert_eq!(body["failed_adequate_trials"], 2);
    assert_eq!(body["possible_failed_trials"], 2);
    assert_eq!(body["trd"], "meets_definition");
    assert_eq!(body["contraindications"][0]["code"], "aneurysmal_vascular_disease");
    assert!(body["contraindications"][0]["source"].as_str().unwrap().contains("clinical.md"));
    let cautions: Vec<&str> =
        body["cautions"].as_array().unwrap().iter().map(|c| c["code"].as_str().unwrap()).collect();
    assert!(cautions.contains(&"pregnancy") && cautions.contains(&"elevated_blood_pressure"), "{cautions:?}");
}

#[tokio::test]
async fn crisis_resources_come_first_in_the_right_order() {
    let app = default_app();
    let urgent = send(&app, post_json(SCREENINGS, r#"{"phq9": [0,0,0,0,0,0,0,0,1]}"#)).await.json();
    assert_eq!(urgent["crisis"]["level"], "urgent");
    assert_eq!(urgent["crisis"]["resources"][0]["contact"], "Call or text 988");
    let emergency =
        send(&app, post_json(SCREENINGS, r#"{"phq9": [0,0,0,0,0,0,0,0,3], "acting_on_thoughts": true}"#)).await.json();
    assert_eq!(emergency["crisis"]["level"], "emergency");
    assert!(emergency["crisis"]["resources"][0]["contact"].as_str().unwrap().contains("911"), "{emergency}");
    // Crisis help is the first key of the document after the rules version, so it is the first thing read.
    let text = send(&app, post_json(SCREENINGS, r#"{"phq9": [0,0,0,0,0,0,0,0,1]}"#)).await.text();
    assert!(text.find("\"crisis\"").unwrap() < text.find("\"phq9\"").unwrap());
}

#[tokio::test]
async fn every_invalid_input_is_a_400_naming_the_field() {
    let app = default_app();
    let cases: [(Value, &str); 13] = [
        (json!({"phq9": [0,1,2,4,0,1,2,1,0]}), "phq9[3]"),
        (json!({"phq9": [0,1,2,3,0,1,2,1]}), "phq9"),
        (json!({"age": 30}), "phq9"),
        (json!({"phq9": null}), "phq9"),
        (json!({"phq9": [0,0,0,0,0,0,0,0,0], "trials": [{"drug": "sertraline", "weeks": -1}]}), "trials[0].weeks"),
        (
            json!({"phq9": [0,0,0,0,0,0,0,0,0], "trials": [{"drug": "a"}, {"drug": "b", "dose_mg_per_day": "x"}]}),
            "trials[1].dose_mg_per_day",
        ),
        (json!({"phq9": [0,0,0,0,0,0,0,0,0], "trials": [{"weeks": 8}]}), "trials[0].drug"),
        (json!({"phq9": [0,0,0,0,0,0,0,0,0], "conditions": ["pregnancy", "nope"]}), "conditions[1]"),
        (json!({"phq9": [0,0,0,0,0,0,0,0,0], "age": 200}), "age"),
        (json!({"phq9": [0,0,0,0,0,0,0,0,0], "acting_on_thoughts": "yes"}), "acting_on_thoughts"),
        (
            json!({"phq9": [0,0,0,0,0,0,0,0,0], "blood_pressure": {"systolic": 400, "diastolic": 80}}),
            "blood_pressure.systolic",
        ),
        (json!({"phq9": [0,0,0,0,0,0,0,0,0], "episode_months": -2}), "episode_months"),
        (json!({"phq9": [0,0,0,0,0,0,0,0,0], "phq": []}), "phq"),
    ];
    for (body, field) in cases {
        let reply = send(&app, post_json(SCREENINGS, body.to_string())).await;
        let (error, crisis) = assert_error_with_crisis(&reply, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(error["field"], field, "for {body}: {error}");
        // Nine PHQ-9 answers whose item 9 is valid: the crisis block of those answers comes beside the error.
        let item9_readable = body["phq9"].as_array().is_some_and(|a| a.len() == 9);
        assert_eq!(crisis.is_some(), item9_readable, "crisis block for {body}");
        if crisis.is_some() {
            assert_eq!(reply.header("cache-control"), Some("no-store"), "answers are never cached: {body}");
        }
    }
    for body in ["", "{", r#"{"phq9": [0,1,}"#, "{} {}"] {
        let reply = send(&app, post_json(SCREENINGS, body)).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "malformed_json");
    }
    for body in ["[]", "42", "null"] {
        let reply = send(&app, post_json(SCREENINGS, body)).await;
        assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
    }
    let form = send(&app, post(SCREENINGS, Some("application/x-www-form-urlencoded"), "phq9=1")).await;
    assert_error(&form, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
}

#[tokio::test]
async fn an_invalid_self_check_still_answers_with_crisis_help() {
    let app = default_app();
    // The issue's example: acting on thoughts, with an impossible age, 8 PHQ-9 items and an unknown condition.
    let body = json!({"phq9": [3, 3, 3, 3, 3, 3, 3, 3], "acting_on_thoughts": true, "age": 150, "conditions": ["x"]});
    let reply = send(&app, post_json(SCREENINGS, body.to_string())).await;
    let (error, crisis) = assert_error_with_crisis(&reply, StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(error["field"], "phq9");
    let crisis = crisis.expect("crisis beside the error");
    assert_eq!(crisis["level"], "emergency");
    let names: Vec<&str> =
        crisis["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Emergency services (911)", "988 Suicide & Crisis Lifeline", "Crisis Text Line"]);

    // The block is the one a valid input with the same triage answers gets.
    let valid = json!({"phq9": [3, 3, 3, 3, 3, 3, 3, 3, 3], "acting_on_thoughts": true});
    let valid = send(&app, post_json(SCREENINGS, valid.to_string())).await.json();
    assert_eq!(crisis, valid["crisis"]);

    // Item 9 readable and positive, the age wrong: urgent, 988 first.
    let body = json!({"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 2], "age": 150});
    let reply = send(&app, post_json(SCREENINGS, body.to_string())).await;
    let (error, crisis) = assert_error_with_crisis(&reply, StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(error["field"], "age");
    let crisis = crisis.expect("crisis beside the error");
    assert_eq!(crisis["level"], "urgent");
    assert_eq!(crisis["resources"][0]["name"], "988 Suicide & Crisis Lifeline");

    // Item 9 itself invalid and no acting on thoughts: no block, and the error names item 9.
    let body = json!({"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 5], "age": 150});
    let reply = send(&app, post_json(SCREENINGS, body.to_string())).await;
    let error = assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
    assert_eq!(error["field"], "phq9[8]");
}

#[tokio::test]
async fn scores_carry_the_crisis_block_of_a_positive_suicide_item() {
    let app = default_app();
    let cases: [(&str, Vec<u8>, Option<&str>); 7] = [
        ("phq9", vec![0, 0, 0, 0, 0, 0, 0, 0, 1], Some("urgent")),
        ("phq9", vec![3, 3, 3, 3, 3, 3, 3, 3, 0], None),
        ("madrs", vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 2], Some("urgent")),
        ("madrs", vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 6], Some("emergency")),
        ("madrs", vec![6, 6, 6, 6, 6, 6, 6, 6, 6, 1], None),
        ("qids_sr16", vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0], Some("emergency")),
        ("qids_sr16", vec![0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0], Some("urgent")),
    ];
    for (instrument, items, level) in cases {
        let uri = format!("/api/v1/instruments/{instrument}/score");
        let reply = send(&app, post_json(&uri, json!({ "items": items }).to_string())).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        let doc = reply.json();
        assert_eq!(doc["crisis"]["level"].as_str(), level, "{instrument} {items:?}");
        if level == Some("emergency") {
            assert_eq!(doc["crisis"]["resources"][0]["name"], "Emergency services (911)");
        }
    }
}

#[tokio::test]
async fn screenings_are_rate_limited_like_every_public_post() {
    let config =
        WebConfig { rate_limit: RateLimitConfig { burst: 1, per_minute: 1, max_clients: 10 }, ..WebConfig::default() };
    let app = app_with(config);
    let body = r#"{"phq9": [0,0,0,0,0,0,0,0,0]}"#;
    assert_eq!(send(&app, from_peer(post_json(SCREENINGS, body), [192, 0, 2, 9])).await.status, StatusCode::OK);
    let limited = send(&app, from_peer(post_json(SCREENINGS, body), [192, 0, 2, 9])).await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(future)
}

/// Any JSON value at any key of the input.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        (-5i64..400).prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-z_ ]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..10).prop_map(Value::from),
            proptest::collection::btree_map("[a-z_]{1,10}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Whatever the fields hold, the answer is the result or a 4xx in the error shape, never a 5xx.
    #[test]
    fn arbitrary_inputs_never_cause_a_server_error(
        phq9 in any_json(), trials in any_json(), conditions in any_json(), age in any_json(), bp in any_json()
    ) {
        let body = json!({"phq9": phq9, "trials": trials, "conditions": conditions, "age": age, "blood_pressure": bp});
        let reply = run(send(&default_app(), post_json(SCREENINGS, body.to_string())));
        prop_assert!(reply.status == StatusCode::OK || reply.status == StatusCode::BAD_REQUEST, "{}", reply.status);
        if reply.status == StatusCode::BAD_REQUEST {
            prop_assert!(reply.json()["error"]["field"].is_string(), "{}", reply.text());
        }
    }
}
