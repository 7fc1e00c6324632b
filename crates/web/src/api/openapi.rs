//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every JSON route, maintained by hand in this one file.
//!
//! A test checks it against [`crate::routes::api_routes`], the table routes are registered from, in both
//! directions, so a route cannot be added or removed without this document following.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::safety::conditions;
use ketapath_directory::search::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
use ketapath_directory::{Offer, Payment};
use serde_json::{Value, json};

use super::patients::{AssessmentContext, SEX_CODES};

/// The document, built once.
pub static DOCUMENT: LazyLock<Value> = LazyLock::new(build);

/// The document as served, serialized once.
static SERIALIZED: LazyLock<String> = LazyLock::new(|| DOCUMENT.to_string());

/// The handler.
pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], SERIALIZED.as_str()).into_response()
}

pub(super) fn error_response(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    })
}

/// "phq9: 9 items scored 0-3; ...", from the instrument specs themselves.
fn item_ranges() -> String {
    let ranges: Vec<String> = Instrument::ALL
        .iter()
        .map(|i| {
            let spec = i.spec();
            format!("{}: {} items scored {}-{}", i.code(), spec.items.len(), spec.item_min, spec.item_max)
        })
        .collect();
    ranges.join("; ")
}

/// The self-check input (DESIGN.md, Self-check), with the condition codes and improvement values the engine knows.
fn screening_request_schema() -> Value {
    let conditions = conditions::input_codes();
    json!({
        "type": "object",
        "required": ["phq9"],
        "additionalProperties": false,
        "properties": {
            "phq9": {"type": "array", "items": {"type": "integer", "minimum": 0, "maximum": 3}, "minItems": 9, "maxItems": 9},
            "acting_on_thoughts": {"type": ["boolean", "null"], "description": "Asked when PHQ-9 item 9 is above 0; true makes the crisis level emergency"},
            "age": {"type": ["integer", "null"], "minimum": 0, "maximum": 120},
            "episode_months": {"type": ["number", "null"], "minimum": 0},
            "trials": {"type": ["array", "null"], "items": {
                "type": "object",
                "required": ["drug"],
                "additionalProperties": false,
                "properties": {
                    "drug": {"type": "string", "minLength": 1},
                    "dose_mg_per_day": {"type": ["number", "null"], "exclusiveMinimum": 0},
                    "weeks": {"type": ["number", "null"], "minimum": 0},
                    "improvement": {"type": ["string", "null"], "enum": ["none", "partial", "response", "unknown", null]},
                    "augmentation": {"type": ["boolean", "null"]},
                    "current_episode": {"type": ["boolean", "null"], "description": "Taken in the current episode of depression; true when absent. false reports the trial without counting it towards TRD"}
                }
            }},
            "conditions": {"type": ["array", "null"], "items": {"type": "string", "enum": conditions}},
            "blood_pressure": {"type": ["object", "null"], "required": ["systolic", "diastolic"], "additionalProperties": false,
                "properties": {"systolic": {"type": "integer"}, "diastolic": {"type": "integer"}}}
        },
        "examples": [{"phq9": [0,1,2,3,0,1,2,1,0], "acting_on_thoughts": false, "age": 34, "episode_months": 18,
            "trials": [{"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none", "augmentation": false}],
            "conditions": ["aneurysmal_vascular_disease"], "blood_pressure": {"systolic": 150, "diastolic": 95}}]
    })
}

/// The crisis block: the self-check's, the one beside an invalid self-check's error, and a score's when its suicide
/// item is positive.
fn crisis_schema() -> Value {
    json!({"type": "object", "required": ["level", "message", "resources"], "properties": {
        "level": {"type": "string", "enum": ["none", "urgent", "emergency"]},
        "message": {"type": "string"},
        "resources": {"type": "array", "description": "Always present: 988 first; 911 first at emergency",
            "items": {"type": "object", "required": ["name", "contact"], "properties": {
                "name": {"type": "string"}, "contact": {"type": "string"}}}},
        "rules": {"type": "array", "items": {"$ref": "#/components/schemas/RuleRef"}}
    }})
}

/// The fields of the self-check result that scripts rely on; the engine may add more.
fn screening_schema() -> Value {
    let finding = json!({"type": "object", "required": ["code", "source"], "properties": {
        "code": {"type": "string"}, "label": {"type": "string"}, "detail": {"type": "string"},
        "discuss": {"type": "string"}, "source": {"type": "string"}, "rule": {"$ref": "#/components/schemas/RuleRef"}}});
    json!({
        "type": "object",
        "required": ["rules_version", "crisis", "phq9", "trials", "failed_adequate_trials", "possible_failed_trials", "trd",
            "contraindications", "cautions", "discuss"],
        "properties": {
            "rules_version": {"type": "string"},
            "crisis": {"$ref": "#/components/schemas/Crisis"},
            "phq9": {"type": "object", "required": ["total", "severity", "item9"], "properties": {
                "total": {"type": "integer"},
                "severity": {"type": "string", "enum": ["minimal", "mild", "moderate", "moderately_severe", "severe"]},
                "item9": {"type": "integer"}}},
            "trials": {"type": "array", "items": {"type": "object", "required": ["drug", "adequate", "failed", "notes"], "properties": {
                "drug": {"type": "string"}, "entered_as": {"type": "string"}, "counted": {"type": "boolean"},
                "current_episode": {"type": "boolean"},
                "adequate": {"type": "string", "enum": ["yes", "no", "unknown"]},
                "failed": {"type": "string", "enum": ["yes", "no", "unknown"]},
                "notes": {"type": "array", "items": {"type": "string"}}}}},
            "failed_adequate_trials": {"type": "integer"},
            "possible_failed_trials": {"type": "integer"},
            "trd": {"type": "string", "enum": ["meets_definition", "possible", "not_met"]},
            "contraindications": {"type": "array", "items": finding},
            "cautions": {"type": "array", "items": finding},
            "discuss": {"type": "array", "items": {"type": "string"}},
            "rules": {"type": "array", "items": {"$ref": "#/components/schemas/RuleRef"}}
        }
    })
}

/// The query parameters of `GET /api/v1/clinics` (DESIGN.md, "Clinic search").
fn search_parameters() -> Value {
    let offers: Vec<&str> = Offer::ALL.iter().map(|o| o.code()).collect();
    let payments: Vec<&str> = Payment::ALL.iter().map(|p| p.code()).collect();
    let param = |name: &str, description: String, schema: Value| json!({"name": name, "in": "query", "required": false, "description": description, "schema": schema});
    json!([
        param(
            "near",
            "LAT,LON in decimal degrees (WGS 84); give this or `zip`".into(),
            json!({"type": "string", "examples": ["40.75,-73.99"]})
        ),
        param(
            "zip",
            "A five-digit ZIP code (ZIP+4 is cut to five), placed at its centroid; give this or `near`".into(),
            json!({"type": "string", "examples": ["10001"]})
        ),
        param(
            "radius_km",
            "Largest distance in kilometres; absent means no limit".into(),
            json!({"type": "number", "exclusiveMinimum": 0})
        ),
        param(
            "limit",
            format!("Page size, default {DEFAULT_LIMIT}; 0 returns only `total`"),
            json!({"type": "integer", "minimum": 0, "maximum": MAX_LIMIT})
        ),
        param("offset", "Results to skip".into(), json!({"type": "integer", "minimum": 0, "maximum": MAX_OFFSET})),
        param(
            "offers",
            format!("Comma list; every one must be offered. Codes: {}", offers.join(", ")),
            json!({"type": "string"})
        ),
        param(
            "payment",
            format!("Comma list; every one must be accepted. Codes: {}", payments.join(", ")),
            json!({"type": "string"})
        ),
        param(
            "telehealth",
            "true: only clinics offering telehealth (false means no filter)".into(),
            json!({"type": "boolean"})
        ),
        param(
            "language",
            "An ISO 639-1 code the clinic must speak".into(),
            json!({"type": "string", "examples": ["es"]})
        ),
        param(
            "accepting",
            "true: only clinics accepting new patients (false means no filter)".into(),
            json!({"type": "boolean"})
        )
    ])
}

/// A listing as the API shows it; with `distance` the search result form, without it the record form.
fn clinic_schema(distance: bool) -> Value {
    let offers: Vec<&str> = Offer::ALL.iter().map(|o| o.code()).collect();
    let payments: Vec<&str> = Payment::ALL.iter().map(|p| p.code()).collect();
    let mut properties = json!({
        "id": {"type": "string"}, "name": {"type": "string"},
        "lat": {"type": "number"}, "lon": {"type": "number"},
        "street": {"type": "string"}, "city": {"type": "string"}, "state": {"type": "string"}, "zip": {"type": "string"},
        "phone": {"type": ["string", "null"]}, "website": {"type": ["string", "null"]},
        "offers": {"type": "array", "items": {"type": "string", "enum": offers}},
        "payment": {"type": "array", "items": {"type": "string", "enum": payments}},
        "telehealth": {"type": "boolean"},
        "languages": {"type": "array", "items": {"type": "string"}},
        "accepting_new_patients": {"type": "boolean"}, "rems_certified": {"type": "boolean"},
        "last_verified": {"type": ["string", "null"], "format": "date"},
        "demo": {"type": "boolean", "description": "Present and true for fictional demo listings"}
    });
    let mut required = vec![
        "id",
        "name",
        "lat",
        "lon",
        "street",
        "city",
        "state",
        "zip",
        "offers",
        "payment",
        "telehealth",
        "languages",
        "accepting_new_patients",
        "rems_certified",
        "last_verified",
    ];
    if let Some(map) = properties.as_object_mut() {
        if distance {
            map.insert(
                "distance_km".into(),
                json!({"type": "number", "description": "Great-circle kilometres, 3 decimals"}),
            );
            required.push("distance_km");
        } else {
            map.insert("outcomes".into(), json!({
                "type": "array",
                "description": "Present only for a clinic that publishes its outcomes and has at least 11 patients in a line: \
                    response and remission with Wilson 95% intervals, the number of patients, the period and the rules",
                "items": {"type": "object", "required": ["modality", "instrument", "patients", "period", "response", "remission", "response_rule", "remission_rule"],
                    "properties": {
                        "modality": {"type": "string"}, "instrument": {"type": "string"}, "patients": {"type": "integer", "minimum": 11},
                        "period": {"type": "object", "properties": {"from": {"type": "string"}, "to": {"type": "string"}}},
                        "response": {"$ref": "#/components/schemas/Proportion"}, "remission": {"$ref": "#/components/schemas/Proportion"},
                        "response_reduction_pct": {"type": "integer"}, "remission_max": {"type": "integer"},
                        "response_rule": {"$ref": "#/components/schemas/RuleRef"}, "remission_rule": {"$ref": "#/components/schemas/RuleRef"}}}
            }));
            map.insert("position_source".into(), json!({"type": "string", "enum": ["record", "zip_centroid"]}));
            map.insert("verified_by".into(), json!({"type": ["string", "null"]}));
            map.insert("description".into(), json!({"type": ["string", "null"]}));
            map.insert("accessibility".into(), json!({"type": "array", "items": {"type": "string"}}));
            map.insert("hours".into(), json!({"type": "array", "items": {"type": "object", "properties": {
                "days": {"type": "array", "items": {"type": "string", "enum": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]}},
                "opens": {"type": "string", "examples": ["09:00"]}, "closes": {"type": "string", "examples": ["17:00"]}}}}));
        }
    }
    json!({"type": "object", "required": required, "properties": properties})
}

fn clinic_search_schema() -> Value {
    json!({
        "type": "object",
        "required": ["origin", "radius_km", "total", "limit", "offset", "results"],
        "properties": {
            "origin": {"type": "object", "required": ["lat", "lon"], "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}}},
            "radius_km": {"type": ["number", "null"]},
            "total": {"type": "integer", "description": "Every match within the radius, not only this page"},
            "limit": {"type": "integer"},
            "offset": {"type": "integer"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/ClinicResult"}}
        }
    })
}

/// The responses every clinic route shares (authentication, role, method) merged with the route's own.
pub(super) fn staff_responses(own: Value) -> Value {
    let mut responses = json!({
        "401": error_response("No, a malformed, unknown, revoked or expired token (`unauthorized`); WWW-Authenticate: Bearer"),
        "403": error_response("The caller's role has no access to patient records, or a cookie-authenticated write lacks the session's X-CSRF-Token (`forbidden`)"),
        "405": error_response("Method not allowed"),
        "503": error_response("This server has no database, or the database is unreachable for now (`not_ready`, with Retry-After)")
    });
    if let (Some(all), Some(own)) = (responses.as_object_mut(), own.as_object()) {
        all.extend(own.clone());
    }
    responses
}

fn patient_request_schema() -> Value {
    json!({
        "type": "object",
        "required": ["given_name", "family_name", "birth_date"],
        "additionalProperties": false,
        "properties": {
            "given_name": {"type": "string", "minLength": 1},
            "family_name": {"type": "string", "minLength": 1},
            "birth_date": {"type": "string", "format": "date", "description": "YYYY-MM-DD, not in the future"},
            "sex": {"type": ["string", "null"], "enum": [SEX_CODES[0], SEX_CODES[1], SEX_CODES[2], SEX_CODES[3], null]}
        },
        "examples": [{"given_name": "Ada", "family_name": "Example", "birth_date": "1980-04-01", "sex": "female"}]
    })
}

fn patient_properties() -> Value {
    json!({
        "id": {"type": "string"},
        "given_name": {"type": "string"},
        "family_name": {"type": "string"},
        "birth_date": {"type": "string", "format": "date"},
        "sex": {"type": ["string", "null"]},
        "created_at": {"type": "string", "format": "date-time"}
    })
}

fn patient_schema() -> Value {
    json!({"type": "object", "required": ["id", "given_name", "family_name", "birth_date", "sex", "created_at"],
        "properties": patient_properties()})
}

fn patient_list_item_schema() -> Value {
    let mut properties = patient_properties();
    if let Some(map) = properties.as_object_mut() {
        map.insert("latest".into(), json!({"type": "array", "items": {"type": "object",
            "required": ["instrument", "total", "severity", "taken_at"], "properties": {
                "instrument": {"type": "string"}, "total": {"type": "integer"}, "severity": {"type": ["string", "null"]},
                "taken_at": {"type": "string", "format": "date-time"}}}}));
    }
    json!({"type": "object", "required": ["id", "given_name", "family_name", "birth_date", "sex", "created_at", "latest"],
        "properties": properties})
}

fn context_codes() -> Vec<&'static str> {
    AssessmentContext::ALL.iter().map(|c| c.code()).collect()
}

fn assessment_request_schema() -> Value {
    let instruments: Vec<&str> = Instrument::ALL.iter().map(|i| i.code()).collect();
    json!({
        "type": "object",
        "required": ["instrument", "items", "context"],
        "additionalProperties": false,
        "properties": {
            "instrument": {"type": "string", "enum": instruments},
            "items": {"type": "array", "items": {"type": "integer", "minimum": 0}},
            "taken_at": {"type": ["string", "null"], "format": "date-time", "description": "RFC 3339; default now; not in the future"},
            "context": {"type": "string", "enum": context_codes()}
        },
        "examples": [{"instrument": "phq9", "items": [0, 1, 2, 3, 0, 1, 2, 1, 0], "taken_at": "2026-11-02T09:30:00Z", "context": "baseline"}]
    })
}

fn assessment_schema() -> Value {
    json!({
        "type": "object",
        "required": ["id", "patient_id", "instrument", "items", "taken_at", "context", "score"],
        "properties": {
            "id": {"type": "string"},
            "patient_id": {"type": "string"},
            "instrument": {"type": "string"},
            "items": {"type": "array", "items": {"type": "integer"}},
            "taken_at": {"type": "string", "format": "date-time"},
            "context": {"type": "string", "enum": context_codes()},
            "score": {"$ref": "#/components/schemas/Score"}
        }
    })
}

/// The document: the routes above plus the treatment workflow's (`openapi_treatment.rs`) and the self-report links' (`self_report_openapi.rs`).
fn build() -> Value {
    let mut doc = base();
    let treatment = (
        Value::Object(super::openapi_treatment::paths(staff_responses, error_response)),
        Value::Object(super::openapi_treatment::schemas()),
    );
    for (paths, schemas) in [treatment, super::self_report_openapi::paths_and_schemas()] {
        merge(&mut doc["paths"], paths);
        merge(&mut doc["components"], json!({ "schemas": schemas }));
    }
    doc
}

/// Adds the keys of `extra` to `into`, recursing into objects both hold.
fn merge(into: &mut Value, extra: Value) {
    match (into, extra) {
        (Value::Object(into), Value::Object(extra)) => {
            for (key, value) in extra {
                match into.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        into.insert(key, value);
                    }
                }
            }
        }
        (into, extra) => *into = extra,
    }
}

fn base() -> Value {
    let instruments: Vec<&str> = Instrument::ALL.iter().map(|i| i.code()).collect();
    json!({
            "openapi": "3.1.0",
            "info": {
                "title": "KetaPath API",
                "version": env!("CARGO_PKG_VERSION"),
                "description": "Find supervised ketamine and esketamine care, self-check, and score rating instruments. \
        Errors are always {\"error\": {\"code\", \"message\", \"field\"}}; bad input is a 4xx, never a 5xx. \
        Public POST routes are rate-limited per client (429 with Retry-After). Nothing sent to the self-check or scoring \
        routes is stored or logged.",
                "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"}
            },
            "paths": {
                "/api/openapi.json": {
                    "get": {
                        "operationId": "openapi",
                        "summary": "This document",
                        "responses": {
                            "200": {"description": "The OpenAPI 3.1 document", "content": {"application/json": {"schema": {"type": "object"}}}}
                        }
                    }
                },
                "/api/v1/clinics": {
                    "get": {
                        "operationId": "searchClinics",
                        "summary": "Find clinics near a place, nearest first",
                        "description": "Exactly one of `near` or `zip` is required. Results are sorted by great-circle distance \
        (sphere of radius 6371.0088 km), then by id; `total` counts every match within the radius, not only the page. Every \
        invalid or unknown parameter answers 400 naming it in `field`; a ZIP code missing from KetaPath's ZIP data answers 400 \
        naming `zip`. The same document as `ketapath clinics search --json`.",
                        "parameters": search_parameters(),
                        "responses": {
                            "200": {"description": "A page of clinics", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ClinicSearch"}}}},
                            "400": error_response("An invalid, unknown or repeated parameter, or an unknown ZIP code (`invalid_input`, naming the parameter)"),
                            "405": error_response("Method not allowed")
                        }
                    }
                },
                "/api/v1/clinics/{id}": {
                    "get": {
                        "operationId": "getClinic",
                        "summary": "One clinic listing",
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "responses": {
                            "200": {"description": "The listing", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Clinic"}}}},
                            "404": error_response("No listing with this id (`not_found`)"),
                            "405": error_response("Method not allowed")
                        }
                    }
                },
                "/api/v1/instruments/{instrument}/score": {
                    "post": {
                        "operationId": "scoreInstrument",
                        "summary": "Score one administration of a rating instrument",
                        "description": format!("Item counts and ranges: {}. A wrong count, a value out of range or a non-integer \
        answers 400 naming the item (`items[3]`).", item_ranges()),
                        "parameters": [{
                            "name": "instrument", "in": "path", "required": true,
                            "schema": {"type": "string", "enum": instruments}
                        }],
                        "requestBody": {
                            "required": true,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScoreRequest"}}}
                        },
                        "responses": {
                            "200": {"description": "The score; with a top-level `crisis` block when the suicide item is positive (PHQ-9 item 9 >= 1 urgent; MADRS item 10 >= 2 urgent, >= 5 emergency; QIDS-SR16 item 12 >= 1 urgent, 3 emergency)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Score"}}}},
                            "400": error_response("Invalid items (`invalid_input`, naming the item) or a body that is not JSON (`malformed_json`)"),
                            "404": error_response("Unknown instrument (`unknown_instrument`); the message lists the known ones"),
                            "405": error_response("Method not allowed"),
                            "413": error_response("Body larger than the limit (`payload_too_large`)"),
                            "415": error_response("Content-Type is not application/json (`unsupported_media_type`)"),
                            "429": error_response("Too many requests from this client (`rate_limited`); see Retry-After")
                        }
                    }
                },
                "/api/v1/screenings": {
                    "post": {
                        "operationId": "createScreening",
                        "summary": "Run the anonymous self-check",
                        "description": "PHQ-9 answers, past antidepressant trials, conditions, age and blood pressure in; crisis \
        level and resources (always first), PHQ-9 score, trial judgements, TRD status, contraindications, cautions and what to \
        discuss with a clinician out. Only `phq9` is required. Nothing is stored or logged; the answer is `Cache-Control: \
        no-store`. Every invalid input answers 400 naming the field (`phq9[3]`, `trials[0].weeks`, `conditions[1]`).",
                        "requestBody": {
                            "required": true,
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ScreeningRequest"}}}
                        },
                        "responses": {
                            "200": {"description": "The self-check result", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Screening"}}}},
                            "400": {
                                "description": "Invalid input (`invalid_input`, naming the field) or a body that is not JSON (`malformed_json`). When PHQ-9 item 9 or `acting_on_thoughts` can still be read, the crisis block they call for comes beside the error (`crisis`, the same shape as in the result); when item 9 itself cannot be read and `acting_on_thoughts` is not true, there is none and the error names the field",
                                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorWithCrisis"}}}
                            },
                            "405": error_response("Method not allowed"),
                            "413": error_response("Body larger than the limit (`payload_too_large`)"),
                            "415": error_response("Content-Type is not application/json (`unsupported_media_type`)"),
                            "429": error_response("Too many requests from this client (`rate_limited`); see Retry-After")
                        }
                    }
                }
    ,
                "/api/v1/patients": {
                    "post": {
                        "operationId": "createPatient",
                        "summary": "Register a patient of the caller's clinic",
                        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
                        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PatientRequest"}}}},
                        "responses": staff_responses(json!({
                            "201": {"description": "The patient", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Patient"}}}},
                            "400": error_response("Invalid input (`invalid_input`, naming the field) or a body that is not JSON (`malformed_json`)"),
                            "413": error_response("Body larger than the limit (`payload_too_large`)"),
                            "415": error_response("Content-Type is not application/json (`unsupported_media_type`)")
                        }))
                    },
                    "get": {
                        "operationId": "listPatients",
                        "summary": "The caller's clinic's patients with each one's latest score per instrument",
                        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
                        "responses": staff_responses(json!({
                            "200": {"description": "The patients, by family name, given name and id", "content": {"application/json": {"schema": {
                                "type": "object", "required": ["patients"], "properties": {"patients": {"type": "array", "items": {"$ref": "#/components/schemas/PatientListItem"}}}}}}}
                        }))
                    }
                },
                "/api/v1/patients/{id}": {
                    "get": {
                        "operationId": "getPatient",
                        "summary": "One patient of the caller's clinic",
                        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "responses": staff_responses(json!({
                            "200": {"description": "The patient", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Patient"}}}},
                            "404": error_response("No such patient in the caller's clinic (`not_found`; the same for another clinic's patient)")
                        }))
                    }
                },
                "/api/v1/patients/{id}/assessments": {
                    "post": {
                        "operationId": "recordAssessment",
                        "summary": "Score and record one administration of a rating instrument for a patient",
                        "description": format!("Item counts and ranges: {}. `taken_at` defaults to now and may not be in the future.", item_ranges()),
                        "security": [{"bearerAuth": []}, {"cookieAuth": []}],
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssessmentRequest"}}}},
                        "responses": staff_responses(json!({
                            "201": {"description": "The recorded assessment with its score", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Assessment"}}}},
                            "400": error_response("Invalid input (`invalid_input`, naming `instrument`, `items[3]`, `taken_at` or `context`) or a body that is not JSON (`malformed_json`)"),
                            "404": error_response("No such patient in the caller's clinic (`not_found`; the same for another clinic's patient)"),
                            "413": error_response("Body larger than the limit (`payload_too_large`)"),
                            "415": error_response("Content-Type is not application/json (`unsupported_media_type`)")
                        }))
                    },
                    "get": {
                        "operationId": "listAssessments",
                        "summary": "Every recorded assessment of one patient of the caller's clinic, oldest first",
                        "security": [{"bearerAuth": []}],
                        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
                        "responses": staff_responses(json!({
                            "200": {"description": "The assessments", "content": {"application/json": {"schema": {
                                "type": "object", "required": ["assessments"], "properties": {"assessments": {"type": "array", "items": {"$ref": "#/components/schemas/StoredAssessment"}}}}}}},
                            "404": error_response("No such patient in the caller's clinic (`not_found`; the same for another clinic's patient)")
                        }))
                    }
                },
                "/api/v1/registry": {
                    "get": {
                        "operationId": "getRegistry",
                        "summary": "Registry statistics over consenting patients",
                        "description": "Response and remission by modality and instrument with Wilson 95% intervals, time to first response, \
                            durability (Kaplan-Meier), adverse events per 100 sessions and blood-pressure gate rates. Any figure about fewer than \
                            11 patients is the string \"< 11\". Computed on a schedule and cached, not per request.",
                        "responses": {
                            "200": {"description": "The registry", "content": {"application/json": {"schema": {"type": "object",
                                "required": ["as_of", "patients", "outcomes", "adverse_events", "bp_gate", "rules"]}}}},
                            "405": error_response("Method not allowed"),
                            "503": error_response("This server has no database (`not_ready`)")
                        }
                    }
                },
                "/api/v1/clinic/registry": {
                    "get": {
                        "operationId": "getOwnClinicRegistry",
                        "summary": "The caller's clinic's registry over its own consenting patients, not suppressed (clinic roles only)",
                        "security": [{"bearerAuth": []}],
                        "responses": staff_responses(json!({
                            "200": {"description": "The clinic's registry (Cache-Control: no-store)", "content": {"application/json": {"schema": {"type": "object",
                                "required": ["as_of", "patients", "outcomes", "adverse_events", "bp_gate", "rules"]}}}}
                        }))
                    }
                },
                "/api/v1/research/export": {
                    "get": {
                        "operationId": "getResearchExportFile",
                        "summary": "One file of the de-identified research export (researcher role only)",
                        "description": "The data dictionary is docs/research-export.md. Only patients whose research consent stands today are included.",
                        "security": [{"bearerAuth": []}],
                        "parameters": [
                            {"name": "file", "in": "query", "required": true, "schema": {"type": "string", "enum": crate::api::research::EXPORT_FILES}},
                            {"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["csv", "ndjson"], "default": "csv"}}
                        ],
                        "responses": {
                            "200": {"description": "The file", "content": {"text/csv": {"schema": {"type": "string"}}, "application/x-ndjson": {"schema": {"type": "string"}}}},
                            "400": error_response("Unknown or missing `file`, unknown `format` (`invalid_input`)"),
                            "401": error_response("No, a malformed, unknown, revoked or expired token (`unauthorized`); WWW-Authenticate: Bearer"),
                            "403": error_response("The token's role is not researcher (`forbidden`)"),
                            "405": error_response("Method not allowed"),
                            "503": error_response("No database or no export key on this server (`not_ready`)")
                        }
                    }
                }
            },
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer", "description": "An API token from `ketapath token create`"},
                    "cookieAuth": {"type": "apiKey", "in": "cookie", "name": "__Host-kp_session", "description": "The portal's session cookie (from signing in at /portal/login; `kp_session` when secure cookies are off). Methods other than GET, HEAD and OPTIONS must also send the session's CSRF token in `X-CSRF-Token`."}
                },
                "schemas": {
                    "Error": {
                        "type": "object",
                        "required": ["error"],
                        "properties": {
                            "error": {
                                "type": "object",
                                "required": ["code", "message", "field"],
                                "properties": {
                                    "code": {"type": "string", "examples": ["invalid_input"]},
                                    "message": {"type": "string"},
                                    "field": {"type": ["string", "null"], "examples": ["items[3]"]},
                                    "request_id": {
                                        "type": "string",
                                        "description": "On a 5xx only: the request's id, as in the x-request-id header and the server's log line.",
                                        "examples": ["5f0c1a52-3f0e-4c2b-9a51-0c1d2e3f4a5b"]
                                    }
                                }
                            }
                        }
                    },
                    "ScoreRequest": {
                        "type": "object",
                        "required": ["items"],
                        "properties": {"items": {"type": "array", "items": {"type": "integer", "minimum": 0}}},
                        "examples": [{"items": [0, 1, 2, 3, 0, 1, 2, 1, 0]}]
                    },
                    "Proportion": {
                        "type": "object", "required": ["successes", "n", "rate", "interval"],
                        "properties": {"successes": {"type": "integer"}, "n": {"type": "integer"}, "rate": {"type": "number"},
                            "interval": {"type": "object", "required": ["low", "high"], "properties": {"low": {"type": "number"}, "high": {"type": "number"}},
                                "description": "Wilson score interval, 95%"}}
                    },
                    "RuleRef": {
                        "type": "object",
                        "required": ["id", "version"],
                        "properties": {"id": {"type": "string"}, "version": {"type": "integer"}}
                    },
                    "Flag": {
                        "type": "object",
                        "required": ["code", "message", "rule"],
                        "properties": {
                            "code": {"type": "string", "examples": ["item9_positive"]},
                            "item": {"type": ["integer", "null"], "description": "1-based item number that raised the flag"},
                            "message": {"type": "string"},
                            "rule": {"$ref": "#/components/schemas/RuleRef"}
                        }
                    },
                    "PatientRequest": patient_request_schema(),
                    "Patient": patient_schema(),
                    "PatientListItem": patient_list_item_schema(),
                    "AssessmentRequest": assessment_request_schema(),
                    "Assessment": assessment_schema(),
                    "StoredAssessment": {
                        "type": "object",
                        "required": ["id", "patient_id", "instrument", "items", "taken_at", "total", "severity", "rule"],
                        "properties": {
                            "id": {"type": "string"},
                            "patient_id": {"type": "string"},
                            "instrument": {"type": "string"},
                            "items": {"type": "array", "items": {"type": "integer"}},
                            "taken_at": {"type": "string", "format": "date-time"},
                            "total": {"type": "integer"},
                            "severity": {"type": ["string", "null"]},
                            "rule": {"type": "object", "required": ["id", "version"], "properties": {"id": {"type": "string"}, "version": {"type": "string"}}}
                        }
                    },
                    "ScreeningRequest": screening_request_schema(),
                    "ClinicSearch": clinic_search_schema(),
                    "ClinicResult": clinic_schema(true),
                    "Clinic": clinic_schema(false),
                    "Screening": screening_schema(),
                    "Crisis": crisis_schema(),
                    "ErrorWithCrisis": {
                        "description": "An error, with the crisis block beside it when the answers that drive the crisis triage could be read",
                        "allOf": [
                            {"$ref": "#/components/schemas/Error"},
                            {"type": "object", "properties": {"crisis": {"$ref": "#/components/schemas/Crisis"}}}
                        ]
                    },
                    "Score": {
                        "type": "object",
                        "required": ["instrument", "total", "severity", "flags", "rules_version"],
                        "properties": {
                            "instrument": {"type": "string", "enum": instruments},
                            "total": {"type": "integer"},
                            "total_max": {"type": "integer"},
                            "severity": {"type": "string", "examples": ["moderate"]},
                            "severity_label": {"type": "string", "examples": ["Moderate"]},
                            "flags": {"type": "array", "items": {"$ref": "#/components/schemas/Flag"}},
                            "rule": {"$ref": "#/components/schemas/RuleRef"},
                            "rules_version": {"type": "string"},
                            "crisis": {"$ref": "#/components/schemas/Crisis", "description": "Present only when the instrument's suicide item is positive"}
                        }
                    }
                }
            }
        })
}
