//! The OpenAPI entries of the self-report routes ([`super::self_report`]), merged into the document by
//! [`super::openapi`] so that its one table keeps listing every route.

use serde_json::{Value, json};

use super::openapi::{error_response, staff_responses};

fn link_properties() -> Value {
    json!({
        "id": {"type": "string"},
        "instrument": {"type": "string", "enum": ["phq9"]},
        "status": {"type": "string", "enum": ["pending", "used", "expired"]},
        "created_at": {"type": "string", "format": "date-time"},
        "expires_at": {"type": "string", "format": "date-time"},
        "used_at": {"type": ["string", "null"], "format": "date-time"},
        "assessment_id": {"type": ["string", "null"]}
    })
}

fn with(mut base: Value, extra: Value) -> Value {
    if let (Some(base), Some(extra)) = (base.as_object_mut(), extra.as_object()) {
        base.extend(extra.clone());
    }
    base
}

/// The paths and the component schemas of the self-report routes.
pub(super) fn paths_and_schemas() -> (Value, Value) {
    let id = json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}]);
    let not_found =
        error_response("No such patient in the caller's clinic (`not_found`; the same for another clinic's patient)");
    let paths = json!({
        "/api/v1/patients/{id}/self-report-links": {
            "post": {
                "operationId": "createSelfReportLink",
                "summary": "Create a one-time, expiring self-report link for a patient",
                "description": "The answer's `url` (`/r/{token}`) is shown this once: only the token's SHA-256 is stored. \
                    Give it to the patient by copy or print. It works once and expires after `expires_in_hours` (default 72, at most 336).",
                "security": [{"bearerAuth": []}],
                "parameters": id,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SelfReportLinkRequest"}}}},
                "responses": staff_responses(json!({
                    "201": {"description": "The link with its one-time URL", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CreatedSelfReportLink"}}}},
                    "400": error_response("Invalid input (`invalid_input`, naming `instrument` or `expires_in_hours`) or a body that is not JSON (`malformed_json`)"),
                    "404": not_found,
                    "415": error_response("Content-Type is not application/json (`unsupported_media_type`)")
                }))
            },
            "get": {
                "operationId": "listSelfReportLinks",
                "summary": "A patient's self-report links with their status, newest first (never their tokens)",
                "security": [{"bearerAuth": []}],
                "parameters": id,
                "responses": staff_responses(json!({
                    "200": {"description": "The links", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["links"],
                        "properties": {"links": {"type": "array", "items": {"$ref": "#/components/schemas/SelfReportLink"}}}
                    }}}},
                    "404": not_found
                }))
            }
        },
        "/api/v1/patients/{id}/self-report-links/plan": {
            "post": {
                "operationId": "planSelfReportLinks",
                "summary": "Create the self-report links the schedule plans after the patient's sessions",
                "description": "By default a link 24 hours after each started session, then weekly until the next session or `horizon` \
                    (default 28 days from now), each open 72 hours or until the next link falls due (rules \
                    `measurement.self_report.schedule` and `measurement.self_report.expiry`). Links whose time has passed are skipped. \
                    A link can be answered from its creation; `due_at` says when to give it to the patient.",
                "security": [{"bearerAuth": []}],
                "parameters": id,
                "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "additionalProperties": false,
                    "properties": {"horizon": {"type": "string", "format": "date-time"}}
                }}}},
                "responses": staff_responses(json!({
                    "201": {"description": "The links created, each with its one-time URL", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["doses", "links"],
                        "properties": {
                            "doses": {"type": "integer", "description": "Started sessions the plan counted"},
                            "links": {"type": "array", "items": {"$ref": "#/components/schemas/PlannedSelfReportLink"}}
                        }
                    }}}},
                    "400": error_response("Invalid input (`invalid_input`, naming `horizon`) or a body that is not JSON (`malformed_json`)"),
                    "404": not_found,
                    "415": error_response("Content-Type is not application/json (`unsupported_media_type`)")
                }))
            }
        },
        "/api/v1/self-report-alerts": {
            "get": {
                "operationId": "listSelfReportAlerts",
                "summary": "The clinic's alerts from returned self-reports (PHQ-9 item 9 above 0), newest first",
                "security": [{"bearerAuth": []}],
                "responses": staff_responses(json!({
                    "200": {"description": "The alerts", "content": {"application/json": {"schema": {
                        "type": "object", "required": ["alerts"],
                        "properties": {"alerts": {"type": "array", "items": {"$ref": "#/components/schemas/SelfReportAlert"}}}
                    }}}}
                }))
            }
        }
    });
    let link = json!({"type": "object", "required": ["id", "instrument", "status", "created_at", "expires_at"], "properties": link_properties()});
    let created_properties =
        with(link_properties(), json!({"url": {"type": "string", "examples": ["/r/3q2-7wEAAAB…"]}}));
    let planned_properties = with(
        created_properties.clone(),
        json!({
            "due_at": {"type": "string", "format": "date-time"},
            "anchor": {"type": "object", "properties": {
                "dose_at": {"type": "string", "format": "date-time"},
                "kind": {"type": "string", "enum": ["after_dose", "repeat"]},
                "number": {"type": "integer"}
            }},
            "rules": {"type": "array", "items": {"type": "string"}}
        }),
    );
    let schemas = json!({
        "SelfReportLinkRequest": {
            "type": "object", "required": ["instrument"], "additionalProperties": false,
            "properties": {
                "instrument": {"type": "string", "enum": ["phq9"]},
                "expires_in_hours": {"type": "integer", "minimum": 1, "maximum": 336, "default": 72}
            }
        },
        "SelfReportLink": link,
        "CreatedSelfReportLink": {"type": "object", "required": ["id", "url", "status", "expires_at"], "properties": created_properties},
        "PlannedSelfReportLink": {"type": "object", "required": ["id", "url", "due_at", "expires_at"], "properties": planned_properties},
        "SelfReportAlert": {
            "type": "object",
            "required": ["id", "patient_id", "assessment_id", "level", "item9", "total", "message", "created_at"],
            "properties": {
                "id": {"type": "string"},
                "patient_id": {"type": "string"},
                "assessment_id": {"type": "string"},
                "level": {"type": "string", "enum": ["urgent", "emergency"]},
                "item9": {"type": "integer", "minimum": 1, "maximum": 3},
                "total": {"type": "integer"},
                "message": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"}
            }
        }
    });
    (paths, schemas)
}
