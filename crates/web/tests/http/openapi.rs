//! The OpenAPI document describes exactly the registered JSON routes, checked in both directions against the
//! one table the router is built from.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use ketapath_clinical::instruments::Instrument;
use ketapath_web::api_routes;
use ketapath_web::routes::Access;
use serde_json::Value;

use crate::support::*;

async fn document() -> Value {
    let reply = send(&default_app(), get("/api/openapi.json")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), Some("application/json"));
    reply.json()
}

#[tokio::test]
async fn documents_exactly_the_registered_api_routes() {
    let doc = document().await;
    assert_eq!(doc["openapi"], "3.1.0");
    let registered: BTreeSet<(String, String)> =
        api_routes().iter().map(|r| (r.method.as_str().to_lowercase(), r.path.to_owned())).collect();
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("path item").keys() {
            documented.insert((method.clone(), path.clone()));
        }
    }
    assert_eq!(registered, documented);
    assert!(registered.iter().all(|(_, path)| path.starts_with("/api/")));
}

#[tokio::test]
async fn every_table_route_is_really_served() {
    // One listing, so that `/api/v1/clinics/{id}` can answer 200 rather than a 404 the fallback could also give.
    let app = app_with_clinics(vec![clinic("c-1", 40.75, -73.99)]);
    for route in api_routes() {
        let uri = route.path.replace("{instrument}", "phq9").replace("{id}", "c-1");
        let reply = send(&app, request(route.method.clone(), &uri)).await;
        assert_ne!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{route:?}");
        if reply.status == StatusCode::NOT_FOUND {
            assert_ne!(reply.json()["error"]["code"], "not_found", "{route:?} is in the table but not routed");
        }
    }
}

/// Each operation's `security` and the staff routes' shared answers follow who may call the route in the table:
/// a public route names no credential and no 401, a staff route names the bearer token or the portal's cookie and
/// answers 401 and 403, and a route naming one clinic's record answers 404.
#[tokio::test]
async fn security_follows_the_route_table() {
    let doc = document().await;
    for route in api_routes() {
        let operation = &doc["paths"][route.path][route.method.as_str().to_lowercase()];
        let responses = operation["responses"].as_object().expect("responses");
        if route.access == Access::Public {
            assert!(operation.get("security").is_none(), "{route:?} is public but names a credential");
            assert!(!responses.contains_key("401"), "{route:?} is public but documents 401");
            continue;
        }
        let schemes: Vec<&str> = operation["security"]
            .as_array()
            .expect("security")
            .iter()
            .flat_map(|requirement| requirement.as_object().expect("requirement").keys().map(String::as_str))
            .collect();
        assert_eq!(schemes, ["bearerAuth", "cookieAuth"], "{route:?}");
        for status in ["401", "403", "503"] {
            assert!(responses.contains_key(status), "{route:?} does not document {status}");
        }
        if route.access.names_record() {
            assert!(responses.contains_key("404"), "{route:?} names a record but does not document 404");
        }
    }
}

#[tokio::test]
async fn instrument_parameter_lists_every_instrument_and_refs_resolve() {
    let doc = document().await;
    let parameter = &doc["paths"]["/api/v1/instruments/{instrument}/score"]["post"]["parameters"][0];
    let listed: Vec<&str> =
        parameter["schema"]["enum"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let known: Vec<&str> = Instrument::ALL.iter().map(|i| i.code()).collect();
    assert_eq!(listed, known);
    let text = doc.to_string();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(doc["components"]["schemas"].get(name).is_some(), "dangling $ref {name}");
    }
}

#[tokio::test]
async fn the_crisis_block_is_described_beside_errors_and_on_scores() {
    let doc = document().await;
    let screening_400 = &doc["paths"]["/api/v1/screenings"]["post"]["responses"]["400"];
    assert_eq!(screening_400["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ErrorWithCrisis");
    assert!(screening_400["description"].as_str().unwrap().contains("crisis"));
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["ErrorWithCrisis"]["allOf"][1]["properties"]["crisis"]["$ref"], "#/components/schemas/Crisis");
    assert_eq!(schemas["Score"]["properties"]["crisis"]["$ref"], "#/components/schemas/Crisis");
    assert_eq!(schemas["Screening"]["properties"]["crisis"]["$ref"], "#/components/schemas/Crisis");
    let levels = &schemas["Crisis"]["properties"]["level"]["enum"];
    assert_eq!(levels, &serde_json::json!(["none", "urgent", "emergency"]));
}

#[tokio::test]
async fn the_conformance_check_names_undocumented_missing_and_mistyped_keys() {
    // The check every fixture answer goes through (conformance.rs) must be able to fail, or it proves nothing.
    let doc = document().await;
    let consent = |body: Value| {
        crate::conformance::problems(
            &doc,
            &axum::http::Method::GET,
            "/api/v1/patients/p-1/research-consent",
            StatusCode::OK,
            &body,
        )
    };
    assert_eq!(consent(serde_json::json!({"status": "none", "history": []})), Vec::<String>::new());
    let extra = consent(serde_json::json!({"status": "none", "history": [], "surprise": 1}));
    assert!(extra.iter().any(|p| p.contains("$.surprise: sent but not documented")), "{extra:?}");
    let missing = consent(serde_json::json!({"status": "none"}));
    assert!(missing.iter().any(|p| p.contains("$.history: documented as required")), "{missing:?}");
    let null = consent(serde_json::json!({"status": null, "history": []}));
    assert!(!null.is_empty(), "a null where none is documented");
    let record = serde_json::json!({"status": "given", "date": "2026-11-27", "recorded_at": "2026-11-27T09:00:00Z",
        "recorded_by": null});
    assert_eq!(consent(serde_json::json!({"status": "given", "history": [record]})), Vec::<String>::new());
}

#[tokio::test]
async fn public_answers_match_the_document() {
    // The public routes answer through no fixture; their typed answers (the pure crates' own types) are checked here.
    let doc = document().await;
    let app = app_with_clinics(vec![clinic("c-1", 40.75, -73.99)]);
    let item9 = serde_json::json!({"items": [1, 1, 1, 1, 1, 1, 1, 1, 2]}).to_string();
    let screening = serde_json::json!({"phq9": [1, 1, 1, 1, 1, 1, 1, 1, 1], "age": 70, "episode_months": 18,
        "trials": [{"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none"}],
        "conditions": ["aneurysmal_vascular_disease"], "blood_pressure": {"systolic": 150, "diastolic": 95}})
    .to_string();
    let calls = [
        (get("/api/v1/clinics?near=40.7,-73.9"), "/api/v1/clinics"),
        (get("/api/v1/clinics/c-1"), "/api/v1/clinics/c-1"),
        (post_json("/api/v1/instruments/phq9/score", item9), "/api/v1/instruments/phq9/score"),
        (post_json("/api/v1/screenings", screening), "/api/v1/screenings"),
    ];
    for (request, uri) in calls {
        let method = request.method().clone();
        let reply = send(&app, request).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.text());
        let problems = crate::conformance::problems(&doc, &method, uri, StatusCode::OK, &reply.json());
        assert_eq!(problems, Vec::<String>::new(), "{uri}: {}", reply.text());
    }
}
