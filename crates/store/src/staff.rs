//! Staff lifecycle: the account list, deactivating and reactivating an account (which ends its sign-in
//! sessions), a password reset (which ends them too), a role change and a user's API tokens. Each change is
//! audited, by a platform admin, a clinic admin for their own clinic's staff, or the admin command line (whose
//! events are platform events: they name no clinic).

use ketapath_directory::ClinicId;
use secrecy::{ExposeSecret, SecretString};

use crate::audited::{Audit, AuditedTx};
use crate::clock::{from_micros, from_micros_opt};
use crate::db::{Tx, args};
use crate::domain::{ApiToken, ApiTokenId, AuditAction, NewStaffUser, Role, StaffAccount, StaffId, StaffUser};
use crate::error::{StoreError, StoreResult};
use crate::rows::staff::{API_TOKEN_COLUMNS, ApiTokenRow};
use crate::rows::{parse_clinic_id, parse_code, parse_id};
use crate::sign_in::SecurityAuthor;
use crate::statement::Update;
use crate::store::Store;

/// Ends every live sign-in session of `user` at `now`; returns how many were live. Shared by deactivation (here
/// and in the clinic scope) and the password reset.
/// Writes account `id`'s new password hash inside `tx`: the one write of a password, whether the user, a platform
/// admin, an account manager or a set-password link sets it. A missing account is not found.
pub(crate) async fn write_password_hash(tx: &mut Tx, id: String, hash: &SecretString, now: i64) -> StoreResult<()> {
    Update::table("staff_users")
        .set("password_hash", hash.expose_secret())
        .set("updated_at", now)
        .filter("id", id)
        .execute_one(tx, "staff user")
        .await
}

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
    let user = crate::sign_in::staff_by_id(tx, &id.to_text()).await?;
    let user = user.ok_or(StoreError::NotFound { entity: "staff user" })?;
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

type AccountRow = (String, Option<String>, String, String, String, bool, i64, Option<bool>, Option<i64>, i64);

/// The account list's select: each account with whether TOTP is on, its last sign-in and its live API tokens (not
/// revoked, not expired at `$1`); callers add the `WHERE` on `s`.
const ACCOUNT_SELECT: &str = "SELECT s.id, s.clinic_id, s.email, s.display_name, s.role, s.active, s.created_at, \
     g.totp_enabled, (SELECT MAX(x.created_at) FROM staff_sessions x WHERE x.user_id = s.id), \
     (SELECT COUNT(*) FROM api_tokens t WHERE t.user_id = s.id AND t.revoked_at IS NULL \
      AND (t.expires_at IS NULL OR t.expires_at > $1)) \
     FROM staff_users s LEFT JOIN staff_sign_in g ON g.user_id = s.id";

fn account_of(row: AccountRow) -> StoreResult<StaffAccount> {
    const T: &str = "staff_users";
    let (id, clinic, email, display_name, role, active, created_at, totp, last_sign_in, live_tokens) = row;
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
        live_tokens: u32::try_from(live_tokens).unwrap_or(u32::MAX),
    })
}

/// Refuses what would leave a clinic without an active clinic admin, or an admin without their own account, when a
/// signed-in admin makes the change (the command line stays the way back in, and is not refused): `user`, as it
/// is now, would stop being an active clinic admin of its clinic. `self_action` names what the author may not do to
/// their own account.
async fn keep_an_admin(
    tx: &mut Tx,
    author: &SecurityAuthor<'_>,
    user: &StaffUser,
    self_action: Option<&str>,
) -> StoreResult<()> {
    let SecurityAuthor::Staff(actor) = author else { return Ok(()) };
    if let Some(action) = self_action.filter(|_| actor.user_id == user.id) {
        return Err(StoreError::Conflict(format!(
            "you cannot {action} your own account; another admin of the clinic (or a platform admin) can"
        )));
    }
    let Some(clinic) = user.clinic_id.as_ref().filter(|_| user.active && user.role == Role::ClinicAdmin) else {
        return Ok(());
    };
    let (others,): (i64,) = tx
        .fetch_one(
            "SELECT COUNT(*) FROM staff_users WHERE clinic_id = $1 AND role = $2 AND active = $3 AND id <> $4",
            &args![clinic.as_str(), Role::ClinicAdmin.code(), true, user.id.to_text()],
        )
        .await?;
    if others == 0 {
        return Err(StoreError::Conflict(format!(
            "{} is the last active clinic admin of {clinic}: make another member a clinic admin first, so that \
             someone can still run the clinic's accounts",
            user.email
        )));
    }
    Ok(())
}

impl Store {
    /// Every staff account, or those of `clinic`, by e-mail, with whether TOTP is on, the last sign-in and the
    /// number of live API tokens. A clinic admin sees only their own clinic's staff; an unknown clinic is not found.
    /// Reading the list writes nothing: it holds no patient data.
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
        let now = crate::clock::to_micros(self.now());
        let mut tx = self.begin_read().await?;
        let rows: Vec<AccountRow> = match clinic {
            Some(clinic) => {
                require_clinic(&mut tx, clinic).await?;
                tx.fetch_all(
                    &format!("{ACCOUNT_SELECT} WHERE s.clinic_id = $2 ORDER BY s.email"),
                    &args![now, clinic.as_str()],
                )
                .await?
            }
            None => tx.fetch_all(&format!("{ACCOUNT_SELECT} ORDER BY s.email"), &args![now]).await?,
        };
        rows.into_iter().map(account_of).collect()
    }

    /// One account as the account list shows it, after checking that `author` may manage it (another clinic's
    /// account is denied to a clinic admin, as every lifecycle change is).
    pub async fn staff_account(&self, author: SecurityAuthor<'_>, id: StaffId) -> StoreResult<StaffAccount> {
        let now = crate::clock::to_micros(self.now());
        let mut tx = self.begin_read().await?;
        managed_user(&mut tx, &author, id).await?;
        let row: AccountRow =
            tx.fetch_one(&format!("{ACCOUNT_SELECT} WHERE s.id = $2"), &args![now, id.to_text()]).await?;
        account_of(row)
    }

    /// Creates a staff account, audited: a platform admin any account, a clinic admin only a clinic role of their
    /// own clinic (the command line uses [`crate::UnscopedAdminHandle::create_staff_user`]).
    pub async fn create_staff_account(&self, author: SecurityAuthor<'_>, new: NewStaffUser) -> StoreResult<StaffUser> {
        may_manage(&author, new.clinic_id.as_ref())?;
        let mut tx = AuditedTx::begin(self, author.auditor()).await?;
        let now = tx.now();
        let user = crate::auth::insert_staff(tx.db(), now, &new).await?;
        let clinic = new.clinic_id.as_ref().map(ClinicId::as_str);
        let created = Audit::create("staff_user", user.id.to_text());
        tx.commit_with(match author {
            SecurityAuthor::Staff(actor) => {
                created.in_clinic(actor.clinic_id.as_ref().map(ClinicId::as_str).or(clinic))
            }
            SecurityAuthor::AdminCli => created.in_clinic(clinic),
        })
        .await?;
        Ok(user)
    }

    /// Revokes the API token `token` of the account `user`, audited, by an author who may manage the account; a
    /// token of another account is not found. Returns whether a live token was revoked.
    pub async fn revoke_api_token_of(
        &self,
        author: SecurityAuthor<'_>,
        user: StaffId,
        token: ApiTokenId,
    ) -> StoreResult<bool> {
        let mut tx = AuditedTx::begin(self, author.auditor()).await?;
        let now = tx.now();
        managed_user(tx.db(), &author, user).await?;
        let (n,): (i64,) = tx
            .fetch_one(
                "SELECT COUNT(*) FROM api_tokens WHERE id = $1 AND user_id = $2",
                &args![token.to_text(), user.to_text()],
            )
            .await?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "api token" });
        }
        let revoked = crate::auth::mark_revoked(tx.db(), now, token).await?;
        tx.commit_with(event(&author, AuditAction::Update, "api_token", token.to_text())).await?;
        Ok(revoked)
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
            keep_an_admin(tx.db(), &author, &user, Some("deactivate")).await?;
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
        write_password_hash(tx.db(), id.to_text(), hash, now).await?;
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
        if role != Role::ClinicAdmin || clinic != user.clinic_id.as_ref() {
            keep_an_admin(tx.db(), &author, &user, None).await?;
        }
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
        let sql = format!("SELECT {API_TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at, id");
        tx.fetch_decoded(&sql, &args![id.to_text()], ApiTokenRow::into_domain).await
    }
}
