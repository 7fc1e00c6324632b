//! The portal's sign-in cookie: cookie names and attributes, fresh secrets, and the [`PortalStaff`] extractor that
//! turns the cookie into a signed-in staff member (or sends a browser to the sign-in page). In this code base a
//! "session" is always a treatment session; what the cookie carries is a sign-in (`StaffSignIn` in the store).
//!
//! The cookie holds a 256-bit random secret; the database keeps only its SHA-256 (`staff_sessions.id_hash`), so
//! sessions survive a server restart and are shared by every server over one PostgreSQL. The cookie is
//! `HttpOnly`, `SameSite=Strict`, `Path=/`, and `Secure` with the `__Host-` prefix unless
//! [`crate::config::AuthConfig::secure_cookies`] is off. A new secret is made at every sign-in; whatever cookie
//! the browser had before is never promoted to a session (no session fixation).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use ketapath_store::domain::{Actor, Origin, StaffSignIn, StaffUser};
use ketapath_store::{ClinicScope, ExposeSecret, SecretString, Store, api_token_hash};

use crate::error::ApiError;
use crate::state::AppState;

/// The sign-in page, where a browser without a session is sent.
pub const LOGIN_PATH: &str = "/portal/login";

/// The session cookie's name with and without `Secure`.
const SESSION_SECURE: &str = "__Host-kp_session";
const SESSION_PLAIN: &str = "kp_session";
/// The sign-in form's double-submit CSRF cookie.
const LOGIN_SECURE: &str = "__Host-kp_login";
const LOGIN_PLAIN: &str = "kp_login";

/// The session cookie's name under this configuration.
pub fn sign_in_cookie_name(state: &AppState) -> &'static str {
    if state.config.auth.secure_cookies { SESSION_SECURE } else { SESSION_PLAIN }
}

/// The sign-in CSRF cookie's name under this configuration.
pub fn login_cookie_name(state: &AppState) -> &'static str {
    if state.config.auth.secure_cookies { LOGIN_SECURE } else { LOGIN_PLAIN }
}

/// A new 256-bit secret in hex (session ids, CSRF tokens), in a type that neither prints nor serializes it.
pub fn new_secret() -> Result<SecretString, ApiError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).map_err(|error| {
        tracing::error!(%error, "the operating system's random source failed");
        ApiError::Internal
    })?;
    Ok(SecretString::from(hex::encode(bytes)))
}

/// Whether a cookie value looks like one of our secrets (64 lower-case hex digits); anything else is ignored
/// without a database query.
pub fn is_secret(value: &str) -> bool {
    value.len() == 64 && value.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

/// A `Set-Cookie` value: `HttpOnly; SameSite=Strict; Path=/`, `Secure` when configured; `max_age` zero deletes.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<u64>) -> HeaderValue {
    let mut text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict");
    if state.config.auth.secure_cookies {
        text.push_str("; Secure");
    }
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    // Names and values are ours (ASCII letters, digits, `_`, `-`): always a valid header value.
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static("kp_invalid=; Max-Age=0"))
}

/// The audit origin of a request: the peer address (router tests have no socket).
pub fn origin_of(parts_extensions: &axum::http::Extensions) -> Origin {
    let peer = parts_extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
    Origin::ip(peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)))
}

/// The client key of a request as text (its address, or the one a trusted proxy reported), under which failed
/// sign-ins and password checks are counted.
pub fn client_of(parts: &Parts, state: &AppState) -> String {
    crate::layers::client::client_key(&parts.headers, &parts.extensions, &state.config.trusted_proxies).to_string()
}

/// A live session found from the request's cookie.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub actor: Actor,
    pub user: StaffUser,
    pub session: StaffSignIn,
    /// The SHA-256 of the cookie's secret, to end this session.
    pub id_hash: String,
    pub store: Store,
    /// The client key of this request ([`client_of`]), for counting failed password checks on the account page.
    pub client: String,
}

/// The live session named by the request's session cookie, if any. `Err` only when the server has no database
/// or the database fails.
pub async fn sign_in_of(parts: &Parts, state: &AppState) -> Result<Option<SignedIn>, ApiError> {
    let Some(secret) = cookie(&parts.headers, sign_in_cookie_name(state)).filter(|v| is_secret(v)) else {
        return Ok(None);
    };
    let store = state.store()?;
    let id_hash = api_token_hash(secret);
    let idle = time::Duration::try_from(state.config.auth.idle_timeout).unwrap_or(time::Duration::minutes(15));
    let Some((session, user)) = store.staff_sign_in(&id_hash, idle).await? else { return Ok(None) };
    let actor = Actor {
        user_id: user.id,
        clinic_id: user.clinic_id.clone(),
        role: user.role,
        origin: origin_of(&parts.extensions),
    };
    Ok(Some(SignedIn { actor, user, session, id_hash, store: store.clone(), client: client_of(parts, state) }))
}

/// A staff member signed in to the portal through the session cookie. Pages take it as an extractor; a browser
/// without a live session is redirected (303) to the sign-in page.
#[derive(Debug, Clone)]
pub struct PortalStaff(pub SignedIn);

impl PortalStaff {
    pub fn actor(&self) -> &Actor {
        &self.0.actor
    }

    pub fn user(&self) -> &StaffUser {
        &self.0.user
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The synchronizer token the session's forms carry.
    pub fn csrf(&self) -> &str {
        self.0.session.csrf_secret.expose_secret()
    }

    /// The clinic scope, or `None` for a role without patient access (platform admin, researcher).
    pub async fn scope(&self) -> Result<Option<ClinicScope>, ApiError> {
        if !self.0.actor.role.is_clinic_role() {
            return Ok(None);
        }
        Ok(Some(self.0.store.for_clinic(&self.0.actor).await?))
    }
}

impl FromRequestParts<AppState> for PortalStaff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let refuse = |error| crate::error::respond(parts.uri.path(), state.config.demo, error);
        match sign_in_of(parts, state).await {
            Ok(Some(signed_in)) => {
                state.limit_staff(parts, signed_in.user.id).map_err(refuse)?;
                Ok(PortalStaff(signed_in))
            }
            Ok(None) => {
                state.limit_refused_credential(parts).map_err(refuse)?;
                Err(to_login())
            }
            Err(error) => Err(refuse(error)),
        }
    }
}

/// 303 to the sign-in page, with `Cache-Control: no-store` like every portal answer.
pub fn to_login() -> Response {
    see_other(LOGIN_PATH)
}

/// A 303 See Other to `path`: after a form post, the browser follows it with a GET.
pub fn see_other(path: &str) -> Response {
    let mut response = Redirect::to(path).into_response();
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.append(header::COOKIE, HeaderValue::from_static("a=1; kp_session=abc ; __Host-kp_session=def"));
        headers.append(header::COOKIE, HeaderValue::from_static("other=2"));
        assert_eq!(cookie(&headers, "kp_session"), Some("abc"));
        assert_eq!(cookie(&headers, "__Host-kp_session"), Some("def"));
        assert_eq!(cookie(&headers, "other"), Some("2"));
        assert_eq!(cookie(&headers, "session"), None);
    }

    #[test]
    fn only_our_secrets_are_looked_up() {
        let fresh = new_secret().unwrap();
        let secret = fresh.expose_secret();
        assert!(!format!("{fresh:?}").contains(secret), "Debug shows a session secret");
        assert!(is_secret(secret));
        assert_ne!(secret, new_secret().unwrap().expose_secret());
        assert!(!is_secret(&secret.to_ascii_uppercase()));
        assert!(!is_secret(&secret[1..]));
        assert!(!is_secret("../../etc/passwd"));
    }
}
