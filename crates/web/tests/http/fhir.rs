//! FHIR R4 under `/fhir/r4`: the Questionnaires carry every code of their instrument specs, the
//! CapabilityStatement lists exactly the routed interactions, errors are OperationOutcomes, content negotiation is
//! JSON only; and, when a validator is configured, every document passes the R4 models of PyPI `fhir.resources`.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use ketapath_clinical::RULES_VERSION;
use ketapath_clinical::instruments::{InstrumentSpec, gad7, phq9};
use ketapath_web::fhir::{self, Interaction};
use serde_json::Value;

use crate::support::*;

fn assert_fhir_json(reply: &Reply) {
    assert_eq!(reply.header("content-type"), Some("application/fhir+json"), "{}", reply.text());
}

/// Asserts an OperationOutcome with `status` and issue `code`; returns the issue.
fn assert_outcome(reply: &Reply, status: StatusCode, code: &str) -> Value {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert_fhir_json(reply);
    let body = reply.json();
    assert_eq!(body["resourceType"], "OperationOutcome");
    let issue = body["issue"][0].clone();
    assert_eq!(issue["code"], code, "{body}");
    assert!(issue["diagnostics"].as_str().is_some_and(|d| !d.is_empty()));
    issue
}

async fn questionnaire(id: &str) -> Value {
    let reply = send(&default_app(), get(&format!("/fhir/r4/Questionnaire/{id}"))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_fhir_json(&reply);
    reply.json()
}

/// Every LOINC code of the spec is in the document, at the right place.
fn assert_codes(doc: &Value, spec: &InstrumentSpec) {
    assert_eq!(doc["code"][0]["code"], spec.loinc_panel.expect("panel code"));
    let items = doc["item"].as_array().expect("items");
    for item in spec.items {
        let code = item.loinc.expect("item code");
        let question = items.iter().find(|q| q["linkId"] == code).unwrap_or_else(|| panic!("item {code}"));
        assert_eq!(question["code"][0]["system"], "http://loinc.org");
        assert_eq!(question["code"][0]["code"], code);
        assert_eq!(question["text"], item.text.expect("item text"));
        assert_eq!(question["type"], "choice");
        let options = question["answerOption"].as_array().expect("answer options");
        assert_eq!(options.len(), spec.answers.len());
        for (option, answer) in options.iter().zip(spec.answers) {
            assert_eq!(option["valueCoding"]["code"], answer.loinc.expect("answer code"));
            assert_eq!(option["valueCoding"]["display"], answer.label);
            assert_eq!(option["extension"][0]["url"], "http://hl7.org/fhir/StructureDefinition/ordinalValue");
            assert_eq!(option["extension"][0]["valueDecimal"], answer.score);
        }
    }
    let total = items.iter().find(|q| q["linkId"] == spec.loinc_total.expect("total code")).expect("total item");
    assert_eq!(total["readOnly"], true);
    assert_eq!(total["code"][0]["code"], spec.loinc_total.expect("total code"));
    assert_eq!(doc["copyright"], spec.copyright.expect("copyright"));
}

#[tokio::test]
async fn phq9_questionnaire() {
    let doc = questionnaire("phq-9").await;
    assert_eq!(doc["resourceType"], "Questionnaire");
    assert_eq!(doc["id"], "phq-9");
    assert_eq!(doc["url"], "https://ketapath.org/fhir/Questionnaire/phq-9");
    assert_eq!(doc["version"], RULES_VERSION);
    assert_eq!(doc["status"], "active");
    assert_eq!(doc["item"][0]["text"], phq9::STEM);
    assert_codes(&doc, &phq9::SPEC);
}

#[tokio::test]
async fn gad7_questionnaire() {
    let doc = questionnaire("gad-7").await;
    assert_eq!(doc["id"], "gad-7");
    assert_eq!(doc["url"], "https://ketapath.org/fhir/Questionnaire/gad-7");
    assert_eq!(doc["version"], RULES_VERSION);
    assert_eq!(doc["status"], "active");
    assert_eq!(doc["item"][0]["text"], gad7::STEM);
    assert_codes(&doc, &gad7::SPEC);
}

#[tokio::test]
async fn unknown_ids_and_types_are_404_outcomes() {
    let app = default_app();
    for id in ["phq-10", "qids_sr16", "madrs", "PHQ-9", "%3Cscript%3E"] {
        let reply = send(&app, get(&format!("/fhir/r4/Questionnaire/{id}"))).await;
        let issue = assert_outcome(&reply, StatusCode::NOT_FOUND, "not-found");
        assert!(issue["diagnostics"].as_str().unwrap().starts_with("no Questionnaire with id"), "{issue}");
    }
    for uri in ["/fhir/r4/Patient/1", "/fhir/r4/Questionnaire", "/fhir/r4", "/fhir", "/fhir/r5/metadata"] {
        assert_outcome(&send(&app, get(uri)).await, StatusCode::NOT_FOUND, "not-found");
    }
    let reply = send(&app, request(Method::POST, "/fhir/r4/metadata")).await;
    assert_outcome(&reply, StatusCode::METHOD_NOT_ALLOWED, "not-supported");
    let reply = send(&app, request(Method::DELETE, "/fhir/r4/Questionnaire/phq-9")).await;
    assert_outcome(&reply, StatusCode::METHOD_NOT_ALLOWED, "not-supported");
}

#[tokio::test]
async fn metadata_lists_exactly_the_routed_interactions() {
    let reply = send(&default_app(), get("/fhir/r4/metadata")).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_fhir_json(&reply);
    let doc = reply.json();
    assert_eq!(doc["resourceType"], "CapabilityStatement");
    assert_eq!(doc["fhirVersion"], "4.0.1");
    assert_eq!(doc["kind"], "instance");
    assert_eq!(doc["rest"][0]["mode"], "server");
    let listed: BTreeSet<(String, String)> = doc["rest"][0]["resource"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| {
            r["interaction"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| (r["type"].as_str().unwrap().to_owned(), i["code"].as_str().unwrap().to_owned()))
        })
        .collect();
    let routed: BTreeSet<(String, String)> = fhir::routes()
        .iter()
        .filter_map(|r| r.interaction.resource().map(|t| (t.to_owned(), r.interaction.code().to_owned())))
        .collect();
    assert_eq!(listed, routed);
    assert!(listed.contains(&("Questionnaire".to_owned(), "read".to_owned())));
    // Nothing is claimed at system level (no batch, transaction, history or search across types).
    assert!(doc["rest"][0].get("interaction").is_none());
}

#[tokio::test]
async fn every_routed_interaction_is_really_served() {
    let app = default_app();
    for route in fhir::routes() {
        let uri = route.path.replace("{id}", "no-such-id");
        let reply = send(&app, get(&uri)).await;
        assert_fhir_json(&reply);
        match route.interaction {
            Interaction::Read { resource } => {
                // The handler answered (it names the type and id), not the fallback.
                let issue = assert_outcome(&reply, StatusCode::NOT_FOUND, "not-found");
                let expected = format!("no {resource} with id \"no-such-id\"");
                assert_eq!(issue["diagnostics"], expected.as_str());
            }
            Interaction::Capabilities | Interaction::SearchType { .. } => {
                assert_eq!(reply.status, StatusCode::OK, "{route:?}");
            }
        }
    }
}

fn with_accept(uri: &str, accept: &str) -> Request<Body> {
    Request::builder().uri(uri).header(header::ACCEPT, accept).body(Body::empty()).expect("request")
}

#[tokio::test]
async fn only_json_is_served() {
    let app = default_app();
    for uri in ["/fhir/r4/metadata", "/fhir/r4/Questionnaire/phq-9"] {
        for accept in ["application/fhir+json", "application/json", "*/*", "text/html,application/xhtml+xml,*/*;q=0.8"]
        {
            assert_eq!(send(&app, with_accept(uri, accept)).await.status, StatusCode::OK, "{uri} {accept}");
        }
        for accept in ["application/fhir+xml", "text/turtle", "text/html"] {
            let reply = send(&app, with_accept(uri, accept)).await;
            assert_outcome(&reply, StatusCode::NOT_ACCEPTABLE, "not-supported");
        }
        let xml = send(&app, get(&format!("{uri}?_format=xml"))).await;
        assert_outcome(&xml, StatusCode::NOT_ACCEPTABLE, "not-supported");
        let json = send(&app, with_accept(&format!("{uri}?_format=json"), "application/fhir+xml")).await;
        assert_eq!(json.status, StatusCode::OK, "_format wins over Accept");
        assert_security_headers(&json, false);
    }
}

/// Writes the documents to a temporary directory and runs `scripts/validate-fhir.py` with the python named by
/// `KETAPATH_FHIR_VALIDATOR` (a venv with `fhir.resources==6.2.2` and `pydantic<2`). Without it, says so.
#[tokio::test]
async fn fhir_documents_pass_the_r4_validator() {
    let documents = [
        ("phq-9.json", "/fhir/r4/Questionnaire/phq-9"),
        ("gad-7.json", "/fhir/r4/Questionnaire/gad-7"),
        ("metadata.json", "/fhir/r4/metadata"),
        ("not-found.json", "/fhir/r4/Questionnaire/nope"),
        ("not-acceptable.json", "/fhir/r4/metadata?_format=xml"),
    ];
    assert_valid_fhir(&default_app(), &documents).await;
}
