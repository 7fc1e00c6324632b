//! The schemas of the treatment workflow's answers (intake, courses, sessions, REMS forms, outcomes, consent,
//! protocol settings) that the OpenAPI document cannot derive from a real type, mostly because the handler builds
//! them as `json!` values; each mirror says why in a comment. The request bodies derive their own schemas.

// These types exist to be described, never built or read: the derive is their only use.
#![allow(dead_code)]

use serde::Deserialize;
use serde_json::Value;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

use super::openapi::{Object, or_null};
use super::openapi_schemas::RuleRef;

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ConsentDecision {
    Given,
    Withdrawn,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum ConsentStatus {
    Given,
    Withdrawn,
    None,
}

// Mirror: the handler builds this answer as a `json!` value; no struct carries it.
#[derive(Deserialize, ToSchema)]
pub struct ResearchConsent {
    #[schema(inline)]
    status: ConsentStatus,
    #[schema(inline)]
    history: Vec<ConsentRecord>,
}

#[derive(Deserialize, ToSchema)]
struct ConsentRecord {
    #[schema(inline)]
    status: ConsentDecision,
    #[schema(format = Date)]
    date: String,
    #[schema(format = DateTime)]
    recorded_at: String,
    recorded_by: Option<String>,
}

// Mirror: care builds the stored intake as a `json!` value; no struct carries it.
#[derive(Deserialize, ToSchema)]
pub struct Intake {
    patient_id: String,
    #[schema(value_type = Object)]
    input: Object,
    /// trd, maudsley, contraindications, cautions, each with its rule
    #[schema(value_type = Object)]
    computed: Object,
    rules_version: String,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    baseline: Vec<Object>,
    #[serde(default)]
    #[schema(format = DateTime)]
    updated_at: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Decision {
    Continue,
    Stop,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Indication {
    Trd,
    Mdsi,
}

// Mirror: the handler builds this answer as a `json!` value; no struct carries it.
#[derive(Deserialize, ToSchema)]
pub struct Course {
    id: String,
    patient_id: String,
    treatment: String,
    modality: Option<String>,
    status: String,
    planned_sessions: Option<i64>,
    #[schema(format = Date)]
    started_on: Option<String>,
    #[schema(format = Date)]
    ended_on: Option<String>,
    end_reason: Option<String>,
    #[schema(required = false, inline)]
    indication: Indication,
    #[schema(schema_with = benefit_review)]
    benefit_review: Option<BenefitReview>,
    #[serde(default)]
    warnings: Vec<String>,
    #[schema(required = true, schema_with = schedule)]
    schedule: Option<Vec<PlannedSession>>,
    #[schema(value_type = Option<Object>)]
    contraindication_override: Option<Object>,
    #[serde(default)]
    #[schema(format = DateTime)]
    created_at: String,
}

#[derive(Deserialize, ToSchema)]
struct BenefitReview {
    #[schema(inline)]
    decision: Decision,
    note: Option<String>,
    by: String,
    #[schema(format = DateTime)]
    at: String,
    #[schema(value_type = Vec<Object>)]
    scores: Vec<Object>,
}

fn benefit_review() -> RefOr<Schema> {
    or_null(BenefitReview::schema())
}

/// One planned session of a schedule; the document promises its fields, not their shapes.
#[derive(Deserialize, ToSchema)]
struct PlannedSession {
    number: Value,
    date: Value,
    week: Value,
    phase: Value,
    modality: Value,
    dose: Value,
    rule: Value,
}

fn schedule() -> RefOr<Schema> {
    or_null(RefOr::T(Schema::Array(ArrayBuilder::new().items(PlannedSession::schema()).build())))
}

// Mirror: the outcomes are built from the clinical crate's types, which have no utoipa dependency yet.
#[derive(Deserialize, ToSchema)]
pub struct Outcomes {
    #[schema(inline)]
    instruments: Vec<InstrumentOutcome>,
}

#[derive(Deserialize, ToSchema)]
struct InstrumentOutcome {
    instrument: String,
    baseline: i64,
    latest: i64,
    #[schema(required = true)]
    change_pct: Option<f64>,
    /// null: not assessable (baseline below baseline_min)
    #[schema(required = true)]
    response: Option<bool>,
    /// null: not assessable (baseline below baseline_min)
    #[schema(required = true)]
    remission: Option<bool>,
    #[serde(default)]
    assessable: bool,
    not_assessable_reason: Option<String>,
    /// the baseline floor: PHQ-9 10 (CMS159 / NQF 0710)
    #[serde(default)]
    baseline_min: i64,
    #[schema(required = true)]
    time_to_response_hours: Option<f64>,
    loss_of_response: Option<bool>,
    rule: RuleRef,
    #[serde(default)]
    rules: Vec<RuleRef>,
}

/// The answer to starting a session.
// Mirror: the handler builds this answer as a `json!` value; no struct carries it.
#[derive(Deserialize, ToSchema)]
pub(crate) struct StartedSession {
    id: String,
    course_id: String,
    number: i64,
    #[serde(default)]
    modality: String,
}

// Mirror: the handler builds this answer as a `json!` value; no struct carries it.
#[derive(Deserialize, ToSchema)]
pub struct TreatmentSession {
    id: String,
    patient_id: String,
    course_id: String,
    number: i64,
    status: String,
    modality: String,
    #[serde(default)]
    #[schema(schema_with = any_array)]
    doses: Vec<Value>,
    #[serde(default)]
    #[schema(schema_with = any_array)]
    observations: Vec<Value>,
    #[serde(default)]
    #[schema(schema_with = any_array)]
    adverse_events: Vec<Value>,
    #[serde(default)]
    #[schema(schema_with = any_array)]
    overrides: Vec<Value>,
    #[schema(value_type = Option<Object>)]
    pre_checks: Option<Object>,
    #[schema(value_type = Option<Object>)]
    monitoring: Option<Object>,
    #[schema(value_type = Option<Object>)]
    discharge_now: Option<Object>,
    #[serde(default)]
    alerts: Vec<SessionAlert>,
}

/// An array whose items the document leaves open.
fn any_array() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Array)
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum AlertLevel {
    Warning,
    Urgent,
    Emergency,
}

// Mirror: care's `alerts::json` builds this answer as a `json!` value; no struct carries it.
#[derive(Deserialize, ToSchema)]
pub struct SessionAlert {
    id: String,
    code: String,
    #[schema(inline)]
    level: AlertLevel,
    message: String,
    /// The rule that raised it, as id@version
    rule: String,
    #[schema(format = DateTime)]
    at: String,
    acknowledged_by: Option<String>,
    #[schema(format = DateTime)]
    acknowledged_at: Option<String>,
}

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
}

/// The form's sections; the document promises the adverse-effect entries, not the other sections' shapes.
#[derive(Deserialize, ToSchema)]
struct FormDocument {
    #[schema(inline)]
    adverse_effects: Vec<AdverseEffectEntry>,
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

/// A settings document: missing keys take their defaults.
// Mirror: the handler reads the settings as a JSON value that the clinical crate's settings parser checks.
#[derive(Deserialize, ToSchema)]
#[schema(description = "Missing keys take their defaults")]
pub struct ProtocolSettingsRequest {}

// Mirror: the settings answer is built as a `json!` value from the clinical crate's settings.
#[derive(Deserialize, ToSchema)]
pub struct ProtocolSettings {
    #[schema(value_type = Object)]
    values: Object,
    #[schema(inline)]
    settings: Vec<Setting>,
}

/// One protocol setting; the document promises its keys, not their shapes.
#[derive(Deserialize, ToSchema)]
struct Setting {
    name: Value,
    value: Value,
    default: Value,
    verified: Value,
    rule: Value,
    source: Value,
}

/// The answer listing a patient's courses.
// Mirror: the handler builds this answer as a `json!` value; no struct carries it.
#[derive(Deserialize, ToSchema)]
pub(crate) struct CourseList {
    #[serde(default)]
    courses: Vec<Course>,
}

/// The open REMS forms.
// Mirror: the open forms are built as a `json!` value from care's `DueForm`.
#[derive(Deserialize, ToSchema)]
pub(crate) struct DueForms {
    #[serde(default)]
    #[schema(format = Date)]
    today: String,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    forms: Vec<Object>,
}

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
