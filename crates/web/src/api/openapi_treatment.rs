//! The schemas of the treatment workflow (the REMS form, the pre-check and settings requests) that the OpenAPI
//! document cannot derive from a real type; each mirror says why in a comment. The other answers (intake, courses,
//! sessions, alerts, outcomes, consent, protocol settings) and the request bodies derive their own schemas.

// These types exist to be described, never built or read: the derive is their only use.
#![allow(dead_code)]

use serde::Deserialize;
use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use super::openapi::{Object, or_null};

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Pregnancy {
    NotApplicable,
    NotPregnant,
    Pregnant,
    Unknown,
}

// Mirror: the handler reads the body as a JSON map that care's pre-check parser checks field by field.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreCheckRequest {
    /// RFC 3339; default now; not in the future
    #[schema(format = DateTime)]
    dose_at: Option<String>,
    /// RFC 3339; default now; not in the future
    #[schema(format = DateTime)]
    last_food_at: Option<String>,
    /// RFC 3339; default now; not in the future
    #[schema(format = DateTime)]
    last_liquid_at: Option<String>,
    #[serde(default)]
    #[schema(value_type = Object)]
    nasal_medication: Object,
    transport_home_arranged: Option<bool>,
    #[schema(required = false, inline)]
    pregnancy: Pregnancy,
    rems_enrolled: Option<bool>,
    #[schema(schema_with = measured_pressure)]
    blood_pressure: Option<MeasuredPressure>,
}

/// A blood pressure as the pre-checks take it.
#[derive(Deserialize, ToSchema)]
struct MeasuredPressure {
    #[serde(default)]
    systolic: i64,
    #[serde(default)]
    diastolic: i64,
}

fn measured_pressure() -> RefOr<Schema> {
    or_null(MeasuredPressure::schema())
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum FormState {
    Draft,
    Submitted,
}

// Mirror: care's `FormView` holds clinical and store types (form, setting, ids) that have no utoipa dependency.
#[derive(Deserialize, ToSchema)]
pub struct RemsForm {
    session_id: String,
    #[serde(default)]
    patient_id: String,
    #[schema(inline)]
    state: FormState,
    #[schema(format = DateTime)]
    submitted_at: Option<String>,
    #[schema(inline)]
    form: FormDocument,
    #[schema(inline)]
    fields: Vec<FormField>,
    #[schema(inline)]
    missing: Vec<MissingField>,
    #[serde(default)]
    #[schema(schema_with = any_array)]
    prefill: Vec<Value>,
    #[schema(value_type = Option<Object>)]
    deadline: Option<Object>,
    /// The clinic's REMS setting (`rems.setting_type`), which decides whether a form is required
    #[serde(default)]
    setting_type: Value,
    /// When and by whom the staff answers were last saved as a draft (the portal's "Save draft"), applied over the
    /// form drafted from the chart until it is submitted; `null` when no draft was saved
    #[serde(default)]
    #[schema(schema_with = draft_saved)]
    draft_saved: Option<DraftSaved>,
}

/// The last save of a form's draft.
#[derive(Deserialize, ToSchema)]
struct DraftSaved {
    /// RFC 3339, with the clinic's UTC offset
    #[schema(format = DateTime)]
    saved_at: String,
    /// The id of the staff member who saved it
    saved_by: Option<String>,
}

fn draft_saved() -> RefOr<Schema> {
    or_null(DraftSaved::schema())
}

/// The form's sections, as the Patient Monitoring Form groups them; the document promises each section and the
/// adverse-effect entries' shape, and leaves the other sections' fields to `fields` (one entry per field, by path).
#[derive(Deserialize, ToSchema)]
struct FormDocument {
    #[schema(value_type = Object)]
    patient: Value,
    #[schema(value_type = Object)]
    concomitant_medications: Value,
    #[schema(value_type = Object)]
    hcp: Value,
    #[schema(value_type = Object)]
    setting: Value,
    #[schema(value_type = Object)]
    session: Value,
    /// Minutes from the first device to the completion of monitoring (or to an early departure).
    treatment_duration_minutes: Option<i64>,
    /// Minutes from the first device to when the patient was judged ready to leave.
    ready_to_leave_minutes: Option<i64>,
    #[schema(value_type = Object)]
    vital_signs: Value,
    #[schema(value_type = Object)]
    blood_pressure: Value,
    #[schema(inline)]
    adverse_effects: Vec<AdverseEffectEntry>,
    /// Present only when the patient left before monitoring was complete: the minutes monitored and the reason.
    #[schema(value_type = Option<Object>, required = false)]
    early_departure: Option<Value>,
}

/// One adverse-effect question with its answer.
#[derive(Deserialize, ToSchema)]
struct AdverseEffectEntry {
    code: String,
    text: String,
    confidence: Value,
    /// `true` or `false`, the chart's answer when `derived_from_chart`; `null` while unanswered.
    answer: Option<bool>,
    /// Always present: `true` while `answer` is the one derived from the chart (a post-dose MOAA/S below 5,
    /// a post-dose CADSS above the clinic's threshold or a charted dissociation, a post-dose SpO2 below the
    /// clinic's alert threshold, or a charted adverse event of the kind) and no person has set it; `false` once
    /// a person answers, and for an answer nobody derived.
    derived_from_chart: bool,
}

/// One field of the form; the document promises its keys, not their shapes, except `derived_from_chart`.
#[derive(Deserialize, ToSchema)]
struct FormField {
    path: Value,
    section: Value,
    label: Value,
    value: Value,
    required: Value,
    source: Value,
    confidence: Value,
    /// Always present: `true` while `value` is the one drafted from the session record and nobody changed it.
    derived_from_chart: bool,
}

#[derive(Deserialize, ToSchema)]
struct MissingField {
    path: Value,
    message: Value,
}

/// An array whose items the document leaves open.
fn any_array() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Array)
}

/// A settings document: missing keys take their defaults.
// Mirror: the handler reads the settings as a JSON value that the clinical crate's settings parser checks.
#[derive(Deserialize, ToSchema)]
#[schema(description = "Missing keys take their defaults")]
pub struct ProtocolSettingsRequest {}

/// An answer the document leaves as an open object (a charting route's record, a discharge decision).
// Not a mirror: an answer this document leaves open.
#[derive(Deserialize, ToSchema)]
pub(crate) struct Recorded {}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum RemsFormat {
    Json,
    Pdf,
}

/// The query of `GET /api/v1/sessions/{id}/rems-form`.
// Mirror: the handler reads the raw query string (`RawQuery`), not a typed query.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct RemsFormQuery {
    #[param(inline)]
    format: Option<RemsFormat>,
}
