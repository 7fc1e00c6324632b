//! Injection strings in every string field of every JSON request body, table-driven from `/api/openapi.json`: SQL,
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

/// A valid body per JSON POST route; the test fails if the OpenAPI document has a JSON POST route not listed here.
fn valid_body(path: &str) -> Value {
    match path {
        "/api/v1/instruments/{instrument}/score" => json!({"items": [0, 1, 2, 3, 0, 1, 2, 1, 0]}),
        "/api/v1/patients" => {
            json!({"given_name": "Ada", "family_name": "Example", "birth_date": "1980-04-01", "sex": "female"})
        }
        "/api/v1/patients/{id}/assessments" => json!({"instrument": "phq9", "items": [1, 2, 3, 1, 2, 0, 1, 2, 1],
            "context": "baseline", "taken_at": "2026-01-05T09:30:00Z"}),
        "/api/v1/screenings" => json!({"phq9": [0, 1, 2, 3, 0, 1, 2, 1, 0], "age": 40, "episode_months": 12,
            "trials": [{"drug": "sertraline", "weeks": 8, "dose_mg_per_day": 150, "improvement": "none"}],
            "conditions": ["cystitis"]}),
        other => panic!("{other} takes a JSON body: add a valid body for it to the injection test"),
    }
}

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
    let world = World::new().await;
    let app = world.app().await;
    let token = world.secret(Some(Role::Nurse));
    let doc = send(&app, get("/api/openapi.json")).await.json();
    let mut tried = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        let Some(schema) = operations.pointer("/post/requestBody/content/application~1json/schema") else { continue };
        let base = valid_body(path);
        let uri = path.replace("{id}", &world.own_patient).replace("{instrument}", "phq9");
        let post = |body: &Value| {
            Request::builder()
                .method(Method::POST)
                .uri(&uri)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string()))
                .unwrap()
        };
        let accepted = send(&app, from_peer(post(&base), [192, 0, 2, 7])).await;
        assert!(accepted.status.is_success(), "{path}: the valid body is refused: {}", accepted.text());
        let mut fields = Vec::new();
        string_fields(schema, &doc, &base, "", &mut fields);
        assert!(!fields.is_empty() || path.contains("score"), "{path}: no string field found in {base}");
        for pointer in &fields {
            for injection in INJECTIONS.iter().map(|s| (*s).to_owned()).chain(["x".repeat(70_000)]) {
                let mut body = base.clone();
                *body.pointer_mut(pointer).unwrap() = Value::String(injection.clone());
                let reply = send(&app, from_peer(post(&body), [192, 0, 2, 7])).await;
                tried += 1;
                let status = reply.status.as_u16();
                assert!(status < 500, "{path} {pointer} = {injection:.40?}: {status} {}", reply.text());
                if reply.status.is_client_error() {
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
    assert!(tried >= 100, "only {tried} requests");
    world.assert_verified().await;
}
