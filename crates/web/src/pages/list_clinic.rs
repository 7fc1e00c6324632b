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
use crate::i18n::{Lang, Tr};
use crate::portal::csrf::Fields;
use crate::state::AppState;

pub const PATH: &str = "/list-your-clinic";

/// One treatment checkbox.
struct OfferChoice {
    code: &'static str,
    label: String,
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
    /// The clinic's name escaped for the message that sets it in bold (`|safe` in the template).
    name_html: String,
    over_cap: bool,
}

fn request_page(demo: bool, lang: Lang, form: RequestForm, error: Option<(String, String)>) -> RequestPage {
    let t = lang.tr();
    let offers = Offer::ALL
        .iter()
        .map(|o| OfferChoice {
            code: o.code(),
            label: labels::offer(*o, t),
            checked: form.offers.iter().any(|c| c == o.code()),
        })
        .collect();
    let layout = Layout::localized(lang, t.m("list-title"), demo, PATH, PATH);
    RequestPage { layout, form, offers, states: &USPS_CODES, error }
}

/// `GET /list-your-clinic`.
pub async fn page(State(state): State<AppState>, lang: Lang) -> Response {
    render(StatusCode::OK, &request_page(state.config.demo, lang, RequestForm::default(), None))
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

/// The form's label of a field, for the refusal, in `t`'s language (the phone and website short, without their
/// hints).
fn label_of(field: &str, t: Tr) -> String {
    t.m(match field {
        "name" => "list-name",
        "street" => "list-street",
        "city" => "list-city",
        "state" => "list-state",
        "zip" => "list-zip",
        "phone" => "list-phone-short",
        "website" => "list-website-short",
        "offers" => "list-offers",
        "npi" => "list-npi",
        "contact_name" => "list-contact-name",
        "contact_email" => "list-contact-email",
        _ => "list-request",
    })
}

/// What to fix in a refused field: the care crate's own message after the label and code in English, the
/// catalogue's sentence for the field in other languages.
fn refusal(field: &str, message: &str, t: Tr) -> String {
    if t.lang() == Lang::En {
        return format!("{} ({field}): {message}", label_of(field, t));
    }
    let label = || ("label", label_of(field, t));
    match field {
        "name" | "street" | "city" | "contact_name" => t.a("list-fix-line", [label()]),
        "state" => t.m("list-fix-state"),
        "zip" => t.m("list-fix-zip"),
        "phone" => t.m("list-fix-phone"),
        "website" => t.m("list-fix-website"),
        "offers" => t.m("list-fix-offers"),
        "npi" => t.m("list-fix-npi"),
        "contact_email" => t.m("list-fix-email"),
        _ => t.a("list-fix-other", [label()]),
    }
}

/// `POST /list-your-clinic`.
pub async fn post(
    State(state): State<AppState>,
    Db(store): Db,
    lang: Lang,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Response {
    let demo = state.config.demo;
    let t = lang.tr();
    let path = lang.href(PATH);
    if !is_same_origin(&headers) {
        return respond(&path, demo, ApiError::Forbidden(t.m("list-refused")));
    }
    let fields = Fields::parse(&body);
    let form = form_of(&fields);
    if let Err(ApiError::InvalidInput(invalid)) = fields.refuse_nul() {
        let error = (invalid.field.clone(), t.a("list-error-nul", [("label", label_of(&invalid.field, t))]));
        return render(StatusCode::BAD_REQUEST, &request_page(demo, lang, form, Some(error)));
    }
    // The peer address is what the audit log records for public writes; router tests have no socket.
    let origin = Origin::ip(peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(addr))| addr.ip()));
    match submit(&store, &form, &origin).await {
        Ok(delivery) => {
            let over_cap = matches!(delivery, RequestDelivery::OverCap { .. });
            let status = if over_cap { StatusCode::TOO_MANY_REQUESTS } else { StatusCode::OK };
            let title = t.m(if over_cap { "list-over-cap-title" } else { "list-sent-title" });
            let layout = Layout::localized(lang, title, demo, PATH, PATH);
            render(status, &SentPage { layout, name_html: ketapath_research::svg::escape(&form.name), over_cap })
        }
        Err(StoreError::Invalid { field, message }) => {
            let error = (field.clone(), refusal(&field, &message, t));
            render(StatusCode::BAD_REQUEST, &request_page(demo, lang, form, Some(error)))
        }
        Err(error) => respond(&path, demo, error.into()),
    }
}
