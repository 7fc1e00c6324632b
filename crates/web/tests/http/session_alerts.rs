//! Alerts while the patient is in the chair, through the API and the portal, on SQLite and PostgreSQL: an
//! observation with a low SpO2, MOAA/S 1, a crisis-range blood pressure and a CADSS rise answers its alerts and a
//! recheck; crisis symptoms make the blood-pressure alert an emergency; the alerts stay on the session (GET) and
//! at the top of the session page and on the dashboard until acknowledged (the portal button, then the API), the
//! acknowledgement is audited with who and when, and another clinic's staff get 404. A settings value below an
//! alert floor is 400 naming the field.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use ketapath_store::domain::Role;
use serde_json::{Value, json};

use crate::portal_care::at;
use crate::portal_support::*;
use crate::support::Reply;

/// A JSON call of the API with the browser's session cookie and CSRF header.
async fn call(b: &mut Browser, method: Method, uri: &str, csrf: &str, body: Option<Value>) -> Reply {
    let request = b
        .request(method, uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-csrf-token", csrf)
        .body(body.map_or_else(Body::empty, |v| Body::from(v.to_string())))
        .unwrap();
    b.send(request).await
}

fn codes(alerts: &Value) -> Vec<(String, String)> {
    alerts
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["code"].as_str().unwrap().to_owned(), a["level"].as_str().unwrap().to_owned()))
        .collect()
}

async fn alerts_in_the_chair(mut p: Portal) {
    let mut config = ketapath_web::WebConfig::default();
    config.rate_limit.burst = 1000;
    p.app = app_over(&p.store, config).await;
    let nurse_id = p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    let rx_id = p.user("rx@a.example", Role::Prescriber, Some("clinic-a")).await;
    p.user("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
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
    let api_patient = patient.replace("/portal/patients/", "/api/v1/patients/");
    let intake = json!({"episode_months": 18, "severity": "moderate", "conditions": [], "rems_enrolled": true,
        "pregnancy_potential": false});
    let saved = call(&mut nurse, Method::PUT, &format!("{api_patient}/intake"), &csrf, Some(intake)).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    let started =
        nurse.post(&format!("{patient}/sessions"), &[("csrf", &csrf), ("modality", "esketamine_nasal")]).await;
    let session = started.header("location").unwrap().to_owned();
    let api = session.replace("/portal/sessions/", "/api/v1/sessions/");

    // Before the dose: the blood pressure for the gate and the pre-dose CADSS. A pre-dose 180/120 would be the
    // gate's business, not an alert; 128/82 passes it.
    let pre = json!({"at": "2026-11-27T08:59:00Z", "systolic": 128, "diastolic": 82, "cadss": 1, "spo2": 98});
    let reply = call(&mut nurse, Method::POST, &format!("{api}/observations"), &csrf, Some(pre)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(reply.json()["alerts"], json!([]));
    at(&p, &mut nurse, &session, 5).await;
    let dose = nurse.post(&format!("{session}/dose"), &[("csrf", &csrf), ("dose_mg", "56"), ("lot", "AB123")]).await;
    assert_eq!(dose.status, StatusCode::SEE_OTHER, "{}", dose.text());

    // Forty minutes after the dose: four dangers at once, most serious first, and a recheck within 5 minutes.
    at(&p, &mut nurse, &session, 45).await;
    let bad = json!({"systolic": 190, "diastolic": 125, "spo2": 85, "moaas": 1, "cadss": 10});
    let reply = call(&mut nurse, Method::POST, &format!("{api}/observations"), &csrf, Some(bad)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let body = reply.json();
    let raised = codes(&body["alerts"]);
    for expected in [
        ("spo2_low", "emergency"),
        ("unresponsive", "emergency"),
        ("hypertensive_crisis_range", "urgent"),
        ("dissociation", "warning"),
    ] {
        assert!(raised.contains(&(expected.0.to_owned(), expected.1.to_owned())), "{expected:?} in {raised:?}");
    }
    assert_eq!(raised.len(), 4, "{raised:?}");
    assert_eq!(raised[0].1, "emergency");
    let first = &body["alerts"][0];
    assert_eq!(first["at"], "2026-11-27T09:45:00Z");
    assert!(first["rule"].as_str().unwrap().starts_with("protocols.alerts."), "{first}");
    assert!(first["message"].as_str().unwrap().len() > 20, "{first}");
    assert_eq!(first["acknowledged_at"], Value::Null);
    let next = &body["monitoring"]["next_due"];
    assert_eq!(
        (next["what"].as_str(), next["due_at"].as_str()),
        (Some("blood_pressure_recheck"), Some("2026-11-27T09:50:00Z"))
    );

    // A crisis symptom charted with a high reading: emergency care now. Unknown symptoms are refused by index.
    let with_pain = json!({"systolic": 185, "diastolic": 100, "symptoms": ["chest_pain"]});
    let reply = call(&mut nurse, Method::POST, &format!("{api}/observations"), &csrf, Some(with_pain)).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    assert_eq!(codes(&reply.json()["alerts"]), [("hypertensive_crisis_range".to_owned(), "emergency".to_owned())]);
    assert!(reply.json()["alerts"][0]["message"].as_str().unwrap().contains("911"));
    let unknown = json!({"spo2": 97, "symptoms": ["hiccups"]});
    let reply = call(&mut nurse, Method::POST, &format!("{api}/observations"), &csrf, Some(unknown)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"]["field"], "symptoms[0]", "{}", reply.text());

    // The session carries them all, open.
    let got = call(&mut nurse, Method::GET, &api, &csrf, None).await.json();
    let alerts = got["alerts"].as_array().unwrap().clone();
    assert_eq!(alerts.len(), 5, "{got}");
    assert!(alerts.iter().all(|a| a["acknowledged_at"].is_null()));

    // At the top of the session page with a button each, and on the dashboard.
    let page = nurse.get(&session).await.text();
    let top = page.find("id=\"alerts\"").expect("the alerts block");
    assert!(top < page.find("id=\"flowsheet-heading\"").unwrap(), "alerts come before the checks");
    assert_eq!(page.matches("/acknowledge\"").count(), 5, "{page}");
    assert!(page.contains("SpO2 85 %"), "{page}");
    assert!(page.contains("name=\"symptoms\" type=\"checkbox\" value=\"chest_pain\""), "the form offers symptoms");
    let dashboard = nurse.get("/portal").await.text();
    assert!(dashboard.contains("Alerts in the chair (5 not acknowledged)"), "{dashboard}");
    assert!(dashboard.contains("Ada Example: emergency (Low oxygen saturation (SpO2))"), "{dashboard}");

    // The portal button: CSRF is required; the nurse acknowledges the SpO2 alert.
    let spo2 = alerts.iter().find(|a| a["code"] == "spo2_low").unwrap()["id"].as_str().unwrap().to_owned();
    let button = format!("{session}/alerts/{spo2}/acknowledge");
    assert_eq!(nurse.post(&button, &[("csrf", "forged")]).await.status, StatusCode::FORBIDDEN);
    let done = nurse.post(&button, &[("csrf", &csrf)]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    let page = nurse.get(&session).await.text();
    assert_eq!(page.matches("/acknowledge\"").count(), 4);
    assert!(page.contains("Acknowledged by Name of nurse@a.example at 04:45 EST"), "{page}");
    let dashboard = nurse.get("/portal").await.text();
    assert!(dashboard.contains("Alerts in the chair (4 not acknowledged)"), "{dashboard}");

    // Another clinic's nurse: 404 on the API and on the button, and nothing changes.
    let mut other = p.browser();
    other.sign_in("nurse@b.example", PASSWORD, "").await;
    let other_csrf = other.csrf().await;
    let rest: Vec<String> =
        alerts.iter().filter(|a| a["code"] != "spo2_low").map(|a| a["id"].as_str().unwrap().to_owned()).collect();
    let foreign =
        call(&mut other, Method::POST, &format!("{api}/alerts/{}/acknowledge", rest[0]), &other_csrf, Some(json!({})))
            .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let foreign = other.post(&format!("{session}/alerts/{}/acknowledge", rest[0]), &[("csrf", &other_csrf)]).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let unknown = call(
        &mut nurse,
        Method::POST,
        &format!("{api}/alerts/{}/acknowledge", uuid::Uuid::now_v7()),
        &csrf,
        Some(json!({})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // The prescriber acknowledges the rest through the API, a minute later; the dashboard section goes away.
    p.clock.set(p.store.now() + time::Duration::minutes(1));
    let mut rx = p.browser();
    rx.sign_in("rx@a.example", PASSWORD, "").await;
    let rx_csrf = rx.csrf().await;
    for id in &rest {
        let reply =
            call(&mut rx, Method::POST, &format!("{api}/alerts/{id}/acknowledge"), &rx_csrf, Some(json!({}))).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
        assert_eq!(reply.json()["acknowledged_by"], json!(rx_id.to_string()));
        assert_eq!(reply.json()["acknowledged_at"], "2026-11-27T09:46:00Z");
    }
    let again =
        call(&mut rx, Method::POST, &format!("{api}/alerts/{spo2}/acknowledge"), &rx_csrf, Some(json!({}))).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.json()["acknowledged_by"], json!(nurse_id.to_string()), "the first acknowledgement stays");
    assert_eq!(again.json()["acknowledged_at"], "2026-11-27T09:45:00Z");
    let dashboard = nurse.get("/portal").await.text();
    assert!(!dashboard.contains("Alerts in the chair"), "{dashboard}");
    let got = call(&mut nurse, Method::GET, &api, &csrf, None).await.json();
    assert_eq!(got["alerts"].as_array().unwrap().len(), 5, "acknowledged alerts stay listed on the session");
    assert!(got["alerts"].as_array().unwrap().iter().all(|a| a["acknowledged_by"].is_string()));

    // Every acknowledgement is in the audit log with who did it.
    let events = p.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let acks: Vec<_> = events.iter().filter(|e| e.entity == "session_alert" && e.action == "update").collect();
    assert!(acks.iter().any(|e| e.entity_id == spo2 && e.actor_id == Some(nurse_id.to_string())), "{acks:?}");
    for id in &rest {
        assert!(acks.iter().any(|e| &e.entity_id == id && e.actor_id == Some(rx_id.to_string())), "{id}");
    }
    assert_eq!(events.iter().filter(|e| e.entity == "session_alert" && e.action == "create").count(), 5);

    // An alert threshold below its floor is refused by name; a stricter one is kept.
    let lax = json!({"alerts": {"spo2_below": 85}});
    let refused = call(&mut rx, Method::PUT, "/api/v1/clinic/protocol-settings", &rx_csrf, Some(lax)).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.text());
    assert_eq!(refused.json()["error"]["field"], "alerts.spo2_below");
    let strict = json!({"alerts": {"spo2_below": 95}});
    let kept = call(&mut rx, Method::PUT, "/api/v1/clinic/protocol-settings", &rx_csrf, Some(strict)).await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.text());
    let settings = rx.get("/portal/clinic/settings").await.text();
    assert!(settings.contains("never below 90"), "the settings page shows the floor");
    p.verified().await;
}

#[tokio::test]
async fn alerts_in_the_chair_on_sqlite() {
    alerts_in_the_chair(Portal::sqlite().await).await;
}

#[tokio::test]
async fn alerts_in_the_chair_on_postgres() {
    let Some(p) = Portal::postgres().await else { return };
    alerts_in_the_chair(p).await;
}
