//! The clinic portal: staff sign-in and sign-out, the cookie session, CSRF protection, and the server-rendered
//! shell pages (dashboard, patients, referrals, account). Every route is a row of [`routes::portal_routes`], which
//! names who may call it; every page needs a signed-in staff member ([`sign_in_cookie::PortalStaff`]); every form post
//! goes through [`csrf::PortalForm`] (a form row whose handler does not take it does not compile); every answer
//! carries `Cache-Control: no-store` ([`no_store`]), because portal pages show patient data.

pub mod account;
pub mod clinic_settings;
pub mod course_review;
pub mod crisis_protocol;
pub mod csrf;
pub mod dashboard;
pub mod early_departure;
pub mod intake;
pub mod labels;
pub mod listing;
pub mod listing_requests;
pub mod login;
pub mod outcomes;
pub mod patient_care;
pub mod patients;
pub mod referrals;
pub mod rems;
pub mod routes;
pub mod self_report_links;
pub mod session_record;
pub mod sessions;
pub mod set_password;
pub mod setting_words;
pub mod sign_in_cookie;
pub mod staff;

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use ketapath_store::ClinicScope;
use ketapath_store::domain::{PatientId, Role};

use crate::pages::{Layout, NavLink, render};
use sign_in_cookie::PortalStaff;

/// The portal's navigation, in order.
pub const NAV: [(&str, &str); 5] = [
    ("/portal", "Dashboard"),
    ("/portal/patients", "Patients"),
    ("/portal/referrals", "Referrals"),
    ("/portal/clinic/settings", "Clinic settings"),
    ("/portal/account", "Account"),
];

/// The layout of a portal page at `current` (marked in the navigation): the staff layout, without the public
/// crisis strip and patient-facing footer.
pub fn layout(title: impl Into<String>, demo: bool, current: &str) -> Layout {
    let nav = NAV
        .iter()
        .map(|(href, label)| NavLink {
            href: (*href).to_owned(),
            label: (*label).to_owned(),
            current: *href == current,
        })
        .collect();
    Layout { nav, staff: true, ..Layout::new(title, demo, current) }
}

/// Who is signed in, shown on every portal page with the sign-out button (a form with the session's token).
#[derive(Debug, Clone)]
pub struct Bar {
    pub name: String,
    pub role: &'static str,
    pub csrf: String,
    /// A clinic or platform admin, whose bar links to the staff administration (`/portal/staff`).
    pub staff_admin: bool,
    /// Whether the role may see the clinic's outcome figures (clinic admins and prescribers), which the bar
    /// then links to.
    pub outcomes: bool,
}

impl Bar {
    pub fn of(staff: &PortalStaff) -> Self {
        let role = staff.actor().role;
        Bar {
            name: staff.user().display_name.clone(),
            role: role_label(role),
            csrf: staff.csrf().to_owned(),
            staff_admin: matches!(role, Role::ClinicAdmin | Role::PlatformAdmin),
            outcomes: crate::routes::Access::AdminOrPrescriber.allows(role),
        }
    }
}

/// A role as staff read it (the labels table's words).
pub fn role_label(role: Role) -> &'static str {
    labels::role(role)
}

/// Middleware on every portal route: `Cache-Control: no-store`, so no browser or proxy keeps a page of
/// patient data (or a sign-in form's token).
pub async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[derive(Template)]
#[template(path = "portal_no_access.html")]
struct NoAccessPage {
    layout: Layout,
    bar: Bar,
    /// The export files a researcher may download (empty for other roles).
    export_files: &'static [&'static str],
    /// A platform admin's link to the "List your clinic" queue.
    listing_requests: bool,
}

/// The caller's clinic scope, or the answer to give instead: the 403 page for a role without patient access, the
/// error page (for `path`) when the store fails. Every portal handler that reads clinic data starts here, so the
/// check is written once.
pub async fn clinic_scope(staff: &PortalStaff, demo: bool, path: &str) -> Result<ClinicScope, Response> {
    match staff.scope().await {
        Ok(Some(scope)) => Ok(scope),
        Ok(None) => Err(no_access(staff, demo)),
        Err(error) => Err(refuse(staff, demo, path, error)),
    }
}

/// The error page of a portal `path` for a signed-in staff member: the staff layout with their bar, so a refusal
/// or a failure keeps the portal's navigation and the staff crisis-protocol line.
pub fn refuse(staff: &PortalStaff, demo: bool, path: &str, error: crate::error::ApiError) -> Response {
    crate::pages::errors::staff_error_page(demo, &error, path, Bar::of(staff))
}

/// The clinic scope and the patient of a `/portal/patients/{id}/…` handler: [`clinic_scope`], then the id, where
/// one that does not parse is a patient that is not there (404, as another clinic's patient is).
pub async fn clinic_patient(
    staff: &PortalStaff,
    demo: bool,
    path: &str,
    id: &str,
) -> Result<(ClinicScope, PatientId), Response> {
    clinic_record(staff, demo, path, PatientId::parse("id", id)).await
}

/// [`clinic_scope`], then the record id the path names (parsed by the caller): one that does not parse is a record
/// that is not there, 404 as another clinic's record is. The scope is checked first, so a role without patient
/// access gets its 403 page whatever the id.
pub async fn clinic_record<T, E>(
    staff: &PortalStaff,
    demo: bool,
    path: &str,
    id: Result<T, E>,
) -> Result<(ClinicScope, T), Response> {
    let scope = clinic_scope(staff, demo, path).await?;
    let id = id.map_err(|_| refuse(staff, demo, path, crate::error::ApiError::NotFound))?;
    Ok((scope, id))
}

/// [`clinic_record`], then `work` on the record in the caller's clinic scope; a failure of the work is the error page
/// for `path`, as in [`in_clinic_scope`]. The portal's handlers on one record start here, so each says only what it
/// does with the record.
pub async fn in_clinic_record<T, E, R>(
    staff: &PortalStaff,
    demo: bool,
    path: &str,
    id: Result<T, E>,
    work: impl AsyncFnOnce(&ClinicScope, T) -> Result<R, crate::error::ApiError>,
) -> Result<R, Response> {
    let (scope, id) = clinic_record(staff, demo, path, id).await?;
    work(&scope, id).await.map_err(|error| crate::error::respond(path, demo, error))
}

/// [`in_clinic_record`] for a `/portal/patients/{id}/…` handler, whose id is a patient's (see [`clinic_patient`]).
pub async fn in_clinic_patient<R>(
    staff: &PortalStaff,
    demo: bool,
    path: &str,
    id: &str,
    work: impl AsyncFnOnce(&ClinicScope, PatientId) -> Result<R, crate::error::ApiError>,
) -> Result<R, Response> {
    in_clinic_record(staff, demo, path, PatientId::parse("id", id), work).await
}

/// Runs `work` in the caller's clinic scope ([`clinic_scope`]); a failure of the work is the error page for `path`.
/// The portal's record pages and documents start here, so each says only what it shows.
pub async fn in_clinic_scope<T>(
    staff: &PortalStaff,
    demo: bool,
    path: &str,
    work: impl AsyncFnOnce(&ClinicScope) -> Result<T, crate::error::ApiError>,
) -> Result<T, Response> {
    let scope = clinic_scope(staff, demo, path).await?;
    work(&scope).await.map_err(|error| refuse(staff, demo, path, error))
}

/// The page a role without patient access (platform admin, researcher) gets instead of patient data: 403.
pub fn no_access(staff: &PortalStaff, demo: bool) -> Response {
    // Researchers get the de-identified export instead: links to the researcher-only API route, which the session
    // cookie authenticates for a GET.
    let export_files: &'static [&'static str] =
        if staff.actor().role == Role::Researcher { &crate::api::research::EXPORT_FILES } else { &[] };
    let listing_requests = staff.actor().role == Role::PlatformAdmin;
    let page = NoAccessPage {
        layout: layout("No patient access", demo, ""),
        bar: Bar::of(staff),
        export_files,
        listing_requests,
    };
    render(StatusCode::FORBIDDEN, &page)
}
