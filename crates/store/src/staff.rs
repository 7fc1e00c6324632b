//! Staff lifecycle: the account list, deactivating and reactivating an account (which ends its sign-in
//! sessions), a password reset (which ends them too), a role change and a user's API tokens. Each change is
//! audited, by a platform admin, a clinic admin for their own clinic's staff, or the admin command line (whose
//! events are platform events: they name no clinic).

use ketapath_directory::ClinicId;
use secrecy::{ExposeSecret, SecretString};

use crate::audited::{Audit, AuditedTx};
use crate::clock::{from_micros, from_micros_opt};
use crate::db::{Tx, args};
use crate::domain::{ApiToken, AuditAction, Role, StaffAccount, StaffId, StaffUser};
use crate::error::{StoreError, StoreResult};
use crate::rows::staff::{API_TOKEN_COLUMNS, ApiTokenRow, STAFF_COLUMNS, StaffRow};
use crate::rows::{parse_clinic_id, parse_code, parse_id};
use crate::sign_in::SecurityAuthor;
use crate::statement::Update;
use crate::store::Store;

/// Ends every live sign-in session of `user` at `now`; returns how many were live. Shared by deactivation (here
/// and in the clinic scope) and the password reset.
pub(crate) async fn end_sessions_of(tx: &mut Tx, user: StaffId, now: i64) -> StoreResult<u64> {
    Update::table("staff_sessions")
        .set("revoked_at", now)
        .filter("user_id", user.to_text())
        .filter_null("revoked_at")
        .execute(tx)
        .await
}

/// Whether `author` may manage staff of `clinic` (`None`: platform accounts): the admin command line and platform
/// admins may manage anyone, a clinic admin only their own clinic's staff.
fn may_manage(author: &SecurityAuthor<'_>, clinic: Option<&ClinicId>) -> StoreResult<()> {
    let allowed = match author {
        SecurityAuthor::AdminCli => true,
        SecurityAuthor::Staff(actor) => {
            actor.role == Role::PlatformAdmin
                || (actor.role == Role::ClinicAdmin && clinic.is_some() && actor.clinic_id.as_ref() == clinic)
        }
    };
    if allowed {
        Ok(())
    } else {
        Err(StoreError::Denied(
            "only a platform admin, or a clinic admin for their own clinic's staff, may manage accounts".to_owned(),
        ))
    }
}

/// A lifecycle event: a staff author's events name their own clinic, the command line's name none.
pub(crate) fn event(author: &SecurityAuthor<'_>, action: AuditAction, entity: &'static str, id: String) -> Audit {
    let clinic = match author {
        SecurityAuthor::Staff(actor) => actor.clinic_id.as_ref().map(ClinicId::as_str),
        SecurityAuthor::AdminCli => None,
    };
    Audit::new(action, entity, id).in_clinic(clinic)
}

/// The account `id` inside `tx`, after checking that `author` may manage it.
pub(crate) async fn managed_user(tx: &mut Tx, author: &SecurityAuthor<'_>, id: StaffId) -> StoreResult<StaffUser> {
    let row: Option<StaffRow> = tx
        .fetch_optional(&format!("SELECT {STAFF_COLUMNS} FROM staff_users WHERE id = $1"), &args![id.to_text()])
        .await?;
    let user = row.ok_or(StoreError::NotFound { entity: "staff user" })?.into_domain()?;
    may_manage(author, user.clinic_id.as_ref())?;
    Ok(user)
}

/// Fails with not found when `clinic` is not a clinic of the directory.
pub(crate) async fn require_clinic(tx: &mut Tx, clinic: &ClinicId) -> StoreResult<()> {
    let (n,): (i64,) = tx.fetch_one("SELECT COUNT(*) FROM clinics WHERE id = $1", &args![clinic.as_str()]).await?;
    if n == 0 { Err(StoreError::NotFound { entity: "clinic" }) } else { Ok(()) }
}

/// The role and clinic of an account, checked together: clinic roles need a clinic, the others have none.
pub(crate) fn check_role_and_clinic(role: Role, clinic: Option<&ClinicId>) -> StoreResult<()> {
    if role.is_clinic_role() != clinic.is_some() {
        return Err(StoreError::invalid(
            "clinic_id",
            format!("the {role} role {} a clinic", if role.is_clinic_role() { "needs" } else { "has no" }),
        ));
    }
    Ok(())
}

type AccountRow = (String, Option<String>, String, String, String, bool, i64, Option<bool>, Option<i64>);

impl Store {
    /// Every staff account, or those of `clinic`, by e-mail, with whether TOTP is on and the last sign-in. A
    /// clinic admin sees only their own clinic's staff; an unknown clinic is not found. Reading the list writes
    /// nothing: it holds no patient data.
    pub async fn staff_accounts(
        &self,
        author: SecurityAuthor<'_>,
        clinic: Option<&ClinicId>,
    ) -> StoreResult<Vec<StaffAccount>> {
        let own = match author {
            SecurityAuthor::Staff(actor) if actor.role == Role::ClinicAdmin => actor.clinic_id.as_ref(),
            _ => None,
        };
        let clinic = clinic.or(own);
        if clinic.is_none() {
            may_manage(&author, None)?;
        } else {
            may_manage(&author, clinic)?;
        }
        let mut tx = self.begin_read().await?;
        let select = "SELECT s.id, s.clinic_id, s.email, s.display_name, s.role, s.active, s.created_at, \
                      g.totp_enabled, (SELECT MAX(x.created_at) FROM staff_sessions x WHERE x.user_id = s.id) \
                      FROM staff_users s LEFT JOIN staff_sign_in g ON g.user_id = s.id";
        let rows: Vec<AccountRow> = match clinic {
            Some(clinic) => {
                require_clinic(&mut tx, clinic).await?;
                tx.fetch_all(&format!("{select} WHERE s.clinic_id = $1 ORDER BY s.email"), &args![clinic.as_str()])
                    .await?
            }
            None => tx.fetch_all(&format!("{select} ORDER BY s.email"), &[]).await?,
        };
        const T: &str = "staff_users";
        rows.into_iter()
            .map(|(id, clinic, email, display_name, role, active, created_at, totp, last_sign_in)| {
                Ok(StaffAccount {
                    id: parse_id(T, &id, StaffId)?,
                    clinic_id: clinic.as_deref().map(|c| parse_clinic_id(T, c)).transpose()?,
                    email,
                    display_name,
                    role: parse_code(T, &role, Role::parse)?,
                    active,
                    totp: totp.unwrap_or(false),
                    last_sign_in_at: from_micros_opt("staff_sessions", last_sign_in)?,
                    created_at: from_micros(T, created_at)?,
                })
            })
            .collect()
    }

    /// Deactivates (`active` false) or reactivates an account, audited. Deactivating ends the user's sign-in
    /// sessions and revokes their API tokens at once, so that they answer 401 from then on, reactivation
    /// included: an account closed by mistake gets new tokens, rather than an ex-employee's scripts coming back
    /// to life. Returns whether the account changed.
    pub async fn set_account_active(&self, author: SecurityAuthor<'_>, id: StaffId, active: bool) -> StoreResult<bool> {
        let mut tx = AuditedTx::begin(self, author.auditor()).await?;
        let now = tx.now();
        let user = managed_user(tx.db(), &author, id).await?;
        if !active {
            end_sessions_of(tx.db(), id, now).await?;
            crate::password_links::end_links_of(tx.db(), id, now).await?;
            Update::table("api_tokens")
                .set("revoked_at", now)
                .filter("user_id", id.to_text())
                .filter_null("revoked_at")
                .execute(tx.db())
                .await?;
        }
        let changed = user.active != active;
        if changed {
            Update::table("staff_users")
                .set("active", active)
                .set("updated_at", now)
                .filter("id", id.to_text())
                .execute_one(tx.db(), "staff user")
                .await?;
        }
        let action = if active { AuditAction::Activate } else { AuditAction::Deactivate };
        tx.commit_with(event(&author, action, "staff_user", id.to_text())).await?;
        Ok(changed)
    }

    /// Sets a new password hash for an account (an admin's reset) and ends its sign-in sessions, audited.
    /// Returns how many sessions were ended.
    pub async fn reset_password(
        &self,
        author: SecurityAuthor<'_>,
        id: StaffId,
        hash: &SecretString,
    ) -> StoreResult<u64> {
        let mut tx = AuditedTx::begin(self, author.auditor()).await?;
        let now = tx.now();
        managed_user(tx.db(), &author, id).await?;
        Update::table("staff_users")
            .set("password_hash", hash.expose_secret())
            .set("updated_at", now)
            .filter("id", id.to_text())
            .execute_one(tx.db(), "staff user")
            .await?;
        let ended = end_sessions_of(tx.db(), id, now).await?;
        tx.commit_with(event(&author, AuditAction::PasswordReset, "staff_user", id.to_text())).await?;
        Ok(ended)
    }

    /// Changes an account's role and clinic, with the rules of a new account (clinic roles need an existing
    /// clinic, the others have none); a clinic admin may only move their own staff between their clinic's roles.
    /// Audited; returns the account as changed.
    pub async fn set_role(
        &self,
        author: SecurityAuthor<'_>,
        id: StaffId,
        role: Role,
        clinic: Option<&ClinicId>,
    ) -> StoreResult<StaffUser> {
        check_role_and_clinic(role, clinic)?;
        let mut tx = AuditedTx::begin(self, author.auditor()).await?;
        let now = tx.now();
        let mut user = managed_user(tx.db(), &author, id).await?;
        may_manage(&author, clinic)?;
        if let Some(clinic) = clinic {
            require_clinic(tx.db(), clinic).await?;
        }
        Update::table("staff_users")
            .set("role", role.code())
            .set("clinic_id", clinic.map(ClinicId::as_str))
            .set("updated_at", now)
            .filter("id", id.to_text())
            .execute_one(tx.db(), "staff user")
            .await?;
        tx.commit_with(event(&author, AuditAction::RoleChange, "staff_user", id.to_text())).await?;
        user.role = role;
        user.clinic_id = clinic.cloned();
        user.updated_at = from_micros("staff_users", now)?;
        Ok(user)
    }

    /// The API tokens of an account, oldest first, revoked and expired ones included (with their dates).
    pub async fn api_tokens_of(&self, author: SecurityAuthor<'_>, id: StaffId) -> StoreResult<Vec<ApiToken>> {
        let mut tx = self.begin_read().await?;
        managed_user(&mut tx, &author, id).await?;
        let rows: Vec<ApiTokenRow> = tx
            .fetch_all(
                &format!("SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id"),
                &args![id.to_text()],
            )
            .await?;
        rows.into_iter().map(ApiTokenRow::into_domain).collect()
    }
}
