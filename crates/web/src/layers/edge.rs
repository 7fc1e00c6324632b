//! The one outer middleware, in the order a request meets it: the public rate limit for writes, the request timeout,
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

use super::rate_limit::LimitKey;
use super::{client, metrics, rate_limit, request_id, security_headers};
use crate::error::{ApiError, is_machine_path, respond};
use crate::pages::error_page;
use crate::portal::sign_in_cookie::{LOGIN_PATH, cookie, sign_in_cookie_name};
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
        && is_public_write(state, &request)
        && let Err(error) = state.limit(LimitKey::Public(client::client_key(
            request.headers(),
            request.extensions(),
            &state.config.trusted_proxies,
        )))
    {
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

/// Whether a write takes from its client address's public allowance here. Two kinds are limited further in:
/// the sign-in, per (account, address), once its form names the account (`portal::login`); and writes to staff
/// routes that carry a credential, per signed-in user once it is checked (`auth`, `portal::sign_in_cookie`), where a
/// credential that is refused takes from the address's public allowance after all. So a clinic's staff behind
/// one NAT address never share one allowance.
fn is_public_write(state: &AppState, request: &Request) -> bool {
    let path = request.uri().path();
    if path == LOGIN_PATH {
        return false;
    }
    let staff_route = path.starts_with("/portal/")
        || path.starts_with("/fhir/")
        || (path.starts_with("/api/") && !is_public_api_write(path));
    let headers = request.headers();
    let credential = headers.contains_key(axum::http::header::AUTHORIZATION)
        || cookie(headers, sign_in_cookie_name(state)).is_some();
    !(staff_route && credential)
}

/// The API's writes that need no sign-in (path prefixes). The access matrix test checks that every write the
/// API's route table marks `Access::Public` matches one and no staff write does
/// (`public_writes_take_from_the_address_allowance`), so a new public route cannot slip past the per-address
/// limit. Prefixes rather than the table's templates, because this runs on every request with the concrete path.
const PUBLIC_API_WRITES: [&str; 2] = ["/api/v1/instruments/", "/api/v1/screenings"];

/// Whether an API path is one of the writes that need no sign-in.
pub fn is_public_api_write(path: &str) -> bool {
    PUBLIC_API_WRITES.iter().any(|p| path.starts_with(p))
}
