//! The clinic API for patients and assessments over a temporary SQLite store: bearer authentication (401), roles
//! (403), clinic isolation (404 for another clinic's patient), input errors naming the field, and the audit log.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ketapath_store::SystemClock;
use ketapath_store::domain::{ApiTokenId, NewApiToken, NewStaffUser, Role};
use ketapath_store::{ExposeSecret, api_token_hash, new_api_token_secret};
use serde_json::json;

use crate::support::*;

type Fixture = crate::api_fixture::Fixture<SystemClock>;
use crate::api_fixture::API_PEER;

/// The helpers of these tests, which work with bare token secrets (some of them wrong on purpose).
impl Fixture {
    /// A user with `role` (at `clinic` for clinic roles) and a live token of theirs; returns the secret and the
    /// token id.
    async fn token(&self, email: &str, role: Role, clinic: Option<&str>) -> (String, ApiTokenId) {
        let (staff, id) = self.account(email, email, role, clinic).await;
        (staff.token, id)
    }

    async fn create_patient(&self, token: &str, given: &str) -> String {
        let reply = self
            .bearer(
                Method::POST,
                "/api/v1/patients",
                Some(token),
                Some(
                    json!({"given_name": given, "family_name": "Example", "birth_date": "1980-04-01", "sex": "female"}),
                ),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
        reply.json()["id"].as_str().unwrap().to_owned()
    }
}

const PHQ9: [u8; 9] = [1, 2, 3, 1, 2, 0, 1, 2, 1];

#[tokio::test]
async fn no_bad_or_revoked_token_is_401_with_the_bearer_challenge() {
    let f = Fixture::real_time().await;
    let (secret, id) = f.token("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    assert_eq!(f.bearer(Method::GET, "/api/v1/patients", Some(&secret), None).await.status, StatusCode::OK);

    let missing = f.bearer(Method::GET, "/api/v1/patients", None, None).await;
    let unknown = f.bearer(Method::GET, "/api/v1/patients", Some("kp_0000"), None).await;
    let basic = send(
        &f.app,
        Request::builder()
            .uri("/api/v1/patients")
            .header(header::AUTHORIZATION, "Basic a2V5")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    f.store.unscoped_for_admin_cli_and_tests().revoke_api_token(id).await.unwrap();
    let revoked = f.bearer(Method::GET, "/api/v1/patients", Some(&secret), None).await;
    let post = f.bearer(Method::POST, "/api/v1/patients", None, Some(json!({}))).await;
    for reply in [&missing, &unknown, &basic, &revoked, &post] {
        assert_error(reply, StatusCode::UNAUTHORIZED, "unauthorized");
        assert_eq!(reply.header("www-authenticate"), Some("Bearer"));
        assert!(!reply.text().contains(&secret), "the token is never echoed");
    }
    // One message for every reason, so a caller cannot tell an unknown token from a revoked one.
    assert_eq!(missing.body, revoked.body);
    assert_eq!(unknown.body, revoked.body);
    f.verified().await;
}

#[tokio::test]
async fn expired_tokens_are_refused() {
    let f = Fixture::real_time().await;
    let admin = f.store.unscoped_for_admin_cli_and_tests();
    let user = admin
        .create_staff_user(NewStaffUser {
            clinic_id: Some(ketapath_directory::ClinicId::parse("clinic-a").unwrap()),
            email: "old@a.example".to_owned(),
            display_name: "Old".to_owned(),
            role: Role::Nurse,
            password_hash: None,
        })
        .await
        .unwrap();
    let secret = new_api_token_secret().unwrap().expose_secret().to_owned();
    admin
        .create_api_token(NewApiToken {
            user_id: user.id,
            name: "expired".to_owned(),
            token_hash: api_token_hash(&secret),
            expires_at: Some(f.store.now() - time::Duration::minutes(1)),
        })
        .await
        .unwrap();
    let reply = f.bearer(Method::GET, "/api/v1/patients", Some(&secret), None).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
}

#[tokio::test]
async fn create_list_get_and_record_an_assessment() {
    let f = Fixture::real_time().await;
    let (nurse, _) = f.token("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let (prescriber, _) = f.token("doc@a.example", Role::Prescriber, Some("clinic-a")).await;

    let ada = f.create_patient(&nurse, "Ada").await;
    let bea = f.create_patient(&prescriber, "Bea").await;

    let got = f.bearer(Method::GET, &format!("/api/v1/patients/{ada}"), Some(&prescriber), None).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.header("cache-control"), Some("no-store"));
    let doc = got.json();
    assert_eq!(doc["id"], ada.as_str());
    assert_eq!(doc["given_name"], "Ada");
    assert_eq!(doc["birth_date"], "1980-04-01");
    assert_eq!(doc["sex"], "female");

    let body = json!({"instrument": "phq9", "items": PHQ9, "taken_at": "2026-01-05T09:30:00Z", "context": "baseline"});
    let recorded =
        f.bearer(Method::POST, &format!("/api/v1/patients/{ada}/assessments"), Some(&nurse), Some(body)).await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text());
    let a = recorded.json();
    let expected_total: u32 = PHQ9.iter().map(|v| u32::from(*v)).sum();
    assert_eq!(a["score"]["total"], expected_total);
    assert_eq!(a["score"]["severity"], "moderate");
    assert_eq!(a["score"]["rule"]["id"].as_str().map(|id| id.is_empty()), Some(false), "{a}");
    assert_eq!(a["patient_id"], ada.as_str());
    assert_eq!(a["context"], "baseline");
    assert_eq!(a["taken_at"], "2026-01-05T09:30:00Z");

    // The recorded assessment reads back with its stored total and rule, oldest first; only in its own clinic.
    let listed = f.bearer(Method::GET, &format!("/api/v1/patients/{ada}/assessments"), Some(&prescriber), None).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.text());
    assert_eq!(listed.header("cache-control"), Some("no-store"));
    let stored = listed.json()["assessments"].as_array().unwrap().clone();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["id"], a["id"]);
    assert_eq!(stored[0]["total"], expected_total);
    assert_eq!(stored[0]["items"], json!(PHQ9));
    assert_eq!(stored[0]["taken_at"], "2026-01-05T09:30:00Z");
    assert_eq!(stored[0]["rule"]["id"], a["score"]["rule"]["id"]);

    // taken_at defaults to now.
    let body = json!({"instrument": "gad7", "items": [0, 0, 1, 0, 0, 0, 0], "context": "follow_up"});
    let later =
        f.bearer(Method::POST, &format!("/api/v1/patients/{bea}/assessments"), Some(&prescriber), Some(body)).await;
    assert_eq!(later.status, StatusCode::CREATED, "{}", later.text());

    let list = f.bearer(Method::GET, "/api/v1/patients", Some(&nurse), None).await;
    assert_eq!(list.status, StatusCode::OK);
    let patients = list.json()["patients"].as_array().unwrap().clone();
    let names: Vec<&str> = patients.iter().map(|p| p["given_name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Ada", "Bea"]);
    assert_eq!(patients[0]["latest"][0]["instrument"], "phq9");
    assert_eq!(patients[0]["latest"][0]["total"], expected_total);
    assert_eq!(patients[1]["latest"][0]["instrument"], "gad7");

    // The reads are in the audit log with the caller's address.
    let events = f.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let has = |action: &str, entity: &str, entity_id: &str| {
        events.iter().any(|e| {
            e.action == action
                && e.entity == entity
                && e.entity_id == entity_id
                && e.origin == std::net::Ipv4Addr::from(API_PEER).to_string()
        })
    };
    assert!(has("read", "patient", &ada), "{events:?}");
    assert!(has("list", "patient", "*"));
    assert!(has("create", "patient", &bea));
    assert!(events.iter().any(|e| e.action == "create" && e.entity == "assessment"));
    f.verified().await;
}

#[tokio::test]
async fn bad_input_is_400_naming_the_field() {
    let f = Fixture::real_time().await;
    let (nurse, _) = f.token("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let ada = f.create_patient(&nurse, "Ada").await;
    let uri = format!("/api/v1/patients/{ada}/assessments");
    let cases = [
        (json!({"instrument": "phq9", "items": [0, 1, 2, 3, 0, 1, 2, 1, 7], "context": "baseline"}), "items[8]"),
        (json!({"instrument": "phq9", "items": [0, 1], "context": "baseline"}), "items"),
        (json!({"instrument": "nope", "items": PHQ9, "context": "baseline"}), "instrument"),
        (json!({"instrument": "phq9", "items": PHQ9, "context": "lunch"}), "context"),
        (json!({"instrument": "phq9", "items": PHQ9}), "context"),
        (json!({"instrument": "phq9", "context": "baseline"}), "items"),
        (json!({"items": PHQ9, "context": "baseline"}), "instrument"),
        (json!({"instrument": "phq9", "items": PHQ9, "context": "baseline", "extra": 1}), "extra"),
        (json!({"instrument": "phq9", "items": PHQ9, "context": "baseline", "taken_at": "yesterday"}), "taken_at"),
        (
            json!({"instrument": "phq9", "items": PHQ9, "context": "baseline", "taken_at": "2999-01-01T00:00:00Z"}),
            "taken_at",
        ),
    ];
    for (body, field) in cases {
        let reply = f.bearer(Method::POST, &uri, Some(&nurse), Some(body.clone())).await;
        let error = assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(error["field"], field, "{body}");
    }
    let patient_cases = [
        (json!({"given_name": " ", "family_name": "X", "birth_date": "1980-01-01"}), "given_name"),
        (json!({"given_name": "A", "family_name": "X", "birth_date": "01/02/1980"}), "birth_date"),
        (json!({"given_name": "A", "birth_date": "1980-01-01"}), "family_name"),
        (json!({"given_name": "A", "family_name": "X"}), "birth_date"),
        (json!({"given_name": "A", "family_name": "X", "birth_date": "2999-01-01"}), "birth_date"),
        (json!({"given_name": "A", "family_name": "X", "birth_date": "1980-01-01", "sex": "robot"}), "sex"),
    ];
    for (body, field) in patient_cases {
        let reply = f.bearer(Method::POST, "/api/v1/patients", Some(&nurse), Some(body.clone())).await;
        let error = assert_error(&reply, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(error["field"], field, "{body}");
    }
    // Nothing was recorded by the refused requests.
    let list = f.bearer(Method::GET, "/api/v1/patients", Some(&nurse), None).await;
    assert_eq!(list.json()["patients"].as_array().map(Vec::len), Some(1));
    assert_eq!(list.json()["patients"][0]["latest"].as_array().map(Vec::len), Some(0));
    f.verified().await;
}

#[tokio::test]
async fn another_clinics_patient_is_not_found_and_admins_are_forbidden() {
    let f = Fixture::real_time().await;
    let (a_nurse, _) = f.token("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let (b_nurse, _) = f.token("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
    let (admin, _) = f.token("root@example.org", Role::PlatformAdmin, None).await;
    let (researcher, _) = f.token("r@example.org", Role::Researcher, None).await;
    let b_patient = f.create_patient(&b_nurse, "Bo").await;

    let theirs = f.bearer(Method::GET, &format!("/api/v1/patients/{b_patient}"), Some(&a_nurse), None).await;
    let missing =
        f.bearer(Method::GET, "/api/v1/patients/0190a0a0-0000-7000-8000-000000000000", Some(&a_nurse), None).await;
    let garbage = f.bearer(Method::GET, "/api/v1/patients/not-an-id", Some(&a_nurse), None).await;
    let body = json!({"instrument": "phq9", "items": PHQ9, "context": "baseline"});
    let assess = f
        .bearer(Method::POST, &format!("/api/v1/patients/{b_patient}/assessments"), Some(&a_nurse), Some(body.clone()))
        .await;
    for reply in [&theirs, &missing, &garbage, &assess] {
        assert_error(reply, StatusCode::NOT_FOUND, "not_found");
    }
    assert_eq!(theirs.body, missing.body, "the same body for another clinic's patient and none");
    let list = f.bearer(Method::GET, "/api/v1/patients", Some(&a_nurse), None).await;
    assert_eq!(list.json()["patients"], json!([]));

    for token in [&admin, &researcher] {
        for (method, uri, body) in [
            (Method::GET, "/api/v1/patients".to_owned(), None),
            (Method::GET, format!("/api/v1/patients/{b_patient}"), None),
            (Method::POST, format!("/api/v1/patients/{b_patient}/assessments"), Some(body.clone())),
            (Method::POST, "/api/v1/patients".to_owned(), Some(json!({"not": "checked"}))),
        ] {
            let reply = f.bearer(method, &uri, Some(token), body).await;
            assert_error(&reply, StatusCode::FORBIDDEN, "forbidden");
        }
    }
    // Clinic B's record still has no assessment.
    let b_list = f.bearer(Method::GET, "/api/v1/patients", Some(&b_nurse), None).await;
    assert_eq!(b_list.json()["patients"][0]["latest"], json!([]));
    f.verified().await;
}

#[tokio::test]
async fn without_a_database_the_routes_still_ask_for_credentials_first() {
    let reply = send(&default_app(), get("/api/v1/patients")).await;
    assert_error(&reply, StatusCode::UNAUTHORIZED, "unauthorized");
    let with_token = send(
        &default_app(),
        Request::builder()
            .uri("/api/v1/patients")
            .header(header::AUTHORIZATION, "Bearer kp_x")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(with_token.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn tokens_and_patient_values_never_reach_the_log() {
    let (captured, _guard) = crate::privacy::Captured::start();

    let f = Fixture::real_time().await;
    let (secret, id) = f.token("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let patient = f.create_patient(&secret, "Zebulonia").await;
    let body = json!({"instrument": "phq9", "items": PHQ9, "context": "pre_session"});
    let uri = format!("/api/v1/patients/{patient}/assessments");
    assert_eq!(f.bearer(Method::POST, &uri, Some(&secret), Some(body)).await.status, StatusCode::CREATED);
    assert_eq!(f.bearer(Method::GET, "/api/v1/patients", Some(&secret), None).await.status, StatusCode::OK);
    let wrong = format!("{secret}x");
    assert_eq!(f.bearer(Method::GET, "/api/v1/patients", Some(&wrong), None).await.status, StatusCode::UNAUTHORIZED);
    f.store.unscoped_for_admin_cli_and_tests().revoke_api_token(id).await.unwrap();
    assert_eq!(f.bearer(Method::GET, "/api/v1/patients", Some(&secret), None).await.status, StatusCode::UNAUTHORIZED);

    drop(_guard);
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(log.contains("capture-canary"), "the subscriber captured output");
    let secret_body = secret.trim_start_matches(ketapath_store::API_TOKEN_PREFIX);
    assert!(!log.contains(secret_body), "a token secret reached the log");
    assert!(!log.contains("Zebulonia"), "a patient's name reached the log");
}
