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
    stem: &'static str,
    copyright: &'static str,
    questions: Vec<Question>,
    /// The answers at fault, for the self-check's error summary (`check_errors.html`).
    common: Common,
    /// Crisis help to show first; empty when item 9 was 0.
    resources: Vec<ResourceView>,
    emergency: bool,
}

impl SelfReportPage {
    fn new(state: &AppState, kind: Kind, title: &str) -> Self {
        Self {
            layout: Layout::new(title, state.config.demo, ""),
            kind,
            action: String::new(),
            stem: phq9::STEM,
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

fn state_page(state: &AppState, link: Option<LinkState>) -> Response {
    match link {
        Some(LinkState::Used) => {
            page(StatusCode::CONFLICT, &SelfReportPage::new(state, Kind::Used, "This questionnaire was already sent"))
        }
        Some(LinkState::Expired) => {
            page(StatusCode::GONE, &SelfReportPage::new(state, Kind::Expired, "This questionnaire link has expired"))
        }
        Some(LinkState::Open { .. }) | None => invalid(state),
    }
}

fn invalid(state: &AppState) -> Response {
    page(StatusCode::NOT_FOUND, &SelfReportPage::new(state, Kind::Invalid, "This questionnaire link is not valid"))
}

fn form_page(state: &AppState, token: &LinkToken, answers: &[String; 9], errors: &[FieldError]) -> Response {
    let title = if errors.is_empty() {
        "How you have been feeling: a questionnaire from your clinic".to_owned()
    } else {
        "Please check your answers. How you have been feeling".to_owned()
    };
    let mut view = SelfReportPage::new(state, Kind::Form, &title);
    view.action = format!("{PREFIX}{}", token.as_str());
    view.questions = phq9_questions(answers, errors, Lang::En.tr());
    view.common.errors =
        errors.iter().map(|e| ErrorLink { field: e.field.clone(), message: e.message.clone() }).collect();
    if !errors.is_empty() {
        // Answers sent back for a mistake still get the crisis help that item 9 calls for, first: it must not
        // wait for every other answer to be right. The self-check's form reads it with the engine's pre-read.
        let form = CheckForm { phq9: answers.clone(), ..CheckForm::default() };
        view.common.crisis = form.triage().as_ref().and_then(CrisisFirst::of);
    }
    page(if errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST }, &view)
}

/// `GET /r/{token}`: the questionnaire, or a page saying the link is used, expired or not valid.
pub async fn show(State(state): State<AppState>, Db(store): Db, ApiPath(raw): ApiPath<String>) -> Response {
    let Ok(token) = LinkToken::parse(&raw) else { return invalid(&state) };
    match store.self_report_link_state(&token_hash(&token)).await {
        Ok(Some(LinkState::Open { instrument: Instrument::Phq9 })) => {
            form_page(&state, &token, &Default::default(), &[])
        }
        // Links are only created for the PHQ-9; another instrument has no page yet.
        Ok(Some(LinkState::Open { .. })) => invalid(&state),
        Ok(other) => state_page(&state, other),
        Err(error) => respond("/r", state.config.demo, error.into()),
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
            None => errors.push(FieldError::new(
                format!("phq9_{}", i + 1),
                format!("Question {}: please choose one of the four answers.", i + 1),
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
    ApiPath(raw): ApiPath<String>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    FormBody(body): FormBody,
) -> Response {
    if !is_same_origin(&headers) {
        let refused = ApiError::Forbidden(
            "These answers did not come from KetaPath's own page, so they were not accepted. Please open the link \
             your clinic gave you and answer there."
                .to_owned(),
        );
        return respond("/r", state.config.demo, refused);
    }
    let Ok(token) = LinkToken::parse(&raw) else { return invalid(&state) };
    let (raw_answers, checked) = answers(&body);
    let values = match checked {
        Ok(values) => values,
        Err(errors) => {
            // Say "used" or "expired" rather than ask again for answers that could not be kept.
            return match store.self_report_link_state(&token_hash(&token)).await {
                Ok(Some(LinkState::Open { .. })) => form_page(&state, &token, &raw_answers, &errors),
                Ok(other) => state_page(&state, other),
                Err(error) => respond("/r", state.config.demo, error.into()),
            };
        }
    };
    let items = match Items::from_values(Instrument::Phq9, &values) {
        Ok(items) => items,
        Err(error) => return respond("/r", state.config.demo, error.into()),
    };
    let alert = self_report_alert(&items);
    // The peer address is what the audit log records for public writes; router tests have no socket.
    let origin = Origin::ip(peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |Extension(ConnectInfo(addr))| addr.ip()));
    let hash = token_hash(&token);
    let submitted =
        store.submit_self_report_with_alert(&hash, items, &origin, store.now(), alert.as_ref().map(stored_alert)).await;
    match submitted {
        Ok(_) => {
            let mut view =
                SelfReportPage::new(&state, Kind::Thanks, "Thank you: your answers were sent to your clinic");
            if let Some(alert) = &alert {
                view.layout.title = "Help is available now. Your answers were sent to your clinic".to_owned();
                view.resources = crisis::views(&alert.crisis.resources);
                view.emergency = alert.level == CrisisLevel::Emergency;
            }
            page(StatusCode::OK, &view)
        }
        Err(StoreError::NotFound { .. }) => match store.self_report_link_state(&hash).await {
            Ok(other) => state_page(&state, other),
            Err(error) => respond("/r", state.config.demo, error.into()),
        },
        Err(error) => respond("/r", state.config.demo, error.into()),
    }
}
