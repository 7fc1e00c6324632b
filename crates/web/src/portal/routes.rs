//! The portal's one route table: every page and form of `/portal`, who may call it, and how a form is checked
//! against cross-site request forgery. The router, the CSRF test, the access matrix and the matrix in
//! docs/SECURITY.md are all read from [`portal_routes`], so a route cannot be served without appearing in each.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::middleware::from_fn;
use axum::routing::{MethodRouter, get, post};

use super::csrf::PortalForm;
use super::{
    account, clinic_settings, course_review, crisis_protocol, dashboard, early_departure, intake, listing,
    listing_requests, login, outcomes, patients,
};
use super::{referrals, rems, self_report_links, session_record, sessions, set_password, staff};
use crate::routes::Access;
use crate::state::AppState;

/// How a portal route is protected against cross-site request forgery.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormCheck {
    /// A page (GET): it changes nothing, so it needs no token.
    Page,
    /// A form of a signed-in staff member: the handler takes [`PortalForm`], which checks the origin and the
    /// session's synchronizer token before the handler runs.
    SessionToken,
    /// A form without a session (the sign-in form, a set-password link's form): its handler checks the same origin
    /// and a double-submit cookie ([`super::csrf::login_token_ok`]).
    SignInToken,
}

/// Handler argument lists whose last extractor is [`PortalForm`]. axum describes a handler `fn(A, B, C)` by the
/// tuple `(M, A, B, C)`, and only the last argument may read the body, so this is exactly "the handler reads its
/// form through the CSRF check". [`PortalRoute::form`] requires it: a form row whose handler skips the check does
/// not compile.
#[diagnostic::on_unimplemented(
    message = "a portal form's handler must take `PortalForm` as its last argument (the CSRF check)",
    label = "this handler does not read its form through `PortalForm`"
)]
pub trait EndsWithPortalForm {}

impl<M> EndsWithPortalForm for (M, PortalForm) {}
impl<M, A> EndsWithPortalForm for (M, A, PortalForm) {}
impl<M, A, B> EndsWithPortalForm for (M, A, B, PortalForm) {}
impl<M, A, B, C> EndsWithPortalForm for (M, A, B, C, PortalForm) {}

/// One portal route: its method and path (router syntax, `{param}`), who may call it, its CSRF check, and its
/// handler. Rows are made only by [`PortalRoute::page`], [`PortalRoute::form`] and the one sign-in row, so every
/// POST row carries its check.
pub struct PortalRoute {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    pub check: FormCheck,
    handler: MethodRouter<AppState>,
}

impl PortalRoute {
    /// A page: `GET`, no token.
    fn page<H: Handler<T, AppState>, T: 'static>(path: &'static str, access: Access, handler: H) -> Self {
        Self { method: Method::GET, path, access, check: FormCheck::Page, handler: get(handler) }
    }

    /// A state-changing form: `POST`, whose handler takes [`PortalForm`] last (checked by the compiler).
    fn form<H, T>(path: &'static str, access: Access, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: EndsWithPortalForm + 'static,
    {
        Self { method: Method::POST, path, access, check: FormCheck::SessionToken, handler: post(handler) }
    }

    /// The sign-in form, a POST without a session: [`login::submit`] checks its double-submit token.
    fn sign_in() -> Self {
        Self::pre_session_form(super::sign_in_cookie::LOGIN_PATH, login::submit)
    }

    /// A public POST without a session, whose handler checks the sign-in form's double-submit token
    /// ([`super::csrf::login_token_ok`]): the sign-in form and a set-password link's form.
    fn pre_session_form<H: Handler<T, AppState>, T: 'static>(path: &'static str, handler: H) -> Self {
        Self {
            method: Method::POST,
            path,
            access: Access::Public,
            check: FormCheck::SignInToken,
            handler: post(handler),
        }
    }
}

impl std::fmt::Debug for PortalRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} ({:?}, {:?})", self.method, self.path, self.access, self.check)
    }
}

/// Every route under `/portal`.
pub fn portal_routes() -> Vec<PortalRoute> {
    use Access::{AdminOrPrescriber, ClinicAdmin, ClinicCollection, ClinicRecord, OwnAccount};
    use PortalRoute as R;
    vec![
        R::page("/portal", ClinicCollection, dashboard::page),
        R::page("/portal/login", Access::Public, login::page),
        R::sign_in(),
        R::form("/portal/logout", OwnAccount, login::logout),
        R::page("/portal/patients", ClinicCollection, patients::list),
        R::page("/portal/patients/new", ClinicCollection, patients::new_form),
        R::form("/portal/patients/new", ClinicCollection, patients::create),
        R::page("/portal/patients/{id}", ClinicRecord, patients::show),
        R::form("/portal/patients/{id}/assessments", ClinicRecord, patients::record_assessment),
        R::form("/portal/patients/{id}/self-report-links", ClinicRecord, self_report_links::create),
        R::form("/portal/patients/{id}/courses", ClinicRecord, sessions::plan_course),
        R::form("/portal/courses/{id}/benefit-review", Access::PrescriberRecord, course_review::submit),
        R::page("/portal/patients/{id}/intake", ClinicRecord, intake::form),
        R::form("/portal/patients/{id}/intake", ClinicRecord, intake::submit),
        R::form("/portal/patients/{id}/sessions", ClinicRecord, sessions::start),
        R::page("/portal/sessions/{id}", ClinicRecord, sessions::show),
        R::page("/portal/sessions/{id}/rems", ClinicRecord, rems::show),
        R::form("/portal/sessions/{id}/rems", ClinicRecord, rems::submit),
        R::page("/portal/sessions/{id}/rems.pdf", ClinicRecord, rems::pdf),
        R::page("/portal/sessions/{id}/record.pdf", ClinicRecord, session_record::pdf),
        R::form("/portal/sessions/{id}/pre-checks", ClinicRecord, sessions::pre_checks),
        R::form("/portal/sessions/{id}/observations", ClinicRecord, sessions::observe),
        R::form("/portal/sessions/{id}/dose", ClinicRecord, sessions::dose),
        R::form("/portal/sessions/{id}/adverse-events", ClinicRecord, sessions::adverse_event),
        R::form("/portal/sessions/{id}/discharge", ClinicRecord, sessions::discharge),
        R::form("/portal/sessions/{id}/alerts/{alert_id}/acknowledge", ClinicRecord, sessions::acknowledge_alert),
        R::form("/portal/sessions/{id}/early-departure", Access::CareTeamRecordLookedUpFirst, early_departure::post),
        R::page("/portal/referrals", ClinicCollection, referrals::page),
        R::form("/portal/referrals/{id}/status", ClinicRecord, referrals::set_status),
        R::form("/portal/patients/{id}/research-consent", ClinicRecord, patients::record_consent),
        R::form("/portal/patients/{id}/address", ClinicRecord, patients::set_address),
        R::page("/portal/clinic/settings", ClinicCollection, clinic_settings::page),
        R::form("/portal/clinic/settings", AdminOrPrescriber, clinic_settings::save),
        R::form("/portal/clinic/outcome-publication", ClinicAdmin, clinic_settings::set_publication),
        R::form("/portal/clinic/referral-cap", ClinicAdmin, clinic_settings::set_referral_cap),
        R::page(listing::PATH, ClinicAdmin, listing::show),
        R::form(listing::PATH, ClinicAdmin, listing::save),
        R::page(listing_requests::PATH, Access::PlatformAdmin, listing_requests::page),
        R::form("/portal/admin/listing-requests/{id}/approve", Access::PlatformAdmin, listing_requests::approve_post),
        R::form("/portal/admin/listing-requests/{id}/decline", Access::PlatformAdmin, listing_requests::decline_post),
        R::page(outcomes::PATH, AdminOrPrescriber, outcomes::page),
        R::page(outcomes::CSV_PATH, AdminOrPrescriber, outcomes::csv),
        R::page("/portal/account", OwnAccount, account::page),
        R::page(crisis_protocol::PATH, OwnAccount, crisis_protocol::page),
        R::form("/portal/account/totp", OwnAccount, account::totp_action),
        R::form("/portal/account/password", OwnAccount, account::change_password),
        // Staff administration (issue 17, item 1): clinic admins for their clinic, platform admins for any, and a
        // one-time set-password link's public page and form.
        R::page("/portal/staff", Access::StaffAdmin, staff::list),
        R::form("/portal/staff", Access::StaffAdmin, staff::add),
        R::page("/portal/staff/{id}", Access::StaffAdminRecord, staff::show),
        R::form("/portal/staff/{id}/role", Access::StaffAdminRecord, staff::set_role),
        R::form("/portal/staff/{id}/active", Access::StaffAdminRecord, staff::set_active),
        R::form("/portal/staff/{id}/password", Access::StaffAdminRecord, staff::reset_password),
        R::form("/portal/staff/{id}/tokens/{token_id}/revoke", Access::StaffAdminRecord, staff::revoke_token),
        R::page("/portal/set-password/{token}", Access::Public, set_password::show),
        R::pre_session_form("/portal/set-password/{token}", set_password::submit),
    ]
}

/// The portal's router, built from [`portal_routes`]. Every answer is `Cache-Control: no-store`
/// ([`super::no_store`]), because portal pages show patient data (or a sign-in form's token).
pub fn router() -> Router<AppState> {
    let mut router = Router::new();
    for route in portal_routes() {
        router = router.route(route.path, route.handler);
    }
    router.route_layer(from_fn(super::no_store))
}
