//! The named insurance plans of a listing over HTTP on SQLite and PostgreSQL: the clinic admin's
//! `PUT /api/v1/clinic/listing` and portal form set them (checked, trimmed, repeats dropped, stamped verified per
//! field), the public JSON (record and search), the public page, the FHIR HealthcareService and the CSV export carry
//! them back, bad plans answer 400 naming `insurance_plans`, and an older import keeps the clinic's plans.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use ketapath_directory::fhir::INSURANCE_PLAN_URL;
use ketapath_directory::{ClinicId, Gazetteer};
use ketapath_store::ListingAuthor;
use ketapath_store::domain::Role;
use ketapath_testkit::on_both_backends;
use ketapath_web::{AppState, WebConfig};
use serde_json::{Value, json};

use crate::listing::{put_json, signed_in};
use crate::portal_support::*;
use crate::support::*;

async fn admin_of_clinic_a(p: &Portal) -> Browser {
    signed_in(p, "admin@a.example", Role::ClinicAdmin, Some("clinic-a")).await.0
}

async fn put_listing(browser: &mut Browser, body: &Value) -> Reply {
    put_json(browser, "/api/v1/clinic/listing", body).await
}

/// A server freshly loaded from the store, as another instance of `serve` would answer.
async fn fresh_server(p: &Portal) -> axum::Router {
    ketapath_web::app(AppState::load(WebConfig::default(), p.store.clone()).await.unwrap())
}

fn clinic_a() -> ClinicId {
    ClinicId::parse("clinic-a").unwrap()
}

async fn plans_travel_from_the_listing_to_every_public_document(p: &Portal) {
    let mut admin = admin_of_clinic_a(p).await;
    let before = send(&fresh_server(p).await, get("/api/v1/clinics/clinic-a")).await.json();
    assert_eq!(before["insurance_plans"], json!([]), "a listing without plans says so with []");

    let change = json!({"insurance_plans": [" Aetna ", "Medicaid (Ohio)", "AETNA"]});
    let saved = put_listing(&mut admin, &change).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    assert_eq!(saved.json()["insurance_plans"], json!(["Aetna", "Medicaid (Ohio)"]));
    assert_eq!(saved.json()["payment"], before["payment"], "the payment codes are a field of their own");
    let verified = p.store.listing_field_verifications().await.unwrap();
    let fields: Vec<&str> = verified[&clinic_a()].iter().map(|v| v.field.as_str()).collect();
    assert_eq!(fields, ["insurance_plans"], "only the named field is stamped verified");

    let server = fresh_server(p).await;
    let record = send(&server, get("/api/v1/clinics/clinic-a")).await.json();
    assert_eq!(record["insurance_plans"], json!(["Aetna", "Medicaid (Ohio)"]));
    let search = send(&server, get("/api/v1/clinics?near=40.7,-74.0&radius_km=5")).await.json();
    let hit = search["results"].as_array().unwrap().iter().find(|r| r["id"] == "clinic-a").unwrap().clone();
    assert_eq!(hit["insurance_plans"], json!(["Aetna", "Medicaid (Ohio)"]));
    let other = search["results"].as_array().unwrap().iter().find(|r| r["id"] == "clinic-b");
    assert!(other.is_none_or(|b| b["insurance_plans"] == json!([])));

    let page = send(&server, get("/clinics/clinic-a")).await.text();
    assert!(page.contains("Insurance plans accepted: Aetna, Medicaid (Ohio)"), "{page}");

    let service = send(&server, get("/fhir/r4/HealthcareService/clinic-a-svc")).await.json();
    let plans: Vec<&str> = service["extension"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["url"] == INSURANCE_PLAN_URL)
        .map(|e| e["valueString"].as_str().unwrap())
        .collect();
    assert_eq!(plans, ["Aetna", "Medicaid (Ohio)"]);
    assert_valid_fhir(&server, &[("service.json", "/fhir/r4/HealthcareService/clinic-a-svc")]).await;

    // The CSV export carries the plans in their column, and reads back to the same listing.
    let stored = p.store.clinic(&clinic_a()).await.unwrap().unwrap();
    let csv = ketapath_directory::export::clinics_to_csv(std::slice::from_ref(&stored));
    assert!(csv.lines().next().unwrap().ends_with(",last_verified,insurance_plans"), "{csv}");
    assert!(csv.lines().nth(1).unwrap().ends_with(",Aetna;Medicaid (Ohio)"), "{csv}");
    let again = ketapath_directory::import::parse_csv(csv.as_bytes(), Gazetteer::shipped()).into_atomic().unwrap();
    assert_eq!(again[0].insurance_plans, stored.insurance_plans);
    // The FHIR bundle reads back too.
    let bundle = serde_json::to_value(ketapath_directory::fhir::export_bundle(std::slice::from_ref(&stored))).unwrap();
    let read = ketapath_directory::fhir::import_bundle(&bundle, Gazetteer::shipped()).unwrap();
    assert_eq!(read.into_atomic().unwrap()[0].insurance_plans, stored.insurance_plans);

    // `[]` removes every plan.
    let cleared = put_listing(&mut admin, &json!({"insurance_plans": []})).await;
    assert_eq!(cleared.json()["insurance_plans"], json!([]));
}

on_both_backends!(
    plans_travel_from_the_listing_to_every_public_document,
    super::plans_travel_from_the_listing_to_every_public_document
);

async fn bad_plans_are_refused_naming_the_field(p: &Portal) {
    let mut admin = admin_of_clinic_a(p).await;
    let saved = put_listing(&mut admin, &json!({"insurance_plans": ["Cigna"]})).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    let many: Vec<String> = (1..=41).map(|i| format!("Plan {i}")).collect();
    for body in [
        json!({"insurance_plans": "Aetna"}),
        json!({"insurance_plans": [42]}),
        json!({"insurance_plans": [""]}),
        json!({"insurance_plans": ["   "]}),
        json!({"insurance_plans": ["x".repeat(81)]}),
        json!({"insurance_plans": ["Aetna\nCigna"]}),
        json!({"insurance_plans": ["Aetna;Cigna"]}),
        json!({"insurance_plans": many}),
    ] {
        let refused = put_listing(&mut admin, &body).await;
        let error = assert_error(&refused, StatusCode::BAD_REQUEST, "invalid_input");
        assert_eq!(error["field"], "insurance_plans", "{body}");
    }
    let stored = p.store.clinic(&clinic_a()).await.unwrap().unwrap();
    assert_eq!(stored.insurance_plans, ["Cigna"], "a refused update changes nothing");

    // The portal form takes one plan per line; a bad line shows the form again with what was typed.
    let html = admin.get("/portal/clinic/listing").await.text();
    assert!(html.contains(">Cigna</textarea>"), "{html}");
    let csrf = csrf_of(&html);
    let long = "x".repeat(81);
    let typed = format!("Aetna\r\n{long}\r\n");
    let fields = [
        ("csrf", csrf.as_str()),
        ("phone", "212-555-0142"),
        ("payment", "private_insurance"),
        ("accepting_new_patients", "yes"),
        ("telehealth", "no"),
        ("insurance_plans", typed.as_str()),
    ];
    let refused = admin.post("/portal/clinic/listing", &fields).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    let text = refused.text();
    assert!(text.contains("Insurance plans (insurance_plans)") && text.contains(&long), "{text}");
    let fixed: Vec<(&str, &str)> = fields
        .iter()
        .map(|&(k, v)| if k == "insurance_plans" { (k, "Aetna\r\n\r\n Medicare Advantage \r\n") } else { (k, v) })
        .collect();
    let saved = admin.post("/portal/clinic/listing", &fixed).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let stored = p.store.clinic(&clinic_a()).await.unwrap().unwrap();
    assert_eq!(stored.insurance_plans, ["Aetna", "Medicare Advantage"]);
    let html = admin.get("/portal/clinic/listing").await.text();
    assert!(html.contains("Verified by the clinic"), "{html}");
}

on_both_backends!(bad_plans_are_refused_naming_the_field, super::bad_plans_are_refused_naming_the_field);

/// An import older than the clinic's own plans keeps them (the rule the CLI's import applies, `--prefer-clinic` or not).
async fn an_older_import_keeps_the_clinics_plans(p: &Portal) {
    let mut admin = admin_of_clinic_a(p).await;
    let saved = put_listing(&mut admin, &json!({"insurance_plans": ["Aetna"]})).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    let verified = p.store.listing_field_verifications().await.unwrap();
    let existing = p.store.clinic(&clinic_a()).await.unwrap().unwrap();
    let mut imported = clinic("clinic-a", 40.7, -74.0);
    imported.insurance_plans = vec!["Humana".to_owned()];
    let as_of = imported.last_verified;
    let conflicts =
        ketapath_directory::listing::keep_clinic_verified(&existing, &mut imported, &verified[&clinic_a()], as_of);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(
        (conflicts[0].field, conflicts[0].kept.as_str(), conflicts[0].imported.as_str()),
        ("insurance_plans", "Aetna", "Humana")
    );
    p.store.upsert_clinics(&[imported.clone()], ListingAuthor::AdminCli).await.unwrap();
    assert_eq!(p.store.clinic(&clinic_a()).await.unwrap().unwrap().insurance_plans, ["Aetna"]);

    // An import dated after the clinic's check wins.
    let mut newer = clinic("clinic-a", 40.7, -74.0);
    newer.insurance_plans = vec!["Humana".to_owned()];
    let later = existing.last_verified.map(|d| d.next_day().unwrap());
    assert!(
        ketapath_directory::listing::keep_clinic_verified(&existing, &mut newer, &verified[&clinic_a()], later)
            .is_empty()
    );
    p.store.upsert_clinics(&[newer], ListingAuthor::AdminCli).await.unwrap();
    assert_eq!(p.store.clinic(&clinic_a()).await.unwrap().unwrap().insurance_plans, ["Humana"]);
}

on_both_backends!(an_older_import_keeps_the_clinics_plans, super::an_older_import_keeps_the_clinics_plans);
