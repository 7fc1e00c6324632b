//! Request timeout: a request that is not answered in time (a slow body upload, a stuck engine) ends with 408
//! in the usual error shape, so that slow clients cannot hold workers forever.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, is_machine_path};
use crate::pages::error_page;
use crate::state::AppState;

/// Middleware: answers 408 when the inner service takes longer than `request_timeout`.
pub async fn enforce(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // Decided before the request moves: JSON or HTML for the timeout answer. The page does not echo the path.
    let machine = is_machine_path(request.uri().path());
    match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) if machine => ApiError::Timeout.into_response(),
        Err(_) => error_page(state.config.demo, &ApiError::Timeout, ""),
    }
}
