//! The printed documents of a session over HTTP, on SQLite and PostgreSQL: a patient with a Vietnamese name whose
//! chart holds MOAA/S 4, CADSS 8 and "sleepy, dissociated"; the REMS form answers sedation and dissociation from the
//! chart, and both PDFs (the REMS form and the session record, API and portal) print the name exactly on every page.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::{Method, StatusCode};
use ketapath_store::domain::Role;
use ketapath_testkit::on_both_backends;
use serde_json::json;

use crate::api_fixture::Fixture;
use crate::session_workflow::{dosed_esketamine_session, rfc};

/// The pages of a PDF as `pdftotext` reads them, or `None` where the tool is missing (a failure under CI).
fn pages(pdf: &[u8]) -> Option<Vec<String>> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let Ok(out) = std::process::Command::new("pdftotext").args(["-raw", "-enc", "UTF-8"]).arg(&path).arg("-").output()
    else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "pdftotext (poppler-utils) is required in CI");
        return None;
    };
    assert!(out.status.success() && out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    Some(text.split('\u{c}').filter(|p| !p.trim().is_empty()).map(str::to_owned).collect())
}

async fn record(f: &Fixture) {
    let nurse = f.staff("Nora Nurse", Role::Nurse, "clinic-a").await;
    let body = json!({"given_name": "Nguyễn Thị", "family_name": "Minh Khai", "birth_date": "1980-04-01"});
    let p = f.ok(Method::POST, "/api/v1/patients", &nurse, Some(body), StatusCode::CREATED).await;
    let p = p["id"].as_str().unwrap().to_owned();
    let sid = dosed_esketamine_session(f, &nurse, &p).await;
    let url = |tail: &str| format!("/api/v1/sessions/{sid}{tail}");
    f.at(45);
    let obs = json!({"systolic": 150, "diastolic": 95, "heart_rate": 84, "spo2": 97, "moaas": 4, "cadss": 8,
        "note": "sleepy, dissociated"});
    let charted = f.ok(Method::POST, &url("/observations"), &nurse, Some(obs), StatusCode::CREATED).await;
    // 150/95 after the dose is above the gate: an alert, which the nurse acknowledges.
    let alert = charted["alerts"][0].clone();
    assert_eq!(alert["code"], "bp_above_gate", "{charted}");
    let ack = format!("/alerts/{}/acknowledge", alert["id"].as_str().unwrap());
    f.ok(Method::POST, &url(&ack), &nurse, Some(json!({})), StatusCode::OK).await;
    f.at(130);
    let obs = json!({"systolic": 130, "diastolic": 80, "spo2": 98, "moaas": 5, "cadss": 0});
    f.ok(Method::POST, &url("/observations"), &nurse, Some(obs), StatusCode::CREATED).await;
    f.ok(Method::POST, &url("/discharge"), &nurse, Some(json!({"ready_to_leave_at": rfc(90)})), StatusCode::OK).await;

    // The chart answers sedation (MOAA/S 4 after the dose) and dissociation (CADSS 8 above the threshold of 4).
    let form = f.ok(Method::GET, &url("/rems-form"), &nurse, None, StatusCode::OK).await;
    for code in ["sedation", "dissociation"] {
        let entry = form["form"]["adverse_effects"].as_array().unwrap().iter().find(|a| a["code"] == code).unwrap();
        assert_eq!((&entry["answer"], &entry["derived_from_chart"]), (&json!(true), &json!(true)), "{code}: {entry}");
    }

    // The session record through the API: the name on every page, every check, the acknowledgement, the end.
    let pdf = f.call(Method::GET, &url("/record.pdf"), Some(&nurse), None).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(pdf.header("cache-control"), Some("no-store"));
    assert_eq!(pdf.body, f.call(Method::GET, &url("/record.pdf"), Some(&nurse), None).await.body, "deterministic");
    let other = f.staff("Olga Other", Role::Nurse, "clinic-b").await;
    assert_eq!(f.call(Method::GET, &url("/record.pdf"), Some(&other), None).await.status, StatusCode::NOT_FOUND);
    if let Some(pages) = pages(&pdf.body) {
        for page in &pages {
            assert!(page.contains("Patient: Nguyễn Thị Minh Khai · born 04/01/1980"), "{page}");
        }
        let text = pages.concat();
        for expected in [
            "Session 1: Esketamine nasal spray",
            "56 mg",
            "150/95",
            "sleepy, dissociated",
            "Acknowledged by Nora Nurse",
            "Discharged",
            "85 min after the first dose",
        ] {
            assert!(text.contains(expected), "{expected} not in {text}");
        }
    }
    // The REMS form's PDF names the patient on every page too.
    let rems = f.call(Method::GET, &url("/rems-form?format=pdf"), Some(&nurse), None).await;
    if let Some(pages) = pages(&rems.body) {
        assert!(pages.len() > 1);
        assert!(pages.iter().all(|p| p.contains("Patient: Nguyễn Thị Minh Khai · born 04/01/1980")), "{pages:?}");
    }
}

on_both_backends!(the_session_record_and_the_rems_form_print_the_chart_with_the_name_on_every_page, super::record);
