//! Staff accounts and API tokens: the look-ups authentication needs before any scope exists.

use secrecy::{ExposeSecret, SecretString};
use time::OffsetDateTime;

use crate::audited::{Audit, AuditedTx, Auditor, Unaudited};
use crate::clock::to_micros;
use crate::db::{Tx, args};
use crate::domain::{Actor, ApiToken, ApiTokenId, NewApiToken, NewStaffUser, Origin, Role, StaffId, StaffUser};
use crate::error::{StoreError, StoreResult};
use crate::rows::staff::{API_TOKEN_COLUMNS, STAFF_COLUMNS, StaffRow, TokenHolderRow};
use crate::scope::ClinicScope;
use crate::sign_in::staff_by_id;
use crate::statement::{Insert, Update};
use crate::store::Store;

/// Checks a new account and inserts it; shared by the clinic scope and the admin handle.
pub(crate) async fn insert_staff(tx: &mut Tx, now: i64, new: &NewStaffUser) -> StoreResult<StaffUser> {
    let email = new.email.trim().to_ascii_lowercase();
    if email.is_empty() || !email.contains('@') || email.len() > 254 {
        return Err(StoreError::invalid("email", "must be an e-mail address"));
    }
    if ketapath_directory::text::shows_nothing(&new.display_name) {
        return Err(StoreError::invalid(
            "display_name",
            "must show a visible character: it is empty or holds only invisible or control characters",
        ));
    }
    crate::staff::check_role_and_clinic(new.role, new.clinic_id.as_ref())?;
    if let Some(clinic) = &new.clinic_id {
        crate::staff::require_clinic(tx, clinic).await?;
    }
    let (taken,): (i64,) = tx.fetch_one("SELECT COUNT(*) FROM staff_users WHERE email = $1", &args![&email]).await?;
    if taken > 0 {
        return Err(StoreError::invalid("email", "an account with this e-mail exists"));
    }
    let at = crate::clock::from_micros("staff_users", now)?;
    let user = StaffUser {
        id: StaffId::new(at),
        clinic_id: new.clinic_id.clone(),
        email,
        display_name: new.display_name.trim().to_owned(),
        role: new.role,
        password_hash: new.password_hash.clone(),
        active: true,
        created_at: at,
        updated_at: at,
    };
    Insert::into("staff_users")
        .value("id", user.id.to_text())
        .value("clinic_id", user.clinic_id.as_ref().map(|c| c.as_str()))
        .value("email", &user.email)
        .value("display_name", &user.display_name)
        .value("role", user.role.code())
        .value("password_hash", user.password_hash.as_ref().map(|hash| hash.expose_secret()))
        .value("active", true)
        .value("created_at", now)
        .value("updated_at", now)
        .execute(tx)
        .await?;
    Ok(user)
}

/// Who a live API token acts for ([`Store::api_token_holder`]).
#[derive(Debug, Clone)]
pub struct TokenHolder {
    pub token: ApiToken,
    pub user: StaffUser,
    pub actor: Actor,
    /// The actor's clinic scope; `None` for a role without patient access (platform admin, researcher), which
    /// [`Store::for_clinic`] answers with the reason.
    pub scope: Option<ClinicScope>,
}

/// The prefix of every API token secret, so that a leaked token is recognisable (secret scanners, logs review).
pub const API_TOKEN_PREFIX: &str = "kp_";

/// A new API token secret: `kp_` and 32 bytes from the operating system's random source, in hex. Shown to its
/// owner once; only [`api_token_hash`] of it is stored.
pub fn new_api_token_secret() -> StoreResult<SecretString> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Io {
        context: "reading the operating system's random source".to_owned(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(SecretString::from(format!("{API_TOKEN_PREFIX}{}", hex::encode(bytes))))
}

/// 32 bytes from the operating system's random source, for a self-report link's token
/// (`ketapath_clinical::measurement::LinkToken::from_bytes` writes them); only their hash is stored.
pub fn new_link_secret() -> StoreResult<[u8; 32]> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StoreError::Io {
        context: "reading the operating system's random source".to_owned(),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(bytes)
}

/// The stored form of a token secret: lower-case hex SHA-256. Looking a token up by this hash means a guess is
/// never compared byte by byte with a stored secret, so no timing reveals how much of it was right.
pub fn api_token_hash(secret: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Checks and inserts a token row; shared by [`Store::create_api_token`] and the admin handle.
pub(crate) async fn insert_api_token(tx: &mut Tx, at: OffsetDateTime, new: NewApiToken) -> StoreResult<ApiToken> {
    if new.token_hash.len() != 64 || !new.token_hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(StoreError::invalid("token_hash", "must be a hex SHA-256"));
    }
    if new.name.trim().is_empty() {
        return Err(StoreError::invalid("name", "must not be empty"));
    }
    let (users,): (i64,) =
        tx.fetch_one("SELECT COUNT(*) FROM staff_users WHERE id = $1", &args![new.user_id.to_text()]).await?;
    if users == 0 {
        return Err(StoreError::NotFound { entity: "staff user" });
    }
    let token = ApiToken {
        id: ApiTokenId::new(at),
        user_id: new.user_id,
        name: new.name,
        token_hash: new.token_hash.to_ascii_lowercase(),
        created_at: crate::clock::truncate_to_micros(at),
        expires_at: new.expires_at.map(crate::clock::truncate_to_micros),
        revoked_at: None,
        last_used_at: None,
    };
    Insert::into("api_tokens")
        .value("id", token.id.to_text())
        .value("user_id", token.user_id.to_text())
        .value("name", &token.name)
        .value("token_hash", &token.token_hash)
        .value("created_at", to_micros(at))
        .value("expires_at", token.expires_at.map(to_micros))
        .value("revoked_at", None::<i64>)
        .execute(tx)
        .await?;
    Ok(token)
}

/// Marks a token revoked at `now`; false when it already was.
pub(crate) async fn mark_revoked(tx: &mut Tx, now: i64, id: ApiTokenId) -> StoreResult<bool> {
    let n = Update::table("api_tokens")
        .set("revoked_at", now)
        .filter("id", id.to_text())
        .filter_null("revoked_at")
        .execute(tx)
        .await?;
    Ok(n > 0)
}

impl Store {
    /// A staff account by id.
    pub async fn staff_user(&self, id: StaffId) -> StoreResult<Option<StaffUser>> {
        let mut tx = self.begin_read().await?;
        staff_by_id(&mut tx, &id.to_text()).await
    }

    /// A staff account by e-mail (case-insensitive), for login.
    pub async fn staff_user_by_email(&self, email: &str) -> StoreResult<Option<StaffUser>> {
        let mut tx = self.begin_read().await?;
        let row: Option<StaffRow> = tx
            .fetch_optional(
                &format!("SELECT {STAFF_COLUMNS} FROM staff_users WHERE email = $1"),
                &args![email.trim().to_ascii_lowercase()],
            )
            .await?;
        row.map(StaffRow::into_domain).transpose()
    }

    /// Sets a user's password hash (the user themself, or a platform admin).
    pub async fn set_password_hash(&self, by: &Actor, user: StaffId, hash: &SecretString) -> StoreResult<()> {
        if by.user_id != user && by.role != Role::PlatformAdmin {
            return Err(StoreError::Denied("only the user or a platform admin may set a password".to_owned()));
        }
        let mut tx = AuditedTx::begin(self, Auditor::staff(by)).await?;
        let now = tx.now();
        crate::staff::write_password_hash(tx.db(), user.to_text(), hash, now).await?;
        tx.commit_with(Audit::update("staff_user", user.to_text())).await
    }

    /// Creates an API token for `new.user_id` (the user themself, or a platform admin).
    pub async fn create_api_token(&self, by: &Actor, new: NewApiToken) -> StoreResult<ApiToken> {
        if by.user_id != new.user_id && by.role != Role::PlatformAdmin {
            return Err(StoreError::Denied("only the user or a platform admin may create a token".to_owned()));
        }
        let mut tx = AuditedTx::begin(self, Auditor::staff(by)).await?;
        let at = tx.at();
        let token = insert_api_token(tx.db(), at, new).await?;
        tx.commit_with(Audit::create("api_token", token.id.to_text())).await?;
        Ok(token)
    }

    /// The live token with this hash and its active user: not revoked, not expired at `now`.
    ///
    /// One statement on a pooled connection, without a transaction: a statement sees one snapshot by itself, and
    /// every API request starts here, so the look-up costs one round trip instead of four (BEGIN, the token, the
    /// account, ROLLBACK).
    pub async fn api_token_by_hash(
        &self,
        hash: &str,
        now: OffsetDateTime,
    ) -> StoreResult<Option<(ApiToken, StaffUser)>> {
        let sql = format!(
            "SELECT token.*, {STAFF_COLUMNS} FROM (SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE token_hash = $1 \
             AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)) AS token \
             JOIN staff_users ON staff_users.id = token.user_id WHERE staff_users.active = $3"
        );
        let row: Option<TokenHolderRow> =
            self.backend().fetch_optional_once(&sql, &args![hash.to_ascii_lowercase(), to_micros(now), true]).await?;
        let Some(row) = row else { return Ok(None) };
        let (mut token, user) = (row.token.into_domain()?, row.staff.into_domain()?);
        // The last use is written at most once a minute, like a portal session's, so that API calls are not a
        // database write each.
        if token.last_used_at.is_none_or(|last| now - last >= crate::sign_in::SESSION_TOUCH_INTERVAL) {
            let stamp = to_micros(now);
            let sql =
                "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $1)";
            self.touch_last_use(Unaudited::TokenTouch, sql, stamp, token.id.to_text()).await?;
            token.last_used_at = Some(crate::clock::from_micros("api_tokens", stamp)?);
        }
        Ok(Some((token, user)))
    }

    /// The holder of the live token with this hash, as the API acts for them from `origin`: the token, its active
    /// user, the actor, and the actor's clinic scope when the role has patient access. The scope is opened after
    /// the same database check as [`Store::for_clinic`], on the user row this look-up has just read, so that a
    /// request does not read that row twice.
    pub async fn api_token_holder(
        &self,
        hash: &str,
        now: OffsetDateTime,
        origin: Origin,
    ) -> StoreResult<Option<TokenHolder>> {
        let Some((token, user)) = self.api_token_by_hash(hash, now).await? else { return Ok(None) };
        let actor = Actor { user_id: user.id, clinic_id: user.clinic_id.clone(), role: user.role, origin };
        let scope = match (&actor.clinic_id, actor.role.is_clinic_role()) {
            (Some(clinic), true) => self.scope_of_read_user(&actor, clinic.clone(), Some(&user)).ok(),
            _ => None,
        };
        Ok(Some(TokenHolder { token, user, actor, scope }))
    }

    /// Revokes a token (its owner, or a platform admin). Returns whether a live token was revoked.
    pub async fn revoke_api_token(&self, by: &Actor, id: ApiTokenId) -> StoreResult<bool> {
        let mut tx = AuditedTx::begin(self, Auditor::staff(by)).await?;
        let now = tx.now();
        let owner: Option<(String,)> =
            tx.fetch_optional("SELECT user_id FROM api_tokens WHERE id = $1", &args![id.to_text()]).await?;
        match owner {
            None => return Err(StoreError::NotFound { entity: "api token" }),
            Some((owner,)) if owner != by.user_id.to_text() && by.role != Role::PlatformAdmin => {
                return Err(StoreError::NotFound { entity: "api token" });
            }
            Some(_) => {}
        }
        let revoked = mark_revoked(tx.db(), now, id).await?;
        tx.commit_with(Audit::update("api_token", id.to_text())).await?;
        Ok(revoked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_fresh_prefixed_and_stored_as_their_hash() {
        let a = new_api_token_secret().expect("random source");
        let b = new_api_token_secret().expect("random source");
        assert!(!format!("{a:?}").contains(a.expose_secret()), "Debug shows a token secret");
        let (a, b) = (a.expose_secret(), b.expose_secret());
        assert_ne!(a, b);
        assert!(a.starts_with(API_TOKEN_PREFIX) && a.len() == API_TOKEN_PREFIX.len() + 64, "{a}");
        let hash = api_token_hash(a);
        assert_eq!(hash.len(), 64);
        assert!(hash.bytes().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_eq!(hash, api_token_hash(a));
        assert_ne!(hash, api_token_hash(b));
        assert!(!hash.contains(&a[API_TOKEN_PREFIX.len()..]));
    }
}
