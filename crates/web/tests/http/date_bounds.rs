//! Dates that cannot poison a record (issue 16, item 1), on SQLite and PostgreSQL: each reported attack (a year-0
//! observation, assessment, consent or birth date, a year-1000 meal in the pre-checks, through the API and the
//! portal) answers 400 naming the field and stores nothing; rows already out of bounds (written raw, as an older
//! version could have) do not break the session, the assessment list or the research export, and `verify()` (what
//! `ketapath audit verify` prints) names them; a 500 carries the request id it is logged with.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ketapath_store::domain::{NewApiToken, NewStaffUser, Role};
use ketapath_store::{ExposeSecret, api_token_hash, new_api_token_secret};
use ketapath_testkit::{Backend, on_both_backends};
use serde_json::{Value, json};

use crate::portal_support::*;
use crate::privacy::Captured;
use crate::session_workflow::{Fixture, phq9, rfc};
use crate::support::*;

/// 0000-01-01T00:00:00+01:00 in stored microseconds (year -1 in UTC), as the reported attack stored it.
const YEAR_ZERO_MICROS: i64 = -62_167_222_800_000_000;

/// A patient with an esketamine session: (patient id, session id).
async fn patient_with_session(f: &Fixture, nurse: &crate::session_workflow::Staff) -> (String, String) {
    let p = f.patient(nurse).await;
    f.ok(Method::PUT, &format!("/api/v1/patients/{p}/intake"), nurse, Some(json!({})), StatusCode::OK).await;
    let s = f
        .ok(
            Method::POST,
            &format!("/api/v1/patients/{p}/sessions"),
            nurse,
            Some(json!({"modality": "esketamine_nasal"})),
            StatusCode::CREATED,
        )
        .await;
    (p, s["id"].as_str().unwrap().to_owned())
}

/// Every reported attack through the API answers 400 naming the field, and nothing is stored.
async fn api_attacks(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let (p, sid) = patient_with_session(f, &nurse).await;
    let refused = |reply: &Reply, field: &str| {
        let e = assert_error(reply, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(e["field"], field, "{e}");
    };

    // A year-0 observation: 400, and the session still reads with no observation.
    let at_year_zero = json!({"at": "0000-01-01T00:00:00+01:00", "spo2": 97});
    refused(
        &f.call(Method::POST, &format!("/api/v1/sessions/{sid}/observations"), Some(&nurse), Some(at_year_zero)).await,
        "at",
    );
    let before_1990 = json!({"at": "1989-12-31T23:59:59Z", "spo2": 97});
    refused(
        &f.call(Method::POST, &format!("/api/v1/sessions/{sid}/observations"), Some(&nurse), Some(before_1990)).await,
        "at",
    );
    let session = f.ok(Method::GET, &format!("/api/v1/sessions/{sid}"), &nurse, None, StatusCode::OK).await;
    assert_eq!(session["observations"], json!([]), "{session}");
    // The first allowed instant is accepted.
    let edge = json!({"at": "1990-01-01T00:00:00Z", "spo2": 97});
    f.ok(Method::POST, &format!("/api/v1/sessions/{sid}/observations"), &nurse, Some(edge), StatusCode::CREATED).await;
    f.ok(Method::GET, &format!("/api/v1/sessions/{sid}"), &nurse, None, StatusCode::OK).await;

    // A year-0 assessment: 400, and the list still reads, empty.
    let assessment =
        json!({"instrument": "phq9", "items": phq9(12), "taken_at": "0000-01-01T00:00:00Z", "context": "baseline"});
    refused(
        &f.call(Method::POST, &format!("/api/v1/patients/{p}/assessments"), Some(&nurse), Some(assessment)).await,
        "taken_at",
    );
    let list = f.ok(Method::GET, &format!("/api/v1/patients/{p}/assessments"), &nurse, None, StatusCode::OK).await;
    assert_eq!(list["assessments"].as_array().map(Vec::len), Some(0), "{list}");

    // Consent dates of year 0 and -9999, and one before 2000.
    for date in ["0000-01-01", "-9999-01-01", "1999-12-31"] {
        let body = json!({"status": "given", "date": date});
        refused(
            &f.call(Method::PUT, &format!("/api/v1/patients/{p}/research-consent"), Some(&nurse), Some(body)).await,
            "date",
        );
    }
    let body = json!({"status": "given", "date": "2000-01-01"});
    f.ok(Method::PUT, &format!("/api/v1/patients/{p}/research-consent"), &nurse, Some(body), StatusCode::OK).await;

    // Birth dates of year 0 and -9999, and one before 1900.
    for birth in ["0000-01-01", "-9999-01-01", "1899-12-31"] {
        let body = json!({"given_name": "Ada", "family_name": "Example", "birth_date": birth});
        refused(&f.call(Method::POST, "/api/v1/patients", Some(&nurse), Some(body)).await, "birth_date");
    }

    // A year-1000 meal in the pre-checks.
    let checks = json!({"last_food_at": "1000-01-01T00:00:00Z"});
    refused(
        &f.call(Method::POST, &format!("/api/v1/sessions/{sid}/pre-checks"), Some(&nurse), Some(checks)).await,
        "last_food_at",
    );

    // Course starts: year 0 and more than two years ahead (the clock is at 2026-11-27).
    for start in ["0000-01-01", "2028-11-29"] {
        let body = json!({"modality": "iv_ketamine", "start_date": start});
        refused(
            &f.call(Method::POST, &format!("/api/v1/patients/{p}/courses"), Some(&nurse), Some(body)).await,
            "start_date",
        );
    }

    // A prescriber's schedule edit with a year-0 session date.
    let rx = f.staff("Rita Rx", Role::Prescriber, "clinic-a").await;
    let body = json!({"modality": "iv_ketamine", "start_date": "2026-11-27"});
    let course =
        f.ok(Method::POST, &format!("/api/v1/patients/{p}/courses"), &nurse, Some(body), StatusCode::CREATED).await;
    let mut schedule = course["schedule"].clone();
    schedule[0]["date"] = json!("0000-01-01");
    let cid = course["id"].as_str().unwrap();
    let edit = json!({ "schedule": schedule });
    refused(
        &f.call(Method::PUT, &format!("/api/v1/courses/{cid}/schedule"), Some(&rx), Some(edit)).await,
        "schedule[0].date",
    );

    // Assessments and observations at the server's now are still accepted.
    let fine = json!({"instrument": "phq9", "items": phq9(12), "taken_at": rfc(0), "context": "baseline"});
    f.ok(Method::POST, &format!("/api/v1/patients/{p}/assessments"), &nurse, Some(fine), StatusCode::CREATED).await;
}

/// A researcher's bearer token (no clinic).
async fn researcher(f: &Fixture) -> String {
    let admin = f.store.unscoped_for_admin_cli_and_tests();
    let user = admin
        .create_staff_user(NewStaffUser {
            clinic_id: None,
            email: "researcher@example.org".to_owned(),
            display_name: "Rae Researcher".to_owned(),
            role: Role::Researcher,
            password_hash: None,
        })
        .await
        .unwrap();
    let token = new_api_token_secret().unwrap().expose_secret().to_owned();
    admin
        .create_api_token(NewApiToken {
            user_id: user.id,
            name: "t".to_owned(),
            token_hash: api_token_hash(&token),
            expires_at: None,
        })
        .await
        .unwrap();
    token
}

/// Rows already out of bounds (written raw) do not break reads or the export, and verify names them.
async fn stored_year_zero(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let (p, sid) = patient_with_session(f, &nurse).await;
    f.ok(
        Method::POST,
        &format!("/api/v1/sessions/{sid}/observations"),
        &nurse,
        Some(json!({"spo2": 97})),
        StatusCode::CREATED,
    )
    .await;
    let body = json!({"instrument": "phq9", "items": phq9(12), "taken_at": rfc(0), "context": "baseline"});
    f.ok(Method::POST, &format!("/api/v1/patients/{p}/assessments"), &nurse, Some(body), StatusCode::CREATED).await;
    let consent = json!({"status": "given", "date": "2026-11-01"});
    f.ok(Method::PUT, &format!("/api/v1/patients/{p}/research-consent"), &nurse, Some(consent), StatusCode::OK).await;

    let admin = f.store.unscoped_for_admin_cli_and_tests();
    admin.execute_raw_sql(&format!("UPDATE observations SET observed_at = {YEAR_ZERO_MICROS}")).await.unwrap();
    admin.execute_raw_sql(&format!("UPDATE assessments SET administered_at = {YEAR_ZERO_MICROS}")).await.unwrap();
    admin.execute_raw_sql("UPDATE patients SET birth_date = '0000-01-01'").await.unwrap();

    let session = f.ok(Method::GET, &format!("/api/v1/sessions/{sid}"), &nurse, None, StatusCode::OK).await;
    assert_eq!(session["observations"].as_array().map(Vec::len), Some(1), "{session}");
    let list = f.ok(Method::GET, &format!("/api/v1/patients/{p}/assessments"), &nurse, None, StatusCode::OK).await;
    assert_eq!(list["assessments"].as_array().map(Vec::len), Some(1), "{list}");
    f.ok(Method::GET, &format!("/api/v1/patients/{p}"), &nurse, None, StatusCode::OK).await;

    // The export leaves the patient out instead of failing for everyone.
    let token = researcher(f).await;
    let request = Request::builder()
        .uri("/api/v1/research/export?file=patients&format=csv")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let state = ketapath_web::AppState::load(Default::default(), f.store.clone())
        .await
        .unwrap()
        .with_research_key(ketapath_research::ExportKey::from_bytes(&[5; 32]).unwrap());
    let export = send(&ketapath_web::app(state), from_peer(request, [192, 0, 2, 9])).await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.text());
    assert_eq!(export.text().lines().count(), 1, "only the header line: {}", export.text());

    // verify (`ketapath audit verify`) names each table, column and row id, never a value.
    let report = f.store.verify().await.unwrap();
    assert!(!report.is_ok());
    let problems = report.problems.join("\n");
    for (table, column) in
        [("observations", "observed_at"), ("assessments", "administered_at"), ("patients", "birth_date")]
    {
        assert!(problems.contains(&format!("1 {table} rows have {column} outside its bounds (rows ")), "{problems}");
    }
    assert!(problems.contains(&p), "the patient row is named by id: {problems}");
    assert!(!problems.contains("0000-01-01"), "no value is printed: {problems}");
}

/// A 500 names its request id in the body, the `x-request-id` header and the log line; every response carries
/// the header.
async fn internal_error_carries_request_id(backend: Backend) {
    let (captured, _guard) = Captured::start();

    let Some(f) = Fixture::new(backend).await else { return };
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let (_, sid) = patient_with_session(&f, &nurse).await;
    let fine = f.call(Method::GET, &format!("/api/v1/sessions/{sid}"), Some(&nurse), None).await;
    assert_eq!(fine.status, StatusCode::OK);
    assert!(fine.header("x-request-id").is_some_and(|id| !id.is_empty()));
    assert!(!fine.text().contains("request_id"));

    // A row no writer produces makes the read fail inside KetaPath: a 500.
    let admin = f.store.unscoped_for_admin_cli_and_tests();
    admin.execute_raw_sql("UPDATE sessions SET status = 'bogus'").await.unwrap();
    let failed = f.call(Method::GET, &format!("/api/v1/sessions/{sid}"), Some(&nurse), None).await;
    let e = assert_error(&failed, StatusCode::INTERNAL_SERVER_ERROR, "internal");
    let id = e["request_id"].as_str().unwrap().to_owned();
    assert_eq!(failed.header("x-request-id"), Some(id.as_str()));
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let line = log.lines().find(|l| l.contains(&id) && l.contains("request failed")).unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains("/api/v1/sessions/{id}") && !line.contains(&sid), "the route template, not the path: {line}");

    // A 4xx is the client's own and carries no id in its body.
    let missing = f.call(Method::GET, "/api/v1/sessions/not-an-id", Some(&nurse), None).await;
    assert!(missing.status.is_client_error());
    assert_eq!(missing.json()["error"].get("request_id"), None::<&Value>);
    f.store.close().await;
}

on_both_backends!(every_reported_date_attack_is_a_400_naming_the_field, super::api_attacks);
// The rows out of bounds are the point of the test, so the invariants are not checked at the end.
on_both_backends!(rows_already_out_of_bounds_break_no_read_and_are_reported, super::stored_year_zero, unverified);

mod a_500_carries_its_request_id {
    #[tokio::test]
    async fn sqlite() {
        super::internal_error_carries_request_id(super::Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        super::internal_error_carries_request_id(super::Backend::Postgres).await;
    }
}

/// The portal's pre-checks form with a meal in the year 1000: the form again with the message, 400, never 500.
async fn portal_pre_checks(p: Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let mut nurse = p.browser();
    nurse.sign_in("nurse@a.example", PASSWORD, "").await;
    let csrf = nurse.csrf().await;
    let made = nurse
        .post(
            "/portal/patients/new",
            &[("csrf", &csrf), ("given_name", "Ada"), ("family_name", "Example"), ("birth_date", "1980-04-01")],
        )
        .await;
    let patient = made.header("location").unwrap().to_owned();
    // Birth dates out of bounds re-render the form with the message.
    for birth in ["0000-01-01", "1899-12-31"] {
        let bad = nurse
            .post(
                "/portal/patients/new",
                &[("csrf", &csrf), ("given_name", "Bo"), ("family_name", "Example"), ("birth_date", birth)],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{}", bad.text());
        assert!(bad.text().contains("birth_date: must be a birth date from 1900-01-01 to today"), "{}", bad.text());
    }
    let intake = nurse
        .request(Method::PUT, &format!("{}/intake", patient.replace("/portal/patients/", "/api/v1/patients/")))
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", &csrf)
        .body(Body::from("{}"))
        .unwrap();
    assert_eq!(nurse.send(intake).await.status, StatusCode::OK);
    let started =
        nurse.post(&format!("{patient}/sessions"), &[("csrf", &csrf), ("modality", "esketamine_nasal")]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER, "{}", started.text());
    let session = started.header("location").unwrap().to_owned();
    for meal in ["1000-01-01", "1000-01-01T00:00", "1000-01-01T00:00:00Z"] {
        let bad = nurse
            .post(
                &format!("{session}/pre-checks"),
                &[("csrf", &csrf), ("last_food_at", meal), ("transport_home_arranged", "yes")],
            )
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{meal}: {}", bad.text());
        assert!(bad.text().contains("last_food_at"), "{meal}: {}", bad.text());
    }
    assert_eq!(nurse.get(&session).await.status, StatusCode::OK);
    p.verified().await;
}

#[tokio::test]
async fn portal_dates_out_of_bounds_are_a_400_page_on_sqlite() {
    portal_pre_checks(Portal::sqlite().await).await;
}

#[tokio::test]
async fn portal_dates_out_of_bounds_are_a_400_page_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    portal_pre_checks(p).await;
}
