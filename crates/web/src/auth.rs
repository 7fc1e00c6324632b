//! Staff authentication: the extractor of the clinic API (a bearer token, or the portal's session cookie with its
//! CSRF header). Password hashing is `ketapath_care::accounts::password`.
//!
//! A token is looked up by the SHA-256 of what the client sent, never compared with a stored secret, and never
//! logged: neither the header nor the secret appears in any message or log line.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use ketapath_store::domain::{Actor, Origin};
use ketapath_store::{ClinicScope, ExposeSecret, Store, api_token_hash};

use crate::error::ApiError;
use crate::state::AppState;

/// The one message of every failed authentication, whatever the reason.
const UNAUTHORIZED: &str = "a valid API token is required: send Authorization: Bearer <token>";

/// Longest secret looked up; anything longer is not a KetaPath token and is refused without a database query.
const MAX_TOKEN_LEN: usize = 256;

/// An authenticated staff member of the clinic API, with the store to act on.
#[derive(Debug, Clone)]
pub struct StaffActor {
    pub actor: Actor,
    store: Store,
    /// The scope the token look-up opened on the account row it read (`Store::api_token_holder`), so that a
    /// request does not read that row a second time; `None` for the session cookie and for roles without one.
    scope: Option<ClinicScope>,
}

impl StaffActor {
    /// The acting user's clinic scope: 403 for a role without patient access (platform admin, researcher) or a
    /// user no longer allowed at the clinic.
    pub async fn scope(&self) -> Result<ClinicScope, ApiError> {
        if let Some(scope) = &self.scope {
            return Ok(scope.clone());
        }
        Ok(self.store.for_clinic(&self.actor).await?)
    }

    /// The store, for the request's clock.
    pub fn store(&self) -> &Store {
        &self.store
    }
}

/// The secret of an `Authorization: Bearer <token>` header (scheme case-insensitive, RFC 7235), or `None`.
fn bearer_secret(parts: &Parts) -> Option<&str> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, secret) = value.split_once(' ')?;
    let secret = secret.trim();
    let plausible = scheme.eq_ignore_ascii_case("bearer")
        && !secret.is_empty()
        && secret.len() <= MAX_TOKEN_LEN
        && secret.bytes().all(|b| b.is_ascii_graphic());
    plausible.then_some(secret)
}

impl FromRequestParts<AppState> for StaffActor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        // Credentials are checked before anything else, so that no route reveals anything to an anonymous caller.
        // A bearer token wins; without one, the portal's session cookie is accepted (the portal's own pages call
        // the API that way), and then an unsafe method must carry the session's CSRF token.
        let Some(secret) = bearer_secret(parts) else { return from_sign_in(parts, state).await };
        let store = state.store()?;
        // The peer address is what the audit log records; router tests have no socket.
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let origin = Origin::ip(peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED)));
        let found = store.api_token_holder(&api_token_hash(secret), store.now(), origin).await?;
        let Some(holder) = found else {
            state.limit_refused_credential(parts)?;
            return Err(ApiError::Unauthorized(UNAUTHORIZED.to_owned()));
        };
        state.limit_staff(parts, holder.user.id)?;
        Ok(StaffActor { actor: holder.actor, store: store.clone(), scope: holder.scope })
    }
}

/// The API caller signed in through the portal's session cookie. Without a live session: the one 401. With one,
/// a method other than GET, HEAD or OPTIONS must send the session's CSRF token in `X-CSRF-Token` (403 otherwise),
/// because a browser attaches the cookie to requests another site makes it send.
async fn from_sign_in(parts: &Parts, state: &AppState) -> Result<StaffActor, ApiError> {
    let Some(signed_in) = crate::portal::sign_in_cookie::sign_in_of(parts, state).await? else {
        state.limit_refused_credential(parts)?;
        return Err(ApiError::Unauthorized(UNAUTHORIZED.to_owned()));
    };
    state.limit_staff(parts, signed_in.user.id)?;
    if !parts.method.is_safe() {
        let sent = parts.headers.get(crate::portal::csrf::HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !crate::portal::csrf::tokens_match(sent, signed_in.session.csrf_secret.expose_secret()) {
            return Err(ApiError::Forbidden(
                "a request authenticated by the session cookie must send the session's X-CSRF-Token header".to_owned(),
            ));
        }
    }
    Ok(StaffActor { actor: signed_in.actor, store: signed_in.store, scope: None })
}

/// An authenticated member of a clinic's staff with their clinic scope open: the extractor of every patient
/// route. It runs before the body is read, so a role without patient access gets 403 whatever it sent.
#[derive(Debug, Clone)]
pub struct ClinicStaff {
    pub scope: ClinicScope,
    /// The store, whose clock says what "now" is (the future check of `taken_at`).
    pub store: Store,
}

impl FromRequestParts<AppState> for ClinicStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let staff = StaffActor::from_request_parts(parts, state).await?;
        let scope = staff.scope().await?;
        Ok(ClinicStaff { scope, store: staff.store })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_header_forms() {
        let parts = |value: Option<&str>| {
            let mut builder = axum::http::Request::builder();
            if let Some(v) = value {
                builder = builder.header(header::AUTHORIZATION, v);
            }
            builder.body(()).unwrap().into_parts().0
        };
        assert_eq!(bearer_secret(&parts(Some("Bearer kp_abc"))), Some("kp_abc"));
        assert_eq!(bearer_secret(&parts(Some("bearer kp_abc"))), Some("kp_abc"));
        assert_eq!(bearer_secret(&parts(Some("Basic a2V5"))), None);
        assert_eq!(bearer_secret(&parts(Some("Bearer "))), None);
        assert_eq!(bearer_secret(&parts(Some("Bearer"))), None);
        assert_eq!(bearer_secret(&parts(Some(&format!("Bearer {}", "x".repeat(300))))), None);
        assert_eq!(bearer_secret(&parts(None)), None);
    }
}
