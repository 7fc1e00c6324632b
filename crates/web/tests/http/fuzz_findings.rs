//! What the schemathesis campaign (scripts/campaign/schemathesis.sh) found once staff routes got real ids, each
//! reproduced here on SQLite and PostgreSQL so that the fix stays.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::{Method, StatusCode};
use ketapath_store::domain::Role;
use ketapath_testkit::on_both_backends;
use serde_json::json;

use crate::api_fixture::Fixture;
use crate::support::*;

/// `PUT /api/v1/clinic/protocol-settings` with `[]` answered 200 and reset every setting to its default: serde reads
/// a JSON list as a struct's fields in order, so a list was taken for a settings document (and `[[150, 95]]` for a
/// blood-pressure gate). Lists are refused where they stand, naming the field, and nothing is changed.
async fn protocol_settings_refuse_lists(f: &Fixture) {
    let rx = f.staff("Pat Prescriber", Role::Prescriber, "clinic-a").await;
    let uri = "/api/v1/clinic/protocol-settings";
    let change = json!({"bp_gate": {"esketamine_nasal": {"systolic_max": 150, "diastolic_max": 95}}});
    f.ok(Method::PUT, uri, &rx, Some(change), StatusCode::OK).await;

    for (body, field) in [
        (json!([]), "settings"),
        (json!([{"esketamine_nasal": {"systolic_max": 130}}]), "settings"),
        (json!({"bp_gate": [[130, 80]]}), "bp_gate"),
        (json!({"bp_gate": {"esketamine_nasal": [130, 80]}}), "bp_gate.esketamine_nasal"),
    ] {
        let reply = f.call(Method::PUT, uri, Some(&rx), Some(body.clone())).await;
        let error = assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(error["field"], field, "{body}: {error}");
        assert!(error["message"].as_str().unwrap().contains("not a list"), "{error}");
    }
    let saved = f.ok(Method::GET, uri, &rx, None, StatusCode::OK).await;
    assert_eq!(saved["values"]["bp_gate"]["esketamine_nasal"]["systolic_max"], 150, "the refusals changed nothing");
}

on_both_backends!(protocol_settings_refuse_json_lists, super::protocol_settings_refuse_lists);
