//! JSON API handlers under `/api`. Routes are registered from the table in [`crate::routes::api_routes`].

pub mod clinics;
pub mod consent;
pub mod courses;
pub mod instruments;
pub mod intake;
pub mod listing;
pub mod openapi;
mod openapi_responses;
mod openapi_schemas;
mod openapi_treatment;
pub mod outcomes;
pub mod patients;
pub mod protocol;
pub mod rems_forms;
pub mod research;
pub mod screenings;
pub mod self_report;
pub mod session_record;
pub mod sessions;
pub mod staff;

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A JSON answer computed from someone's health answers: `Cache-Control: no-store`, so that no browser or proxy
/// keeps a copy. Every route that answers from submitted answers (scores, self-checks) uses it.
pub fn private_json(value: &impl Serialize) -> Response {
    let mut response = Json(value).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `201 Created` with a private JSON body.
pub fn created(value: &impl Serialize) -> Response {
    let mut response = private_json(value);
    *response.status_mut() = StatusCode::CREATED;
    response
}

/// An instant as the API writes it (RFC 3339).
pub fn rfc3339(at: time::OffsetDateTime) -> Result<String, crate::error::ApiError> {
    at.format(&time::format_description::well_known::Rfc3339).map_err(|_| crate::error::ApiError::Internal)
}

/// An optional instant as the API writes it.
pub fn rfc3339_opt(at: Option<time::OffsetDateTime>) -> Result<Option<String>, crate::error::ApiError> {
    at.map(rfc3339).transpose()
}
