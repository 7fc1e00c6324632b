//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every JSON route, maintained by hand in this one file.
//!
//! A test checks it against [`crate::routes::api_routes`], the table routes are registered from, in both
//! directions, so a route cannot be added or removed without this document following.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ketapath_clinical::instruments::Instrument;
use ketapath_clinical::safety::conditions;
use serde_json::{Value, json};

/// The document, built once.
pub static DOCUMENT: LazyLock<Value> = LazyLock::new(build);

/// The document as served, serialized once.
static SERIALIZED: LazyLock<String> = LazyLock::new(|| DOCUMENT.to_string());

/// The handler.
pub async fn document() -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], SERIALIZED.as_str()).into_response()
}

fn error_response(description: &str) -> Value {
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
                    "augmentation": {"type": ["boolean", "null"]}
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
            "crisis": {"type": "object", "required": ["level", "message", "resources"], "properties": {
                "level": {"type": "string", "enum": ["none", "urgent", "emergency"]},
                "message": {"type": "string"},
                "resources": {"type": "array", "description": "Always present: 988 first; 911 first at emergency",
                    "items": {"type": "object", "required": ["name", "contact"], "properties": {
                        "name": {"type": "string"}, "contact": {"type": "string"}}}}
            }},
            "phq9": {"type": "object", "required": ["total", "severity", "item9"], "properties": {
                "total": {"type": "integer"},
                "severity": {"type": "string", "enum": ["minimal", "mild", "moderate", "moderately_severe", "severe"]},
                "item9": {"type": "integer"}}},
            "trials": {"type": "array", "items": {"type": "object", "required": ["drug", "adequate", "failed", "notes"], "properties": {
                "drug": {"type": "string"}, "entered_as": {"type": "string"}, "counted": {"type": "boolean"},
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

fn build() -> Value {
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
                        "200": {"description": "The score", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Score"}}}},
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
                        "400": error_response("Invalid input (`invalid_input`, naming the field) or a body that is not JSON (`malformed_json`)"),
                        "405": error_response("Method not allowed"),
                        "413": error_response("Body larger than the limit (`payload_too_large`)"),
                        "415": error_response("Content-Type is not application/json (`unsupported_media_type`)"),
                        "429": error_response("Too many requests from this client (`rate_limited`); see Retry-After")
                    }
                }
            }
        },
        "components": {
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
                                "field": {"type": ["string", "null"], "examples": ["items[3]"]}
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
                "ScreeningRequest": screening_request_schema(),
                "Screening": screening_schema(),
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
                        "rules_version": {"type": "string"}
                    }
                }
            }
        }
    })
}
