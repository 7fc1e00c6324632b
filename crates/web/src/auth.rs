//! Staff authentication: the extractor of the clinic API (a bearer token, or the portal's session cookie with its
//! CSRF header), and Argon2id password hashing (used by `ketapath user add` and the portal's sign-in).
//!
//! A token is looked up by the SHA-256 of what the client sent, never compared with a stored secret, and never
//! logged: neither the header nor the secret appears in any message or log line.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use ketapath_store::domain::{Actor, Origin};
use ketapath_store::{ClinicScope, Store, api_token_hash};

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
}

impl StaffActor {
    /// The acting user's clinic scope: 403 for a role without patient access (platform admin, researcher) or a
    /// user no longer allowed at the clinic.
    pub async fn scope(&self) -> Result<ClinicScope, ApiError> {
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
        let Some(secret) = bearer_secret(parts) else { return from_session(parts, state).await };
        let Some(store) = state.directory.store() else {
            return Err(ApiError::NotReady("this server has no database".to_owned()));
        };
        let found = store.api_token_by_hash(&api_token_hash(secret), store.now()).await?;
        let Some((_token, user)) = found else {
            state.limit_refused_credential(parts)?;
            return Err(ApiError::Unauthorized(UNAUTHORIZED.to_owned()));
        };
        state.limit_staff(parts, user.id)?;
        // The peer address is what the audit log records; router tests have no socket.
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip());
        let actor = Actor {
            user_id: user.id,
            clinic_id: user.clinic_id,
            role: user.role,
            origin: Origin::ip(peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))),
        };
        Ok(StaffActor { actor, store: store.clone() })
    }
}

/// The API caller signed in through the portal's session cookie. Without a live session: the one 401. With one,
/// a method other than GET, HEAD or OPTIONS must send the session's CSRF token in `X-CSRF-Token` (403 otherwise),
/// because a browser attaches the cookie to requests another site makes it send.
async fn from_session(parts: &Parts, state: &AppState) -> Result<StaffActor, ApiError> {
    let Some(signed_in) = crate::portal::session::session_of(parts, state).await? else {
        state.limit_refused_credential(parts)?;
        return Err(ApiError::Unauthorized(UNAUTHORIZED.to_owned()));
    };
    state.limit_staff(parts, signed_in.user.id)?;
    if !parts.method.is_safe() {
        let sent = parts.headers.get(crate::portal::csrf::HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if !crate::portal::csrf::tokens_match(sent, &signed_in.session.csrf_secret) {
            return Err(ApiError::Forbidden(
                "a request authenticated by the session cookie must send the session's X-CSRF-Token header".to_owned(),
            ));
        }
    }
    Ok(StaffActor { actor: signed_in.actor, store: signed_in.store })
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

/// Why a password could not be hashed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must be at least {MIN_PASSWORD_CHARS} characters long; choose a longer one")]
    TooShort,
    /// The strength estimate found it common or guessable; the text says why, when the estimate knows.
    #[error(
        "the password is too easy to guess{0}; choose a longer one that is not a common word, name, date or \
         pattern, for example several unrelated words"
    )]
    Guessable(String),
    #[error("the password could not be hashed: {0}")]
    Hash(String),
}

/// The shortest password accepted (NIST SP 800-63B asks for at least 8).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// The lowest zxcvbn score (0 to 4) a new password may have: 3 is "safely unguessable" against an online attack
/// and a moderate offline one, in the estimator's own terms.
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// Whether `password` may be set as a new password: long enough, and not common or guessable by the zxcvbn
/// strength estimate. Checked wherever a password is set, because every path goes through [`hash_password`].
pub fn check_new_password(password: &str) -> Result<(), PasswordError> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(PasswordError::TooShort);
    }
    let estimate = zxcvbn::zxcvbn(password, &[]);
    if u8::from(estimate.score()) < MIN_PASSWORD_SCORE {
        let why = estimate.feedback().and_then(|f| f.warning()).map(|w| format!(" ({w})")).unwrap_or_default();
        return Err(PasswordError::Guessable(why));
    }
    Ok(())
}

/// Hashes a new password with Argon2id (default parameters, random salt) into a PHC string, after
/// [`check_new_password`].
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    check_new_password(password)?;
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Whether `password` matches a stored PHC string; a malformed stored hash never matches.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_to_argon2id_and_verify() {
        let phc = hash_password("correct horse battery").unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify_password("correct horse battery", &phc));
        assert!(!verify_password("correct horse batterY", &phc));
        assert!(!verify_password("correct horse battery", "not a hash"));
        assert_ne!(hash_password("correct horse battery").unwrap(), phc, "salted");
        assert!(matches!(hash_password("short"), Err(PasswordError::TooShort)));
    }

    #[test]
    fn new_passwords_must_be_long_and_hard_to_guess() {
        assert!(matches!(check_new_password("elevenchars"), Err(PasswordError::TooShort)));
        for weak in ["aaaaaaaaaaaa", "password1234", "qwertyuiop12", "123456789012"] {
            let refused = check_new_password(weak);
            assert!(matches!(refused, Err(PasswordError::Guessable(_))), "{weak}: {refused:?}");
            let message = refused.unwrap_err().to_string();
            assert!(message.contains("too easy to guess") && message.contains("choose a longer one"), "{message}");
        }
        // The demo's random passwords (24 hexadecimal characters) and a passphrase of unrelated words pass.
        assert!(check_new_password("9f3a1c07be52d4e8a61f0c93").is_ok());
        assert!(check_new_password("correct horse battery staple").is_ok());
    }

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
