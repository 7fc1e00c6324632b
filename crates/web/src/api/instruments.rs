//! `POST /api/v1/instruments/{instrument}/score`: scores one administration of a rating instrument.
//!
//! Input `{"items": [..]}`, output the instrument's total, severity, flags and rules version, and a top-level
//! `crisis` block when the instrument's suicide item is positive (PHQ-9 item 9, MADRS item 10, QIDS-SR16 item 12);
//! the same document as `ketapath score INSTRUMENT --json`. Item scores are parsed by `ketapath_clinical`, whose
//! errors name the item (`items[3]`). The answers are not logged or kept.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Response;
use ketapath_clinical::instruments::{Instrument, score_document};
use serde_json::Value;

use super::openapi_responses::PublicJsonBody;
use super::openapi_schemas::Error;
use super::private_json;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiPath};

/// The `{instrument}` path segment, parsed before the body is read so an unknown instrument answers 404 whatever
/// the body holds.
#[derive(Debug, Clone, Copy)]
pub struct InstrumentParam(pub Instrument);

impl<S: Send + Sync> FromRequestParts<S> for InstrumentParam {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let ApiPath(code) = ApiPath::<String>::from_request_parts(parts, state).await?;
        Instrument::parse(&code).map(InstrumentParam).map_err(|e| ApiError::UnknownInstrument(e.message))
    }
}

/// The handler.
#[utoipa::path(
    post,
    path = "/api/v1/instruments/{instrument}/score",
    operation_id = "scoreInstrument",
    summary = "Score one administration of a rating instrument",
    description = format!("Item counts and ranges: {}. A wrong count, a value out of range or a non-integer answers 400 naming the item (`items[3]`).", super::openapi::item_ranges()),
    params(super::openapi_schemas::InstrumentPath),
    request_body = super::openapi_schemas::ScoreRequest,
    responses(
        (status = 200, description = "The score; with a top-level `crisis` block when the suicide item is positive (PHQ-9 item 9 >= 1 urgent; MADRS item 10 >= 2 urgent, >= 5 emergency; QIDS-SR16 item 12 >= 1 urgent, 3 emergency)", body = ketapath_clinical::instruments::ScoreReport),
        (status = 400, description = "Invalid items (`invalid_input`, naming the item) or a body that is not JSON (`malformed_json`)", body = Error),
        (status = 404, description = "Unknown instrument (`unknown_instrument`); the message lists the known ones", body = Error),
        PublicJsonBody,
    )
)]
pub async fn score(
    InstrumentParam(instrument): InstrumentParam,
    ApiJson(document): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let report = score_document(instrument, &document)?;
    Ok(private_json(&report))
}
