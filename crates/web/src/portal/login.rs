//! `GET`/`POST /portal/login` (staff sign-in) and `POST /portal/logout`.
//!
//! Sign-in checks, in order: the sign-in form's CSRF token (double-submit cookie) and origin; the account by
//! e-mail; the Argon2id password (a dummy hash is verified for an unknown e-mail or a locked-out address, so each
//! answer takes the time of one verification); the lock; the second factor when the user enrolled or the clinic
//! requires one of the role. An unknown e-mail, a wrong password, a locked-out address and a wrong code all get the
//! same page with the same status. After `max_failures` failures in a row from one client address, that address
//! is locked out of the account for `lockout` (web [`crate::config::AuthConfig`]); the owner signing in from
//! another address is not affected, so nobody can lock a colleague out by guessing. Success starts a new session
//! with a new secret, ends any session the browser presented, and redirects to the dashboard.

use std::sync::OnceLock;

use askama::Template;
use axum::extract::{FromRequest, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use ketapath_store::domain::{LockoutPolicy, NewStaffSignIn, SignInAccount};
use ketapath_store::{ExposeSecret, SecretString, Store, api_token_hash};

use super::csrf::{Fields, PortalForm, login_refused, login_token_ok};
use super::sign_in_cookie::{
    LOGIN_PATH, client_of, cookie, is_secret, login_cookie_name, new_secret, origin_of, see_other, set_cookie,
    sign_in_cookie_name, sign_in_of,
};
use crate::error::{ApiError, respond};
use crate::layers::rate_limit::LimitKey;
use crate::pages::check::FormBody;
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::accounts::TotpKeyRing;
use ketapath_care::accounts::password::{hash_password, verify_password};

/// Where a successful sign-in goes.
pub const HOME: &str = "/portal";

/// The one message of every refused sign-in, whatever the reason.
const NOT_ACCEPTED: &str = "The e-mail address, password or code was not accepted. After several failed attempts \
                            sign-in from this network is paused for a while; ask your clinic admin if you cannot \
                            sign in.";

#[derive(Template)]
#[template(path = "portal_login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    email: String,
    error: Option<&'static str>,
    /// The second factor is asked for (the password was right and the account needs a code).
    code_needed: bool,
}

/// What the sign-in page shows besides the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Blank,
    NotAccepted,
    CodeNeeded,
    EnrolFirst,
}

/// `GET /portal/login`.
pub async fn page(State(state): State<AppState>, request: Request) -> Response {
    login_page(&state, request.headers(), "", Outcome::Blank)
}

/// The sign-in page, with the sign-in CSRF cookie (kept when the browser already has a valid one, so that two
/// open sign-in tabs both work).
fn login_page(state: &AppState, headers: &axum::http::HeaderMap, email: &str, outcome: Outcome) -> Response {
    let token = match pre_session_token(state, headers) {
        Ok(token) => token,
        Err(error) => return respond(LOGIN_PATH, state.config.demo, error),
    };
    let (status, error) = match outcome {
        Outcome::Blank => (StatusCode::OK, None),
        Outcome::NotAccepted => (StatusCode::UNAUTHORIZED, Some(NOT_ACCEPTED)),
        Outcome::CodeNeeded => (
            StatusCode::UNAUTHORIZED,
            Some(
                "This account needs a second factor: enter your password again with the 6-digit code from your authenticator app.",
            ),
        ),
        Outcome::EnrolFirst => (
            StatusCode::FORBIDDEN,
            Some(
                "Your clinic requires a second factor (an authenticator app code) for your role, and your account \
                 has none yet. Ask your clinic admin or a KetaPath platform admin to enroll you \
                 (ketapath user totp), then sign in with the code.",
            ),
        ),
    };
    let page = LoginPage {
        layout: Layout::new("Staff sign-in", state.config.demo, ""),
        csrf: token.clone(),
        email: email.to_owned(),
        error,
        code_needed: outcome == Outcome::CodeNeeded,
    };
    with_pre_session_cookie(state, render(status, &page), &token)
}

/// The double-submit token of a form shown before any session (sign-in, a set-password link): the browser's
/// valid sign-in cookie, kept so that two open tabs both work, or a fresh one. Its form is checked by
/// [`super::csrf::login_token_ok`].
pub(crate) fn pre_session_token(state: &AppState, headers: &axum::http::HeaderMap) -> Result<String, ApiError> {
    match cookie(headers, login_cookie_name(state)).filter(|v| is_secret(v)) {
        Some(existing) => Ok(existing.to_owned()),
        None => Ok(new_secret()?.expose_secret().to_owned()),
    }
}

/// `response` with the sign-in cookie holding `token`, which its form carries ([`pre_session_token`]).
pub(crate) fn with_pre_session_cookie(state: &AppState, mut response: Response, token: &str) -> Response {
    response.headers_mut().append(header::SET_COOKIE, set_cookie(state, login_cookie_name(state), token, None));
    response
}

/// An Argon2id hash that matches no password, verified for unknown accounts so their answer takes as long.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let filler = new_secret()
            .map(|s| s.expose_secret().to_owned())
            .unwrap_or_else(|_| "a fixed filler when the random source fails".to_owned());
        hash_password(&filler).map(|h| h.expose_secret().to_owned()).unwrap_or_default()
    })
}

/// Verifies `password` against `hash` (or the dummy hash) off the async threads: Argon2id is deliberately slow.
pub(crate) async fn password_matches(password: SecretString, hash: Option<SecretString>) -> bool {
    let real = hash.is_some();
    let hash = hash.unwrap_or_else(|| SecretString::from(dummy_hash()));
    let matches = tokio::task::spawn_blocking(move || verify_password(password.expose_secret(), hash.expose_secret()))
        .await
        .unwrap_or(false);
    matches && real
}

/// `POST /portal/login`.
pub async fn submit(State(state): State<AppState>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let FormBody(bytes) = match FormBody::from_request(Request::from_parts(parts.clone(), body), &state).await {
        Ok(body) => body,
        Err(response) => return response,
    };
    let fields = Fields::parse(&bytes);
    // Sign-in attempts are limited per (account, client address), not per address alone: a stranger flooding
    // one account is slowed without slowing colleagues who sign in from the same clinic network.
    let client = crate::layers::client::client_key(&parts.headers, &parts.extensions, &state.config.trusted_proxies);
    if let Err(error) = state.limit(LimitKey::sign_in(fields.get("email").unwrap_or_default(), client)) {
        return respond(LOGIN_PATH, state.config.demo, error);
    }
    if !login_token_ok(&state, &parts.headers, &fields) {
        return login_refused(&state);
    }
    if let Err(error) = fields.refuse_nul() {
        return respond(LOGIN_PATH, state.config.demo, error);
    }
    let email = fields.get("email").unwrap_or_default().to_owned();
    match sign_in(&state, &parts, &fields).await {
        Ok(Ok(response)) => response,
        Ok(Err(outcome)) => login_page(&state, &parts.headers, &email, outcome),
        Err(error) => respond(LOGIN_PATH, state.config.demo, error),
    }
}

/// The sign-in decision: a redirect with the new session cookie, or why the page is shown again.
async fn sign_in(
    state: &AppState,
    parts: &axum::http::request::Parts,
    fields: &Fields,
) -> Result<Result<Response, Outcome>, ApiError> {
    let store = state.store()?;
    let email = fields.get("email").unwrap_or_default();
    let password = SecretString::from(fields.raw("password").unwrap_or_default());
    let code = fields.get("code").unwrap_or_default();
    let origin = origin_of(&parts.extensions);
    let client = client_of(parts, state);
    let account = if email.is_empty() || email.len() > 254 { None } else { store.sign_in_account(email).await? };
    // The same read for an unknown e-mail as for a known one, so the answer's timing does not tell them apart.
    let failures = store.sign_in_failures(account.as_ref().map(|a| a.user.id), &client).await?;
    let now = store.now();
    // While this address is locked out, the password is checked against the dummy hash, so the lock cannot be
    // told apart by timing and a right password learns nothing from here.
    let usable = account.as_ref().filter(|_| !failures.is_locked(now));
    let hash = usable.and_then(|a| a.user.password_hash.clone());
    let password_ok = password_matches(password, hash).await;
    let policy = lockout_policy(state);
    // Every refusal writes one audit event, so an unknown e-mail, a locked address and a wrong password cost the
    // same database work as well as the same hash verification.
    let Some(account) = usable else {
        match &account {
            Some(locked) => store.record_failed_sign_in(locked.user.id, &client, policy, origin.as_str()).await?,
            None => store.record_unknown_sign_in(origin.as_str()).await.map(|()| false)?,
        };
        return Ok(Err(Outcome::NotAccepted));
    };
    if !password_ok {
        store.record_failed_sign_in(account.user.id, &client, policy, origin.as_str()).await?;
        return Ok(Err(Outcome::NotAccepted));
    }
    if let Some(outcome) = second_factor(store, &state.config.totp_keys, account, code, now).await? {
        if outcome == Outcome::NotAccepted {
            store.record_failed_sign_in(account.user.id, &client, policy, origin.as_str()).await?;
        }
        return Ok(Err(outcome));
    }
    // Session fixation: whatever session cookie the browser presented is ended, never reused.
    if let Some(previous) = sign_in_of(parts, state).await? {
        store.end_sign_in(&previous.id_hash, origin.as_str()).await?;
    }
    let secret = new_secret()?;
    store
        .start_sign_in(NewStaffSignIn {
            user_id: account.user.id,
            id_hash: api_token_hash(secret.expose_secret()),
            csrf_secret: new_secret()?,
            lifetime: time::Duration::try_from(state.config.auth.sign_in_lifetime).unwrap_or(time::Duration::hours(12)),
            origin,
            client,
        })
        .await?;
    let mut response = see_other(HOME);
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, set_cookie(state, sign_in_cookie_name(state), secret.expose_secret(), None));
    headers.append(header::SET_COOKIE, set_cookie(state, login_cookie_name(state), "", Some(0)));
    Ok(Ok(response))
}

/// How many failures in a row from one address lock it out of an account, and for how long (the web settings).
pub(crate) fn lockout_policy(state: &AppState) -> LockoutPolicy {
    let auth = &state.config.auth;
    LockoutPolicy {
        max_failures: auth.max_failures,
        lock_for: time::Duration::try_from(auth.lockout).unwrap_or(time::Duration::minutes(15)),
    }
}

/// `None` when no second factor is needed or the code is right (and not replayed); else why not.
async fn second_factor(
    store: &Store,
    keys: &TotpKeyRing,
    account: &SignInAccount,
    code: &str,
    now: time::OffsetDateTime,
) -> Result<Option<Outcome>, ApiError> {
    if !account.needs_totp() {
        return Ok(None);
    }
    let Some(enrollment) = account.totp.as_ref().filter(|t| t.enabled) else {
        return Ok(Some(Outcome::EnrolFirst));
    };
    if code.is_empty() {
        return Ok(Some(Outcome::CodeNeeded));
    }
    let Some(step) = keys.verify(account.user.id, &enrollment.key, code, now)? else {
        return Ok(Some(Outcome::NotAccepted));
    };
    if !store.accept_totp_step(account.user.id, step).await? {
        return Ok(Some(Outcome::NotAccepted));
    }
    Ok(None)
}

/// `POST /portal/logout`: ends the session and clears its cookie.
pub async fn logout(State(state): State<AppState>, form: PortalForm) -> Response {
    let signed_in = &form.staff.0;
    if let Err(error) = signed_in.store.end_sign_in(&signed_in.id_hash, signed_in.actor.origin.as_str()).await {
        return respond("/portal/logout", state.config.demo, error.into());
    }
    let mut response = see_other(LOGIN_PATH);
    response.headers_mut().append(header::SET_COOKIE, set_cookie(&state, sign_in_cookie_name(&state), "", Some(0)));
    response
}
