//! The demo clinic's treatment day (`ketapath_care::demo`): seeded on SQLite and PostgreSQL with a hand-moved
//! clock, the audit chain verifies, a seeded nurse signs in with the printed password and sees the day on the
//! dashboard, a responder's outcomes name their rule, and a second seeding changes nothing.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::http::StatusCode;
use ketapath_care::demo::{DEMO_EMAIL_DOMAIN, seed_demo_care};
use ketapath_directory::ClinicId;
use ketapath_store::domain::Role;
use serde_json::Value;

use crate::portal_support::Portal;

async fn treatment_day(p: Portal) {
    let clinic = ClinicId::parse("clinic-a").unwrap();
    let now = p.store.now();
    let demo = seed_demo_care(&p.store, &clinic, now, 2026).await.unwrap().expect("seeded the first time");
    p.verified().await;
    assert_eq!(demo.patients.len(), 12);
    let roles: Vec<Role> = demo.accounts.iter().map(|a| a.role).collect();
    assert_eq!(roles, [Role::ClinicAdmin, Role::Prescriber, Role::Nurse]);
    for a in &demo.accounts {
        assert!(a.email.ends_with(&format!("@{DEMO_EMAIL_DOMAIN}")), "{}", a.email);
        assert!(a.password.len() >= 24, "a random password of 96 bits");
    }
    assert_ne!(demo.accounts[0].password, demo.accounts[1].password);

    // A second run finds the demo staff and writes nothing, not even an audit event.
    let counts = p.store.unscoped_for_admin_cli_and_tests().table_counts().await.unwrap();
    assert!(seed_demo_care(&p.store, &clinic, now, 2026).await.unwrap().is_none());
    assert_eq!(p.store.unscoped_for_admin_cli_and_tests().table_counts().await.unwrap(), counts);

    // The nurse signs in with the password printed once and sees the treatment day.
    let nurse = demo.accounts.iter().find(|a| a.role == Role::Nurse).unwrap();
    let mut b = p.browser();
    let signed_in = b.sign_in(&nurse.email, &nurse.password, "").await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER, "{}", signed_in.text());
    let page = b.get("/portal").await;
    assert_eq!(page.status, StatusCode::OK);
    let dashboard = page.text();
    for expected in [
        "In the chair (1)",
        "Today's other sessions (2)",
        "Avery Samplewood",
        "Emery Mockford",
        "Harper Imaginary",
        " since the dose; next: ",
        "Self-report alerts (1)",
        "Jordan Dummyton",
        "item 9 = 1",
        "New referrals (2)",
        "Rowan Fictional",
        "Sky Notional",
        "Overdue:",
    ] {
        let main = dashboard.split("<main").nth(1).unwrap_or(&dashboard);
        assert!(dashboard.contains(expected), "{expected} in {main}");
    }
    // The past sessions' alerts (post-dose pressures above the gate) were acknowledged by the nurse on duty, so
    // the dashboard's in-chair list does not open on weeks-old warnings.
    assert!(!dashboard.contains("Alerts in the chair"), "no past session leaves an alert open");
    let due = dashboard.split("REMS forms due (").nth(1).and_then(|t| t.split(')').next()).unwrap();
    assert!(due.parse::<usize>().unwrap() >= 3, "the responder's, today's and the overdue form: {due}");

    // The session in progress shows the 40-minute blood pressure as due.
    let live = b.get(&format!("/portal/sessions/{}", demo.awaiting_check)).await;
    assert_eq!(live.status, StatusCode::OK);
    assert!(live.text().contains("40"), "{}", live.text());
    let api = b.get(&format!("/api/v1/sessions/{}", demo.awaiting_check)).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.text());
    let view = api.json();
    assert_eq!(view["monitoring"]["next_due"]["what"], "blood_pressure", "{view}");
    assert_eq!(view["monitoring"]["next_due"]["status"], "due", "{view}");

    // The responder's PHQ-9 outcome: response and remission, each named with its rule.
    let reply = b.get(&format!("/api/v1/patients/{}/outcomes", demo.responder)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let outcomes = reply.json();
    let phq9 = outcomes["instruments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["instrument"] == "phq9")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(phq9["response"], true, "{outcomes}");
    assert_eq!(phq9["remission"], true, "{outcomes}");
    assert_eq!(phq9["rule"]["id"], "outcome.response.phq9", "{outcomes}");
    let patient = b.get(&format!("/portal/patients/{}", demo.responder)).await.text();
    assert!(patient.contains("outcome.response.phq9"), "the patient page names the rule");
    // The remitter's maintenance session today follows a recorded benefit review that decided to continue, with the
    // maintenance weeks planned after the induction.
    let courses = b.get(&format!("/api/v1/patients/{}/courses", demo.responder)).await.json();
    let course = &courses["courses"][0];
    assert_eq!(course["benefit_review"]["decision"], "continue", "{course}");
    assert_eq!(course["indication"], "trd", "{course}");
    let phases: Vec<&str> =
        course["schedule"].as_array().unwrap().iter().map(|s| s["phase"].as_str().unwrap()).collect();
    assert_eq!(
        (phases.iter().filter(|p| **p == "induction").count(), phases.last().copied()),
        (8, Some("maintenance"))
    );
    assert!(patient.contains("Benefit review: continue"), "the patient page shows the review");
    // A patient without a response is in the demo too.
    let mut without = 0;
    for id in &demo.patients {
        let o = b.get(&format!("/api/v1/patients/{id}/outcomes")).await.json();
        let phq9 = o["instruments"].as_array().unwrap().iter().find(|o| o["instrument"] == "phq9").cloned();
        if phq9.is_some_and(|o| o["response"] == false && o["latest"] != o["baseline"]) {
            without += 1;
        }
    }
    assert!(without >= 1, "a treated patient without a response");
    p.verified().await;
}

#[tokio::test]
async fn demo_treatment_day_on_sqlite() {
    treatment_day(Portal::sqlite().await).await;
}

#[tokio::test]
async fn demo_treatment_day_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    treatment_day(p).await;
}
