//! The schemas of the public routes (clinic search, scoring, the self-check) that the OpenAPI document cannot
//! derive from a real type: each mirror says why in a comment (mostly: the real type lives in a pure crate with
//! no utoipa dependency, or the body is read or written as a JSON value). Only the document uses them.

// These types exist to be described, never built or read: the derive is their only use.
#![allow(dead_code)]

use ketapath_clinical::safety::conditions;
use ketapath_directory::search::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
use ketapath_directory::{Offer, Payment};
use serde::{Deserialize, Serialize};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

pub(crate) use crate::error::ErrorBody as Error;

use super::openapi::{code_array, instrument_codes, non_negative_integers, nullable_codes, or_null};

/// An error, with the crisis block beside it when the answers that drive the crisis triage could be read.
// Mirror of `error::with_crisis`'s local body, whose `crisis` is the clinical crate's type (no utoipa there).
#[derive(Serialize, ToSchema)]
pub struct ErrorWithCrisis {
    #[serde(flatten)]
    error: Error<'static>,
    #[schema(required = false)]
    crisis: Crisis,
}

// Mirror: the handler reads the body as a JSON value that the clinical crate's `Items::parse` checks.
#[derive(Deserialize, ToSchema)]
#[schema(examples(json!({"items": [0, 1, 2, 3, 0, 1, 2, 1, 0]})))]
pub struct ScoreRequest {
    #[schema(schema_with = non_negative_integers)]
    items: Vec<i64>,
}

/// A rate with its Wilson interval.
// Mirror: the real type lives in the pure directory crate, which has no utoipa dependency yet.
#[derive(Deserialize, ToSchema)]
pub struct Proportion {
    successes: i64,
    n: i64,
    rate: f64,
    /// Wilson score interval, 95%
    #[schema(inline)]
    interval: Interval,
}

#[derive(Deserialize, ToSchema)]
struct Interval {
    low: f64,
    high: f64,
}

/// The rule a result follows, by id and version.
// Mirror: the real type lives in the pure clinical crate, which has no utoipa dependency yet.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct RuleRef {
    id: String,
    version: i64,
}

// Mirror: the real type lives in the pure clinical crate, which has no utoipa dependency yet.
#[derive(Deserialize, ToSchema)]
pub struct Flag {
    #[schema(examples("item9_positive"))]
    code: String,
    /// 1-based item number that raised the flag
    item: Option<i64>,
    message: String,
    rule: RuleRef,
}

/// The self-check input (DESIGN.md, Self-check), with the condition codes and improvement values the engine knows.
// Mirror: the handler reads the body as a JSON value that the clinical crate's screening parser checks.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(examples(json!({"phq9": [0,1,2,3,0,1,2,1,0], "acting_on_thoughts": false, "age": 34, "episode_months": 18,
    "trials": [{"drug": "sertraline", "dose_mg_per_day": 100, "weeks": 12, "improvement": "none", "augmentation": false}],
    "conditions": ["aneurysmal_vascular_disease"], "blood_pressure": {"systolic": 150, "diastolic": 95}})))]
pub struct ScreeningRequest {
    #[schema(schema_with = phq9_answers)]
    phq9: Vec<i64>,
    /// Asked when PHQ-9 item 9 is above 0; true makes the crisis level emergency
    acting_on_thoughts: Option<bool>,
    #[schema(minimum = 0, maximum = 120)]
    age: Option<i64>,
    #[schema(minimum = 0)]
    episode_months: Option<f64>,
    #[schema(inline)]
    trials: Option<Vec<Trial>>,
    #[schema(schema_with = condition_codes)]
    conditions: Option<Vec<String>>,
    #[schema(schema_with = blood_pressure)]
    blood_pressure: Option<BloodPressure>,
}

fn phq9_answers() -> ArrayBuilder {
    ArrayBuilder::new()
        .items(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(3)))
        .min_items(Some(9))
        .max_items(Some(9))
}

fn condition_codes() -> ArrayBuilder {
    code_array(conditions::input_codes()).schema_type(SchemaType::from_iter([Type::Array, Type::Null]))
}

/// One antidepressant trial as the self-check and the intake take it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Trial {
    #[schema(min_length = 1)]
    drug: String,
    #[schema(exclusive_minimum = 0)]
    dose_mg_per_day: Option<f64>,
    #[schema(minimum = 0)]
    weeks: Option<f64>,
    #[schema(schema_with = improvement_codes)]
    improvement: Option<String>,
    augmentation: Option<bool>,
    /// Taken in the current episode of depression; true when absent. false reports the trial without counting it towards TRD
    current_episode: Option<bool>,
}

fn improvement_codes() -> ObjectBuilder {
    nullable_codes(["none", "partial", "response", "unknown"])
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BloodPressure {
    systolic: i64,
    diastolic: i64,
}

/// A blood pressure, or null.
pub(crate) fn blood_pressure() -> RefOr<Schema> {
    or_null(BloodPressure::schema())
}

/// The crisis block: the self-check's, the one beside an invalid self-check's error, and a score's when its suicide
/// item is positive.
// Mirror: the real type lives in the pure clinical crate, which has no utoipa dependency yet.
#[derive(Deserialize, Serialize, ToSchema)]
pub struct Crisis {
    #[schema(inline)]
    level: CrisisLevel,
    message: String,
    /// Always present: 988 first; 911 first at emergency
    #[schema(inline)]
    resources: Vec<Resource>,
    #[serde(default)]
    rules: Vec<RuleRef>,
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum CrisisLevel {
    None,
    Urgent,
    Emergency,
}

#[derive(Deserialize, Serialize, ToSchema)]
struct Resource {
    name: String,
    contact: String,
}

/// The fields of the self-check result that scripts rely on; the engine may add more.
// Mirror: the real type lives in the pure clinical crate, which has no utoipa dependency yet.
#[derive(Deserialize, ToSchema)]
pub struct Screening {
    rules_version: String,
    crisis: Crisis,
    #[schema(inline)]
    phq9: Phq9Result,
    #[schema(inline)]
    trials: Vec<TrialJudgement>,
    failed_adequate_trials: i64,
    possible_failed_trials: i64,
    #[schema(inline)]
    trd: Trd,
    #[schema(inline)]
    contraindications: Vec<Finding>,
    #[schema(inline)]
    cautions: Vec<Finding>,
    discuss: Vec<String>,
    #[serde(default)]
    rules: Vec<RuleRef>,
}

#[derive(Deserialize, ToSchema)]
struct Phq9Result {
    total: i64,
    #[schema(inline)]
    severity: Phq9Severity,
    item9: i64,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Phq9Severity {
    Minimal,
    Mild,
    Moderate,
    ModeratelySevere,
    Severe,
}

#[derive(Deserialize, ToSchema)]
struct TrialJudgement {
    drug: String,
    #[serde(default)]
    entered_as: String,
    #[serde(default)]
    counted: bool,
    #[serde(default)]
    current_episode: bool,
    #[schema(inline)]
    adequate: YesNoUnknown,
    #[schema(inline)]
    failed: YesNoUnknown,
    notes: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum YesNoUnknown {
    Yes,
    No,
    Unknown,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Trd {
    MeetsDefinition,
    Possible,
    NotMet,
}

#[derive(Deserialize, ToSchema)]
struct Finding {
    code: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    detail: String,
    #[serde(default)]
    discuss: String,
    source: String,
    #[schema(required = false)]
    rule: RuleRef,
}

/// A score as `POST /api/v1/instruments/{instrument}/score` answers it.
// Mirror: the real type lives in the pure clinical crate, which has no utoipa dependency yet.
#[derive(Deserialize, ToSchema)]
pub struct Score {
    #[schema(schema_with = instrument_codes)]
    instrument: String,
    total: i64,
    #[serde(default)]
    total_max: i64,
    #[schema(examples("moderate"))]
    severity: String,
    #[serde(default)]
    #[schema(examples("Moderate"))]
    severity_label: String,
    flags: Vec<Flag>,
    #[schema(required = false)]
    rule: RuleRef,
    rules_version: String,
    /// Present only when the instrument's suicide item is positive
    #[schema(required = false)]
    crisis: Crisis,
}

/// The query parameters of `GET /api/v1/clinics` (DESIGN.md, "Clinic search").
// Mirror: the handler parses the raw query string with the directory crate's `SearchParams::parse`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ClinicSearchQuery {
    /// LAT,LON in decimal degrees (WGS 84); give this or `zip`
    #[param(example = "40.75,-73.99")]
    near: Option<String>,
    /// A five-digit ZIP code (ZIP+4 is cut to five), placed at its centroid; give this or `near`
    #[param(example = "10001")]
    zip: Option<String>,
    /// Largest distance in kilometres; absent means no limit
    #[param(exclusive_minimum = 0)]
    radius_km: Option<f64>,
    /// Page size; 0 returns only `total`
    #[param(schema_with = limit)]
    limit: Option<i64>,
    /// Results to skip
    #[param(schema_with = offset)]
    offset: Option<i64>,
    /// Comma list; every one must be offered
    #[param(schema_with = offers)]
    offers: Option<String>,
    /// Comma list; every one must be accepted
    #[param(schema_with = payments)]
    payment: Option<String>,
    /// true: only clinics offering telehealth (false means no filter)
    telehealth: Option<bool>,
    /// An ISO 639-1 code the clinic must speak
    #[param(example = "es")]
    language: Option<String>,
    /// true: only clinics accepting new patients (false means no filter)
    accepting: Option<bool>,
}

fn limit() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::Integer)
        .minimum(Some(0))
        .maximum(Some(MAX_LIMIT as f64))
        .description(Some(format!("Default {DEFAULT_LIMIT}")))
}

fn offset() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).maximum(Some(MAX_OFFSET as f64))
}

fn offers() -> ObjectBuilder {
    let all: Vec<&str> = Offer::ALL.iter().map(|o| o.code()).collect();
    ObjectBuilder::new().schema_type(Type::String).description(Some(format!("Codes: {}", all.join(", "))))
}

fn payments() -> ObjectBuilder {
    let all: Vec<&str> = Payment::ALL.iter().map(|p| p.code()).collect();
    ObjectBuilder::new().schema_type(Type::String).description(Some(format!("Codes: {}", all.join(", "))))
}

/// The `{instrument}` path parameter, limited to the instruments the server scores.
// Mirror: the real `InstrumentParam` is a tuple struct, which IntoParams cannot name.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct InstrumentPath {
    #[param(schema_with = instrument_codes, required = true)]
    instrument: String,
}

// Mirror: the real type lives in the pure directory crate, which has no utoipa dependency yet.
#[derive(Deserialize, ToSchema)]
pub struct ClinicSearch {
    #[schema(inline)]
    origin: Origin,
    #[schema(required = true)]
    radius_km: Option<f64>,
    /// Every match within the radius, not only this page
    total: i64,
    limit: i64,
    offset: i64,
    results: Vec<ClinicResult>,
}

#[derive(Deserialize, ToSchema)]
struct Origin {
    lat: f64,
    lon: f64,
}

/// The fields a listing shows in both forms.
#[derive(Deserialize, ToSchema)]
struct Listing {
    id: String,
    name: String,
    lat: f64,
    lon: f64,
    street: String,
    city: String,
    state: String,
    zip: String,
    phone: Option<String>,
    website: Option<String>,
    #[schema(schema_with = offer_codes)]
    offers: Vec<String>,
    #[schema(schema_with = payment_codes)]
    payment: Vec<String>,
    telehealth: bool,
    languages: Vec<String>,
    accepting_new_patients: bool,
    rems_certified: bool,
    #[schema(required = true, format = Date)]
    last_verified: Option<String>,
    /// Present and true for fictional demo listings
    #[serde(default)]
    demo: bool,
}

fn offer_codes() -> ArrayBuilder {
    code_array(Offer::ALL.iter().map(|o| o.code()))
}

fn payment_codes() -> ArrayBuilder {
    code_array(Payment::ALL.iter().map(|p| p.code()))
}

/// A listing as a search result, with its distance.
// Mirror: the real type lives in the pure directory crate, which has no utoipa dependency yet.
#[derive(Deserialize, ToSchema)]
pub struct ClinicResult {
    #[serde(flatten)]
    listing: Listing,
    /// Great-circle kilometres, 3 decimals
    distance_km: f64,
}

/// A listing as its own record.
// Mirror: the real type lives in the pure directory crate, which has no utoipa dependency yet.
#[derive(Deserialize, ToSchema)]
pub struct Clinic {
    #[serde(flatten)]
    listing: Listing,
    /// Present only for a clinic that publishes its outcomes and has at least 11 patients in a line: response and
    /// remission with Wilson 95% intervals, the number of patients, the period and the rules
    #[serde(default)]
    #[schema(inline)]
    outcomes: Vec<PublishedOutcome>,
    #[serde(default)]
    #[schema(inline)]
    position_source: PositionSource,
    verified_by: Option<String>,
    description: Option<String>,
    #[serde(default)]
    accessibility: Vec<String>,
    #[serde(default)]
    #[schema(inline)]
    hours: Vec<Hours>,
}

#[derive(Deserialize, ToSchema)]
struct PublishedOutcome {
    modality: String,
    instrument: String,
    #[schema(minimum = 11)]
    patients: i64,
    #[schema(inline)]
    period: Period,
    response: Proportion,
    remission: Proportion,
    #[serde(default)]
    response_reduction_pct: i64,
    #[serde(default)]
    remission_max: i64,
    response_rule: RuleRef,
    remission_rule: RuleRef,
}

#[derive(Deserialize, ToSchema)]
struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Default, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum PositionSource {
    #[default]
    Record,
    ZipCentroid,
}

#[derive(Deserialize, ToSchema)]
struct Hours {
    #[serde(default)]
    #[schema(inline)]
    days: Vec<Day>,
    #[serde(default)]
    #[schema(examples("09:00"))]
    opens: String,
    #[serde(default)]
    #[schema(examples("17:00"))]
    closes: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

/// The registry's answer: only its top-level fields are promised here (docs/research-export.md has the rest).
// Mirror: the registry is the research crate's JSON document, promised here by its top-level keys only.
#[derive(Deserialize, ToSchema)]
pub(crate) struct Registry {
    as_of: serde_json::Value,
    patients: serde_json::Value,
    outcomes: serde_json::Value,
    adverse_events: serde_json::Value,
    bp_gate: serde_json::Value,
    rules: serde_json::Value,
}
