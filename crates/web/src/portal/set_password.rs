//! `GET`/`POST /portal/set-password/{token}`: the public page of a one-time set-password link
//! ([`ketapath_care::accounts::set_password_link`]), which an admin gave a new staff member or someone who forgot
//! their password. No session exists yet, so the form carries the sign-in form's double-submit token and must come
//! from this site ([`login_token_ok`]); the token in the path is the capability. The page says whether the link is
//! used or expired (410) or unknown (404); the form asks for the new password twice, and a password the policy
//! refuses shows the form again with the reason and leaves the link open. Success ends the account's sessions and
//! points to the sign-in page. Every answer is `no-store` (the portal's router), and the site-wide
//! `Referrer-Policy: no-referrer` keeps the token out of other sites' logs.

use askama::Template;
use axum::extract::{FromRequest, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use ketapath_care::accounts::lifecycle::LifecycleError;
use ketapath_care::accounts::password::{MIN_PASSWORD_CHARS, PasswordError};
use ketapath_care::accounts::set_password_link::{self, PATH_PREFIX};
use ketapath_store::domain::PasswordLinkState;
use ketapath_store::{SecretString, StoreError};

use super::csrf::{Fields, login_refused, login_token_ok};
use super::login::{pre_session_token, with_pre_session_cookie};
use super::sign_in_cookie::{LOGIN_PATH, origin_of};
use crate::error::{ApiError, respond};
use crate::extract::ApiPath;
use crate::pages::check::FormBody;
use crate::pages::{Layout, render};
use crate::state::AppState;

/// What the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Form,
    Done,
    Used,
    Expired,
    Unknown,
}

#[derive(Template)]
#[template(path = "portal_set_password.html")]
struct SetPasswordPage {
    layout: Layout,
    kind: Kind,
    action: String,
    csrf: String,
    email: String,
    min_chars: usize,
    error: Option<String>,
    login: &'static str,
}

/// The page for `kind`, with the pre-session cookie its form is checked against.
fn page(
    state: &AppState,
    headers: &HeaderMap,
    token: &str,
    kind: Kind,
    email: &str,
    error: Option<String>,
) -> Response {
    let action = format!("{PATH_PREFIX}{token}");
    let csrf = match pre_session_token(state, headers) {
        Ok(csrf) => csrf,
        Err(error) => return respond(&action, state.config.demo, error),
    };
    let status = match (kind, &error) {
        (Kind::Form, Some(_)) => StatusCode::BAD_REQUEST,
        (Kind::Form | Kind::Done, _) => StatusCode::OK,
        (Kind::Used | Kind::Expired, _) => StatusCode::GONE,
        (Kind::Unknown, _) => StatusCode::NOT_FOUND,
    };
    let title = if kind == Kind::Done { "Password set" } else { "Set your password" };
    let page = SetPasswordPage {
        layout: Layout::new(title, state.config.demo, ""),
        kind,
        action,
        csrf: csrf.clone(),
        email: email.to_owned(),
        min_chars: MIN_PASSWORD_CHARS,
        error,
        login: LOGIN_PATH,
    };
    with_pre_session_cookie(state, render(status, &page), &csrf)
}

/// What the link stands for: the form for its account, or why not.
async fn link_kind(state: &AppState, token: &str) -> Result<(Kind, String), ApiError> {
    let store = state.store()?;
    Ok(match set_password_link::status(store, token).await? {
        Some(PasswordLinkState::Open { email, .. }) => (Kind::Form, email),
        Some(PasswordLinkState::Used) => (Kind::Used, String::new()),
        Some(PasswordLinkState::Expired) => (Kind::Expired, String::new()),
        None => (Kind::Unknown, String::new()),
    })
}

/// `GET /portal/set-password/{token}`.
pub async fn show(State(state): State<AppState>, ApiPath(token): ApiPath<String>, headers: HeaderMap) -> Response {
    match link_kind(&state, &token).await {
        Ok((kind, email)) => page(&state, &headers, &token, kind, &email, None),
        Err(error) => respond(&format!("{PATH_PREFIX}{token}"), state.config.demo, error),
    }
}

/// `POST /portal/set-password/{token}` with `password` and `password_again`.
pub async fn submit(State(state): State<AppState>, ApiPath(token): ApiPath<String>, request: Request) -> Response {
    let path = format!("{PATH_PREFIX}{token}");
    let demo = state.config.demo;
    let (parts, body) = request.into_parts();
    let FormBody(bytes) = match FormBody::from_request(Request::from_parts(parts.clone(), body), &state).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let fields = Fields::parse(&bytes);
    if !login_token_ok(&state, &parts.headers, &fields) {
        return login_refused(&state);
    }
    if let Err(error) = fields.refuse_nul() {
        return respond(&path, demo, error);
    }
    let (kind, email) = match link_kind(&state, &token).await {
        Ok(found) => found,
        Err(error) => return respond(&path, demo, error),
    };
    if kind != Kind::Form {
        return page(&state, &parts.headers, &token, kind, "", None);
    }
    let password = fields.raw("password").unwrap_or_default();
    if fields.raw("password_again") != Some(password) {
        let error = "The two passwords differ: type the same new password in both fields.".to_owned();
        return page(&state, &parts.headers, &token, Kind::Form, &email, Some(error));
    }
    let store = match state.store() {
        Ok(store) => store,
        Err(error) => return respond(&path, demo, error),
    };
    let origin = origin_of(&parts.extensions);
    match set_password_link::redeem(store, &token, SecretString::from(password), &origin).await {
        Ok(_) => page(&state, &parts.headers, &token, Kind::Done, &email, None),
        Err(LifecycleError::Password(refused @ (PasswordError::TooShort | PasswordError::Guessable(_)))) => {
            let error = format!("Password not set: {refused}.");
            page(&state, &parts.headers, &token, Kind::Form, &email, Some(error))
        }
        // Used or expired between the check above and the write (another tab, the expiry): say which.
        Err(LifecycleError::Store(StoreError::NotFound { .. })) => match link_kind(&state, &token).await {
            Ok((kind, _)) => page(&state, &parts.headers, &token, kind, "", None),
            Err(error) => respond(&path, demo, error),
        },
        Err(error) => respond(&path, demo, error.into()),
    }
}
