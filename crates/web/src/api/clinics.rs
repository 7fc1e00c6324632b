//! `GET /api/v1/clinics` (search, DESIGN.md "Clinic search") and `GET /api/v1/clinics/{id}` (one listing).
//!
//! The query string is parsed by the one parser the CLI also uses ([`SearchParams::parse`]), the ZIP is resolved
//! with the shipped gazetteer, and the answer is the CLI's `--json` document ([`SearchResponse`]). The response
//! borrows from the index, so it is serialized while the read lock is held and the lock is released at once.

use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use ketapath_clinical::InvalidInput;
use ketapath_directory::model::{OpeningHours, PositionSource};
use ketapath_directory::search::{ParamError, Query, SearchParams, SearchResponse, SearchResult};
use ketapath_directory::{Clinic, ClinicId, Gazetteer, Language, Offers, Payments};
use serde::Serialize;

use crate::directory::Directory;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;

/// The decoded `name=value` pairs of a query string, in order, repeats kept (the parser rejects repeats).
pub fn query_pairs(uri: &Uri) -> Vec<(String, String)> {
    form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()).into_owned().collect()
}

/// A search parameter error as the one error shape, naming the parameter.
pub fn param_error(error: ParamError) -> ApiError {
    ApiError::InvalidInput(InvalidInput::new(error.param.clone(), error.to_string()))
}

/// The query with its origin resolved through the shipped ZIP data (`SearchParams::resolve`, shared with the CLI).
/// A ZIP the data does not know is a 400 naming `zip`, never a search around a default place.
pub fn resolve(params: &SearchParams) -> Result<Query, ApiError> {
    params.resolve(Gazetteer::shipped()).map_err(param_error)
}

/// Runs `query` and hands the result to `f` while the index is read-locked; `f` must copy out what it keeps.
pub fn with_results<R>(directory: &Directory, query: &Query, f: impl FnOnce(&SearchResult<'_>) -> R) -> R {
    directory.read(|index| f(&index.search(query)))
}

/// `GET /api/v1/clinics`.
pub async fn search(State(state): State<AppState>, uri: Uri) -> Result<Response, ApiError> {
    let params = SearchParams::parse(&query_pairs(&uri)).map_err(param_error)?;
    let query = resolve(&params)?;
    // A result record is about 400 bytes of JSON; reserving once avoids regrowing the buffer on every response.
    let body = with_results(&state.directory, &query, |result| {
        let mut buffer = Vec::with_capacity(256 + 512 * result.hits.len());
        serde_json::to_writer(&mut buffer, &SearchResponse::new(&query, result)).map(|()| buffer)
    })
    .map_err(|error| {
        tracing::error!(%error, "search response did not serialize");
        ApiError::Internal
    })?;
    Ok(([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response())
}

/// One listing as `GET /api/v1/clinics/{id}` returns it: the search result's fields (without a distance) and the
/// listing's details (hours, accessibility, description, who verified it).
#[derive(Debug, Clone, Serialize)]
pub struct ClinicRecord<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub lat: f64,
    pub lon: f64,
    /// `record` when the listing gave coordinates, `zip_centroid` when it was placed at its ZIP's centre.
    pub position_source: PositionSource,
    pub street: &'a str,
    pub city: &'a str,
    pub state: &'a str,
    pub zip: &'a str,
    pub phone: Option<&'a str>,
    pub website: Option<&'a str>,
    pub offers: Offers,
    pub payment: Payments,
    pub telehealth: bool,
    pub languages: &'a [Language],
    pub accepting_new_patients: bool,
    pub rems_certified: bool,
    /// `YYYY-MM-DD`.
    pub last_verified: Option<String>,
    pub verified_by: Option<&'a str>,
    pub hours: &'a [OpeningHours],
    pub accessibility: &'a [String],
    pub description: Option<&'a str>,
    /// A fictional listing (`--demo`); present only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub demo: bool,
}

impl<'a> ClinicRecord<'a> {
    pub fn new(c: &'a Clinic) -> Self {
        ClinicRecord {
            id: c.id.as_str(),
            name: &c.name,
            lat: c.position.lat,
            lon: c.position.lon,
            position_source: c.position_source,
            street: &c.address.street,
            city: &c.address.city,
            state: &c.address.state,
            zip: &c.address.zip,
            phone: c.phone.as_deref(),
            website: c.website.as_deref(),
            offers: c.offers,
            payment: c.payment,
            telehealth: c.telehealth,
            languages: &c.languages,
            accepting_new_patients: c.accepting_new_patients,
            rems_certified: c.rems_certified,
            last_verified: c.last_verified.map(iso_date),
            verified_by: c.verified_by.as_deref(),
            hours: &c.hours,
            accessibility: &c.accessibility,
            description: c.description.as_deref(),
            demo: c.demo,
        }
    }
}

/// `YYYY-MM-DD`.
pub fn iso_date(date: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
}

/// Parses an `{id}` path segment; an id that cannot exist is simply not found.
pub fn lookup(directory: &Directory, raw: &str) -> Result<Clinic, ApiError> {
    let id = ClinicId::parse(raw).map_err(|_| ApiError::NotFound)?;
    directory.clinic(&id).ok_or(ApiError::NotFound)
}

/// `GET /api/v1/clinics/{id}`.
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Response, ApiError> {
    let clinic = lookup(&state.directory, &id)?;
    Ok(axum::Json(ClinicRecord::new(&clinic)).into_response())
}
