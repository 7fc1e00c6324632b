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
pub async fn score(
    InstrumentParam(instrument): InstrumentParam,
    ApiJson(document): ApiJson<Value>,
) -> Result<Response, ApiError> {
    let report = score_document(instrument, &document)?;
    Ok(private_json(&report))
}
