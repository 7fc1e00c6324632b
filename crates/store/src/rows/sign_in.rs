//! The `staff_sessions` and `staff_sign_in` rows (browser sessions; lock-out and TOTP state per user).

use super::parse_id;
use crate::clock::{from_micros, from_micros_opt};
use crate::domain::{StaffId, StaffSignIn, StaffSignInId, StoredTotpKey, TotpEnrollment};
use crate::error::StoreResult;
use secrecy::SecretString;

pub(crate) const SESSION_COLUMNS: &str =
    "id, id_hash, user_id, csrf_secret, created_at, last_seen_at, expires_at, revoked_at, peer";

/// No `Debug`: the row holds the CSRF secret in plain text until [`SessionRow::into_domain`] wraps it.
#[derive(sqlx::FromRow)]
pub(crate) struct StaffSignInRow {
    pub id: String,
    #[allow(dead_code)]
    pub id_hash: String,
    pub user_id: String,
    pub csrf_secret: String,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
    #[allow(dead_code)]
    pub peer: Option<String>,
}

impl StaffSignInRow {
    pub(crate) fn into_domain(self) -> StoreResult<StaffSignIn> {
        const T: &str = "staff_sessions";
        Ok(StaffSignIn {
            id: parse_id(T, &self.id, StaffSignInId)?,
            user_id: parse_id(T, &self.user_id, StaffId)?,
            csrf_secret: SecretString::from(self.csrf_secret),
            created_at: from_micros(T, self.created_at)?,
            last_seen_at: from_micros(T, self.last_seen_at)?,
            expires_at: from_micros(T, self.expires_at)?,
            revoked_at: from_micros_opt(T, self.revoked_at)?,
        })
    }
}

pub(crate) const SIGN_IN_COLUMNS: &str = "totp_secret, totp_enabled, totp_last_step";

/// No `Debug`: the row holds the TOTP key as stored until [`SignInRow::totp`] wraps it.
#[derive(sqlx::FromRow)]
pub(crate) struct SignInRow {
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: Option<i64>,
}

impl SignInRow {
    pub(crate) fn totp(&self) -> Option<TotpEnrollment> {
        self.totp_secret.as_ref().map(|stored| TotpEnrollment {
            key: StoredTotpKey::from(stored.as_str()),
            enabled: self.totp_enabled,
            last_step: self.totp_last_step,
        })
    }
}
