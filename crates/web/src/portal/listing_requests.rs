//! The platform admins' queue of "List your clinic" requests, `/portal/admin/listing-requests`: every pending
//! request with what the clinic sent (the NPI already passed its check digit), a form to approve it and one to
//! decline it with a reason. Approval lists the clinic as verified by the platform and makes the request's contact
//! its clinic admin; the answer shows, once, the one-time link with which they set their password, for the platform
//! admin to pass on. Other roles get 403 before anything is read.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_care::clinic_time::date_text;
use ketapath_care::listing_requests::{Approved, approve, decline};
use ketapath_store::domain::{ListingRequest, ListingRequestId, RequestStatus, Role};

use super::csrf::PortalForm;
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::find::labels;
use crate::pages::{Layout, render};
use crate::state::AppState;

pub const PATH: &str = "/portal/admin/listing-requests";

/// One pending request as the queue shows it.
struct Row {
    id: String,
    received: String,
    name: String,
    address: String,
    phone: String,
    website: String,
    offers: String,
    rems: &'static str,
    npi: String,
    contact: String,
}

impl Row {
    fn of(r: &ListingRequest) -> Self {
        let q = &r.request;
        Row {
            id: r.id.to_text(),
            received: date_text(r.received_at.date()),
            name: q.name.clone(),
            address: format!("{}, {}, {} {}", q.street, q.city, q.state, q.zip),
            phone: q.phone.clone(),
            website: q.website.clone().unwrap_or_default(),
            offers: q
                .offers
                .iter()
                .map(|o| labels::offer(o, crate::i18n::Lang::En.tr()))
                .collect::<Vec<_>>()
                .join(", "),
            rems: if q.rems_certified { "claims SPRAVATO REMS certification" } else { "no REMS certification claimed" },
            npi: q.npi.clone(),
            contact: format!("{} <{}>", q.contact_name, q.contact_email),
        }
    }
}

#[derive(Template)]
#[template(path = "portal_listing_requests.html")]
struct QueuePage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    rows: Vec<Row>,
    error: Option<String>,
    declined: usize,
}

#[derive(Template)]
#[template(path = "portal_listing_approved.html")]
struct ApprovedPage {
    layout: Layout,
    bar: Bar,
    name: String,
    clinic_href: String,
    contact: String,
    /// The one-time set-password link, shown only on this page.
    link: String,
}

/// The 403 of a role other than platform admin, before anything is read.
fn refused_unless_platform_admin(staff: &PortalStaff, demo: bool, path: &str) -> Option<Response> {
    (staff.actor().role != Role::PlatformAdmin)
        .then(|| respond(path, demo, ApiError::Forbidden("Only platform admins review listing requests.".to_owned())))
}

async fn queue(staff: &PortalStaff, demo: bool, error: Option<String>) -> Result<QueuePage, ApiError> {
    let store = staff.store();
    let pending = store.listing_requests(staff.actor(), RequestStatus::Pending).await?;
    let declined = store.listing_requests(staff.actor(), RequestStatus::Declined).await?.len();
    Ok(QueuePage {
        layout: layout("Listing requests", demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        rows: pending.iter().map(Row::of).collect(),
        error,
        declined,
    })
}

/// `GET /portal/admin/listing-requests`.
pub async fn page(State(state): State<AppState>, staff: PortalStaff) -> Response {
    let demo = state.config.demo;
    if let Some(refused) = refused_unless_platform_admin(&staff, demo, PATH) {
        return refused;
    }
    match queue(&staff, demo, None).await {
        Ok(page) => render(StatusCode::OK, &page),
        Err(error) => respond(PATH, demo, error),
    }
}

/// The request the path names, after the role check; an id that does not parse is a request that is not there.
fn request_id(raw: &str) -> Result<ListingRequestId, ApiError> {
    ListingRequestId::parse("id", raw).map_err(|_| ApiError::NotFound)
}

/// `POST /portal/admin/listing-requests/{id}/approve`.
pub async fn approve_post(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/approve");
    if let Some(refused) = refused_unless_platform_admin(&form.staff, demo, &path) {
        return refused;
    }
    let done = async {
        let id = request_id(&id)?;
        let store = form.staff.store();
        let Approved { clinic, admin } = approve(store, form.staff.actor(), id).await?;
        let link = set_password_link(store, form.staff.actor(), admin.id).await?;
        Ok::<_, ApiError>(ApprovedPage {
            layout: layout("Listing approved", demo, PATH),
            bar: Bar::of(&form.staff),
            name: clinic.name.clone(),
            clinic_href: crate::pages::find::clinic_path(clinic.id.as_str()),
            contact: format!("{} <{}>", admin.display_name, admin.email),
            link,
        })
    };
    match done.await {
        Ok(page) => render(StatusCode::CREATED, &page),
        Err(error) => respond(&path, demo, error),
    }
}

/// The one-time set-password link of the approved request's new clinic admin, as a path to show once: the staff
/// accounts' use case (`ketapath_care::accounts::set_password_link::issue`, one link table for every account).
async fn set_password_link(
    store: &ketapath_store::Store,
    actor: &ketapath_store::domain::Actor,
    user: ketapath_store::domain::StaffId,
) -> Result<String, ApiError> {
    let author = ketapath_store::SecurityAuthor::Staff(actor);
    Ok(ketapath_care::accounts::set_password_link::issue(store, author, user).await?.path())
}

/// `POST /portal/admin/listing-requests/{id}/decline`: `reason` is required; a refusal shows the queue again.
pub async fn decline_post(State(state): State<AppState>, ApiPath(id): ApiPath<String>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let path = format!("{PATH}/{id}/decline");
    if let Some(refused) = refused_unless_platform_admin(&form.staff, demo, &path) {
        return refused;
    }
    let id = match request_id(&id) {
        Ok(id) => id,
        Err(error) => return respond(&path, demo, error),
    };
    let reason = form.fields.get("reason").unwrap_or_default();
    match decline(form.staff.store(), form.staff.actor(), id, reason).await {
        Ok(()) => see_other(PATH),
        Err(ketapath_store::StoreError::Invalid { field, message }) => {
            match queue(&form.staff, demo, Some(format!("Not declined: {field}: {message}"))).await {
                Ok(page) => render(StatusCode::BAD_REQUEST, &page),
                Err(error) => respond(&path, demo, error),
            }
        }
        Err(error) => respond(&path, demo, error.into()),
    }
}
