//! One-time set-password links: instead of choosing a password for someone, an admin gives them a link through
//! which they choose their own (a new staff member, a forgotten password, a new clinic's first admin).
//!
//! [`issue`] makes 32 random bytes, stores only their SHA-256 ([`Store::issue_password_link`]) and returns the
//! secret once, with the path of the public page (`/portal/set-password/{token}`); the link works once and for
//! [`LINK_LIFETIME`]. [`redeem`] checks the new password with the policy every new password meets
//! ([`super::password::check_new_password`]), hashes it and sets it through the link, which ends the account's
//! sign-in sessions. The author of a link is a [`SecurityAuthor`]: the store lets a platform admin issue one for
//! anyone and a clinic admin for their own clinic's staff, and audits it.

use ketapath_store::domain::{Origin, PasswordLinkState, StaffId, StaffUser};
use ketapath_store::{ExposeSecret, SecretString, SecurityAuthor, Store, StoreError, api_token_hash, new_link_secret};
use time::{Duration, OffsetDateTime};

use super::lifecycle::LifecycleError;
use super::password::{PasswordError, hash_password};

/// How long a set-password link works: three days, long enough to reach someone over a weekend.
pub const LINK_LIFETIME: Duration = Duration::hours(72);

/// The path of the public page that redeems a link, before its token.
pub const PATH_PREFIX: &str = "/portal/set-password/";

/// A link just issued. Its token is in no log and no page but the one that shows it once.
#[derive(Debug, Clone)]
pub struct IssuedLink {
    pub user_id: StaffId,
    /// The secret (64 hexadecimal characters), which only its holder knows; the store kept its SHA-256.
    pub token: SecretString,
    pub expires_at: OffsetDateTime,
}

impl IssuedLink {
    /// The path of the link's page, `/portal/set-password/{token}`, to show once (prefix the site's address).
    pub fn path(&self) -> String {
        format!("{PATH_PREFIX}{}", self.token.expose_secret())
    }
}

/// Issues a new link for the account `user` (older open links of the account end), expiring [`LINK_LIFETIME`]
/// from now. Refused for a deactivated account, and for an author who may not manage the account (another clinic's
/// account is not found).
pub async fn issue(store: &Store, author: SecurityAuthor<'_>, user: StaffId) -> Result<IssuedLink, LifecycleError> {
    let token = SecretString::from(hex::encode(new_link_secret()?));
    let expires_at = store.now() + LINK_LIFETIME;
    let link = store.issue_password_link(author, user, &api_token_hash(token.expose_secret()), expires_at).await?;
    Ok(IssuedLink { user_id: link.user_id, token, expires_at: link.expires_at })
}

/// Where the link with this token stands (`None`: no such link), for the page to say "used" or "expired".
pub async fn status(store: &Store, token: &str) -> Result<Option<PasswordLinkState>, StoreError> {
    store.password_link_state(&api_token_hash(token)).await
}

/// Sets the link's account's password to `password`, which must meet the password policy, and uses the link up.
/// An unknown, used or expired link is [`StoreError::NotFound`] (inside [`LifecycleError::Store`]); a weak password
/// is [`LifecycleError::Password`] and leaves the link open. `origin` is where the request came from, for the audit.
pub async fn redeem(
    store: &Store,
    token: &str,
    password: SecretString,
    origin: &Origin,
) -> Result<StaffUser, LifecycleError> {
    let hash = api_token_hash(token);
    // The link is checked before the slow hashing, so that guessing tokens costs the server nothing.
    match store.password_link_state(&hash).await? {
        Some(PasswordLinkState::Open { .. }) => {}
        _ => return Err(StoreError::NotFound { entity: "set-password link" }.into()),
    }
    // Argon2id is deliberately slow, so it runs off the async threads.
    let hashed = tokio::task::spawn_blocking(move || hash_password(password.expose_secret()))
        .await
        .map_err(|e| PasswordError::Hash(e.to_string()))??;
    Ok(store.redeem_password_link(&hash, &hashed, origin).await?)
}
