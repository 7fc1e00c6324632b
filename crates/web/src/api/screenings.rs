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

use super::openapi_responses::PublicJsonBody;
use super::private_json;
use crate::error::{ApiError, ErrorWithCrisis, with_crisis};
use crate::extract::ApiJson;
use crate::state::AppState;

/// The handler.
#[utoipa::path(
    post,
    path = "/api/v1/screenings",
    operation_id = "createScreening",
    summary = "Run the anonymous self-check",
    description = "PHQ-9 answers, past antidepressant trials, conditions, age and blood pressure in; crisis level and resources (always first), PHQ-9 score, trial judgements, TRD status, contraindications, cautions and what to discuss with a clinician out. Only `phq9` is required. Nothing is stored or logged; the answer is `Cache-Control: no-store`. Every invalid input answers 400 naming the field (`phq9[3]`, `trials[0].weeks`, `conditions[1]`).",
    request_body = super::openapi_schemas::ScreeningRequest,
    responses(
        (status = 200, description = "The self-check result", body = ketapath_clinical::screen::Screening),
        (status = 400, description = "Invalid input (`invalid_input`, naming the field) or a body that is not JSON (`malformed_json`). When PHQ-9 item 9 or `acting_on_thoughts` can still be read, the crisis block they call for comes beside the error (`crisis`, the same shape as in the result); when item 9 itself cannot be read and `acting_on_thoughts` is not true, there is none and the error names the field", body = ErrorWithCrisis),
        PublicJsonBody,
    )
)]
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
