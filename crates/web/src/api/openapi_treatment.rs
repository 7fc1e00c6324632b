//! The OpenAPI paths and schemas of the treatment workflow (intake, courses, sessions, REMS forms, outcomes,
//! protocol settings), merged into the one document by `openapi.rs`.

use ketapath_clinical::protocols::Modality;
use ketapath_clinical::safety::conditions;
use serde_json::{Map, Value, json};

type Responses = fn(Value) -> Value;
type ErrorResponse = fn(&str) -> Value;

fn id_param() -> Value {
    json!([{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}])
}

fn body(schema: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

fn ok(status: &str, description: &str, schema: &str) -> Value {
    json!({status: {"description": description,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}}})
}

/// The treatment routes, by path.
pub fn paths(staff: Responses, error: ErrorResponse) -> Map<String, Value> {
    let not_found = |what: &str| {
        error(&format!("No such {what} in the caller's clinic (`not_found`; the same for another clinic's)"))
    };
    let bad = error(
        "Invalid input (`invalid_input`, naming the field; `at` in the future names `at`) or a body that is not JSON (`malformed_json`)",
    );
    let not_prescriber = error(
        "`override_reason` (or a prescriber-only edit) sent by a role other than prescriber (`override_not_allowed`)",
    );
    let with = |base: Value, extra: Value| -> Value {
        let mut all = staff(base);
        if let (Some(a), Some(e)) = (all.as_object_mut(), extra.as_object()) {
            a.extend(e.clone());
        }
        all
    };
    let op = |id: &str, summary: &str, description: &str, request: Option<&str>, responses: Value| -> Value {
        let mut o = json!({"operationId": id, "summary": summary, "description": description,
            "security": [{"bearerAuth": []}], "responses": responses});
        if let Some(schema) = request {
            o["requestBody"] = body(schema);
        }
        if description.is_empty() {
            o.as_object_mut().map(|m| m.remove("description"));
        }
        o
    };
    let with_id = |mut o: Value| -> Value {
        o["parameters"] = id_param();
        o
    };
    let mut p = Map::new();
    p.insert("/api/v1/patients/{id}/intake".into(), json!({
        "put": with_id(op("putIntake", "Enter or replace a patient's intake",
            "Treatment history (the self-check's trial model), episode and severity for the Maudsley staging, conditions, \
             REMS enrollment, pregnancy potential, concomitant medications and research consent. The answer carries what \
             the rules computed (TRD status, Maudsley score, contraindications and cautions), each with its rule. \
             Baseline scores are assessments with context `baseline`.",
            Some("IntakeRequest"), with(ok("200", "The intake", "Intake"), json!({"400": bad.clone(), "404": not_found("patient")})))),
        "get": with_id(op("getIntake", "A patient's intake", "", None,
            with(ok("200", "The intake", "Intake"), json!({"404": not_found("patient or intake")})))),
    }));
    p.insert("/api/v1/patients/{id}/courses".into(), json!({
        "post": with_id(op("createCourse", "Plan a course with its schedule generated from the protocol",
            "`indication`: `trd` (default) or `mdsi` (MDD with acute suicidal ideation or behaviour). Esketamine for TRD: \
             a new course plans only the induction, twice weekly in weeks 1-4 (`weeks`, 12 by default, is checked as the \
             whole plan's length); weeks 5-8 weekly and then weekly or every two weeks (`maintenance`) are planned when \
             the benefit review decides to continue. MDSI: 84 mg twice weekly for up to 4 weeks (56 mg as the \
             tolerability option). IV ketamine: the clinic's series. IM and oral: no generated schedule. \
             A contraindication in the intake answers 409 `contraindication` unless a prescriber sends `override_reason`.",
            Some("CourseRequest"), with(ok("201", "The course", "Course"), json!({"400": bad.clone(), "403": not_prescriber.clone(),
                "404": not_found("patient"), "409": error("The intake lists a contraindication (`contraindication`)")})))),
        "get": with_id(op("listCourses", "A patient's courses with their schedules", "", None,
            with(json!({"200": {"description": "The courses, oldest first", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"courses": {"type": "array", "items": {"$ref": "#/components/schemas/Course"}}}}}}}}),
                json!({"404": not_found("patient")})))),
    }));
    p.insert(
        "/api/v1/courses/{id}".into(),
        json!({
            "get": with_id(op("getCourse", "A course with its schedule, indication and latest benefit review", "", None,
                with(ok("200", "The course", "Course"), json!({"404": not_found("course")})))),
        }),
    );
    p.insert("/api/v1/courses/{id}/benefit-review".into(), json!({
        "post": with_id(op("recordBenefitReview", "Record the benefit review at the end of an esketamine induction (prescribers only)",
            "From 28 days after a course's first dose, starting or dosing a session answers 409 `benefit_review_required` \
             until a prescriber records `continue`. `continue` is taken from week 4 of the induction on and, for TRD, plans the \
             maintenance weeks (`weeks`, 12 by default, and `maintenance`); for MDSI it carries the warning that use beyond \
             4 weeks was not systematically evaluated. `stop` ends the course (status `stopped`). The baseline and latest \
             scores at the time are kept with the review. Other roles: 403 `override_not_allowed`.",
            Some("BenefitReviewRequest"), with(ok("201", "The course with the review", "Course"), json!({"400": bad.clone(),
                "403": not_prescriber.clone(), "404": not_found("course"),
                "409": error("Not an open esketamine course, or `continue` before week 4 of the induction (`not_applicable`)")})))),
    }));
    p.insert("/api/v1/courses/{id}/schedule".into(), json!({
        "put": with_id(op("putCourseSchedule", "Replace a course's schedule (prescribers only)", "Sessions in date order, in the generated shape.",
            Some("ScheduleRequest"), with(ok("200", "The course", "Course"), json!({"400": bad.clone(), "403": not_prescriber.clone(), "404": not_found("course")})))),
    }));
    p.insert("/api/v1/patients/{id}/outcomes".into(), json!({
        "get": with_id(op("getOutcomes", "Outcomes per instrument: baseline, latest, change, response, remission, time to response",
            "The baseline is the first assessment with context `baseline` (else the first); time to response counts from the first dose. Each names its rule.",
            None, with(ok("200", "The outcomes", "Outcomes"), json!({"404": not_found("patient")})))),
    }));
    p.insert("/api/v1/patients/{id}/sessions".into(), json!({
        "post": with_id(op("startSession", "Start a session",
            "On the patient's latest planned or active course of the modality; when there is none, a course is planned \
             from today (a contraindication blocks it as in createCourse).",
            Some("SessionRequest"), with(json!({"201": {"description": "The session", "content": {"application/json": {"schema": {
                "type": "object", "required": ["id", "course_id", "number"], "properties": {"id": {"type": "string"},
                "course_id": {"type": "string"}, "number": {"type": "integer"}, "modality": {"type": "string"}}}}}}}),
                json!({"400": bad.clone(), "403": not_prescriber.clone(), "404": not_found("patient"), "409": error("`contraindication`")})))),
    }));
    p.insert("/api/v1/sessions/{id}".into(), json!({
        "get": with_id(op("getSession", "A session with doses, observations, events, overrides and its live monitoring status",
            "`monitoring`: minutes since the dose, every check with its due time and status, and `next_due` (the 40-minute \
             blood pressure after esketamine, SpO2 at every check, blood-pressure rechecks after an alert); `discharge_now`: \
             whether discharge would be allowed now and what is unmet; `alerts`: every alert its observations raised \
             (`code`, `level`, `message`, `rule`, `at`, `id`, and `acknowledged_by`/`acknowledged_at` once acknowledged).",
            None, with(ok("200", "The session", "Session"), json!({"404": not_found("session")})))),
    }));
    let charting = |id: &str, summary: &str, description: &str, schema: &str, conflict: Option<&str>| -> Value {
        let mut extra = json!({"400": bad.clone(), "403": not_prescriber.clone(), "404": not_found("session")});
        if let Some(c) = conflict {
            extra["409"] = error(c);
        }
        with_id(op(
            id,
            summary,
            description,
            Some(schema),
            with(
                json!({"201": {"description": "Recorded",
            "content": {"application/json": {"schema": {"type": "object"}}}}}),
                extra,
            ),
        ))
    };
    p.insert("/api/v1/sessions/{id}/pre-checks".into(), json!({"post": charting("recordPreChecks",
        "Record and evaluate the pre-dose checks",
        "Fasting times, nasal medication, transport home, pregnancy (default from the intake), REMS enrollment (default \
         from the intake) and blood pressure (also recorded as an observation now). Answers the rules' report.",
        "PreCheckRequest", Some("The session is completed (`not_applicable`)"))}));
    p.insert(
        "/api/v1/sessions/{id}/observations".into(),
        json!({"post": charting("recordObservation",
        "Record the measures of one moment (any of them; at least one) and check them",
        "`at` defaults to now and may not be in the future. `symptoms` charts symptoms of a hypertensive crisis or \
         encephalopathy (CrisisSymptom codes): any one is an `emergency` alert. Answers the `alerts` the observation \
         raised (`spo2_low`, `unresponsive`, `hypertensive_crisis_range`, `hypertensive_crisis_symptoms`, \
         `bp_above_gate`, `dissociation`; each `{code, level: warning|urgent|emergency, message, rule, at, id}`) and \
         the monitoring status after it, with any blood-pressure recheck the alert asks for.",
        "ObservationRequest", Some("The session is completed (`not_applicable`)"))}),
    );
    p.insert("/api/v1/sessions/{id}/alerts/{alert_id}/acknowledge".into(), json!({"post": {
        "operationId": "acknowledgeSessionAlert", "summary": "Acknowledge an alert of the session",
        "description": "Any clinic staff role. Records who acknowledged the alert and when (audited); the alert stays \
            listed on the session and leaves the dashboard. A second acknowledgement keeps the first.",
        "security": [{"bearerAuth": []}],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "alert_id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "requestBody": {"required": true, "content": {"application/json": {"schema":
            {"type": "object", "additionalProperties": false, "properties": {}, "description": "An empty object"}}}},
        "responses": with(ok("200", "The alert, acknowledged", "SessionAlert"),
            json!({"400": bad.clone(), "404": not_found("session alert")}))
    }}));
    p.insert("/api/v1/sessions/{id}/dose".into(), json!({"post": charting("recordDose",
        "Record the dose behind the REMS enrollment gate and the blood-pressure gate",
        "Esketamine: 56 or 84 mg (28 mg where the clinic allows it) with the lot; the devices and their 5-minute spacing \
         come back. In an outpatient setting (protocol setting `rems.setting_type`) an esketamine dose is refused with \
         409 `rems_enrollment` unless the intake says `rems_enrolled: true`, for every role, with or without \
         `override_reason`; inpatient settings are exempt (`enrollment.outcome` `not_required`). IV: `dose_mg`, or \
         `weight_kg` (and `mg_per_kg`, default the clinic's). The latest blood pressure at or before `at` must be within \
         the gate (none recorded blocks too): else 409 `bp_gate`, unless a prescriber sends `override_reason` (kept \
         with the session and audited). `warnings` lists the advisory pre-checks (food, liquids, nasal products, ride \
         home, pregnancy) not met or not recorded, each `{code, message, rule}`.",
        "DoseRequest", Some("Not enrolled in the REMS (`rems_enrollment`); blood pressure over the gate or not recorded \
         (`bp_gate`); session completed (`not_applicable`)"))}));
    p.insert(
        "/api/v1/sessions/{id}/adverse-events".into(),
        json!({"post": charting("recordAdverseEvent",
        "Record an adverse event of the session", "", "AdverseEventRequest", None)}),
    );
    p.insert("/api/v1/sessions/{id}/discharge".into(), json!({"post": with_id(op("discharge",
        "Discharge: the minimum monitoring time and the clinic's criteria",
        "409 `monitoring_incomplete` before the minimum time after the first dose (120 min for esketamine) for every \
         role, with or without `override_reason` (a patient who leaves then is recorded with `early-departure`); after \
         it, 409 with a criterion unmet (alert, SpO2, dissociation, blood pressure, recent vitals), each listed, which a \
         prescriber may pass with `override_reason`. After esketamine `ready_to_leave_at` (the REMS evaluation \
         question) is required.",
        Some("DischargeRequest"), with(json!({"200": {"description": "The discharged session with the decision",
            "content": {"application/json": {"schema": {"type": "object"}}}}}),
            json!({"400": bad.clone(), "403": not_prescriber.clone(), "404": not_found("session"),
                "409": error("`monitoring_incomplete`, `no_dose`, or already discharged (`not_applicable`)")}))))}));
    p.insert(
        "/api/v1/sessions/{id}/early-departure".into(),
        json!({"post": with_id(op("recordEarlyDeparture",
        "The patient left before discharge: end the session early",
        "Nurses and prescribers (other roles 403). `reason` is `transferred_to_emergency`, `left_against_advice` or \
         `other`; `at` (default now) must not be before the first dose; `note` is kept with the adverse event. The \
         session ends with status `ended_early` (never `completed`), an adverse event of kind `early_departure` \
         (severe for a transfer to emergency care, else moderate) is recorded with it, and the session's REMS form \
         carries `early_departure: {reason, minutes_monitored}` with the true duration.",
        Some("EarlyDepartureRequest"), with(json!({"201": {"description": "The session, ended early",
            "content": {"application/json": {"schema": {"type": "object"}}}}}),
            json!({"400": bad.clone(), "403": error("Not a nurse or prescriber (`forbidden`)"),
                "404": not_found("session"),
                "409": error("No dose recorded (`no_dose`: stop the session instead), or the session is already over \
                    (`not_applicable`)")}))))}),
    );
    p.insert("/api/v1/sessions/{id}/rems-form".into(), json!({"get": {
        "operationId": "getRemsForm", "summary": "The SPRAVATO REMS Patient Monitoring Form of a session",
        "description": "Drafted from the session until submitted: the form, every field with its value, requirement, \
            source and confidence, what is still missing, where each value came from, and the 7-day deadline. \
            `format=pdf` answers the printable form as `application/pdf` (missing required fields flagged).",
        "security": [{"bearerAuth": []}],
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}},
            {"name": "format", "in": "query", "required": false, "schema": {"type": "string", "enum": ["json", "pdf"]}}],
        "responses": with(json!({"200": {"description": "The form (JSON), or the printable form with `format=pdf`",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RemsForm"}},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}}}}}), json!({"404": not_found("session"),
            "406": error("A format other than JSON or PDF (`not_acceptable`)"), "409": error("Not an esketamine session (`not_applicable`)")}))
    }}));
    p.insert("/api/v1/sessions/{id}/rems-form/submit".into(), json!({"post": with_id(op("submitRemsForm",
        "Complete the form with staff answers, check it and record it as submitted",
        "`form` is a merge patch of the form (HCP telephone, vital-sign answers, corrections); `adverse_effects` answers \
         each question by code. 422 `rems_form_incomplete` names every missing field (the first in `field`) and records \
         nothing; a second submission is 409 `conflict`.",
        Some("RemsSubmitRequest"), with(ok("200", "The submitted form", "RemsForm"), json!({"400": bad.clone(),
            "404": not_found("session"), "409": error("Already submitted (`conflict`) or not esketamine (`not_applicable`)"),
            "422": error("Required fields missing (`rems_form_incomplete`)")}))))}));
    p.insert(
        "/api/v1/rems-forms/due".into(),
        json!({"get": op("remsFormsDue",
        "Esketamine sessions whose forms are not yet submitted, overdue first, then by days left (7-day deadline)",
        "", None, staff(json!({"200": {"description": "The open forms", "content": {"application/json": {"schema": {
            "type": "object", "properties": {"today": {"type": "string", "format": "date"},
            "forms": {"type": "array", "items": {"type": "object"}}}}}}}})))}),
    );
    p.insert("/api/v1/clinic/protocol-settings".into(), json!({
        "get": op("getProtocolSettings", "The clinic's protocol settings, each with its rule, source and whether verified", "", None,
            staff(ok("200", "The settings", "ProtocolSettings"))),
        "put": op("putProtocolSettings", "Change the clinic's protocol settings (clinic admins and prescribers)",
            "A settings document; missing keys take their defaults; a value outside its allowed range answers 400 naming it.",
            Some("ProtocolSettingsRequest"), with(ok("200", "The settings", "ProtocolSettings"), json!({"400": bad}))),
    }));
    p.insert("/api/v1/patients/{id}/research-consent".into(), json!({
        "get": with_id(op("getResearchConsent", "A patient's research consent: the decision in force and its history", "", None,
            with(ok("200", "The consent", "ResearchConsent"), json!({"404": not_found("patient")})))),
        "put": with_id(op("putResearchConsent", "Record a patient's research consent (given or withdrawn)",
            "A withdrawal takes the patient out of every later research export and statistic. `date` defaults to today and may not be in the future.",
            Some("ResearchConsentRequest"), with(ok("200", "The consent", "ResearchConsent"), json!({"400": bad, "404": not_found("patient")})))),
    }));
    p.insert(
        "/api/v1/clinic/outcome-publication".into(),
        json!({
            "get": op("getOutcomePublication", "Whether the directory shows the clinic's outcome rates", "", None,
                staff(ok("200", "The choice", "OutcomePublication"))),
            "put": op("putOutcomePublication", "Opt the clinic in or out of showing its outcome rates (clinic admins)",
                "Rates are shown only where at least 11 patients stand behind a figure; other roles answer 403.",
                Some("OutcomePublication"), with(ok("200", "The choice", "OutcomePublication"), json!({"400": bad}))),
        }),
    );
    p
}

fn object(required: &[&str], properties: Value) -> Value {
    json!({"type": "object", "required": required, "properties": properties})
}

/// The treatment schemas, by name.
pub fn schemas() -> Map<String, Value> {
    let modalities: Vec<&str> = Modality::ALL.iter().map(|m| m.code()).collect();
    let symptoms: Vec<&str> = ketapath_clinical::protocols::CrisisSymptom::ALL.iter().map(|s| s.code()).collect();
    let at = json!({"type": ["string", "null"], "format": "date-time", "description": "RFC 3339; default now; not in the future"});
    let reason = json!({"type": ["string", "null"], "description": "Prescribers only: the reason to pass a gate"});
    let mut s = Map::new();
    s.insert("ResearchConsentRequest".into(), json!({"type": "object", "required": ["status"], "additionalProperties": false,
        "properties": {"status": {"type": "string", "enum": ["given", "withdrawn"]},
            "date": {"type": ["string", "null"], "format": "date", "description": "Default today; not in the future"}}}));
    s.insert(
        "ResearchConsent".into(),
        object(
            &["status", "history"],
            json!({
        "status": {"type": "string", "enum": ["given", "withdrawn", "none"]},
        "history": {"type": "array", "items": object(&["status", "date", "recorded_at"], json!({
            "status": {"type": "string", "enum": ["given", "withdrawn"]}, "date": {"type": "string", "format": "date"},
            "recorded_at": {"type": "string", "format": "date-time"}, "recorded_by": {"type": ["string", "null"]}}))}}),
        ),
    );
    s.insert(
        "OutcomePublication".into(),
        json!({"type": "object", "required": ["publish"], "additionalProperties": false,
        "properties": {"publish": {"type": "boolean"}}}),
    );
    let text = json!({"type": ["string", "null"], "maxLength": 100});
    s.insert("IntakeRequest".into(), json!({"type": "object", "additionalProperties": false, "properties": {
        "demographics": {"type": ["object", "null"], "additionalProperties": false, "properties": {
            "race": text, "ethnicity": text, "gender_identity": text, "preferred_language": text, "zip": text}},
        "trials": {"type": "array", "items": {"type": "object"}, "description": "As in the self-check"},
        "episode_months": {"type": ["number", "null"], "minimum": 0},
        "severity": {"type": ["string", "null"], "enum": ["subsyndromal", "mild", "moderate", "severe_without_psychosis", "severe_with_psychosis", null]},
        "augmentation_used": {"type": ["boolean", "null"]}, "ect_used": {"type": ["boolean", "null"]},
        "conditions": {"type": "array", "items": {"type": "string", "enum": conditions::input_codes()}},
        "rems_enrolled": {"type": ["boolean", "null"]}, "pregnancy_potential": {"type": ["boolean", "null"]},
        "research_consent": {"type": ["boolean", "null"]},
        "concomitant_medications": {"type": ["object", "null"]}}}));
    s.insert(
        "Intake".into(),
        object(
            &["patient_id", "input", "computed", "rules_version"],
            json!({
        "patient_id": {"type": "string"}, "input": {"type": "object"},
        "computed": {"type": "object", "description": "trd, maudsley, contraindications, cautions, each with its rule"},
        "rules_version": {"type": "string"}, "baseline": {"type": "array", "items": {"type": "object"}},
        "updated_at": {"type": "string", "format": "date-time"}}),
        ),
    );
    s.insert("CourseRequest".into(), json!({"type": "object", "required": ["modality"], "additionalProperties": false, "properties": {
        "modality": {"type": "string", "enum": modalities}, "start_date": {"type": ["string", "null"], "format": "date"},
        "weeks": {"type": ["integer", "null"], "minimum": 1}, "maintenance": {"type": ["string", "null"], "enum": ["weekly", "every_two_weeks", null]},
        "with_psychotherapy": {"type": ["boolean", "null"]}, "indication": {"type": ["string", "null"], "enum": ["trd", "mdsi", null]},
        "override_reason": reason}}));
    s.insert("BenefitReviewRequest".into(), json!({"type": "object", "required": ["decision"], "additionalProperties": false, "properties": {
        "decision": {"type": "string", "enum": ["continue", "stop"]}, "note": {"type": ["string", "null"], "maxLength": 2000},
        "weeks": {"type": ["integer", "null"], "minimum": 1},
        "maintenance": {"type": ["string", "null"], "enum": ["weekly", "every_two_weeks", null]}}}));
    s.insert("Course".into(), object(&["id", "patient_id", "treatment", "status", "schedule"], json!({
        "id": {"type": "string"}, "patient_id": {"type": "string"}, "treatment": {"type": "string"},
        "modality": {"type": ["string", "null"]}, "status": {"type": "string"}, "planned_sessions": {"type": ["integer", "null"]},
        "started_on": {"type": ["string", "null"], "format": "date"}, "ended_on": {"type": ["string", "null"], "format": "date"},
        "end_reason": {"type": ["string", "null"]}, "indication": {"type": "string", "enum": ["trd", "mdsi"]},
        "benefit_review": {"type": ["object", "null"], "required": ["decision", "by", "at", "scores"], "properties": {
            "decision": {"type": "string", "enum": ["continue", "stop"]}, "note": {"type": ["string", "null"]},
            "by": {"type": "string"}, "at": {"type": "string", "format": "date-time"},
            "scores": {"type": "array", "items": {"type": "object"}}}},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "schedule": {"type": ["array", "null"], "items": {"type": "object", "required": ["number", "date", "week", "phase", "modality", "dose", "rule"]}},
        "contraindication_override": {"type": ["object", "null"]}, "created_at": {"type": "string", "format": "date-time"}})));
    s.insert(
        "ScheduleRequest".into(),
        json!({"type": "object", "required": ["schedule"], "additionalProperties": false,
        "properties": {"schedule": {"type": "array", "items": {"type": "object"}}}}),
    );
    s.insert("Outcomes".into(), object(&["instruments"], json!({"instruments": {"type": "array", "items": object(
        &["instrument", "baseline", "latest", "change_pct", "response", "remission", "time_to_response_hours", "rule"], json!({
        "instrument": {"type": "string"}, "baseline": {"type": "integer"}, "latest": {"type": "integer"},
        "change_pct": {"type": ["number", "null"]},
        "response": {"type": ["boolean", "null"], "description": "null: not assessable (baseline below baseline_min)"},
        "remission": {"type": ["boolean", "null"], "description": "null: not assessable (baseline below baseline_min)"},
        "assessable": {"type": "boolean"}, "not_assessable_reason": {"type": ["string", "null"]},
        "baseline_min": {"type": "integer", "description": "the baseline floor: PHQ-9 10 (CMS159 / NQF 0710)"},
        "time_to_response_hours": {"type": ["number", "null"]}, "loss_of_response": {"type": ["boolean", "null"]},
        "rule": {"$ref": "#/components/schemas/RuleRef"}, "rules": {"type": "array", "items": {"$ref": "#/components/schemas/RuleRef"}}}))}})));
    s.insert(
        "SessionRequest".into(),
        json!({"type": "object", "required": ["modality"], "additionalProperties": false,
        "properties": {"modality": {"type": "string", "enum": modalities}, "override_reason": reason}}),
    );
    s.insert("Session".into(), object(&["id", "patient_id", "course_id", "number", "status", "modality"], json!({
        "id": {"type": "string"}, "patient_id": {"type": "string"}, "course_id": {"type": "string"}, "number": {"type": "integer"},
        "status": {"type": "string"}, "modality": {"type": "string"}, "doses": {"type": "array"}, "observations": {"type": "array"},
        "adverse_events": {"type": "array"}, "overrides": {"type": "array"}, "pre_checks": {"type": ["object", "null"]},
        "monitoring": {"type": ["object", "null"]}, "discharge_now": {"type": ["object", "null"]},
        "alerts": {"type": "array", "items": {"$ref": "#/components/schemas/SessionAlert"}}})));
    s.insert(
        "SessionAlert".into(),
        object(
            &["id", "code", "level", "message", "rule", "at"],
            json!({
        "id": {"type": "string"}, "code": {"type": "string"},
        "level": {"type": "string", "enum": ["warning", "urgent", "emergency"]}, "message": {"type": "string"},
        "rule": {"type": "string", "description": "The rule that raised it, as id@version"},
        "at": {"type": "string", "format": "date-time"},
        "acknowledged_by": {"type": ["string", "null"]},
        "acknowledged_at": {"type": ["string", "null"], "format": "date-time"}}),
        ),
    );
    s.insert("PreCheckRequest".into(), json!({"type": "object", "additionalProperties": false, "properties": {
        "dose_at": at, "last_food_at": at, "last_liquid_at": at, "nasal_medication": {"type": "object"},
        "transport_home_arranged": {"type": ["boolean", "null"]},
        "pregnancy": {"type": "string", "enum": ["not_applicable", "not_pregnant", "pregnant", "unknown"]},
        "rems_enrolled": {"type": ["boolean", "null"]},
        "blood_pressure": {"type": ["object", "null"], "properties": {"systolic": {"type": "integer"}, "diastolic": {"type": "integer"}}}}}));
    s.insert("ObservationRequest".into(), json!({"type": "object", "additionalProperties": false, "properties": {
        "at": at, "systolic": {"type": ["integer", "null"]}, "diastolic": {"type": ["integer", "null"]},
        "heart_rate": {"type": ["integer", "null"]}, "spo2": {"type": ["integer", "null"], "minimum": 0, "maximum": 100},
        "moaas": {"type": ["integer", "null"], "minimum": 0, "maximum": 5}, "cadss": {"type": ["integer", "null"], "minimum": 0, "maximum": 92},
        "note": {"type": ["string", "null"]},
        "symptoms": {"type": "array", "items": {"type": "string", "enum": symptoms}}}}));
    s.insert("DoseRequest".into(), json!({"type": "object", "additionalProperties": false, "properties": {
        "at": at, "dose_mg": {"type": ["number", "null"]}, "lot": {"type": ["string", "null"]},
        "weight_kg": {"type": ["number", "null"]}, "mg_per_kg": {"type": ["number", "null"]}, "override_reason": reason}}));
    s.insert("AdverseEventRequest".into(), json!({"type": "object", "required": ["kind", "severity"], "additionalProperties": false, "properties": {
        "at": at, "kind": {"type": "string"}, "severity": {"type": "string", "enum": ["mild", "moderate", "severe", "life_threatening"]},
        "description": {"type": ["string", "null"]}, "action_taken": {"type": ["string", "null"]},
        "reported_externally": {"type": ["boolean", "null"]}}}));
    s.insert(
        "EarlyDepartureRequest".into(),
        json!({"type": "object", "required": ["reason"],
        "additionalProperties": false, "properties": {"at": at,
        "reason": {"type": "string", "enum": ["transferred_to_emergency", "left_against_advice", "other"]},
        "note": {"type": ["string", "null"]}}}),
    );
    s.insert(
        "DischargeRequest".into(),
        json!({"type": "object", "additionalProperties": false, "properties": {
        "at": at, "ready_to_leave_at": at, "override_reason": reason}}),
    );
    s.insert("RemsForm".into(), object(&["session_id", "state", "form", "fields", "missing"], json!({
        "session_id": {"type": "string"}, "patient_id": {"type": "string"}, "state": {"type": "string", "enum": ["draft", "submitted"]},
        "submitted_at": {"type": ["string", "null"], "format": "date-time"}, "form": {"type": "object"},
        "fields": {"type": "array", "items": object(&["path", "section", "label", "value", "required", "source", "confidence"], json!({}))},
        "missing": {"type": "array", "items": object(&["path", "message"], json!({}))}, "prefill": {"type": "array"},
        "deadline": {"type": ["object", "null"]}})));
    s.insert("RemsSubmitRequest".into(), json!({"type": "object", "additionalProperties": false, "properties": {
        "form": {"type": ["object", "null"]}, "adverse_effects": {"type": ["object", "null"], "additionalProperties": {"type": "boolean"}}}}));
    s.insert(
        "ProtocolSettingsRequest".into(),
        json!({"type": "object", "description": "Missing keys take their defaults"}),
    );
    s.insert("ProtocolSettings".into(), object(&["values", "settings"], json!({"values": {"type": "object"},
        "settings": {"type": "array", "items": object(&["name", "value", "default", "verified", "rule", "source"], json!({}))}})));
    s
}
