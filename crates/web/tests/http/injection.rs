//! Injection strings in every string field of every JSON request body (POST and PUT), table-driven from `/api/openapi.json`: SQL,
//! HTML, template, path, formula, NUL, bidirectional-override and oversized strings are either kept as data (a
//! created patient reads back with the exact value) or refused with 400 naming the field; never a 5xx.

// Test helpers may unwrap: a panic there is a failed test with its cause.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Method, Request, header};
use ketapath_store::domain::Role;
use serde_json::{Value, json};

use crate::access_matrix::World;
use crate::support::*;

const INJECTIONS: [&str; 10] = [
    "'; DROP TABLE patients; --",
    "\" OR \"1\"=\"1",
    "<script>alert(1)</script>",
    "\"><svg/onload=alert(1)>",
    "{{7*7}} ${7*7} %s%n",
    "../../../../etc/passwd",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "nul\u{0}byte",
    "\u{202e}gnp.exe",
    "emoji 🧪 and ünïcödé",
];

/// A valid body per JSON POST or PUT route, with the status it answers when that is a refusal the route's own gate
/// makes after parsing (discharge minutes after a dose, an incomplete REMS form): the injected strings must then
/// reach the same gate, or be refused with 400 naming the field. The test fails if the OpenAPI document has a JSON
/// POST or PUT route not listed here.
fn valid_body(path: &str) -> (Value, Option<u16>) {
    let past = "2026-01-01T08:00:00Z";
    let body = match path {
        "/api/v1/instruments/{instrument}/score" => json!({"items": [0, 1, 2, 3, 0, 1, 2, 1, 0]}),
        "/api/v1/patients" => {
            json!({"given_name": "Ada", "family_name": "Example", "birth_date": "1980-04-01", "sex": "female"})
        }
        "/api/v1/patients/{id}/assessments" => json!({"instrument": "phq9", "items": [1, 2, 3, 1, 2, 0, 1, 2, 1],
            "context": "baseline", "taken_at": "2026-01-05T09:30:00Z"}),
        "/api/v1/screenings" => json!({"phq9": [0, 1, 2, 3, 0, 1, 2, 1, 0], "age": 40, "episode_months": 12,
            "trials": [{"drug": "sertraline", "weeks": 8, "dose_mg_per_day": 150, "improvement": "none"}],
            "conditions": ["cystitis"]}),
        "/api/v1/patients/{id}/intake" => json!({
            "trials": [{"drug": "sertraline", "dose_mg_per_day": 150, "weeks": 10, "improvement": "none"}],
            "demographics": {"preferred_language": "en", "zip": "10001"},
            "episode_months": 18, "severity": "moderate", "conditions": [], "rems_enrolled": true,
            "pregnancy_potential": false, "research_consent": true}),
        "/api/v1/patients/{id}/courses" => json!({"modality": "esketamine_nasal", "start_date": "2026-11-27"}),
        "/api/v1/courses/{id}/schedule" => json!({"schedule": []}),
        // `continue` is refused (409 `not_applicable`) before week 4 of the induction, as on this new course.
        "/api/v1/courses/{id}/benefit-review" => {
            return (json!({"decision": "continue", "note": "PHQ-9 halved"}), Some(409));
        }
        "/api/v1/patients/{id}/sessions" => json!({"modality": "esketamine_nasal"}),
        "/api/v1/sessions/{id}/pre-checks" => json!({"last_food_at": past, "last_liquid_at": past,
            "transport_home_arranged": true, "blood_pressure": {"systolic": 128, "diastolic": 82}}),
        "/api/v1/sessions/{id}/observations" => json!({"spo2": 97, "note": "calm, talking", "at": past}),
        // On the IV session, whose blood pressure is within the gate; the lot is free text there.
        "/api/v1/sessions/{id}/dose" => json!({"dose_mg": 35, "lot": "L1"}),
        "/api/v1/sessions/{id}/adverse-events" => {
            json!({"kind": "dissociation", "severity": "mild", "description": "felt detached, resolving"})
        }
        "/api/v1/sessions/{id}/discharge" => return (json!({"ready_to_leave_at": past}), Some(409)),
        // A departure time before the dose: refused (400) after the body is parsed, so the session stays open for
        // the routes after it; the strings are still read as data up to that check.
        "/api/v1/sessions/{id}/early-departure" => {
            return (json!({"at": "2020-01-01T00:00:00Z", "reason": "other", "note": "left with a friend"}), Some(400));
        }
        "/api/v1/sessions/{id}/rems-form/submit" => {
            return (json!({"form": {"hcp": {"phone": "212-555-0100"}}}), Some(422));
        }
        "/api/v1/sessions/{id}/alerts/{alert_id}/acknowledge" => json!({}),
        "/api/v1/patients/{id}/research-consent" => json!({"status": "withdrawn", "date": "2026-11-01"}),
        "/api/v1/clinic/outcome-publication" => json!({"publish": true}),
        "/api/v1/clinic/protocol-settings" => {
            json!({"bp_gate": {"esketamine_nasal": {"systolic_max": 140, "diastolic_max": 90}}})
        }
        "/api/v1/patients/{id}/self-report-links" => json!({"instrument": "phq9", "expires_in_hours": 24}),
        "/api/v1/patients/{id}/self-report-links/plan" => {
            let horizon = time::OffsetDateTime::now_utc() + time::Duration::days(20);
            json!({"horizon": horizon.format(&time::format_description::well_known::Rfc3339).unwrap()})
        }
        "/api/v1/clinic/listing" => json!({"phone": "212-555-0100", "description": "Quiet rooms, parking behind"}),
        "/api/v1/sessions/{id}/rems-form/draft" => json!({"form": {"hcp": {"phone": "212-555-0100"}}}),
        // The first post adds the member; every later one meets the taken e-mail (400 naming `email`) once its
        // fields were read as data, and an injection the route refuses earlier is a 400 too.
        "/api/v1/clinic/staff" => {
            return (json!({"email": "injected@a.example", "name": "New Nurse", "role": "nurse"}), Some(400));
        }
        "/api/v1/clinic/staff/{id}/reset-password" => json!({"password": "seven quiet harbours 2026"}),
        other => panic!("{other} takes a JSON body: add a valid body for it to the injection test"),
    };
    (body, None)
}

/// Routes whose valid body has no string the schema declares (numbers, an empty schedule, the REMS form whose
/// sections the schema leaves as a free object): the valid body is still sent and must be accepted.
const NO_STRING_FIELD: [&str; 7] = [
    "/api/v1/clinic/outcome-publication",
    "/api/v1/instruments/{instrument}/score",
    "/api/v1/courses/{id}/schedule",
    "/api/v1/clinic/protocol-settings",
    "/api/v1/sessions/{id}/rems-form/submit",
    "/api/v1/sessions/{id}/rems-form/draft",
    "/api/v1/sessions/{id}/alerts/{alert_id}/acknowledge",
];

/// The clinic-admin-only routes.
const CLINIC_ADMIN: [&str; 4] = [
    "/api/v1/clinic/outcome-publication",
    "/api/v1/clinic/listing",
    "/api/v1/clinic/staff",
    "/api/v1/clinic/staff/{id}/reset-password",
];

/// The prescriber-only routes; every other route is called by a nurse (or a clinic admin, above).
const PRESCRIBER: [&str; 3] =
    ["/api/v1/courses/{id}/schedule", "/api/v1/courses/{id}/benefit-review", "/api/v1/clinic/protocol-settings"];

/// JSON pointers to every string value in `body` that `schema` declares as a string (enums included).
fn string_fields(schema: &Value, doc: &Value, body: &Value, pointer: &str, out: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => doc.pointer(reference.trim_start_matches('#')).unwrap(),
        None => schema,
    };
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if types.contains(&"string") && body.is_string() {
        out.push(pointer.to_owned());
    }
    if let (Some(properties), Some(object)) = (schema["properties"].as_object(), body.as_object()) {
        for (name, property) in properties {
            if let Some(value) = object.get(name) {
                string_fields(property, doc, value, &format!("{pointer}/{name}"), out);
            }
        }
    }
    if let Some(items) = body.as_array() {
        for (i, item) in items.iter().enumerate() {
            string_fields(&schema["items"], doc, item, &format!("{pointer}/{i}"), out);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_strings_in_every_string_field_are_data_or_named_400s() {
    injection_campaign(World::new().await).await;
}

/// The same on PostgreSQL, whose text columns refuse what SQLite keeps (a NUL character).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injection_strings_on_postgresql_are_data_or_named_400s() {
    let Some(world) = World::postgres().await else { return };
    injection_campaign(world).await;
}

async fn injection_campaign(world: World) {
    let app = world.app().await;
    let nurse = world.secret(Some(Role::Nurse));
    let prescriber = world.secret(Some(Role::Prescriber));
    let clinic_admin = world.secret(Some(Role::ClinicAdmin));
    let doc = send(&app, get("/api/openapi.json")).await.json();
    // A member of the clinic whose password the reset route changes, so that no account the campaign signs in
    // with is touched.
    let added = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/clinic/staff")
        .header(header::AUTHORIZATION, format!("Bearer {clinic_admin}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({"email": "reset-me@a.example", "name": "Reset Me", "role": "nurse"}).to_string()))
        .unwrap();
    let added = send(&app, from_peer(added, [192, 0, 2, 7])).await;
    assert!(added.status.is_success(), "{}", added.text());
    let member = added.json()["member"]["id"].as_str().unwrap().to_owned();
    let mut tried = 0;
    let mut routes = 0;
    let operations = doc["paths"].as_object().unwrap().iter().flat_map(|(path, operations)| {
        [(Method::POST, "post"), (Method::PUT, "put")].into_iter().filter_map(move |(method, name)| {
            let pointer = format!("/{name}/requestBody/content/application~1json/schema");
            operations.pointer(&pointer).map(|schema| (path, method, schema))
        })
    });
    for (path, method, schema) in operations {
        routes += 1;
        let (base, gate) = valid_body(path);
        let token = if PRESCRIBER.contains(&path.as_str()) {
            &prescriber
        } else if CLINIC_ADMIN.contains(&path.as_str()) {
            &clinic_admin
        } else {
            &nurse
        };
        let id = if path.starts_with("/api/v1/courses/") {
            &world.own.course
        } else if path == "/api/v1/sessions/{id}/dose" {
            &world.own.iv_session
        } else if path.starts_with("/api/v1/sessions/") {
            &world.own.session
        } else if path.starts_with("/api/v1/clinic/staff/") {
            &member
        } else {
            &world.own_patient
        };
        let uri = path.replace("{id}", id).replace("{instrument}", "phq9").replace("{alert_id}", &world.own.alert);
        let post = |body: &Value| {
            Request::builder()
                .method(method.clone())
                .uri(&uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let accepted = send(&app, from_peer(post(&base), [192, 0, 2, 7])).await;
        let reached = |status: u16| gate == Some(status);
        assert!(
            accepted.status.is_success() || reached(accepted.status.as_u16()),
            "{method} {path}: the valid body is refused: {}",
            accepted.text()
        );
        let mut fields = Vec::new();
        string_fields(schema, &doc, &base, "", &mut fields);
        assert!(!fields.is_empty() || NO_STRING_FIELD.contains(&path.as_str()), "{path}: no string field in {base}");
        for pointer in &fields {
            for injection in INJECTIONS.iter().map(|s| (*s).to_owned()).chain(["x".repeat(70_000)]) {
                let mut body = base.clone();
                *body.pointer_mut(pointer).unwrap() = Value::String(injection.clone());
                let reply = send(&app, from_peer(post(&body), [192, 0, 2, 7])).await;
                tried += 1;
                let status = reply.status.as_u16();
                assert!(status < 500, "{path} {pointer} = {injection:.40?}: {status} {}", reply.text());
                if reached(status) {
                    // Parsed and kept as data up to the route's own gate, like the valid body.
                } else if reply.status.is_client_error() {
                    let error = reply.json()["error"].clone();
                    let name = pointer.rsplit('/').next().unwrap();
                    let named = error["field"].as_str().is_some_and(|f| f.contains(name));
                    assert!(named || status == 413, "{path} {pointer}: a refusal must name the field: {error}");
                } else if path == "/api/v1/patients" {
                    // Kept as data: the created patient reads back with exactly the value sent.
                    let id = reply.json()["id"].as_str().unwrap().to_owned();
                    let read = Request::builder()
                        .uri(format!("/api/v1/patients/{id}"))
                        .header(header::AUTHORIZATION, format!("Bearer {token}"))
                        .body(Body::empty())
                        .unwrap();
                    let stored = send(&app, from_peer(read, [192, 0, 2, 7])).await.json();
                    assert_eq!(stored.pointer(pointer), Some(&Value::String(injection.clone())), "{pointer}");
                }
            }
        }
    }
    // Every POST and PUT of the route table takes a JSON body, so each must have been documented and tried.
    let served =
        ketapath_web::api_routes().iter().filter(|r| r.method == Method::POST || r.method == Method::PUT).count();
    assert_eq!(routes, served, "a POST or PUT route has no JSON request body in the OpenAPI document");
    assert!(tried >= 100, "only {tried} requests");
    world.assert_verified().await;
}
