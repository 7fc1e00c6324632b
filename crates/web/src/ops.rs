//! Operations endpoints: `GET /healthz` (the process answers), `GET /readyz` (its dependencies are ready) and
//! `GET /metrics` (Prometheus text).

use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::state::AppState;

const NO_STORE: (header::HeaderName, HeaderValue) = (header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
const TEXT: (header::HeaderName, HeaderValue) =
    (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));

/// Liveness: 200 `ok` while the process can answer at all.
pub async fn healthz() -> Response {
    ([NO_STORE, TEXT], "ok").into_response()
}

/// Readiness: 200 `ready`, or 503 `not_ready` with the reason the readiness seam gave.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.readiness.check().await {
        Ok(()) => ([NO_STORE, TEXT], "ready").into_response(),
        Err(reason) => {
            let mut response = ApiError::NotReady(reason).into_response();
            response.headers_mut().insert(NO_STORE.0, NO_STORE.1);
            response
        }
    }
}

/// Prometheus text exposition of the request metrics.
pub async fn metrics(State(state): State<AppState>) -> Response {
    let content_type = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    ([NO_STORE, (header::CONTENT_TYPE, content_type)], state.metrics.render()).into_response()
}
