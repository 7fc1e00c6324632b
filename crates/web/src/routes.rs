//! The one route table: every path KetaPath answers, the JSON API table the OpenAPI document is checked
//! against, and the layers around them. `app(state)` is all a test needs; no socket.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler;
use axum::http::{Method, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::{ApiError, respond};
use crate::layers::{edge, metrics};
use crate::state::AppState;
use crate::{api, assets, fhir, ops, pages};

/// One JSON API route: its method and path (OpenAPI syntax, `{param}`) and its handler.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    handler: MethodRouter<AppState>,
}

impl ApiRoute {
    fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Self {
        Self { method: Method::GET, path, handler: get(handler) }
    }

    fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Self {
        Self { method: Method::POST, path, handler: post(handler) }
    }
}

impl std::fmt::Debug for ApiRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.method, self.path)
    }
}

/// Every JSON route under `/api`. The router is built from this list and the OpenAPI test reads it, so the
/// two cannot drift.
pub fn api_routes() -> Vec<ApiRoute> {
    vec![
        ApiRoute::get("/api/openapi.json", api::openapi::document),
        ApiRoute::get("/api/v1/clinics", api::clinics::search),
        ApiRoute::get("/api/v1/clinics/{id}", api::clinics::get),
        ApiRoute::post("/api/v1/instruments/{instrument}/score", api::instruments::score),
        ApiRoute::post("/api/v1/screenings", api::screenings::create),
        ApiRoute::post("/api/v1/patients", api::patients::create),
        ApiRoute::get("/api/v1/patients", api::patients::list),
        ApiRoute::get("/api/v1/patients/{id}", api::patients::get),
        ApiRoute::post("/api/v1/patients/{id}/assessments", api::patients::record_assessment),
        ApiRoute::get("/api/v1/registry", api::research::public_registry),
        ApiRoute::get("/api/v1/clinic/registry", api::research::own_clinic),
        ApiRoute::get("/api/v1/research/export", api::research::export),
    ]
}

/// The application: pages, API, operations endpoints, static assets, and the layers every response passes.
///
/// Layers, outermost first: the edge (rate limit for POSTs, timeout, metrics, security headers; see
/// [`crate::layers::edge`]), the panic catcher (so a panic is still a response with headers), the body limit.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new()
        .route("/", get(pages::home::page))
        .route("/about", get(pages::about::page))
        .route("/registry", get(pages::registry::page))
        .route("/find", get(pages::find::page))
        .route("/clinics/{id}", get(pages::clinic::page))
        .route("/clinics/{id}/report", post(pages::clinic::report))
        .route("/check", get(pages::check::start).post(pages::check::submit))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/static/{file}", get(assets::serve));
    for route in api_routes() {
        router = router.route(route.path, route.handler);
    }
    for route in fhir::routes() {
        router = router.route(route.path, route.handler);
    }
    router
        // Both calls apply to the routes above, so they come after every `route`.
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(from_fn(metrics::tag_route))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(CatchPanicLayer::custom(|_panic| ApiError::Internal.into_response()))
        .layer(from_fn_with_state(state.clone(), edge::edge))
        .with_state(state)
}

/// Any path no route matches: a JSON 404 under `/api`, an OperationOutcome under `/fhir`, an HTML page elsewhere.
async fn not_found(State(state): State<AppState>, uri: Uri) -> Response {
    respond(uri.path(), state.config.demo, ApiError::NotFound)
}

/// A known path with a method it does not take. axum keeps the `Allow` header on this response.
async fn method_not_allowed(State(state): State<AppState>, uri: Uri) -> Response {
    respond(uri.path(), state.config.demo, ApiError::MethodNotAllowed)
}
