//! `GET /api/v1/clinics` (search, DESIGN.md "Clinic search") and `GET /api/v1/clinics/{id}` (one listing).
//!
//! The query string is parsed by the one parser the CLI also uses ([`SearchParams::parse`]), the ZIP is resolved
//! with the shipped gazetteer, and the answer is the CLI's `--json` document ([`SearchResponse`]). The response
//! borrows from the index, so it is serialized while the read lock is held and the lock is released at once.

use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use ketapath_clinical::InvalidInput;
use ketapath_directory::export::ClinicRecord;
use ketapath_directory::search::{ParamError, Query, SearchParams, SearchResponse, SearchResult};
use ketapath_directory::{Clinic, ClinicId, Gazetteer};
use ketapath_research::stats::registry::PublishedOutcome;
use serde::Serialize;
use utoipa::ToSchema;

use super::openapi_schemas::Error;
use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::state::AppState;
use ketapath_care::directory::Directory;

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
#[utoipa::path(
    get,
    path = "/api/v1/clinics",
    operation_id = "searchClinics",
    summary = "Find clinics near a place, nearest first",
    description = "Exactly one of `near` or `zip` is required. Results are sorted by great-circle distance (sphere of radius 6371.0088 km), then by id; `total` counts every match within the radius, not only the page. Every invalid or unknown parameter answers 400 naming it in `field`; a ZIP code missing from KetaPath's ZIP data answers 400 naming `zip`. The same document as `ketapath clinics search --json`.",
    params(super::openapi_schemas::ClinicSearchQuery),
    responses(
        (status = 200, description = "A page of clinics", body = SearchResponse),
        (status = 400, description = "An invalid, unknown or repeated parameter, or an unknown ZIP code (`invalid_input`, naming the parameter)", body = Error),
    )
)]
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

/// Parses an `{id}` path segment; an id that cannot exist is simply not found.
pub fn lookup(directory: &Directory, raw: &str) -> Result<Clinic, ApiError> {
    let id = ClinicId::parse(raw).map_err(|_| ApiError::NotFound)?;
    directory.clinic(&id).ok_or(ApiError::NotFound)
}

/// `GET /api/v1/clinics/{id}`.
#[utoipa::path(
    get,
    path = "/api/v1/clinics/{id}",
    operation_id = "getClinic",
    summary = "One clinic listing",
    params(("id" = String, Path)),
    responses(
        (status = 200, description = "The listing", body = ClinicAnswer),
        (status = 404, description = "No listing with this id (`not_found`)", body = Error),
    )
)]
pub async fn get(State(state): State<AppState>, ApiPath(id): ApiPath<String>) -> Result<Response, ApiError> {
    let clinic = lookup(&state.directory, &id)?;
    Ok(answer(&state, &clinic).await.into_response())
}

/// The public record of `clinic` with its published outcomes: what `GET /api/v1/clinics/{id}` answers, and what
/// `PUT /api/v1/clinic/listing` answers after a change.
pub async fn answer<'a>(state: &AppState, clinic: &'a Clinic) -> axum::Json<ClinicAnswer<'a>> {
    let outcomes = state.published_outcomes(clinic.id.as_str()).await;
    axum::Json(ClinicAnswer { record: ClinicRecord::resolved(clinic), outcomes })
}

/// A listing as its own record: the resolved record, and the outcome lines of a clinic that opted in and has a cell
/// of at least 11 patients.
#[derive(Serialize, ToSchema)]
#[schema(as = Clinic)]
pub struct ClinicAnswer<'a> {
    #[serde(flatten)]
    record: ClinicRecord<'a>,
    /// Present only for a clinic that publishes its outcomes and has at least 11 patients in a line: response and
    /// remission with Wilson 95% intervals, the number of patients, the period and the rules.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    outcomes: Vec<PublishedOutcome>,
}
