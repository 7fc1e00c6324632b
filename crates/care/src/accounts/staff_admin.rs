//! Staff administration by a signed-in admin, for the portal's `/portal/staff` pages and the API's
//! `/api/v1/clinic/staff` routes: the account list, one member, adding a member (with a password the admin sets or
//! a one-time set-password link), a role change, deactivation and reactivation, a password reset (either way), and
//! the member's API tokens with revocation.
//!
//! Only clinic admins (for their own clinic) and platform admins (for any) administer staff: [`StaffAdmin::of`]
//! refuses every other role, so that a handler cannot reach these use cases without the check. A member outside
//! the admin's view (another clinic's, for a clinic admin) is not found, exactly like a member that does not exist.
//! The store checks the same rule again inside each change, audits it, and refuses what would leave a clinic
//! without an active clinic admin or an admin without their own account (409).

use ketapath_directory::ClinicId;
use ketapath_store::domain::{Actor, ApiToken, ApiTokenId, NewStaffUser, Role, StaffAccount, StaffId, StaffUser};
use ketapath_store::{ExposeSecret, SecretString, SecurityAuthor, Store, StoreError};

use super::lifecycle::LifecycleError;
use super::password::{PasswordError, hash_password};
use super::set_password_link::{self, IssuedLink};

/// A signed-in staff administrator: a clinic admin of a clinic, or a platform admin.
#[derive(Debug, Clone, Copy)]
pub struct StaffAdmin<'a> {
    actor: &'a Actor,
}

impl<'a> StaffAdmin<'a> {
    /// The actor as a staff administrator; nurses, prescribers and researchers are denied (403).
    pub fn of(actor: &'a Actor) -> Result<Self, LifecycleError> {
        match (actor.role, &actor.clinic_id) {
            (Role::PlatformAdmin, _) | (Role::ClinicAdmin, Some(_)) => Ok(StaffAdmin { actor }),
            (role, _) => Err(StoreError::Denied(format!(
                "the {role} role may not administer staff accounts: only clinic admins and platform admins may"
            ))
            .into()),
        }
    }

    /// The clinic a clinic admin administers; `None` for a platform admin, who administers every clinic.
    pub fn clinic(&self) -> Option<&'a ClinicId> {
        (self.actor.role == Role::ClinicAdmin).then_some(self.actor.clinic_id.as_ref()).flatten()
    }

    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    fn author(&self) -> SecurityAuthor<'a> {
        SecurityAuthor::Staff(self.actor)
    }

    /// Whether `account` is in this admin's view: every account for a platform admin, the own clinic's for a
    /// clinic admin.
    fn sees(&self, clinic: Option<&ClinicId>) -> bool {
        self.clinic().is_none_or(|own| clinic == Some(own))
    }
}

/// How a member gets (or gets back) a password.
#[derive(Debug, Clone)]
pub enum Credential {
    /// A password the admin chose, checked by the password policy.
    Password(SecretString),
    /// A one-time set-password link, shown to the admin once, through which the member chooses their own.
    Link,
}

/// A member to add: their e-mail, name and role, and for a platform admin the clinic of a clinic role (a clinic
/// admin's members join the admin's clinic, whatever is sent).
#[derive(Debug, Clone)]
pub struct NewMember {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub clinic: Option<ClinicId>,
}

/// Denied and other clinics' accounts answer "not found", so that an admin learns nothing about accounts outside
/// their view.
fn hidden(error: StoreError) -> LifecycleError {
    match error {
        StoreError::Denied(_) => StoreError::NotFound { entity: "staff user" }.into(),
        other => other.into(),
    }
}

/// Hashes a new password (policy first) off the async threads: Argon2id is deliberately slow.
async fn hashed(password: SecretString) -> Result<SecretString, LifecycleError> {
    Ok(tokio::task::spawn_blocking(move || hash_password(password.expose_secret()))
        .await
        .map_err(|e| PasswordError::Hash(e.to_string()))??)
}

/// The accounts in the admin's view, by e-mail: a clinic admin's own clinic (another clinic named in `clinic` is
/// not found); a platform admin's `clinic`, or every account when it is `None`.
pub async fn list(
    store: &Store,
    admin: StaffAdmin<'_>,
    clinic: Option<&ClinicId>,
) -> Result<Vec<StaffAccount>, LifecycleError> {
    if clinic.is_some_and(|c| !admin.sees(Some(c))) {
        return Err(StoreError::NotFound { entity: "clinic" }.into());
    }
    Ok(store.staff_accounts(admin.author(), clinic.or(admin.clinic())).await?)
}

/// One member in the admin's view, else not found.
pub async fn member(store: &Store, admin: StaffAdmin<'_>, id: StaffId) -> Result<StaffAccount, LifecycleError> {
    let account = store.staff_account(admin.author(), id).await.map_err(hidden)?;
    if !admin.sees(account.clinic_id.as_ref()) {
        return Err(StoreError::NotFound { entity: "staff user" }.into());
    }
    Ok(account)
}

/// Adds a member: a clinic admin only to their own clinic and only in a clinic role (403 for a platform or
/// researcher account); a platform admin anywhere. With [`Credential::Link`], the link to give the member comes
/// back (its token shown once); with a password, the policy checks it first and nothing is stored when it fails.
pub async fn add(
    store: &Store,
    admin: StaffAdmin<'_>,
    new: NewMember,
    credential: Credential,
) -> Result<(StaffUser, Option<IssuedLink>), LifecycleError> {
    let clinic = match admin.clinic() {
        Some(own) => {
            if !new.role.is_clinic_role() {
                return Err(StoreError::Denied(format!(
                    "a clinic admin cannot create a {} account: ask a platform admin",
                    new.role
                ))
                .into());
            }
            Some(own.clone())
        }
        None => new.clinic,
    };
    let password_hash = match credential {
        Credential::Password(ref password) => Some(hashed(password.clone()).await?),
        Credential::Link => None,
    };
    let account = NewStaffUser {
        clinic_id: clinic,
        email: new.email,
        display_name: new.display_name,
        role: new.role,
        password_hash,
    };
    let user = store.create_staff_account(admin.author(), account).await?;
    let link = match credential {
        Credential::Link => Some(set_password_link::issue(store, admin.author(), user.id).await?),
        Credential::Password(_) => None,
    };
    Ok((user, link))
}

/// Changes a member's role within their clinic (a clinic role keeps the member's clinic; a platform admin may
/// also make anyone a platform admin or researcher, which belongs to no clinic). A clinic admin cannot give a
/// role outside the clinic (403); demoting the last active clinic admin is refused (409).
pub async fn set_role(
    store: &Store,
    admin: StaffAdmin<'_>,
    id: StaffId,
    role: Role,
) -> Result<StaffUser, LifecycleError> {
    let account = member(store, admin, id).await?;
    if admin.clinic().is_some() && !role.is_clinic_role() {
        return Err(
            StoreError::Denied(format!("a clinic admin cannot make anyone a {role}: ask a platform admin")).into()
        );
    }
    let clinic = match (role.is_clinic_role(), account.clinic_id) {
        (true, Some(clinic)) => Some(clinic),
        (true, None) => {
            return Err(LifecycleError::Invalid {
                field: "role",
                message: format!(
                    "{} belongs to no clinic, so it cannot take the {role} role here; create a clinic account instead",
                    account.email
                ),
            });
        }
        (false, _) => None,
    };
    Ok(store.set_role(admin.author(), id, role, clinic.as_ref()).await?)
}

/// Deactivates or reactivates a member; deactivation ends their sessions, revokes their tokens and ends their
/// open set-password links at once. An admin cannot deactivate themselves, nor the last active clinic admin (409).
/// Returns whether the account changed.
pub async fn set_active(
    store: &Store,
    admin: StaffAdmin<'_>,
    id: StaffId,
    active: bool,
) -> Result<bool, LifecycleError> {
    member(store, admin, id).await?;
    Ok(store.set_account_active(admin.author(), id, active).await?)
}

/// Resets a member's password: one the admin sets (checked by the policy; the member's sessions end), or a
/// one-time set-password link, which comes back to be shown once (the old password works until it is used).
pub async fn reset_password(
    store: &Store,
    admin: StaffAdmin<'_>,
    id: StaffId,
    credential: Credential,
) -> Result<Option<IssuedLink>, LifecycleError> {
    member(store, admin, id).await?;
    match credential {
        Credential::Password(password) => {
            let hash = hashed(password).await?;
            store.reset_password(admin.author(), id, &hash).await?;
            Ok(None)
        }
        Credential::Link => Ok(Some(set_password_link::issue(store, admin.author(), id).await?)),
    }
}

/// A member's API tokens, oldest first, revoked and expired ones included.
pub async fn tokens(store: &Store, admin: StaffAdmin<'_>, id: StaffId) -> Result<Vec<ApiToken>, LifecycleError> {
    member(store, admin, id).await?;
    Ok(store.api_tokens_of(admin.author(), id).await?)
}

/// Revokes one of a member's API tokens (another member's token is not found). Returns whether it was live.
pub async fn revoke_token(
    store: &Store,
    admin: StaffAdmin<'_>,
    id: StaffId,
    token: ApiTokenId,
) -> Result<bool, LifecycleError> {
    member(store, admin, id).await?;
    Ok(store.revoke_api_token_of(admin.author(), id, token).await?)
}
