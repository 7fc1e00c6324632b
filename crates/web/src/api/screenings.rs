//! `POST /api/v1/screenings`: the anonymous self-check (DESIGN.md, Self-check). The body is the self-check input,
//! the answer the `Screening` document of `ketapath_clinical::screen`, the same as `ketapath screen --json`.
//!
//! Nothing is stored and nothing is logged: the handler holds the answers only for the duration of the call, the
//! answer is `Cache-Control: no-store`, and no tracing span or metrics label carries a value from the body (a test
//! captures the log output of a request and looks for the answers).

use axum::extract::State;
use axum::response::Response;
use ketapath_clinical::screen::{ScreeningInput, screen};
use serde_json::Value;

use super::private_json;
use crate::error::ApiError;
use crate::extract::ApiJson;
use crate::state::AppState;

/// The handler.
pub async fn create(State(state): State<AppState>, ApiJson(document): ApiJson<Value>) -> Result<Response, ApiError> {
    let input = ScreeningInput::parse(&document)?;
    Ok(private_json(&screen(&input, &state.screen)))
}
