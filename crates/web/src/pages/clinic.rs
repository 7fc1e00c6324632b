//! `GET /clinics/{id}`: one listing in full (treatments, payment, hours, how to get there, what to ask, who verified
//! it, and, for a clinic that receives self-check summaries, a link to start the check for it), and `POST /clinics/{id}/report`: the "report a problem with this listing" form, stored for the platform
//! admins through `Store::submit_listing_report`, then a thank-you page.
//!
//! The report asks for no personal data: a reason from a fixed list and optional free text (the form says not to
//! put health details in it). It changes server state, so it is guarded against cross-site submission without a
//! session or token ([`is_same_origin`]): current browsers send `Sec-Fetch-Site`, which must be `same-origin`;
//! without it, the `Origin` header (or, without that, the `Referer`) must name this same host. Our own
//! `Referrer-Policy: no-referrer` makes browsers send `Origin: null` on form posts, which is why `Sec-Fetch-Site`
//! comes first. A client that sends none of these headers is refused (403). The phase-1 rate limiter already
//! covers every POST.

use crate::i18n::{Lang, Tr};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use ketapath_directory::Clinic;
use ketapath_store::domain::{NewListingReport, Origin};

use super::check::FormBody;
use super::find::{ListingFacts, PATH as FIND_PATH, clinic_path, hours, labels};
use super::{Layout, render};
use crate::api::clinics::lookup;
use crate::error::{ApiError, respond};
use crate::extract::{ApiPath, Db};
use crate::state::AppState;

/// The reasons a person can pick, with the catalogue ids of their labels; the code is what the store keeps.
pub const REASONS: [&str; 7] =
    ["closed", "wrong_phone", "wrong_address", "wrong_offers", "wrong_payment", "not_accepting", "other"];

/// A report reason in words, in `t`'s language.
pub fn reason_label(code: &str, t: Tr) -> String {
    t.m(match code {
        "closed" => "report-reason-closed",
        "wrong_phone" => "report-reason-wrong-phone",
        "wrong_address" => "report-reason-wrong-address",
        "wrong_offers" => "report-reason-wrong-offers",
        "wrong_payment" => "report-reason-wrong-payment",
        "not_accepting" => "report-reason-not-accepting",
        _ => "report-reason-other",
    })
}

/// Longest free-text detail kept, in characters.
pub const DETAILS_MAX: usize = 2000;

/// Questions worth asking any clinic before a first appointment (the supervision and REMS facts behind them are in
/// the project's clinical reference), by catalogue id.
const QUESTIONS: [&str; 6] = [
    "clinic-question-1",
    "clinic-question-2",
    "clinic-question-3",
    "clinic-question-4",
    "clinic-question-5",
    "clinic-question-6",
];

#[derive(Template)]
#[template(path = "clinic.html")]
struct ClinicPage {
    layout: Layout,
    name: String,
    address: String,
    geo_href: String,
    /// The same place on openstreetmap.org, for browsers without a maps app behind `geo:`.
    map_href: String,
    zip_centroid: bool,
    phone: Option<String>,
    phone_href: Option<String>,
    website: Option<String>,
    description: Option<String>,
    facts: ListingFacts,
    /// The opening hours in words, one line per entry.
    hours: Vec<String>,
    /// "Open now" or "Closed now" in the clinic's time zone; `None` without hours.
    open_now: Option<String>,
    accessibility: Vec<String>,
    /// Who verified the listing and when, in a sentence ([`verified_line`]).
    verified: String,
    demo: bool,
    questions: Vec<String>,
    report_action: String,
    reasons: Vec<(&'static str, String, bool)>,
    details: String,
    report_error: Option<String>,
    find_path: &'static str,
    /// The clinic's published outcomes, one sentence each.
    outcomes: Vec<String>,
    /// `/check?to={id}` when the clinic receives self-check summaries through KetaPath.
    check_href: Option<String>,
}

/// The published outcome lines of the clinic, each one sentence in `t`'s language.
fn outcome_lines(outcomes: &[ketapath_research::stats::registry::PublishedOutcome], t: Tr) -> Vec<String> {
    let rule_ref = |r: &ketapath_clinical::RuleRef| format!("{} v{}", r.id, r.version);
    outcomes
        .iter()
        .map(|o| {
            let rule = t.a(
                "clinic-outcome-rule",
                [
                    ("min", o.baseline_min.to_string()),
                    ("baseline", rule_ref(&o.baseline_rule)),
                    ("pct", o.response_reduction_pct.to_string()),
                    ("resp_rule", rule_ref(&o.response_rule)),
                    ("max", o.remission_max.to_string()),
                    ("remit_rule", rule_ref(&o.remission_rule)),
                ],
            );
            t.a(
                "clinic-outcome-line",
                [
                    ("treatment", labels::modality(o.modality, t)),
                    ("instrument", o.instrument.code().to_owned()),
                    ("patients", o.patients.to_string()),
                    ("period", labels::period(&o.period.from, &o.period.to, t)),
                    ("response", labels::rate(&o.response, t)),
                    ("remission", labels::rate(&o.remission, t)),
                    ("rule", rule),
                ],
            )
        })
        .collect()
}

#[derive(Template)]
#[template(path = "clinic_reported.html")]
struct ReportedPage {
    layout: Layout,
    name: String,
    /// The name escaped for the message that sets it in bold (`|safe` in the template).
    name_html: String,
    clinic_href: String,
}

/// `GET /clinics/{id}`.
pub async fn page(State(state): State<AppState>, lang: Lang, ApiPath(id): ApiPath<String>) -> Response {
    match lookup(&state.directory, &id) {
        Ok(clinic) => {
            let outcomes = state.published_outcomes(clinic.id.as_str()).await;
            let mut page = clinic_page(&state, lang, &clinic, "", "", None);
            page.outcomes = outcome_lines(&outcomes, lang.tr());
            page.check_href = receives_summaries(&state, &clinic).await.then(|| check_path(&clinic));
            render(StatusCode::OK, &page)
        }
        Err(error) => respond(&lang.href(&clinic_path(&id)), state.config.demo, error),
    }
}

/// The `tel:` link of a listed phone number: its digits and a leading `+`.
pub fn tel_href(phone: &str) -> String {
    let digits: String = phone.chars().filter(|ch| ch.is_ascii_digit() || *ch == '+').collect();
    format!("tel:{digits}")
}

fn clinic_page(
    state: &AppState,
    lang: Lang,
    c: &Clinic,
    reason: &str,
    details: &str,
    report_error: Option<String>,
) -> ClinicPage {
    let address = format!("{}, {}, {} {}", c.address.street, c.address.city, c.address.state, c.address.zip);
    let t = lang.tr();
    ClinicPage {
        layout: Layout::localized(lang, c.name.clone(), state.config.demo, "", &clinic_path(c.id.as_str())),
        name: c.name.clone(),
        geo_href: format!("geo:{},{}", c.position.lat, c.position.lon),
        map_href: osm_href(c.position.lat, c.position.lon),
        zip_centroid: c.position_source == ketapath_directory::model::PositionSource::ZipCentroid,
        address,
        phone_href: c.phone.as_deref().map(tel_href),
        phone: c.phone.clone(),
        website: c.website.clone(),
        description: c.description.clone(),
        facts: ListingFacts::of(c, t),
        hours: hours::in_words(&c.hours, t),
        open_now: hours::open_now_words(&c.hours, &c.address.state, time::OffsetDateTime::now_utc(), t),
        accessibility: labels::accessibility(&c.accessibility, t),
        verified: verified_line(c, t),
        demo: c.demo,
        questions: QUESTIONS.iter().map(|id| t.m(id)).collect(),
        report_action: format!("{}/report", clinic_path(c.id.as_str())),
        reasons: REASONS.iter().map(|code| (*code, reason_label(code, t), *code == reason)).collect(),
        details: details.to_owned(),
        report_error,
        find_path: FIND_PATH,
        outcomes: Vec::new(),
        check_href: None,
    }
}

/// The place on openstreetmap.org with a marker, zoomed to a street level.
pub fn osm_href(lat: f64, lon: f64) -> String {
    format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=16/{lat}/{lon}")
}

/// Who verified a listing and when, in `t`'s language: "Verified by the clinic on 6 Dec 2026" when the clinic saved
/// it itself, "by KetaPath" when a platform admin did, else the importer's stamp as the import gave it.
pub fn verified_line(c: &Clinic, t: Tr) -> String {
    use ketapath_store::domain::{VERIFIED_BY_CLINIC, VERIFIED_BY_PLATFORM};
    let Some(date) = c.last_verified else { return t.m("verified-never") };
    let long = labels::date(date, t);
    // English keeps the short date these lines have always shown; Spanish spells the month out.
    let on = if t.lang() == Lang::En { ketapath_care::clinic_time::date_text(date) } else { long.clone() };
    match c.verified_by.as_deref() {
        Some(VERIFIED_BY_CLINIC) => t.a("verified-by-clinic", [("date", on)]),
        Some(VERIFIED_BY_PLATFORM) => t.a("verified-by-ketapath", [("date", on)]),
        Some(by) => t.a("verified-by-other", [("date", long), ("label", by.to_owned())]),
        None => t.a("verified-on", [("date", long)]),
    }
}

/// The self-check for this clinic. Only the clinic id travels in the URL (ids need no escaping), never an answer.
fn check_path(c: &Clinic) -> String {
    format!("{}?to={}", super::check::PATH, c.id.as_str())
}

/// Whether the clinic receives self-check summaries. A store that cannot answer hides the offer rather than the
/// page: the listing itself comes from the directory in memory.
async fn receives_summaries(state: &AppState, c: &Clinic) -> bool {
    let Some(store) = state.optional_store() else { return false };
    match store.clinic_receives_summaries(&c.id).await {
        Ok(receives) => receives,
        Err(error) => {
            tracing::warn!(%error, "could not tell whether a clinic receives summaries");
            false
        }
    }
}

/// Whether a state-changing request came from a page of this same site: `Sec-Fetch-Site: same-origin` when the
/// browser sends that header, else an `Origin` (or, without one, a `Referer`) naming the host it was sent to.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site.as_bytes() == b"same-origin";
    }
    let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
    let authority = |url: &str| -> Option<String> {
        let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
        Some(rest.split(['/', '?', '#']).next().unwrap_or_default().to_ascii_lowercase())
    };
    let claimed = match headers.get(header::ORIGIN) {
        Some(origin) => origin.to_str().ok().and_then(authority),
        None => headers.get(header::REFERER).and_then(|r| r.to_str().ok()).and_then(authority),
    };
    claimed.is_some_and(|a| a == host.to_ascii_lowercase())
}

/// `POST /clinics/{id}/report`.
pub async fn report(
    State(state): State<AppState>,
    Db(store): Db,
    lang: Lang,
    ApiPath(id): ApiPath<String>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Response {
    let path = lang.href(&format!("{}/report", clinic_path(&id)));
    let demo = state.config.demo;
    let t = lang.tr();
    if !is_same_origin(&headers) {
        return respond(&path, demo, ApiError::Forbidden(t.m("report-refused")));
    }
    let clinic = match lookup(&state.directory, &id) {
        Ok(clinic) => clinic,
        Err(error) => return respond(&path, demo, error),
    };
    let mut reason = String::new();
    let mut details = String::new();
    for (name, value) in form_urlencoded::parse(&body) {
        match name.as_ref() {
            "reason" => reason = value.trim().to_owned(),
            "details" => details = value.trim().to_owned(),
            _ => {}
        }
    }
    let problem = if !REASONS.contains(&reason.as_str()) {
        Some(t.m("report-error-reason"))
    } else if details.contains('\0') {
        // PostgreSQL's text columns cannot store a NUL character (it answered 500); no report needs one.
        Some(t.m("report-error-nul"))
    } else if details.chars().count() > DETAILS_MAX {
        Some(t.n("report-error-long", DETAILS_MAX))
    } else {
        None
    };
    if let Some(message) = problem {
        return render(StatusCode::BAD_REQUEST, &clinic_page(&state, lang, &clinic, &reason, &details, Some(message)));
    }
    // The peer address is what the audit log records for public writes; router tests have no socket.
    let origin = Origin::ip(peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(addr))| addr.ip()));
    let new = NewListingReport {
        clinic_id: clinic.id.clone(),
        reason,
        details: (!details.is_empty()).then_some(details),
        contact: None,
    };
    match store.submit_listing_report(new, &origin).await {
        Ok(_) => render(
            StatusCode::OK,
            &ReportedPage {
                layout: Layout::localized(lang, t.m("report-thanks-title"), demo, "", &clinic_path(clinic.id.as_str())),
                name: clinic.name.clone(),
                name_html: ketapath_research::svg::escape(&clinic.name),
                clinic_href: clinic_path(clinic.id.as_str()),
            },
        ),
        Err(ketapath_store::StoreError::NotFound { .. }) => respond(&path, demo, ApiError::NotFound),
        Err(error) => {
            tracing::error!(%error, "listing report could not be stored");
            respond(&path, demo, ApiError::Internal)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(header::HeaderName, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(name.clone(), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn same_origin_needs_a_matching_origin_or_referer() {
        let host = (header::HOST, "ketapath.example:8080");
        assert!(is_same_origin(&headers(&[host.clone(), (header::ORIGIN, "https://ketapath.example:8080")])));
        assert!(is_same_origin(&headers(&[host.clone(), (header::REFERER, "http://KetaPath.example:8080/clinics/x")])));
        assert!(!is_same_origin(&headers(&[host.clone(), (header::ORIGIN, "https://evil.example")])));
        assert!(!is_same_origin(&headers(&[host.clone(), (header::ORIGIN, "null")])));
        // An Origin header wins over a Referer that would match.
        assert!(!is_same_origin(&headers(&[
            host.clone(),
            (header::ORIGIN, "https://evil.example"),
            (header::REFERER, "https://ketapath.example:8080/")
        ])));
        assert!(!is_same_origin(&headers(std::slice::from_ref(&host))));
        // Fetch metadata decides when present: our no-referrer policy makes browsers send `Origin: null`.
        let site = |value| (header::HeaderName::from_static("sec-fetch-site"), value);
        assert!(is_same_origin(&headers(&[host.clone(), (header::ORIGIN, "null"), site("same-origin")])));
        assert!(!is_same_origin(&headers(&[
            host.clone(),
            (header::ORIGIN, "https://ketapath.example:8080"),
            site("cross-site")
        ])));
        assert!(!is_same_origin(&headers(&[host, site("same-site")])));
        assert!(!is_same_origin(&headers(&[(header::ORIGIN, "https://ketapath.example")])));
    }
}
