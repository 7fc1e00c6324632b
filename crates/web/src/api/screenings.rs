//! `POST /api/v1/screenings`: the anonymous self-check (DESIGN.md, Self-check). The body is the self-check input,
//! the answer the `Screening` document of `ketapath_clinical::screen`, the same as `ketapath screen --json`.
//!
//! Invalid answers are a 400 naming the field; when PHQ-9 item 9 or `acting_on_thoughts` can still be read, the
//! crisis block they call for comes beside the error, `{"error": {...}, "crisis": {...}}` (issue 13, item 6).
//!
//! Nothing is stored and nothing is logged: the handler holds the answers only for the duration of the call, the
//! answer is `Cache-Control: no-store`, and no tracing span or metrics label carries a value from the body (a test
//! captures the log output of a request and looks for the answers).

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use ketapath_clinical::screen::{ScreeningInput, screen};
use serde_json::Value;

use super::private_json;
use crate::error::{ApiError, with_crisis};
use crate::extract::ApiJson;
use crate::state::AppState;

/// The handler.
pub async fn create(State(state): State<AppState>, ApiJson(document): ApiJson<Value>) -> Response {
    match ScreeningInput::parse_or_triage(&document) {
        Ok(input) => private_json(&screen(&input, &state.screen)),
        Err(invalid) => {
            let error = ApiError::InvalidInput(invalid.error);
            match &invalid.crisis {
                Some(crisis) => with_crisis(&error, crisis),
                None => error.into_response(),
            }
        }
    }
}
