//! Staff sign-in on the web portal: browser sessions, the lock-out policy, TOTP enrollment and the per-clinic
//! security settings, as the store hands them to the web layer.

use ketapath_directory::ClinicId;
use secrecy::{ExposeSecret, SecretString};
use time::{Duration, OffsetDateTime};

use super::{Origin, StaffId, StaffUser, id_type};

id_type!(
    /// A browser session's row id (not its secret, which only the cookie holds).
    StaffSignInId
);

/// A signed-in browser session. Only the SHA-256 of the cookie's secret is stored.
#[derive(Debug, Clone)]
pub struct StaffSignIn {
    pub id: StaffSignInId,
    pub user_id: StaffId,
    /// The synchronizer token every form of this session must send back.
    pub csrf_secret: SecretString,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    /// The absolute end of the session, whatever its activity.
    pub expires_at: OffsetDateTime,
    pub revoked_at: Option<OffsetDateTime>,
}

/// A session to start after a successful sign-in.
#[derive(Debug, Clone)]
pub struct NewStaffSignIn {
    pub user_id: StaffId,
    /// Lower-case hex SHA-256 of the cookie's secret.
    pub id_hash: String,
    pub csrf_secret: SecretString,
    /// How long the session may live at most (its absolute lifetime).
    pub lifetime: Duration,
    /// Where the sign-in came from, for the audit log and the session row.
    pub origin: Origin,
    /// The client key (address) the sign-in came from, whose failure count the success clears.
    pub client: String,
}

/// How many consecutive failed sign-ins lock an account, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub lock_for: Duration,
}

impl Default for LockoutPolicy {
    fn default() -> Self {
        LockoutPolicy { max_failures: 5, lock_for: Duration::minutes(15) }
    }
}

/// A TOTP key as the database keeps it: the base32 key itself for rows written without a server secret key, or
/// its encrypted form (`v1:...`, see `ketapath_care::accounts::totp_key`). The store neither reads nor makes
/// either form: it keeps the text it is given, so only the application crate ever holds the key that opens it.
#[derive(Debug, Clone)]
pub struct StoredTotpKey(SecretString);

impl StoredTotpKey {
    pub fn new(stored: SecretString) -> Self {
        StoredTotpKey(stored)
    }

    /// The text to store or to open.
    pub fn expose_stored(&self) -> &str {
        self.0.expose_secret()
    }
}

impl From<&str> for StoredTotpKey {
    fn from(stored: &str) -> Self {
        StoredTotpKey(SecretString::from(stored))
    }
}

impl From<String> for StoredTotpKey {
    fn from(stored: String) -> Self {
        StoredTotpKey(SecretString::from(stored))
    }
}

/// A user's TOTP enrollment: the key as stored, which `ketapath_care::accounts::totp_key::TotpKeyRing::open` turns
/// into the base32 key authenticator apps take.
#[derive(Debug, Clone)]
pub struct TotpEnrollment {
    pub key: StoredTotpKey,
    pub enabled: bool,
    /// The last 30-second step a code was accepted for: a code is accepted only for a later step (no replay).
    pub last_step: Option<i64>,
}

/// What sign-in needs to know about an account: the user and its second factor. Failures and locks belong to
/// the account and one client address together ([`SignInFailures`]), never to the account alone.
#[derive(Debug, Clone)]
pub struct SignInAccount {
    pub user: StaffUser,
    pub totp: Option<TotpEnrollment>,
    /// Whether the user's clinic requires a second factor of its admins and prescribers.
    pub clinic_requires_totp: bool,
}

/// The failed sign-ins of one account from one client address, and the lock they led to: a stranger's failures
/// lock the stranger's address out of that account, not the account's owner elsewhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignInFailures {
    /// Failures in a row (each within the lock period of the one before).
    pub failed_logins: i64,
    pub locked_until: Option<OffsetDateTime>,
}

impl SignInFailures {
    /// Whether this address is locked out of the account at `now`.
    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

impl SignInAccount {
    /// Whether a code must be entered at sign-in: the user enrolled, or the clinic requires it of the role.
    pub fn needs_totp(&self) -> bool {
        self.totp.as_ref().is_some_and(|t| t.enabled) || self.totp_required_by_clinic()
    }

    /// Whether the clinic's setting requires this user (a clinic admin or prescriber) to use a second factor.
    pub fn totp_required_by_clinic(&self) -> bool {
        self.clinic_requires_totp && matches!(self.user.role, super::Role::ClinicAdmin | super::Role::Prescriber)
    }
}

/// A TOTP key to replace by `ketapath secrets rotate`: the account, the stored form read, and the one to write
/// instead. The store writes the new form only while the row still holds the old one, so that an enrollment made
/// meanwhile is never overwritten.
#[derive(Debug, Clone)]
pub struct TotpKeyChange {
    pub user_id: StaffId,
    pub from: StoredTotpKey,
    pub to: StoredTotpKey,
}

/// A clinic's security settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClinicSecurity {
    pub clinic_id: ClinicId,
    pub require_totp: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{NewStaffUser, Role};

    /// Every type of the sign-in domain that holds a secret prints `[REDACTED]` in its place.
    #[test]
    fn debug_never_shows_a_secret() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let (hash, csrf, key) = ("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "c5rf".repeat(16), "JBSWY3DPEHPK3PXP");
        let user = StaffUser {
            id: StaffId::new(at),
            clinic_id: None,
            email: "rx@a.example".to_owned(),
            display_name: "Rx".to_owned(),
            role: Role::PlatformAdmin,
            password_hash: Some(hash.into()),
            active: true,
            created_at: at,
            updated_at: at,
        };
        let new_user = NewStaffUser {
            clinic_id: None,
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            password_hash: user.password_hash.clone(),
        };
        let session = StaffSignIn {
            id: StaffSignInId::new(at),
            user_id: user.id,
            csrf_secret: csrf.as_str().into(),
            created_at: at,
            last_seen_at: at,
            expires_at: at,
            revoked_at: None,
        };
        let new_session = NewStaffSignIn {
            user_id: user.id,
            id_hash: "ab".repeat(32),
            csrf_secret: csrf.as_str().into(),
            lifetime: Duration::hours(1),
            origin: Origin::test(),
            client: "192.0.2.1".to_owned(),
        };
        let enrollment = TotpEnrollment { key: key.into(), enabled: true, last_step: None };
        let account = SignInAccount { user: user.clone(), totp: Some(enrollment.clone()), clinic_requires_totp: true };
        let change = TotpKeyChange { user_id: user.id, from: key.into(), to: key.into() };
        let shown = [
            format!("{user:?}"),
            format!("{new_user:?}"),
            format!("{session:?}"),
            format!("{new_session:?}"),
            format!("{enrollment:?}"),
            format!("{account:?}"),
            format!("{change:?}"),
        ];
        for text in shown {
            assert!(text.contains("REDACTED"), "{text}");
            for secret in [hash, &csrf, key] {
                assert!(!text.contains(secret), "{secret} shown in {text}");
            }
        }
    }
}
