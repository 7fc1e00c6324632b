//! Staff users, their roles, API tokens, and the [`Actor`] that a scoped handle is opened for.

use std::net::IpAddr;

use ketapath_directory::ClinicId;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{code_enum, id_type};

id_type!(
    /// A staff user's id.
    StaffId
);
id_type!(
    /// An API token's id (not the secret).
    ApiTokenId
);
id_type!(
    /// A one-time set-password link's id (not its secret).
    PasswordLinkId
);

code_enum!(
    /// What a user may do. Platform admins and researchers belong to no clinic and never see patient identities.
    Role {
        PlatformAdmin => "platform_admin",
        ClinicAdmin => "clinic_admin",
        Prescriber => "prescriber",
        Nurse => "nurse",
        Researcher => "researcher",
    }
);

impl Role {
    /// Whether this role works inside one clinic and may open a patient-data scope.
    pub fn is_clinic_role(self) -> bool {
        matches!(self, Role::ClinicAdmin | Role::Prescriber | Role::Nurse)
    }
}

/// A staff account.
///
/// It holds the password hash, so it is neither `Serialize` nor printed by `Debug`: the hash is a
/// [`SecretString`], which implements no `Serialize` (a derive on this type would not compile) and prints as
/// `[REDACTED]`. Pages and JSON show the fields they need, one by one.
///
/// ```compile_fail
/// fn serializable<T: serde::Serialize>() {}
/// serializable::<ketapath_store::domain::StaffUser>();
/// ```
#[derive(Debug, Clone)]
pub struct StaffUser {
    pub id: StaffId,
    /// The clinic of a clinic role; `None` for platform admins and researchers.
    pub clinic_id: Option<ClinicId>,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    /// Argon2id PHC string, made by `ketapath_care::accounts::password`; the store never sees a password.
    pub password_hash: Option<SecretString>,
    pub active: bool,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
}

/// Equal when every field is, the password hash included, so that a test can compare an account read back with
/// the one written. Nothing compares hashes to authenticate: passwords are verified by Argon2id.
impl PartialEq for StaffUser {
    fn eq(&self, other: &Self) -> bool {
        use secrecy::ExposeSecret;
        self.id == other.id
            && self.clinic_id == other.clinic_id
            && self.email == other.email
            && self.display_name == other.display_name
            && self.role == other.role
            && self.password_hash.as_ref().map(|h| h.expose_secret())
                == other.password_hash.as_ref().map(|h| h.expose_secret())
            && self.active == other.active
            && self.created_at == other.created_at
            && self.updated_at == other.updated_at
    }
}

/// A staff account to create. The clinic must be given for clinic roles and absent for the others.
#[derive(Debug, Clone)]
pub struct NewStaffUser {
    pub clinic_id: Option<ClinicId>,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: Option<SecretString>,
}

/// An API token: only the SHA-256 of the secret is stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub user_id: StaffId,
    pub name: String,
    pub token_hash: String,
    pub created_at: OffsetDateTime,
    pub expires_at: Option<OffsetDateTime>,
    pub revoked_at: Option<OffsetDateTime>,
    /// The last request made with the token (recorded at most once a minute), if any.
    pub last_used_at: Option<OffsetDateTime>,
}

/// A staff account as the account list shows it: no password hash, with whether TOTP is on and the last sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffAccount {
    pub id: StaffId,
    pub clinic_id: Option<ClinicId>,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    /// Whether a TOTP second factor is enrolled and on.
    pub totp: bool,
    /// When the user last signed in to the portal (started a session), if ever.
    pub last_sign_in_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// An API token to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewApiToken {
    pub user_id: StaffId,
    pub name: String,
    /// Lower-case hex SHA-256 of the secret.
    pub token_hash: String,
    pub expires_at: Option<OffsetDateTime>,
}

/// Where a request came from, as the audit log records it: an IP address, `cli`, or the name of a public channel
/// whose writers must stay unidentified (`public web`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Origin(String);

impl Origin {
    /// The admin command line on the server.
    pub fn cli() -> Self {
        Origin("cli".to_owned())
    }

    pub fn ip(addr: IpAddr) -> Self {
        Origin(addr.to_string())
    }

    /// A person on the public web site who chose to send something (a self-check summary) and whose address is
    /// not kept: the audit entry names the channel instead, so the log holds nothing more of them than the row.
    pub fn public_web() -> Self {
        Origin("public web".to_owned())
    }

    /// A test harness.
    pub fn test() -> Self {
        Origin("test".to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An authenticated staff member acting through some channel: the web layer builds one per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: StaffId,
    pub clinic_id: Option<ClinicId>,
    pub role: Role,
    pub origin: Origin,
}

/// A one-time set-password link as issued: its secret is the caller's to show once, the store keeps its hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordLink {
    pub id: PasswordLinkId,
    pub user_id: StaffId,
    pub expires_at: OffsetDateTime,
}

/// Where a set-password link stands, for its public page to say "already used" or "expired" instead of a bare not
/// found. Only an open link names its account, since whoever holds it may set that account's password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordLinkState {
    /// Unused, unexpired, and its account is active.
    Open {
        user_id: StaffId,
        email: String,
        expires_at: OffsetDateTime,
    },
    Used,
    /// Past its expiry, or ended early by a newer link or the account's deactivation.
    Expired,
}
