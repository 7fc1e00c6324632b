//! `GET /api/openapi.json`: the OpenAPI 3.1 description of every JSON route, maintained by hand in this one file.
//!
//! A test checks it against [`crate::routes::api_routes`], the table routes are registered from, in both
//! directions, so a route cannot be added or removed without this document following.

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use ketapath_clinical::instruments::Instrument;
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
