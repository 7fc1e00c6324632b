//! `GET /portal/account` and `POST /portal/account/totp`: a staff member enrolls their own TOTP second factor.
//!
//! `action=start` (with the current `password`) makes a new secret (stored, not yet required) and shows it with its `otpauth://` URI as text
//! to type or paste into an authenticator app; `action=confirm` with a `code` from the app turns it on. From then
//! on sign-in asks for a code. Starting again replaces the secret.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use ketapath_store::SecurityAuthor;

use super::csrf::PortalForm;
use super::session::{PortalStaff, see_other};
use super::{Bar, layout};
use crate::error::{ApiError, respond};
use crate::pages::{Layout, render};
use crate::state::AppState;
use crate::totp;

pub const PATH: &str = "/portal/account";
pub const TOTP_PATH: &str = "/portal/account/totp";

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
    message: Option<&'static str>,
}

async fn account_page(
    state: &AppState,
    staff: &PortalStaff,
    status: StatusCode,
    message: Option<&'static str>,
) -> Response {
    let demo = state.config.demo;
    let enrollment = match staff.store().sign_in_account(&staff.user().email).await {
        Ok(account) => account.and_then(|a| a.totp),
        Err(error) => return respond(PATH, demo, error.into()),
    };
    let email = staff.user().email.clone();
    let pending = enrollment
        .as_ref()
        .filter(|t| !t.enabled)
        .map(|t| (t.secret.clone(), totp::otpauth_uri(ISSUER, &email, &t.secret)));
    let page = AccountPage {
        layout: layout("Account", demo, PATH),
        bar: Bar::of(staff),
        csrf: staff.csrf().to_owned(),
        enabled: enrollment.is_some_and(|t| t.enabled),
        email,
        pending,
        message,
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
            // Whoever holds a session must also know the password to change the second factor, so that a
            // borrowed or stolen session cannot swap in a key of its own.
            let password = form.fields.raw("password").unwrap_or_default().to_owned();
            if !super::login::password_matches(password, staff.user().password_hash.clone()).await {
                let message = Some("That password was not accepted. Enter your current password to set up a key.");
                return account_page(&state, staff, StatusCode::BAD_REQUEST, message).await;
            }
            let secret = match totp::new_secret() {
                Ok(secret) => secret,
                Err(error) => {
                    tracing::error!(%error, "the operating system's random source failed");
                    return respond(TOTP_PATH, demo, ApiError::Internal);
                }
            };
            match store.set_totp(SecurityAuthor::Staff(staff.actor()), user, Some(&secret), false).await {
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
            let accepted = match totp::verify(&pending.secret, code, store.now()) {
                Some(step) => store.accept_totp_step(user, step).await,
                None => Ok(false),
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
                store.set_totp(SecurityAuthor::Staff(staff.actor()), user, Some(&pending.secret), true).await?;
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
