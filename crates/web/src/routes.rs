//! The one route table: every path KetaPath answers, the JSON API table the OpenAPI document is checked
//! against, who may call a route ([`Access`], which the portal's table names per row), and the layers around
//! them. `app(state)` is all a test needs; no socket.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::handler::Handler;
use axum::http::{Method, Uri};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, delete, get, patch, post, put};
use ketapath_store::domain::Role;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};

use crate::error::{ApiError, respond};
use crate::i18n::{ES_PREFIX, Lang};
use crate::layers::{edge, metrics};
use crate::state::AppState;
use crate::{api, assets, fhir, ops, pages, portal};

/// Who may call a route. The portal's table ([`portal::routes::portal_routes`]) names it per row; the access
/// matrix test turns it into the status each caller gets (anonymous: 401 on the API, a redirect to sign-in in the
/// portal; a role it does not allow: 403; another clinic's record: 404 like a missing one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, with or without credentials (a token sent to a public route is ignored).
    Public,
    /// Every signed-in staff role, on their own account (the portal's account page and sign-out).
    OwnAccount,
    /// Clinic staff on their own clinic: a collection, a create or a page whose data are the caller's clinic's.
    ClinicCollection,
    /// Clinic staff on one record named in the path: another clinic's record answers 404 like a missing one.
    ClinicRecord,
    /// A record named in the path that only prescribers may change: other clinic roles get 403 before the record
    /// is looked up (so the refusal tells nothing about whether it exists), another clinic's record 404.
    PrescriberRecord,
    /// A record named in the path that only the care team (nurses and prescribers) may change: clinic admins get
    /// 403 before the record is looked up, another clinic's record 404.
    CareTeamRecord,
    /// As [`Access::CareTeamRecord`], but the record is looked up before the role is checked: another clinic's
    /// record answers 404 to every clinic role, and a clinic admin gets 403 on their own clinic's record only
    /// (the portal's early-departure form, which runs the departure's own check to show its confirmation page).
    CareTeamRecordLookedUpFirst,
    /// The caller's clinic's configuration, changed by clinic admins and prescribers only.
    AdminOrPrescriber,
    /// The caller's clinic's public face (outcome publication), changed by clinic admins only.
    ClinicAdmin,
    /// The cross-clinic research export: researchers only.
    Researcher,
    /// Staff administration's collections (the account list, adding a member): clinic admins for their own
    /// clinic, platform admins for any.
    StaffAdmin,
    /// One staff member named in the path: clinic admins for their own clinic's staff (another clinic's member
    /// answers 404), platform admins for anyone's.
    StaffAdminRecord,
    /// The platform's own work (the "List your clinic" queue): platform admins only.
    PlatformAdmin,
}

impl Access {
    /// Whether a signed-in caller of `role` is let through (the route may still answer 404 for another clinic's
    /// record, see [`Access::names_record`]).
    pub fn allows(self, role: Role) -> bool {
        match self {
            Access::Public | Access::OwnAccount => true,
            Access::ClinicCollection | Access::ClinicRecord => role.is_clinic_role(),
            Access::PrescriberRecord => role == Role::Prescriber,
            Access::CareTeamRecord | Access::CareTeamRecordLookedUpFirst => {
                matches!(role, Role::Prescriber | Role::Nurse)
            }
            Access::AdminOrPrescriber => matches!(role, Role::ClinicAdmin | Role::Prescriber),
            Access::ClinicAdmin => role == Role::ClinicAdmin,
            Access::Researcher => role == Role::Researcher,
            Access::StaffAdmin | Access::StaffAdminRecord => matches!(role, Role::ClinicAdmin | Role::PlatformAdmin),
            Access::PlatformAdmin => role == Role::PlatformAdmin,
        }
    }

    /// Whether a caller of `role` reaches every clinic's records through this route (a platform admin
    /// administering staff), so that another clinic's record answers it as its own.
    pub fn sees_every_clinic(self, role: Role) -> bool {
        self == Access::StaffAdminRecord && role == Role::PlatformAdmin
    }

    /// Whether the path names one clinic's record, which another clinic's staff cannot tell from a missing one.
    pub fn names_record(self) -> bool {
        matches!(
            self,
            Access::ClinicRecord
                | Access::PrescriberRecord
                | Access::CareTeamRecord
                | Access::CareTeamRecordLookedUpFirst
                | Access::StaffAdminRecord
        )
    }

    /// Whether another clinic's record answers 404 to every clinic role before the role is checked (so a clinic
    /// role the route does not allow gets 404 there, not 403; roles without patient access still get 403).
    pub fn looks_up_record_first(self) -> bool {
        self == Access::CareTeamRecordLookedUpFirst
    }
}

/// One JSON API route: its method and path (OpenAPI syntax, `{param}`), who may call it, and its handler.
///
/// `access` is enforced where the handler's extractors and use cases check it (`StaffActor`, `ClinicStaff`, the
/// care crate's role proofs), because they hold the authenticated actor and the record lookup whose order decides
/// between 403 and 404; a second check in a layer would authenticate twice. The table is the description the
/// access matrix test (every row x every role x own and other clinic, SQLite and PostgreSQL), docs/SECURITY.md
/// and the OpenAPI document's `security` and shared error answers are derived from, so the matrix proves that the
/// table and the extractors agree on every row.
pub struct ApiRoute {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    handler: MethodRouter<AppState>,
}

impl ApiRoute {
    fn get<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, handler: H) -> Self {
        Self { method: Method::GET, path, access, handler: get(handler) }
    }

    fn post<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, handler: H) -> Self {
        Self { method: Method::POST, path, access, handler: post(handler) }
    }

    fn put<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, handler: H) -> Self {
        Self { method: Method::PUT, path, access, handler: put(handler) }
    }

    fn patch<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, handler: H) -> Self {
        Self { method: Method::PATCH, path, access, handler: patch(handler) }
    }

    fn delete<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, handler: H) -> Self {
        Self { method: Method::DELETE, path, access, handler: delete(handler) }
    }
}

impl std::fmt::Debug for ApiRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({:?})", self.method, self.path, self.access)
    }
}

/// Every JSON route under `/api` and who may call it. The router is built from this list, and the OpenAPI
/// document, its test and the access matrix read it, so none of them can drift from what is served.
pub fn api_routes() -> Vec<ApiRoute> {
    use Access::{AdminOrPrescriber, CareTeamRecord, ClinicAdmin, ClinicCollection, ClinicRecord, Public};
    use Access::{PrescriberRecord, Researcher, StaffAdmin, StaffAdminRecord};
    vec![
        ApiRoute::get("/api/openapi.json", Public, api::openapi::document),
        ApiRoute::get("/api/v1/clinics", Public, api::clinics::search),
        ApiRoute::get("/api/v1/clinics/{id}", Public, api::clinics::get),
        ApiRoute::post("/api/v1/instruments/{instrument}/score", Public, api::instruments::score),
        ApiRoute::post("/api/v1/screenings", Public, api::screenings::create),
        ApiRoute::post("/api/v1/patients", ClinicCollection, api::patients::create),
        ApiRoute::get("/api/v1/patients", ClinicCollection, api::patients::list),
        ApiRoute::get("/api/v1/patients/{id}", ClinicRecord, api::patients::get),
        ApiRoute::post("/api/v1/patients/{id}/assessments", ClinicRecord, api::patients::record_assessment),
        ApiRoute::put("/api/v1/patients/{id}/intake", ClinicRecord, api::intake::put),
        ApiRoute::get("/api/v1/patients/{id}/research-consent", ClinicRecord, api::consent::get),
        ApiRoute::put("/api/v1/patients/{id}/research-consent", ClinicRecord, api::consent::put),
        ApiRoute::get("/api/v1/clinic/outcome-publication", ClinicCollection, api::consent::get_publication),
        ApiRoute::put("/api/v1/clinic/outcome-publication", ClinicAdmin, api::consent::put_publication),
        ApiRoute::put("/api/v1/clinic/listing", ClinicAdmin, api::listing::put),
        ApiRoute::get("/api/v1/patients/{id}/intake", ClinicRecord, api::intake::get),
        ApiRoute::post("/api/v1/patients/{id}/courses", ClinicRecord, api::courses::create),
        ApiRoute::get("/api/v1/patients/{id}/courses", ClinicRecord, api::courses::list),
        ApiRoute::get("/api/v1/courses/{id}", ClinicRecord, api::courses::get),
        ApiRoute::put("/api/v1/courses/{id}/schedule", PrescriberRecord, api::courses::put_schedule),
        ApiRoute::post("/api/v1/courses/{id}/benefit-review", PrescriberRecord, api::courses::benefit_review),
        ApiRoute::get("/api/v1/patients/{id}/outcomes", ClinicRecord, api::outcomes::get),
        ApiRoute::post("/api/v1/patients/{id}/sessions", ClinicRecord, api::sessions::start),
        ApiRoute::get("/api/v1/sessions/{id}", ClinicRecord, api::sessions::get),
        ApiRoute::post("/api/v1/sessions/{id}/pre-checks", ClinicRecord, api::sessions::pre_checks),
        ApiRoute::post("/api/v1/sessions/{id}/observations", ClinicRecord, api::sessions::observe),
        ApiRoute::post(
            "/api/v1/sessions/{id}/alerts/{alert_id}/acknowledge",
            ClinicRecord,
            api::sessions::acknowledge_alert,
        ),
        ApiRoute::post("/api/v1/sessions/{id}/dose", ClinicRecord, api::sessions::dose),
        ApiRoute::post("/api/v1/sessions/{id}/adverse-events", ClinicRecord, api::sessions::adverse_event),
        ApiRoute::post("/api/v1/sessions/{id}/discharge", ClinicRecord, api::sessions::discharge),
        ApiRoute::post("/api/v1/sessions/{id}/early-departure", CareTeamRecord, api::sessions::early_departure_post),
        ApiRoute::get("/api/v1/sessions/{id}/rems-form", ClinicRecord, api::rems_forms::get),
        ApiRoute::post("/api/v1/sessions/{id}/rems-form/draft", ClinicRecord, api::rems_forms::save_draft),
        ApiRoute::post("/api/v1/sessions/{id}/rems-form/submit", ClinicRecord, api::rems_forms::submit),
        ApiRoute::get("/api/v1/rems-forms/due", ClinicCollection, api::rems_forms::due),
        ApiRoute::get("/api/v1/sessions/{id}/record.pdf", ClinicRecord, api::session_record::get),
        ApiRoute::get("/api/v1/clinic/protocol-settings", ClinicCollection, api::protocol::get),
        ApiRoute::put("/api/v1/clinic/protocol-settings", AdminOrPrescriber, api::protocol::put),
        ApiRoute::get("/api/v1/registry", Public, api::research::public_registry),
        ApiRoute::get("/api/v1/clinic/registry", ClinicCollection, api::research::own_clinic),
        ApiRoute::get("/api/v1/research/export", Researcher, api::research::export),
        ApiRoute::post("/api/v1/patients/{id}/self-report-links", ClinicRecord, api::self_report::create),
        ApiRoute::get("/api/v1/patients/{id}/self-report-links", ClinicRecord, api::self_report::list),
        ApiRoute::post("/api/v1/patients/{id}/self-report-links/plan", ClinicRecord, api::self_report::plan),
        ApiRoute::get("/api/v1/self-report-alerts", ClinicCollection, api::self_report::alerts),
        ApiRoute::get("/api/v1/patients/{id}/assessments", ClinicRecord, api::patients::list_assessments),
        // Staff administration (issue 17, item 1): clinic admins for their clinic, platform admins for any.
        ApiRoute::get("/api/v1/clinic/staff", StaffAdmin, api::staff::list),
        ApiRoute::post("/api/v1/clinic/staff", StaffAdmin, api::staff::add),
        ApiRoute::get("/api/v1/clinic/staff/{id}", StaffAdminRecord, api::staff::get),
        ApiRoute::patch("/api/v1/clinic/staff/{id}", StaffAdminRecord, api::staff::update),
        ApiRoute::post("/api/v1/clinic/staff/{id}/reset-password", StaffAdminRecord, api::staff::reset_password),
        ApiRoute::get("/api/v1/clinic/staff/{id}/tokens", StaffAdminRecord, api::staff::tokens),
        ApiRoute::delete("/api/v1/clinic/staff/{id}/tokens/{token_id}", StaffAdminRecord, api::staff::revoke_token),
    ]
}

/// One server-rendered page: its English path, whether it is also served in Spanish under `/es` (the same handler,
/// which reads the language from the path), and its handler.
pub struct PageRoute {
    pub path: &'static str,
    pub spanish: bool,
    handler: MethodRouter<AppState>,
}

impl PageRoute {
    /// A public page in English and Spanish.
    fn both(path: &'static str, handler: MethodRouter<AppState>) -> Self {
        Self { path, spanish: true, handler }
    }
}

impl std::fmt::Debug for PageRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} (Spanish: {})", self.path, self.spanish)
    }
}

/// Every public page. The router serves each at its path and, where `spanish`, at `/es` + path as well; the tests
/// that check every public page in both languages read this table.
pub fn page_routes() -> Vec<PageRoute> {
    vec![
        PageRoute::both("/", get(pages::home::page)),
        PageRoute::both("/about", get(pages::about::page)),
        PageRoute::both("/registry", get(pages::registry::page)),
        PageRoute::both("/find", get(pages::find::page)),
        PageRoute::both("/clinics/{id}", get(pages::clinic::page)),
        PageRoute::both("/clinics/{id}/report", post(pages::clinic::report)),
        PageRoute::both(pages::list_clinic::PATH, get(pages::list_clinic::page).post(pages::list_clinic::post)),
        PageRoute::both("/check", get(pages::check::start).post(pages::check::submit)),
        PageRoute::both("/check/send", post(pages::check::send::send)),
        PageRoute::both("/check/send/confirm", post(pages::check::send::confirm)),
        PageRoute::both("/r/{token}", get(pages::self_report::show).post(pages::self_report::submit)),
    ]
}

/// The application: pages, API, operations endpoints, static assets, and the layers every response passes.
///
/// Layers, outermost first: the edge (rate limit for POSTs, timeout, metrics, security headers; see
/// [`crate::layers::edge`]), the panic catcher (so a panic is still a response with headers), the body limit.
pub fn app(state: AppState) -> Router {
    // The dummy hash that unknown e-mails are checked against is made now, not on the first such sign-in, whose
    // answer would otherwise take twice as long and tell that the e-mail is unknown.
    portal::login::dummy_hash();
    let mut router = Router::new();
    for page in page_routes() {
        if page.spanish {
            router = router.route(&Lang::Es.href(page.path), page.handler.clone());
        }
        router = router.route(page.path, page.handler);
    }
    router = router
        // `/es` without the slash is the Spanish home page too.
        .route(ES_PREFIX, get(pages::home::page))
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
        .merge(portal::routes::router())
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

/// The metrics listener's application (`--metrics-listen`): `/metrics` only, on a private address, and 404 for
/// every other path, so that nothing of the public application is reachable through it.
pub fn metrics_app(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(ops::metrics_listener))
        .fallback(|| async { ApiError::NotFound.into_response() })
        .layer(axum::middleware::map_response(|mut response: Response| async move {
            crate::layers::security_headers::apply(response.headers_mut(), false);
            response
        }))
        .with_state(state)
}

/// Any path no route matches: a JSON 404 under `/api`, an OperationOutcome under `/fhir`, an HTML page elsewhere;
/// under `/portal` the staff layout, with the signed-in staff member's bar when the sign-in cookie is live (looked up
/// without the rate limit's accounting, since a 404 changes nothing).
async fn not_found(State(state): State<AppState>, request: axum::extract::Request) -> Response {
    let path = request.uri().path().to_owned();
    if pages::errors::is_portal_path(&path) {
        let (parts, _) = request.into_parts();
        if let Ok(Some(signed_in)) = portal::sign_in_cookie::sign_in_of(&parts, &state).await {
            let staff = portal::sign_in_cookie::PortalStaff(signed_in);
            return portal::refuse(&staff, state.config.demo, &path, ApiError::NotFound);
        }
    }
    respond(&path, state.config.demo, ApiError::NotFound)
}

/// A known path with a method it does not take. axum keeps the `Allow` header on this response.
async fn method_not_allowed(State(state): State<AppState>, uri: Uri) -> Response {
    respond(uri.path(), state.config.demo, ApiError::MethodNotAllowed)
}
