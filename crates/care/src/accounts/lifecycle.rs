//! Staff lifecycle use cases, shared by `ketapath user …`/`ketapath token …` and (later) the portal's clinic
//! administration pages: listing accounts, deactivating and reactivating one, an admin's password reset, a role
//! change, and API tokens with an expiry (created only by a TOTP-enrolled user when their clinic requires TOTP).
//!
//! The author is a [`SecurityAuthor`]: the admin command line, or a signed-in admin whom the store checks (a
//! platform admin for anyone, a clinic admin for their own clinic's staff). Every change is audited by the store.

use ketapath_directory::ClinicId;
use ketapath_store::domain::{ApiToken, NewApiToken, Role, StaffAccount, StaffUser};
use ketapath_store::{
    ExposeSecret, SecretString, SecurityAuthor, Store, StoreError, api_token_hash, new_api_token_secret,
};
use time::Duration;

use super::password::{PasswordError, hash_password};

/// The lifetime of a token created without `--expires-in`.
pub const DEFAULT_TOKEN_DAYS: i64 = 90;
/// The longest lifetime a token may be given: two years, so that no forgotten token lives for ever.
pub const MAX_TOKEN_DAYS: i64 = 730;

/// Why a lifecycle action was refused.
#[derive(Debug, thiserror::Error)]
pub enum LifecycleError {
    /// The input names no account, or is malformed; `field` names the input (`email`, `expires_in`).
    #[error("{field}: {message}")]
    Invalid { field: &'static str, message: String },
    /// The user's clinic requires TOTP, and the user has none: they may not hold an API token.
    #[error(
        "the clinic of {email} requires a second factor, and {email} has none enrolled: enroll them first \
         (`ketapath user totp --email {email}`), then create the token"
    )]
    TotpRequired { email: String },
    /// The new password is too short or guessable, or could not be hashed.
    #[error("password: {0}")]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Reads a token lifetime written as `Nd` (days), from 1 to [`MAX_TOKEN_DAYS`].
pub fn parse_token_lifetime(text: &str) -> Result<Duration, LifecycleError> {
    let invalid = |message: String| LifecycleError::Invalid { field: "expires_in", message };
    let days = text
        .trim()
        .strip_suffix('d')
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or_else(|| invalid(format!("{text:?} is not a number of days; write it as Nd, for example 90d")))?;
    if !(1..=MAX_TOKEN_DAYS).contains(&days) {
        return Err(invalid(format!("{days} days is out of range; choose from 1d to {MAX_TOKEN_DAYS}d")));
    }
    Ok(Duration::days(days))
}

/// The account with this e-mail, or an error naming the e-mail.
pub async fn account(store: &Store, email: &str) -> Result<StaffUser, LifecycleError> {
    store.staff_user_by_email(email).await?.ok_or_else(|| LifecycleError::Invalid {
        field: "email",
        message: format!("{email} is unknown: no staff account has this e-mail address"),
    })
}

/// Every account, or those of `clinic`, by e-mail.
pub async fn list(
    store: &Store,
    author: SecurityAuthor<'_>,
    clinic: Option<&ClinicId>,
) -> Result<Vec<StaffAccount>, LifecycleError> {
    Ok(store.staff_accounts(author, clinic).await?)
}

/// Deactivates (`active` false) or reactivates the account; deactivating ends its sessions and revokes its tokens
/// at once (they answer 401 from then on). Returns the account and whether it changed.
pub async fn set_active(
    store: &Store,
    author: SecurityAuthor<'_>,
    email: &str,
    active: bool,
) -> Result<(StaffUser, bool), LifecycleError> {
    let user = account(store, email).await?;
    let changed = store.set_account_active(author, user.id, active).await?;
    Ok((user, changed))
}

/// Sets a new password (with the strength rules of every new password) and ends the account's sessions.
/// Returns the account and how many sessions were ended.
pub async fn reset_password(
    store: &Store,
    author: SecurityAuthor<'_>,
    email: &str,
    password: &SecretString,
) -> Result<(StaffUser, u64), LifecycleError> {
    let user = account(store, email).await?;
    let hash = hash_password(password.expose_secret())?;
    let ended = store.reset_password(author, user.id, &hash).await?;
    Ok((user, ended))
}

/// Changes the account's role and clinic (clinic roles need an existing clinic, the others none).
pub async fn set_role(
    store: &Store,
    author: SecurityAuthor<'_>,
    email: &str,
    role: Role,
    clinic: Option<&ClinicId>,
) -> Result<StaffUser, LifecycleError> {
    let user = account(store, email).await?;
    Ok(store.set_role(author, user.id, role, clinic).await?)
}

/// The account's API tokens, oldest first.
pub async fn tokens(
    store: &Store,
    author: SecurityAuthor<'_>,
    email: &str,
) -> Result<(StaffUser, Vec<ApiToken>), LifecycleError> {
    let user = account(store, email).await?;
    let tokens = store.api_tokens_of(author, user.id).await?;
    Ok((user, tokens))
}

/// Creates an API token for an active account, expiring `lifetime` from now, and returns it with its secret
/// (shown to its owner once; only its hash is stored). Refused when the account's clinic requires TOTP and the
/// account has none enrolled, so that such a clinic's tokens belong to 2FA-verified users only.
pub async fn create_token(
    store: &Store,
    author: SecurityAuthor<'_>,
    email: &str,
    name: &str,
    lifetime: Duration,
) -> Result<(ApiToken, SecretString), LifecycleError> {
    let user = account(store, email).await?;
    // `sign_in_account` answers only for active accounts.
    let Some(sign_in) = store.sign_in_account(&user.email).await? else {
        return Err(LifecycleError::Invalid {
            field: "email",
            message: format!("the account {email} is not active; activate it first"),
        });
    };
    if sign_in.clinic_requires_totp && !sign_in.totp.is_some_and(|t| t.enabled) {
        return Err(LifecycleError::TotpRequired { email: user.email });
    }
    let secret = new_api_token_secret()?;
    let new = NewApiToken {
        user_id: user.id,
        name: name.to_owned(),
        token_hash: api_token_hash(secret.expose_secret()),
        expires_at: Some(store.now() + lifetime),
    };
    let token = match author {
        SecurityAuthor::AdminCli => store.unscoped_for_admin_cli_and_tests().create_api_token(new).await?,
        SecurityAuthor::Staff(actor) => store.create_api_token(actor, new).await?,
    };
    Ok((token, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_lifetimes_are_days_within_two_years() {
        assert!(parse_token_lifetime("90d").is_ok_and(|d| d == Duration::days(90)));
        assert!(parse_token_lifetime("1d").is_ok_and(|d| d == Duration::days(1)));
        assert!(parse_token_lifetime("730d").is_ok_and(|d| d == Duration::days(730)));
        for bad in ["0d", "731d", "90", "3w", "-5d", "d", ""] {
            let err = parse_token_lifetime(bad).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.starts_with("expires_in: "), "{bad}: {err}");
        }
        let err = parse_token_lifetime("731d").err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("from 1d to 730d"), "{err}");
    }
}
