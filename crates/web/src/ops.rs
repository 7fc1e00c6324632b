//! Operations endpoints: `GET /healthz` (the process answers), `GET /readyz` (its dependencies are ready) and
//! `GET /metrics` (Prometheus text).
//!
//! The metrics tell an outsider which routes are used and how busy the clinic is, so they are not public: on the
//! public port `/metrics` answers only a caller with the metrics bearer token (`--metrics-token`), and 404 when no
//! token is set; the separate metrics listener (`--metrics-listen`) serves them on a private address.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use secrecy::ExposeSecret;
use subtle::ConstantTimeEq;

use crate::error::{ApiError, respond};
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

/// `/metrics` on the public port: 404 unless a metrics token is set, then 401 without it.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.config.metrics_token.is_none() {
        return respond("/metrics", state.config.demo, ApiError::NotFound);
    }
    metrics_listener(State(state), headers).await
}

/// `/metrics` on the metrics listener: the metrics, behind the token too when one is set.
pub async fn metrics_listener(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.config.metrics_token {
        let sent = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Compared in constant time, so that the answer's timing does not reveal how much of a guess was right.
        if !bool::from(sent.trim().as_bytes().ct_eq(token.expose_secret().as_bytes())) || sent.is_empty() {
            return ApiError::Unauthorized("send the metrics token as `Authorization: Bearer TOKEN`".to_owned())
                .into_response();
        }
    }
    let content_type = HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8");
    ([NO_STORE, (header::CONTENT_TYPE, content_type)], state.metrics.render()).into_response()
}
