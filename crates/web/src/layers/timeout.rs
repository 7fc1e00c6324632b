//! Request timeout: a request that is not answered in time (a slow body upload, a stuck engine) ends with 408
//! in the usual error shape, so that slow clients cannot hold workers forever.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::{ApiError, respond};
use crate::state::AppState;

/// Middleware: answers 408 when the inner service takes longer than `request_timeout`.
pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // The path is copied before the request moves, to pick JSON or HTML for the timeout answer.
    let path = request.uri().path().to_owned();
    match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => respond(&path, state.config.demo, ApiError::Timeout),
    }
}
