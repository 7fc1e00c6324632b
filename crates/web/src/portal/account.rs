//! `GET /portal/account`, `POST /portal/account/totp` and `POST /portal/account/password`: a staff member
//! enrolls their own TOTP second factor and changes their own password.
//!
//! `action=start` (with the current `password`, and a current `code` when the second factor is on) makes a new
//! secret (stored, not yet required) and shows it with its `otpauth://` URI as text to type or paste into an
//! authenticator app; `action=confirm` with a `code` from the app turns it on. From then on sign-in asks for a
//! code. Starting again replaces the secret. The password form takes the current `password` (and `code` when the
//! second factor is on) and a `new_password` that meets the password policy ([`ketapath_care::accounts::password::check_new_password`]).
//! A wrong current password or code counts as a failed sign-in from this address, so a borrowed session cannot
//! guess the password here without being locked out as at the sign-in page.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_store::{ExposeSecret, SecretString, SecurityAuthor};

use super::csrf::{Fields, PortalForm};
use super::login::{lockout_policy, password_matches};
use super::sign_in_cookie::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::error::{ApiError, respond};
use crate::pages::{Layout, render};
use crate::state::AppState;
use ketapath_care::accounts::password::{PasswordError, hash_password};
use ketapath_care::accounts::totp;

pub const PATH: &str = "/portal/account";
pub const TOTP_PATH: &str = "/portal/account/totp";
pub const PASSWORD_PATH: &str = "/portal/account/password";

/// The answer to a wrong current password or code (or any while this address is locked out of the account).
const NOT_ACCEPTED: &str = "Your current password or code was not accepted. Enter the password you sign in with \
                            (and a current code from your authenticator app, when your second factor is on). \
                            After several failed attempts this is paused for a while.";

/// The issuer shown in authenticator apps.
const ISSUER: &str = "KetaPath";

#[derive(Template)]
#[template(path = "portal_account.html")]
struct AccountPage {
    layout: Layout,
    bar: Bar,
    csrf: String,
    email: String,
    enabled: bool,
    /// A secret waiting for its first code: shown with its URI.
    pending: Option<(String, String)>,
    message: Option<String>,
}

async fn account_page(state: &AppState, staff: &PortalStaff, status: StatusCode, message: Option<&str>) -> Response {
    let demo = state.config.demo;
    let enrollment = match staff.store().sign_in_account(&staff.user().email).await {
        Ok(account) => account.and_then(|a| a.totp),
        Err(error) => return respond(PATH, demo, error.into()),
    };
    let email = staff.user().email.clone();
    // A key waiting for its first code is shown (the user types it into the app), so it is opened here.
    let pending = match enrollment.as_ref().filter(|t| !t.enabled) {
        Some(t) => match state.config.totp_keys.open(staff.user().id, &t.key) {
            Ok(key) => {
                let key = key.expose_secret();
                Some((key.to_owned(), totp::otpauth_uri(ISSUER, &email, key)))
            }
            Err(error) => return respond(PATH, demo, error.into()),
        },
        None => None,
    };
    let page = AccountPage {
        layout: layout("Account", demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        enabled: enrollment.is_some_and(|t| t.enabled),
        email,
        pending,
        message: message.map(str::to_owned),
    };
    render(status, &page)
}

/// `GET /portal/account`.
pub async fn page(State(state): State<AppState>, staff: PortalStaff) -> Response {
    account_page(&state, &staff, StatusCode::OK, None).await
}

/// `POST /portal/account/totp`.
pub async fn totp_action(State(state): State<AppState>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let staff = &form.staff;
    let store = staff.store();
    let user = staff.user().id;
    match form.fields.get("action") {
        Some("start") => {
            // Whoever holds a session must also know the password (and a current code) to change the second
            // factor, so that a borrowed or stolen session cannot swap in a key of its own.
            match current_credentials_ok(&state, staff, &form.fields).await {
                Ok(true) => {}
                Ok(false) => return account_page(&state, staff, StatusCode::BAD_REQUEST, Some(NOT_ACCEPTED)).await,
                Err(error) => return respond(TOTP_PATH, demo, error),
            }
            let stored = match state.config.totp_keys.new_key(user) {
                Ok((_shown_on_the_page, stored)) => stored,
                Err(error) => return respond(TOTP_PATH, demo, error.into()),
            };
            match store.set_totp(SecurityAuthor::Staff(staff.actor()), user, Some(&stored), false).await {
                Ok(()) => see_other(PATH),
                Err(error) => respond(TOTP_PATH, demo, error.into()),
            }
        }
        Some("confirm") => {
            let account = match store.sign_in_account(&staff.user().email).await {
                Ok(account) => account,
                Err(error) => return respond(TOTP_PATH, demo, error.into()),
            };
            let pending = account.and_then(|a| a.totp).filter(|t| !t.enabled);
            let Some(pending) = pending else { return see_other(PATH) };
            let code = form.fields.get("code").unwrap_or_default();
            let accepted = match state.config.totp_keys.verify(user, &pending.key, code, store.now()) {
                Ok(Some(step)) => store.accept_totp_step(user, step).await,
                Ok(None) => Ok(false),
                Err(error) => return respond(TOTP_PATH, demo, error.into()),
            };
            match accepted {
                Ok(true) => {}
                Ok(false) => {
                    let message = Some("That code was not accepted. Check the app's clock and try the next code.");
                    return account_page(&state, staff, StatusCode::BAD_REQUEST, message).await;
                }
                Err(error) => return respond(TOTP_PATH, demo, error.into()),
            }
            // Enabling clears the replay guard, so the accepted step is recorded again right after.
            let step = totp::step_at(store.now());
            let enabled = async {
                store.set_totp(SecurityAuthor::Staff(staff.actor()), user, Some(&pending.key), true).await?;
                store.accept_totp_step(user, step + totp::DRIFT_STEPS).await
            };
            match enabled.await {
                Ok(_) => account_page(&state, staff, StatusCode::OK, Some("Your second factor is on.")).await,
                Err(error) => respond(TOTP_PATH, demo, error.into()),
            }
        }
        _ => respond(
            TOTP_PATH,
            demo,
            ApiError::InvalidInput(ketapath_clinical::InvalidInput::new("action", "must be start or confirm")),
        ),
    }
}

/// `POST /portal/account/password`: the current password (and code), then the new one, which must meet the
/// password policy.
pub async fn change_password(State(state): State<AppState>, form: PortalForm) -> Response {
    let demo = state.config.demo;
    let staff = &form.staff;
    match current_credentials_ok(&state, staff, &form.fields).await {
        Ok(true) => {}
        Ok(false) => return account_page(&state, staff, StatusCode::BAD_REQUEST, Some(NOT_ACCEPTED)).await,
        Err(error) => return respond(PASSWORD_PATH, demo, error),
    }
    let new = form.fields.raw("new_password").unwrap_or_default().to_owned();
    // Argon2id is deliberately slow, so it runs off the async threads.
    let hashed = tokio::task::spawn_blocking(move || hash_password(&new)).await;
    let hash = match hashed {
        Ok(Ok(hash)) => hash,
        Ok(Err(refused @ (PasswordError::TooShort | PasswordError::Guessable(_)))) => {
            let message = format!("New password not changed: {refused}.");
            return account_page(&state, staff, StatusCode::BAD_REQUEST, Some(&message)).await;
        }
        Ok(Err(PasswordError::Hash(error))) => {
            tracing::error!(%error, "a new password could not be hashed");
            return respond(PASSWORD_PATH, demo, ApiError::Internal);
        }
        Err(_) => return respond(PASSWORD_PATH, demo, ApiError::Internal),
    };
    match staff.store().set_password_hash(staff.actor(), staff.user().id, &hash).await {
        Ok(()) => account_page(&state, staff, StatusCode::OK, Some("Your password is changed.")).await,
        Err(error) => respond(PASSWORD_PATH, demo, error.into()),
    }
}

/// Checks the current `password` and, when the second factor is on, a current `code`, as sign-in does: while
/// this address is locked out of the account nothing is accepted (the dummy hash is verified instead, so the
/// answer takes as long), and a wrong one counts as a failed sign-in from this address.
async fn current_credentials_ok(state: &AppState, staff: &PortalStaff, fields: &Fields) -> Result<bool, ApiError> {
    let store = staff.store();
    let user = staff.user();
    let client = &staff.0.client;
    let now = store.now();
    let locked = store.sign_in_failures(Some(user.id), client).await?.is_locked(now);
    let hash = if locked { None } else { user.password_hash.clone() };
    let mut accepted = password_matches(SecretString::from(fields.raw("password").unwrap_or_default()), hash).await;
    if accepted {
        let enrollment = store.sign_in_account(&user.email).await?.and_then(|a| a.totp).filter(|t| t.enabled);
        if let Some(enrollment) = enrollment {
            let code = fields.get("code").unwrap_or_default();
            accepted = match state.config.totp_keys.verify(user.id, &enrollment.key, code, now)? {
                Some(step) => store.accept_totp_step(user.id, step).await?,
                None => false,
            };
        }
    }
    if !accepted {
        store.record_failed_sign_in(user.id, client, lockout_policy(state), staff.actor().origin.as_str()).await?;
    }
    Ok(accepted)
}
