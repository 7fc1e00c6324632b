//! The schemas of the public routes (clinic search, scoring, the self-check, the registry) that the OpenAPI
//! document cannot derive from a real type, because the handler reads the request as a raw JSON value or query
//! string that a pure crate's parser checks: each mirror says why in a comment. The answers derive their schemas
//! from the real types (`ketapath-clinical`, `-directory` and `-research` with their `openapi` feature). Only the
//! document uses these.

// These types exist to be described, never built or read: the derive is their only use.
#![allow(dead_code)]

use ketapath_clinical::safety::conditions;
use ketapath_directory::search::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
use ketapath_directory::{Offer, Payment};
use serde::Deserialize;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, Schema, SchemaType, Type};
use utoipa::{IntoParams, PartialSchema, ToSchema};

pub(crate) use crate::error::ErrorBody as Error;

use super::openapi::{code_array, instrument_codes, non_negative_integers, nullable_codes, or_null};

// Mirror: the handler reads the body as a JSON value that the clinical crate's `Items::parse` checks.
#[derive(Deserialize, ToSchema)]
#[schema(examples(json!({"items": [0, 1, 2, 3, 0, 1, 2, 1, 0]})))]
pub struct ScoreRequest {
    #[schema(schema_with = non_negative_integers)]
    items: Vec<i64>,
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

/// The registry's answer: only its top-level fields are promised here (docs/research-export.md has the rest).
// Mirror: the registry is the research crate's JSON document, promised here by its top-level keys only.
#[derive(Deserialize, ToSchema)]
pub(crate) struct Registry {
    /// The date the figures were computed for (`YYYY-MM-DD`, the server's date).
    #[schema(format = Date)]
    as_of: String,
    patients: serde_json::Value,
    outcomes: serde_json::Value,
    adverse_events: serde_json::Value,
    bp_gate: serde_json::Value,
    rules: serde_json::Value,
    visibility: serde_json::Value,
}
