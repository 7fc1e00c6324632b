//! JSON API handlers under `/api`. Routes are registered from the table in [`crate::routes::api_routes`].

pub mod clinics;
pub mod instruments;
pub mod openapi;
pub mod patients;
pub mod screenings;
pub mod self_report;
mod self_report_openapi;

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A JSON answer computed from someone's health answers: `Cache-Control: no-store`, so that no browser or proxy
/// keeps a copy. Every route that answers from submitted answers (scores, self-checks) uses it.
pub fn private_json(value: &impl Serialize) -> Response {
    let mut response = Json(value).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
