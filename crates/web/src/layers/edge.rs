//! The one outer middleware, in the order a request meets it: a rate-limit token for POSTs, the request timeout,
//! then on the way out the metrics record and the security headers, so that every response (errors, 404s, 429s,
//! timeouts, caught panics) is counted and carries the headers. The request id is known to the handlers (see
//! [`request_id`]) and every 5xx is logged with it.
//!
//! One layer rather than four keeps the per-request cost low (each axum middleware boxes a future and clones the
//! inner service); the policies themselves live in their own modules.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::{metrics, rate_limit, request_id, security_headers};
use crate::error::{ApiError, is_machine_path, respond};
use crate::pages::error_page;
use crate::state::AppState;

/// The middleware.
pub async fn edge(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let id = request_id::take(&mut request);
    let mut response = request_id::scope(id.clone(), handle(&state, request, next)).await;
    let route = metrics::route_label(&response);
    let status = response.status();
    if status.is_server_error() {
        // Every 5xx leaves one line naming the request id the client was shown, the method and the route
        // template (never the path, whose ids and query could identify a patient, nor any body).
        tracing::error!(request_id = %id, %method, route, status = status.as_u16(), "request failed");
    }
    state.metrics.record(route, &method, status.as_u16(), started.elapsed());
    security_headers::apply(response.headers_mut(), state.config.hsts);
    response
}

async fn handle(state: &AppState, request: Request, next: Next) -> Response {
    if rate_limit::is_limited(request.method())
        && let Err(wait) =
            state.limiter.take(rate_limit::client_key(&request, &state.config.trusted_proxies), Instant::now())
    {
        let error = ApiError::RateLimited { retry_after_secs: wait.as_secs().max(1) };
        return respond(request.uri().path(), state.config.demo, error);
    }
    // Decided before the request moves: an OperationOutcome, JSON or HTML for a timeout. The page does not echo the path.
    let machine = is_machine_path(request.uri().path());
    let fhir = crate::fhir::is_fhir_path(request.uri().path());
    match tokio::time::timeout(state.config.request_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) if fhir => crate::fhir::outcome::FhirError::from(ApiError::Timeout).into_response(),
        Err(_) if machine => ApiError::Timeout.into_response(),
        Err(_) => error_page(state.config.demo, &ApiError::Timeout, ""),
    }
}
