//! Issue 16 item 6 over HTTP, on SQLite and PostgreSQL: the intake's ZIP (portal form and JSON API) becomes the
//! patient's address ZIP and the research export's `zip3`; the patient page's address form (street optional,
//! city, 2-letter state, US ZIP or ZIP+4) replaces the address and refuses a bad field naming it; another clinic's
//! patient is 404; the export has no calendar date unless `shifted_dates=true`.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::Router;
use axum::http::StatusCode;
use ketapath_research::ExportKey;
use ketapath_store::domain::Role;
use ketapath_testkit::on_both_backends;
use ketapath_web::{AppState, WebConfig};
use serde_json::Value;

use crate::portal_forms::{new_patient, signed_in};
use crate::portal_support::Portal;
use crate::support::{Reply, get, send};

/// The application over the portal's store with an export key, as `serve` builds it with `KETAPATH_RESEARCH_KEY`.
async fn app_with_key(p: &Portal) -> Router {
    let mut config = WebConfig::default();
    config.rate_limit.burst = 1000;
    let state = AppState::load(config, p.store.clone()).await.unwrap();
    ketapath_web::app(state.with_research_key(ExportKey::from_bytes(&[7; 32]).unwrap()))
}

/// One file of the research export as the researcher `token` gets it.
async fn export(app: &Router, token: &str, query: &str) -> Reply {
    let mut request = get(&format!("/api/v1/research/export?{query}"));
    request.headers_mut().insert("authorization", format!("Bearer {token}").parse().unwrap());
    send(app, request).await
}

/// The `patients` rows of the export (NDJSON) as JSON objects.
async fn exported_patients(app: &Router, token: &str) -> Vec<Value> {
    let reply = export(app, token, "file=patients&format=ndjson").await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    reply.text().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

async fn address_reaches_zip3(p: &Portal) {
    p.user("nurse@a.example", Role::Nurse, Some("clinic-a")).await;
    p.user("nurse@b.example", Role::Nurse, Some("clinic-b")).await;
    let (_, researcher) = crate::research::user(&p.store, "r@example.org", Role::Researcher, None).await;
    let app = app_with_key(p).await;
    let (mut b, csrf) = signed_in(p, "nurse@a.example").await;
    let id = new_patient(&mut b, &csrf, "Ada").await;
    let page = format!("/portal/patients/{id}");
    let consent = [("csrf", csrf.as_str()), ("status", "given"), ("date", "2026-11-20")];
    assert_eq!(b.post(&format!("{page}/research-consent"), &consent).await.status, StatusCode::SEE_OTHER);

    // The portal intake's ZIP: a bad one is refused naming the field, a good one is the address's ZIP.
    let intake = format!("{page}/intake");
    let bad = b.post(&intake, &[("csrf", &csrf), ("zip", "3431")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("demographics.zip") && bad.text().contains("5 digits"), "{}", bad.text());
    let saved = b.post(&intake, &[("csrf", &csrf), ("zip", "03431")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let rows = exported_patients(&app, &researcher).await;
    assert_eq!(rows.len(), 1, "the one consenting patient");
    assert_eq!((&rows[0]["zip3"], &rows[0]["state"]), (&Value::from("034"), &Value::Null));

    // The address form: each bad field is a 400 naming it, and nothing is stored.
    let address = format!("{page}/address");
    for (fields, named) in [
        ([("city", "Alstead"), ("state", "NH"), ("zip", "0360")], "zip"),
        ([("city", "Alstead"), ("state", "New Hampshire"), ("zip", "03602")], "state"),
        ([("city", ""), ("state", "NH"), ("zip", "03602")], "city"),
    ] {
        let mut form = vec![("csrf", csrf.as_str()), ("street", "")];
        form.extend(fields);
        let reply = b.post(&address, &form).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{named}: {}", reply.text());
        assert!(reply.text().contains(named), "the refusal names {named}: {}", reply.text());
    }
    assert_eq!(exported_patients(&app, &researcher).await[0]["zip3"], "034", "a refused form changes nothing");
    let good = [("csrf", csrf.as_str()), ("street", ""), ("city", "Alstead"), ("state", "nh"), ("zip", "03602-1234")];
    let reply = b.post(&address, &good).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let text = b.get(&page).await.text();
    assert!(text.contains("value=\"Alstead\"") && text.contains("value=\"NH\"") && text.contains("03602-1234"));
    // 036 is a restricted three-digit area: 000; the state is exported, the city never.
    let rows = exported_patients(&app, &researcher).await;
    assert_eq!((&rows[0]["zip3"], &rows[0]["state"]), (&Value::from("000"), &Value::from("NH")));
    let all = export(&app, &researcher, "file=patients&format=csv").await.text();
    assert!(!all.contains("Alstead") && !all.contains("03602"), "{all}");

    // Another clinic's nurse cannot see or change the address.
    let (mut other, other_csrf) = signed_in(p, "nurse@b.example").await;
    let theirs = [("csrf", other_csrf.as_str()), ("city", "Elsewhere"), ("state", "NY"), ("zip", "10001")];
    assert_eq!(other.post(&address, &theirs).await.status, StatusCode::NOT_FOUND);
    assert_eq!(exported_patients(&app, &researcher).await[0]["zip3"], "000");

    // The intake through the JSON API sets the ZIP too, and keeps the city and state of the form.
    let body = serde_json::json!({"demographics": {"zip": "10001"}, "conditions": []});
    let (status, doc) =
        crate::portal_forms::api(&mut b, axum::http::Method::PUT, &intake_api(&id), &csrf, Some(body)).await;
    assert_eq!(status, StatusCode::OK, "{doc}");
    let rows = exported_patients(&app, &researcher).await;
    assert_eq!((&rows[0]["zip3"], &rows[0]["state"]), (&Value::from("100"), &Value::from("NH")));
    let events = p.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    let writes = events.iter().filter(|e| e.entity == "patient_address" && e.entity_id == id).count();
    assert!(writes >= 3, "the intakes and the form each audit an address write: {writes}");

    // The export's date forms: no calendar date by default, shifted dates on request, anything else refused.
    let plain = export(&app, &researcher, "file=patients&format=csv").await.text();
    assert!(plain.starts_with("patient,clinic,sex,age_at_first_event,zip3,state,first_event_year\n"), "{plain}");
    let shifted = export(&app, &researcher, "file=patients&format=csv&shifted_dates=true").await.text();
    assert!(shifted.starts_with("patient,clinic,sex,age_at_first_event,zip3,state,first_event_date\n"), "{shifted}");
    let reply = export(&app, &researcher, "file=patients&shifted_dates=yes").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"]["field"], "shifted_dates");
}

fn intake_api(id: &str) -> String {
    format!("/api/v1/patients/{id}/intake")
}

on_both_backends!(the_intake_zip_and_the_address_form_feed_zip3, super::address_reaches_zip3);
