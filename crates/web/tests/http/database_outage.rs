//! A database out of reach answers 503 `database_unavailable` with `Retry-After: 5` and `no-store`, never a 500, on
//! SQLite and PostgreSQL: a staff write and a staff read over a store whose pools are closed (what a lost database
//! looks like to a request), each answer as the OpenAPI document describes it, and `/readyz` says not ready. The
//! PostgreSQL restart under load, and the pool healing after it, is scripts/campaign/pg_restart.sh.

use axum::http::{Method, StatusCode};
use ketapath_store::domain::Role;
use ketapath_testkit::on_both_backends;
use serde_json::json;

use crate::api_fixture::Fixture;
use crate::support::*;

async fn outage_answers_503(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let patient = f.patient(&nurse).await;
    let assessments = format!("/api/v1/patients/{patient}/assessments");
    let phq9 = json!({"instrument": "phq9", "items": [1, 1, 2, 1, 2, 0, 1, 2, 0], "context": "pre_session"});
    f.ok(Method::POST, &assessments, &nurse, Some(phq9.clone()), StatusCode::CREATED).await;

    f.store.close().await;
    for (method, body) in [(Method::POST, Some(phq9)), (Method::GET, None)] {
        let reply = f.call(method.clone(), &assessments, Some(&nurse), body).await;
        let error = assert_error(&reply, StatusCode::SERVICE_UNAVAILABLE, "database_unavailable");
        assert_eq!(reply.header("retry-after"), Some("5"), "{method} {assessments}");
        assert_eq!(reply.header("cache-control"), Some("no-store"), "{method} {assessments}");
        // A 5xx carries the request id an operator finds in the log, and no driver detail.
        assert!(error["request_id"].is_string(), "{error}");
        assert!(error["message"].as_str().is_some_and(|m| m.contains("try again")), "{error}");
        assert!(!reply.text().contains("pool"), "{}", reply.text());
        crate::conformance::assert_documented(&f.app, &method, &assessments, reply.status, &reply.json()).await;
    }
    let ready = send(&f.app, get("/readyz")).await;
    assert_error(&ready, StatusCode::SERVICE_UNAVAILABLE, "not_ready");
    assert_eq!(ready.header("retry-after"), Some("5"));
}

// Unverified: the store is closed, so the invariants can no longer be read at the end.
on_both_backends!(a_lost_database_answers_503_with_retry_after, super::outage_answers_503, unverified);
