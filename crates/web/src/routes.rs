//! The one route table: every path KetaPath answers, the JSON API table the OpenAPI document is checked
//! against, and the layers around them. `app(state)` is all a test needs; no socket.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler;
use axum::http::{Method, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post, put};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

use crate::error::{ApiError, respond};
use crate::layers::{edge, metrics};
use crate::state::AppState;
use crate::{api, assets, fhir, ops, pages, portal};

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

    fn put<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Self {
        Self { method: Method::PUT, path, handler: put(handler) }
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
        ApiRoute::put("/api/v1/patients/{id}/intake", api::intake::put),
        ApiRoute::get("/api/v1/patients/{id}/research-consent", api::consent::get),
        ApiRoute::put("/api/v1/patients/{id}/research-consent", api::consent::put),
        ApiRoute::get("/api/v1/clinic/outcome-publication", api::consent::get_publication),
        ApiRoute::put("/api/v1/clinic/outcome-publication", api::consent::put_publication),
        ApiRoute::get("/api/v1/patients/{id}/intake", api::intake::get),
        ApiRoute::post("/api/v1/patients/{id}/courses", api::courses::create),
        ApiRoute::get("/api/v1/patients/{id}/courses", api::courses::list),
        ApiRoute::get("/api/v1/courses/{id}", api::courses::get),
        ApiRoute::put("/api/v1/courses/{id}/schedule", api::courses::put_schedule),
        ApiRoute::post("/api/v1/courses/{id}/benefit-review", api::courses::benefit_review),
        ApiRoute::get("/api/v1/patients/{id}/outcomes", api::outcomes::get),
        ApiRoute::post("/api/v1/patients/{id}/sessions", api::sessions::start),
        ApiRoute::get("/api/v1/sessions/{id}", api::sessions::get),
        ApiRoute::post("/api/v1/sessions/{id}/pre-checks", api::sessions::pre_checks),
        ApiRoute::post("/api/v1/sessions/{id}/observations", api::sessions::observe),
        ApiRoute::post("/api/v1/sessions/{id}/alerts/{alert_id}/acknowledge", api::sessions::acknowledge_alert),
        ApiRoute::post("/api/v1/sessions/{id}/dose", api::sessions::dose),
        ApiRoute::post("/api/v1/sessions/{id}/adverse-events", api::sessions::adverse_event),
        ApiRoute::post("/api/v1/sessions/{id}/discharge", api::sessions::discharge),
        ApiRoute::post("/api/v1/sessions/{id}/early-departure", api::sessions::early_departure_post),
        ApiRoute::get("/api/v1/sessions/{id}/rems-form", api::rems_forms::get),
        ApiRoute::post("/api/v1/sessions/{id}/rems-form/submit", api::rems_forms::submit),
        ApiRoute::get("/api/v1/rems-forms/due", api::rems_forms::due),
        ApiRoute::get("/api/v1/clinic/protocol-settings", api::protocol::get),
        ApiRoute::put("/api/v1/clinic/protocol-settings", api::protocol::put),
        ApiRoute::get("/api/v1/registry", api::research::public_registry),
        ApiRoute::get("/api/v1/clinic/registry", api::research::own_clinic),
        ApiRoute::get("/api/v1/research/export", api::research::export),
        ApiRoute::post("/api/v1/patients/{id}/self-report-links", api::self_report::create),
        ApiRoute::get("/api/v1/patients/{id}/self-report-links", api::self_report::list),
        ApiRoute::post("/api/v1/patients/{id}/self-report-links/plan", api::self_report::plan),
        ApiRoute::get("/api/v1/self-report-alerts", api::self_report::alerts),
        ApiRoute::get("/api/v1/patients/{id}/assessments", api::patients::list_assessments),
    ]
}

/// One portal form route: its path, for the tests that post to every portal form without a token.
pub const PORTAL_FORMS: &[&str] = &[
    "/portal/logout",
    "/portal/sessions/{id}/rems",
    "/portal/patients/{id}/research-consent",
    "/portal/clinic/settings",
    "/portal/clinic/outcome-publication",
    "/portal/patients/{id}/courses",
    "/portal/courses/{id}/benefit-review",
    "/portal/patients/{id}/self-report-links",
    "/portal/patients/{id}/assessments",
    "/portal/patients/{id}/intake",
    "/portal/patients/{id}/sessions",
    "/portal/sessions/{id}/pre-checks",
    "/portal/sessions/{id}/observations",
    "/portal/sessions/{id}/dose",
    "/portal/sessions/{id}/adverse-events",
    "/portal/sessions/{id}/discharge",
    "/portal/sessions/{id}/alerts/{alert_id}/acknowledge",
    "/portal/sessions/{id}/early-departure",
    "/portal/patients/new",
    "/portal/referrals/{id}/status",
    "/portal/account/totp",
    "/portal/account/password",
    "/portal/login",
];

/// The clinic portal's pages and forms. Every answer is `Cache-Control: no-store`; every POST but the sign-in
/// takes [`portal::csrf::PortalForm`], and the sign-in checks its own double-submit token.
fn portal_routes() -> Router<AppState> {
    Router::new()
        .route("/portal", get(portal::dashboard::page))
        .route("/portal/login", get(portal::login::page).post(portal::login::submit))
        .route("/portal/logout", post(portal::login::logout))
        .route("/portal/patients", get(portal::patients::list))
        .route("/portal/patients/new", get(portal::patients::new_form).post(portal::patients::create))
        .route("/portal/patients/{id}", get(portal::patients::show))
        .route("/portal/patients/{id}/assessments", post(portal::patients::record_assessment))
        .route("/portal/patients/{id}/self-report-links", post(portal::self_report_links::create))
        .route("/portal/patients/{id}/courses", post(portal::sessions::plan_course))
        .route("/portal/courses/{id}/benefit-review", post(portal::course_review::submit))
        .route("/portal/patients/{id}/intake", get(portal::intake::form).post(portal::intake::submit))
        .route("/portal/patients/{id}/sessions", post(portal::sessions::start))
        .route("/portal/sessions/{id}", get(portal::sessions::show))
        .route("/portal/sessions/{id}/rems", get(portal::rems::show).post(portal::rems::submit))
        .route("/portal/sessions/{id}/rems.pdf", get(portal::rems::pdf))
        .route("/portal/sessions/{id}/pre-checks", post(portal::sessions::pre_checks))
        .route("/portal/sessions/{id}/observations", post(portal::sessions::observe))
        .route("/portal/sessions/{id}/dose", post(portal::sessions::dose))
        .route("/portal/sessions/{id}/adverse-events", post(portal::sessions::adverse_event))
        .route("/portal/sessions/{id}/discharge", post(portal::sessions::discharge))
        .route("/portal/sessions/{id}/alerts/{alert_id}/acknowledge", post(portal::sessions::acknowledge_alert))
        .route("/portal/sessions/{id}/early-departure", post(portal::early_departure::post))
        .route("/portal/referrals", get(portal::referrals::page))
        .route("/portal/referrals/{id}/status", post(portal::referrals::set_status))
        .route("/portal/patients/{id}/research-consent", post(portal::patients::record_consent))
        .route("/portal/clinic/settings", get(portal::clinic_settings::page).post(portal::clinic_settings::save))
        .route("/portal/clinic/outcome-publication", post(portal::clinic_settings::set_publication))
        .route("/portal/account", get(portal::account::page))
        .route("/portal/account/totp", post(portal::account::totp_action))
        .route("/portal/account/password", post(portal::account::change_password))
        .route_layer(from_fn(portal::no_store))
}

/// The application: pages, API, operations endpoints, static assets, and the layers every response passes.
///
/// Layers, outermost first: the edge (rate limit for POSTs, timeout, metrics, security headers; see
/// [`crate::layers::edge`]), the panic catcher (so a panic is still a response with headers), the body limit.
pub fn app(state: AppState) -> Router {
    // The dummy hash that unknown e-mails are checked against is made now, not on the first such sign-in, whose
    // answer would otherwise take twice as long and tell that the e-mail is unknown.
    portal::login::dummy_hash();
    let mut router = Router::new()
        .route("/", get(pages::home::page))
        .route("/about", get(pages::about::page))
        .route("/registry", get(pages::registry::page))
        .route("/find", get(pages::find::page))
        .route("/clinics/{id}", get(pages::clinic::page))
        .route("/clinics/{id}/report", post(pages::clinic::report))
        .route("/check", get(pages::check::start).post(pages::check::submit))
        .route("/check/send", post(pages::check::send::send))
        .route("/check/send/confirm", post(pages::check::send::confirm))
        .route("/r/{token}", get(pages::self_report::show).post(pages::self_report::submit))
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
        .merge(portal_routes())
        // Both calls apply to the routes above, so they come after every `route`.
        .method_not_allowed_fallback(method_not_allowed)
        .route_layer(from_fn(metrics::tag_route))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.config.body_limit_bytes))
        .layer(CatchPanicLayer::custom(|_panic| ApiError::Internal.into_response()))
        .layer(from_fn_with_state(state.clone(), edge::edge))
        // Outermost: the id is set before the edge layer reads it and copied to every response it produces.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
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
