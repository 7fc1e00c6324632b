//! `/check`: the anonymous self-check as a short, step-by-step form that works without JavaScript.
//!
//! Steps, all `POST /check` (answers never travel in a URL, and the result is the body of the last POST, never a
//! redirect): 1. the PHQ-9; if item 9 is above 0, a follow-up page that first shows crisis help and then asks
//! whether the person is thinking about acting on those thoughts; after "yes", the get-help-now page at once (911
//! first, then 988 and the text line), with a button to continue the check afterwards; 2. antidepressants tried in
//! this episode of depression; 3. conditions, age, blood pressure and episode length; then the result. When a page
//! comes back with a mistake and the answers so far call for crisis help, the help is at the top of it. Each page carries the earlier answers in hidden fields:
//! they are the person's own answers in their own browser, and the server keeps nothing between requests.
//!
//! No CSRF token: these forms carry no session or cookie and change nothing on the server, so a forged submission
//! can only show its sender a result computed from the sender's own input. (`form-action 'self'` in the CSP keeps
//! the forms from posting elsewhere.) The portal's forms, which act on an account, will carry tokens.
//!
//! The result page offers to send the summary to a clinic (`send.rs`): `POST /check/send` chooses the clinic and
//! takes contact details, `POST /check/send/confirm` re-checks the answers and stores the referral. That is the
//! only step of the check that keeps anything, and only what the person agreed to on the page.
//!
//! Every step after the first has a Back button (`go`, the code of the step to show): the earlier page comes back
//! with every answer kept, those of the page left included, since they are in the same POST body. The medicines page
//! shows three rows and adds one at a time ("Add another medicine", or `check.js` revealing a hidden row).
//!
//! A form problem re-renders the step with a message next to each field at fault (`aria-describedby`), keeping
//! every answer; it is never an error page.

pub mod crisis;
pub mod form;
pub mod result;
pub mod send;
pub mod send_form;
pub mod sentences;
pub mod steps;
pub mod summary;

use axum::body::Bytes;
use axum::extract::{FromRequest, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use ketapath_clinical::screen::screen;

use crate::error::{ApiError, respond};
use crate::i18n::Lang;
use crate::state::AppState;
use form::{CheckForm, FieldError, Step};

/// The path of the self-check.
pub const PATH: &str = "/check";

/// `GET /check`: step 1 with nothing filled in. `?to={clinic_id}` (from a clinic's page) names the clinic the
/// summary may be sent to at the end; it is carried through the steps in a hidden field.
pub async fn start(State(state): State<AppState>, lang: Lang, RawQuery(query): RawQuery) -> Response {
    steps::render(&state, lang, Step::Phq9, &CheckForm::from_query(query.as_deref()), &[])
}

/// A urlencoded form body. Other content types or an oversized body answer an error page (with crisis contacts).
#[derive(Debug)]
pub struct FormBody(pub Bytes);

impl FromRequest<AppState> for FormBody {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let demo = state.config.demo;
        // The error page speaks the language of the page that posted.
        let path = Lang::of_path(request.uri().path()).href(PATH);
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(respond(&path, demo, ApiError::UnsupportedMediaType));
        }
        let limit_bytes = state.config.body_limit_bytes;
        Bytes::from_request(request, state).await.map(FormBody).map_err(|rejection| {
            let error = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge { limit_bytes }
            } else {
                ApiError::BadRequest("the form could not be read".into())
            };
            respond(&path, demo, error)
        })
    }
}

/// `POST /check`: validates the submitted step and shows the next one, the same one with messages, or the result.
pub async fn submit(State(state): State<AppState>, lang: Lang, FormBody(body): FormBody) -> Response {
    let form = CheckForm::parse(&body);
    // Back (from a step or the result) and "Add another medicine" show a page again with every answer kept,
    // checking nothing: a half-filled page is not a mistake until the person goes on from it.
    if let Some(target) = form.go {
        return steps::render(&state, lang, target, &form, &[]);
    }
    let Some(submitted) = form.step else {
        return steps::render(&state, lang, Step::Phq9, &form, &[]);
    };
    if form.add_row && submitted == Step::Trials {
        return steps::render(&state, lang, Step::Trials, &form, &[]);
    }
    match form.check() {
        Ok(input) if submitted == Step::About => {
            let screening = screen(&input, &state.screen);
            let today = time::OffsetDateTime::now_utc().date();
            no_store(result::render(&state, lang, &form, &input, &screening, today))
        }
        Ok(_) => steps::render(&state, lang, next(submitted, &form), &form, &[]),
        Err(errors) => {
            // Errors on pages not reached yet (only possible with a hand-made request) wait until those pages.
            let relevant: Vec<FieldError> = errors.into_iter().filter(|e| e.step() <= submitted).collect();
            match relevant.iter().map(FieldError::step).min() {
                Some(step) => {
                    let shown: Vec<FieldError> = relevant.into_iter().filter(|e| e.step() == step).collect();
                    steps::render(&state, lang, step, &form, &shown)
                }
                None => steps::render(&state, lang, next(submitted, &form), &form, &[]),
            }
        }
    }
}

/// The page after `step`: the follow-up only when PHQ-9 item 9 is above 0, and the get-help-now page right after
/// a "yes" to the follow-up.
fn next(step: Step, form: &CheckForm) -> Step {
    match step {
        Step::Phq9 if form.item9().is_some_and(|v| v > 0) => Step::FollowUp,
        Step::FollowUp if form.acting == "yes" => Step::HelpNow,
        Step::Phq9 | Step::FollowUp | Step::HelpNow => Step::Trials,
        Step::Trials | Step::About => Step::About,
    }
}

/// The page a Back button on `step` returns to: the page the person came from, so the follow-up and the
/// get-help-now page come back only when the answers led through them. Step 1 has none.
pub(crate) fn previous(step: Step, form: &CheckForm) -> Option<Step> {
    match step {
        Step::Phq9 => None,
        Step::FollowUp => Some(Step::Phq9),
        Step::HelpNow => Some(Step::FollowUp),
        Step::Trials if form.item9().is_some_and(|v| v > 0) => {
            Some(if form.acting == "yes" { Step::HelpNow } else { Step::FollowUp })
        }
        Step::Trials => Some(Step::Phq9),
        Step::About => Some(Step::Trials),
    }
}

/// Pages computed from answers are never kept by a browser or proxy cache.
pub(crate) fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}
