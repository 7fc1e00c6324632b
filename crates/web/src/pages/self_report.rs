//! `/r/{token}`: the self-report page a patient opens from a link their clinic gave them (copied or printed; no
//! e-mail server). `GET` shows the PHQ-9 as the self-check shows it; `POST` scores it, stores it through
//! [`Store::submit_self_report_with_alert`] and uses the link up.
//!
//! The token in the address is the capability: it is 32 random bytes, only its SHA-256 is stored, it works once
//! and expires. Posts must also come from this site ([`is_same_origin`]), so no other site can post answers
//! through a link it has seen. The pages never show the patient's name or the clinic's (a link can be forwarded),
//! are `no-store`, and the site-wide `Referrer-Policy: no-referrer` keeps the token out of other sites' logs.
//!
//! When item 9 is above 0 the person sees crisis help first, before the thanks, and the clinic's dashboard gets an
//! alert ([`self_report_alert`]) stored in the same transaction as the answers. Answers sent back for a mistake
//! (an unanswered question) still show the crisis help first when item 9 was answered above 0 (issue 13, item 6).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use askama::Template;
use axum::Extension;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ketapath_clinical::instruments::{Instrument, Items, phq9};
use ketapath_clinical::measurement::{Alert, LinkToken, self_report_alert};
use ketapath_clinical::safety::CrisisLevel;
use ketapath_store::StoreError;
use ketapath_store::domain::{LinkState, NewSelfReportAlert, Origin};

use super::check::crisis::{self, ResourceView};
use super::check::form::{CheckForm, FieldError, phq9_value};
use super::check::steps::{Common, CrisisFirst, ErrorLink, Question, phq9_questions};
use super::check::{FormBody, no_store};
use super::clinic::is_same_origin;
use super::{Layout, render};
use crate::error::{ApiError, respond};
use crate::extract::{ApiPath, Db};
use crate::i18n::Lang;
use crate::state::AppState;
use ketapath_care::self_report::token_hash;

/// The path prefix of self-report links.
pub const PREFIX: &str = "/r/";

/// What the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Form,
    Thanks,
    Used,
    Expired,
    Invalid,
}

#[derive(Template)]
#[template(path = "self_report.html")]
struct SelfReportPage {
    layout: Layout,
    kind: Kind,
    action: String,
    stem: String,
    copyright: &'static str,
    questions: Vec<Question>,
    /// The answers at fault, for the self-check's error summary (`check_errors.html`).
    common: Common,
    /// Crisis help to show first; empty when item 9 was 0.
    resources: Vec<ResourceView>,
    emergency: bool,
}

impl SelfReportPage {
    /// The page of `kind` at `link` (the English path of the link, which the language switch keeps), titled by the
    /// catalogue's `title` in `lang`.
    fn new(state: &AppState, lang: Lang, link: &str, kind: Kind, title: &str) -> Self {
        let t = lang.tr();
        Self {
            layout: Layout::localized(lang, t.m(title), state.config.demo, "", link),
            kind,
            action: String::new(),
            stem: t.m("phq9-stem"),
            copyright: phq9::COPYRIGHT,
            questions: Vec::new(),
            common: Common {
                step: "phq9",
                progress: String::new(),
                action: String::new(),
                errors: Vec::new(),
                hidden: Vec::new(),
                crisis: None,
                back: None,
            },
            resources: Vec::new(),
            emergency: false,
        }
    }
}

fn page(status: StatusCode, page: &SelfReportPage) -> Response {
    no_store(render(status, page))
}

/// The English path of the link `raw`, for the language switch and the `hreflang` links (the page shows it in the
/// address bar already; `Referrer-Policy: no-referrer` keeps it from other sites).
fn link_path(raw: &str) -> String {
    format!("{PREFIX}{}", percent_encoding::utf8_percent_encode(raw, percent_encoding::NON_ALPHANUMERIC))
}

fn state_page(state: &AppState, lang: Lang, raw: &str, link: Option<LinkState>) -> Response {
    let (status, kind, title) = match link {
        Some(LinkState::Used) => (StatusCode::CONFLICT, Kind::Used, "self-report-used-title"),
        Some(LinkState::Expired) => (StatusCode::GONE, Kind::Expired, "self-report-expired-title"),
        Some(LinkState::Open { .. }) | None => return invalid(state, lang, raw),
    };
    page(status, &SelfReportPage::new(state, lang, &link_path(raw), kind, title))
}

fn invalid(state: &AppState, lang: Lang, raw: &str) -> Response {
    let view = SelfReportPage::new(state, lang, &link_path(raw), Kind::Invalid, "self-report-invalid");
    page(StatusCode::NOT_FOUND, &view)
}

fn form_page(
    state: &AppState,
    lang: Lang,
    token: &LinkToken,
    answers: &[String; 9],
    errors: &[FieldError],
) -> Response {
    let t = lang.tr();
    let title = if errors.is_empty() { "self-report-title" } else { "self-report-title-errors" };
    let link = format!("{PREFIX}{}", token.as_str());
    let mut view = SelfReportPage::new(state, lang, &link, Kind::Form, title);
    view.action = lang.href(&link);
    view.questions = phq9_questions(answers, errors, t);
    view.common.errors =
        errors.iter().map(|e| ErrorLink { field: e.field.clone(), message: e.message_in(t) }).collect();
    if !errors.is_empty() {
        // Answers sent back for a mistake still get the crisis help that item 9 calls for, first: it must not
        // wait for every other answer to be right. The self-check's form reads it with the engine's pre-read.
        let form = CheckForm { phq9: answers.clone(), ..CheckForm::default() };
        view.common.crisis = form.triage().as_ref().and_then(|crisis| CrisisFirst::in_lang(crisis, t));
    }
    page(if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST }, &view)
}

/// `GET /r/{token}`: the questionnaire, or a page saying the link is used, expired or not valid.
pub async fn show(State(state): State<AppState>, Db(store): Db, lang: Lang, ApiPath(raw): ApiPath<String>) -> Response {
    let Ok(token) = LinkToken::parse(&raw) else { return invalid(&state, lang, &raw) };
    match store.self_report_link_state(&token_hash(&token)).await {
        Ok(Some(LinkState::Open { instrument: Instrument::Phq9 })) => {
            form_page(&state, lang, &token, &Default::default(), &[])
        }
        // Links are only created for the PHQ-9; another instrument has no page yet.
        Ok(Some(LinkState::Open { .. })) => invalid(&state, lang, &raw),
        Ok(other) => state_page(&state, lang, &raw, other),
        Err(error) => respond(&lang.href("/r"), state.config.demo, error.into()),
    }
}

/// The nine answers of a posted form, or a message per unanswered question.
fn answers(body: &[u8]) -> ([String; 9], Result<Vec<i64>, Vec<FieldError>>) {
    let mut raw: [String; 9] = Default::default();
    for (name, value) in form_urlencoded::parse(body) {
        let index = name.strip_prefix("phq9_").and_then(|n| n.parse::<usize>().ok()).and_then(|n| n.checked_sub(1));
        if let Some(slot) = index.and_then(|i| raw.get_mut(i)) {
            value.trim().clone_into(slot);
        }
    }
    let mut values = Vec::with_capacity(9);
    let mut errors = Vec::new();
    for (i, text) in raw.iter().enumerate() {
        match phq9_value(text) {
            Some(v) => values.push(i64::from(v)),
            // The self-check's message for the same mistake, with its catalogue id for the Spanish page.
            None => errors.push(FieldError::coded(
                format!("phq9_{}", i + 1),
                "error-phq9-answer",
                vec![("n", (i + 1).to_string())],
            )),
        }
    }
    let checked = if errors.is_empty() { Ok(values) } else { Err(errors) };
    (raw, checked)
}

fn stored_alert(alert: &Alert) -> NewSelfReportAlert {
    let level = match alert.level {
        CrisisLevel::Emergency => "emergency",
        CrisisLevel::Urgent | CrisisLevel::None => "urgent",
    };
    NewSelfReportAlert {
        level: level.to_owned(),
        item9: alert.item9,
        total: alert.total,
        message: alert.clinic_message.clone(),
    }
}

/// `POST /r/{token}`: scores and stores the answers once. A second post, or a post after expiry, gets the page
/// that says so; the answers sent first are kept.
pub async fn submit(
    State(state): State<AppState>,
    Db(store): Db,
    lang: Lang,
    ApiPath(raw): ApiPath<String>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Response {
    let t = lang.tr();
    let error_path = lang.href("/r");
    if !is_same_origin(&headers) {
        return respond(&error_path, state.config.demo, ApiError::Forbidden(t.m("self-report-refused")));
    }
    let Ok(token) = LinkToken::parse(&raw) else { return invalid(&state, lang, &raw) };
    let (raw_answers, checked) = answers(&body);
    let values = match checked {
        Ok(values) => values,
        Err(errors) => {
            // Say "used" or "expired" rather than ask again for answers that could not be kept.
            return match store.self_report_link_state(&token_hash(&token)).await {
                Ok(Some(LinkState::Open { .. })) => form_page(&state, lang, &token, &raw_answers, &errors),
                Ok(other) => state_page(&state, lang, &raw, other),
                Err(error) => respond(&error_path, state.config.demo, error.into()),
            };
        }
    };
    let items = match Items::from_values(Instrument::Phq9, &values) {
        Ok(items) => items,
        Err(error) => return respond(&error_path, state.config.demo, error.into()),
    };
    let alert = self_report_alert(&items);
    // The peer address is what the audit log records for public writes; router tests have no socket.
    let origin = Origin::ip(peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(addr))| addr.ip()));
    let hash = token_hash(&token);
    let submitted =
        store.submit_self_report_with_alert(&hash, items, &origin, store.now(), alert.as_ref().map(stored_alert)).await;
    match submitted {
        Ok(_) => {
            let title = if alert.is_some() { "self-report-help-title" } else { "self-report-sent-title" };
            let mut view = SelfReportPage::new(&state, lang, &link_path(&raw), Kind::Thanks, title);
            if let Some(alert) = &alert {
                view.resources = crisis::views_in(&alert.crisis.resources, t);
                view.emergency = alert.level == CrisisLevel::Emergency;
            }
            page(StatusCode::OK, &view)
        }
        Err(StoreError::NotFound { .. }) => match store.self_report_link_state(&hash).await {
            Ok(other) => state_page(&state, lang, &raw, other),
            Err(error) => respond(&error_path, state.config.demo, error.into()),
        },
        Err(error) => respond(&error_path, state.config.demo, error.into()),
    }
}
