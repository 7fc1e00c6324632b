//! `GET /list-your-clinic` and `POST /list-your-clinic`: a clinic that is not listed asks to be. The form takes the
//! clinic's name, address, phone, website, treatments, its REMS certification claim, the organisation's NPI
//! (checked by its check digit) and a contact; `ketapath_care::listing_requests::submit` checks and stores it for
//! the platform admins' queue (`/portal/admin/listing-requests`). Nothing is published before approval.
//!
//! Like the listing report form it needs no session and is guarded against cross-site submission by the
//! same-origin check ([`super::clinic::is_same_origin`]); the edge limits every public POST per client address, and
//! the store refuses past a platform-wide daily cap (429 with a page saying to try tomorrow).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ketapath_care::listing_requests::{RequestForm, submit};
use ketapath_directory::Offer;
use ketapath_directory::geo::USPS_CODES;
use ketapath_store::StoreError;
use ketapath_store::domain::{Origin, RequestDelivery};

use super::check::FormBody;
use super::clinic::is_same_origin;
use super::find::labels;
use super::{Layout, render};
use crate::error::{ApiError, respond};
use crate::extract::Db;
use crate::portal::csrf::Fields;
use crate::state::AppState;

pub const PATH: &str = "/list-your-clinic";

/// One treatment checkbox.
struct OfferChoice {
    code: &'static str,
    label: &'static str,
    checked: bool,
}

#[derive(Template)]
#[template(path = "list_clinic.html")]
struct RequestPage {
    layout: Layout,
    form: RequestForm,
    offers: Vec<OfferChoice>,
    states: &'static [&'static str],
    /// The refused field and what to do.
    error: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "list_clinic_sent.html")]
struct SentPage {
    layout: Layout,
    name: String,
    over_cap: bool,
}

fn request_page(demo: bool, form: RequestForm, error: Option<(String, String)>) -> RequestPage {
    let offers = Offer::ALL
        .iter()
        .map(|o| OfferChoice {
            code: o.code(),
            label: labels::offer(*o),
            checked: form.offers.iter().any(|c| c == o.code()),
        })
        .collect();
    RequestPage { layout: Layout::new("List your clinic", demo, PATH), form, offers, states: &USPS_CODES, error }
}

/// `GET /list-your-clinic`.
pub async fn page(State(state): State<AppState>) -> Response {
    render(StatusCode::OK, &request_page(state.config.demo, RequestForm::default(), None))
}

fn form_of(fields: &Fields) -> RequestForm {
    let text = |name: &str| fields.get(name).unwrap_or_default().to_owned();
    RequestForm {
        name: text("name"),
        street: text("street"),
        city: text("city"),
        state: text("state"),
        zip: text("zip"),
        phone: text("phone"),
        website: text("website"),
        offers: fields.all("offers").into_iter().map(str::to_owned).collect(),
        rems_certified: fields.get("rems_certified") == Some("yes"),
        npi: text("npi"),
        contact_name: text("contact_name"),
        contact_email: text("contact_email"),
    }
}

/// The form's label of a field, for the refusal.
fn label_of(field: &str) -> &'static str {
    match field {
        "name" => "Clinic name",
        "street" => "Street address",
        "city" => "City",
        "state" => "State",
        "zip" => "ZIP code",
        "phone" => "Phone",
        "website" => "Website",
        "offers" => "Treatments offered",
        "npi" => "Organisation NPI",
        "contact_name" => "Your name",
        "contact_email" => "Your e-mail address",
        _ => "The request",
    }
}

/// `POST /list-your-clinic`.
pub async fn post(
    State(state): State<AppState>,
    Db(store): Db,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Response {
    let demo = state.config.demo;
    if !is_same_origin(&headers) {
        let refused = ApiError::Forbidden(
            "This request did not come from KetaPath's own page, so it was not accepted. Please use the form at \
             /list-your-clinic."
                .to_owned(),
        );
        return respond(PATH, demo, refused);
    }
    let fields = Fields::parse(&body);
    let form = form_of(&fields);
    if let Err(ApiError::InvalidInput(invalid)) = fields.refuse_nul() {
        let error =
            (invalid.field.clone(), format!("{}: remove the invisible NUL character", label_of(&invalid.field)));
        return render(StatusCode::BAD_REQUEST, &request_page(demo, form, Some(error)));
    }
    // The peer address is what the audit log records for public writes; router tests have no socket.
    let origin = Origin::ip(peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(addr))| addr.ip()));
    match submit(&store, &form, &origin).await {
        Ok(delivery) => {
            let over_cap = matches!(delivery, RequestDelivery::OverCap { .. });
            let status = if over_cap { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::OK };
            let title = if over_cap { "Please send your request tomorrow" } else { "Thank you: your request is in" };
            render(status, &SentPage { layout: Layout::new(title, demo, PATH), name: form.name, over_cap })
        }
        Err(StoreError::Invalid { field, message }) => {
            let error = (field.clone(), format!("{} ({field}): {message}", label_of(&field)));
            render(StatusCode::BAD_REQUEST, &request_page(demo, form, Some(error)))
        }
        Err(error) => respond(PATH, demo, error.into()),
    }
}
