//! Staff sign-in for the web portal: the account look-up, failed attempts and lock-out per (account, client
//! address), browser sessions (start,
//! look up with idle and absolute limits, end), TOTP enrollment with replay prevention, and each clinic's
//! `require_totp` setting. Every sign-in, failure, lock-out, sign-out and second-factor change is audited.
//!
//! Sessions live in the database, not in a server's memory, so several servers over one PostgreSQL share them.
//! Only the SHA-256 of a session's secret is stored; "now" always comes from the store's clock. TOTP keys are kept
//! as the text the caller gives ([`StoredTotpKey`]): `ketapath-care` encrypts them when the server has a secret key,
//! and `ketapath secrets rotate` re-encrypts them through [`Store::stored_totp_keys`] and
//! [`Store::replace_totp_keys`].

use secrecy::ExposeSecret;
use time::Duration;

use crate::audited::{Audit, AuditEvents, AuditedTx, Auditor, Unaudited};
use crate::clock::{from_micros, to_micros};
use crate::db::{Tx, args};
use crate::domain::{
    Actor, AuditAction, ClinicSecurity, LockoutPolicy, NewStaffSignIn, Role, SignInAccount, SignInFailures, StaffId,
    StaffSignIn, StaffSignInId, StaffUser, StoredTotpKey, TotpKeyChange,
};
use crate::error::{StoreError, StoreResult};
use crate::rows::sign_in::{SESSION_COLUMNS, SIGN_IN_COLUMNS, SignInRow, StaffSignInRow};
use crate::rows::staff::{STAFF_COLUMNS, StaffRow};
use crate::statement::{Insert, Update};
use crate::store::Store;
use ketapath_directory::ClinicId;

/// A session's `last_seen_at` is written at most this often, so that browsing is not a database write per page;
/// the idle timeout is therefore exact to within this interval.
pub const SESSION_TOUCH_INTERVAL: Duration = Duration::seconds(60);

/// Who changes a security setting: a signed-in user, or the admin command line.
#[derive(Debug, Clone, Copy)]
pub enum SecurityAuthor<'a> {
    Staff(&'a Actor),
    AdminCli,
}

impl<'a> SecurityAuthor<'a> {
    /// Who the change's events name.
    pub(crate) fn auditor(&self) -> Auditor<'a> {
        match self {
            SecurityAuthor::Staff(actor) => Auditor::staff(actor),
            SecurityAuthor::AdminCli => Auditor::cli(),
        }
    }

    /// The change's event, naming the acting user's own clinic, or else the clinic of what changed.
    fn event(&self, entity: &'static str, entity_id: String, clinic_changed: Option<&str>) -> Audit {
        let own = match self {
            SecurityAuthor::Staff(actor) => actor.clinic_id.as_ref().map(ClinicId::as_str),
            SecurityAuthor::AdminCli => None,
        };
        Audit::update(entity, entity_id).in_clinic(own.or(clinic_changed))
    }
}

async fn user_in(tx: &mut Tx, id: StaffId) -> StoreResult<StaffUser> {
    staff_by_id(tx, &id.to_text()).await?.ok_or(StoreError::NotFound { entity: "staff user" })
}

/// The staff account `id` inside `tx`, active or not, if there is one: the one read of an account by id that
/// sign-in, API tokens, account management and scopes share.
pub(crate) async fn staff_by_id(tx: &mut Tx, id: &str) -> StoreResult<Option<StaffUser>> {
    let row: Option<StaffRow> =
        tx.fetch_optional(&format!("SELECT {STAFF_COLUMNS} FROM staff_users WHERE id = $1"), &args![id]).await?;
    row.map(StaffRow::into_domain).transpose()
}

/// The active staff account `id` inside `tx`: what a live portal session or API token signs in as.
pub(crate) async fn active_staff_by_id(tx: &mut Tx, id: StaffId) -> StoreResult<Option<StaffUser>> {
    Ok(staff_by_id(tx, &id.to_text()).await?.filter(|user| user.active))
}

/// A user's second-factor state; a user without a row has no second factor. (The row's account-wide failure
/// columns of version 4 are no longer used: failures are counted per client, see [`client_failures`].)
async fn sign_in_state(tx: &mut Tx, user: StaffId) -> StoreResult<SignInRow> {
    let row: Option<SignInRow> = tx
        .fetch_optional(
            &format!("SELECT {SIGN_IN_COLUMNS} FROM staff_sign_in WHERE user_id = $1"),
            &args![user.to_text()],
        )
        .await?;
    Ok(row.unwrap_or(SignInRow { totp_secret: None, totp_enabled: false, totp_last_step: None }))
}

/// Creates the user's sign-in row when it does not exist yet, so that the updates that follow find it.
async fn ensure_sign_in_row(tx: &mut Tx, user: StaffId) -> StoreResult<()> {
    Insert::into("staff_sign_in")
        .value("user_id", user.to_text())
        .value("failed_logins", 0_i64)
        .value("totp_enabled", false)
        .unless_exists("user_id")
        .execute(tx)
        .await?;
    Ok(())
}

/// A client's key as stored: its SHA-256, so that the failure table holds no address.
fn client_hash(client: &str) -> String {
    crate::auth::api_token_hash(client)
}

/// How long a failure row is kept after its last failure once any lock has passed.
const FORGET_FAILURES_AFTER: Duration = Duration::days(1);

/// The failures of `user` from the client with `hash` as stored: (count, last failure, locked until).
async fn client_failures(tx: &mut Tx, user: &str, hash: &str) -> StoreResult<(i64, i64, Option<i64>)> {
    let row: Option<(i64, i64, Option<i64>)> = tx
        .fetch_optional(
            "SELECT failed_logins, last_failed_at, locked_until FROM staff_sign_in_failures \
             WHERE user_id = $1 AND client_hash = $2",
            &args![user, hash],
        )
        .await?;
    Ok(row.unwrap_or((0, 0, None)))
}

fn is_hex_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

impl Store {
    /// The active account with this e-mail and what sign-in needs about it; `None` for an unknown or inactive
    /// account (the caller answers both exactly like a wrong password).
    pub async fn sign_in_account(&self, email: &str) -> StoreResult<Option<SignInAccount>> {
        let mut tx = self.begin_read().await?;
        let email = email.trim().to_ascii_lowercase();
        let user: Option<StaffRow> = tx
            .fetch_optional(
                &format!("SELECT {STAFF_COLUMNS} FROM staff_users WHERE email = $1 AND active = $2"),
                &args![&email, true],
            )
            .await?;
        let Some(user) = user.map(StaffRow::into_domain).transpose()? else { return Ok(None) };
        let state = sign_in_state(&mut tx, user.id).await?;
        let clinic_requires_totp = match &user.clinic_id {
            Some(clinic) => {
                let row: Option<(bool,)> = tx
                    .fetch_optional(
                        "SELECT require_totp FROM clinic_security WHERE clinic_id = $1",
                        &args![clinic.as_str()],
                    )
                    .await?;
                row.is_some_and(|(on,)| on)
            }
            None => false,
        };
        Ok(Some(SignInAccount { totp: state.totp(), user, clinic_requires_totp }))
    }

    /// The failures of `user` from `client` (the caller's client key, such as an IPv4 address or IPv6 /64) and
    /// whether they locked that client out. `None` runs the same query for no account, so that an unknown e-mail
    /// costs the same read as a known one.
    pub async fn sign_in_failures(&self, user: Option<StaffId>, client: &str) -> StoreResult<SignInFailures> {
        let mut tx = self.begin_read().await?;
        let user = user.map(|u| u.to_text()).unwrap_or_default();
        let (failed_logins, _, locked_until) = client_failures(&mut tx, &user, &client_hash(client)).await?;
        Ok(SignInFailures {
            failed_logins,
            locked_until: crate::clock::from_micros_opt("staff_sign_in_failures", locked_until)?,
        })
    }

    /// Counts a failed sign-in of `user` from `client` (wrong password or code, at sign-in or on the account
    /// page) and locks that client out of the account for `policy.lock_for` when this makes `policy.max_failures`
    /// in a row, each within `lock_for` of the one before. Returns whether it locked now. Only this client is
    /// locked: the owner signing in from another address is not affected, so strangers cannot lock anyone out.
    /// A locked client's failures are audited but not counted, so an attacker cannot extend the lock
    /// indefinitely from one guess, nor shorten it.
    pub async fn record_failed_sign_in(
        &self,
        user: StaffId,
        client: &str,
        policy: LockoutPolicy,
        origin: &str,
    ) -> StoreResult<bool> {
        let (user_text, hash) = (user.to_text(), client_hash(client));
        // The events name the account, read below; until then the transaction names what an unknown one is.
        let mut tx = AuditedTx::begin(self, Auditor::public("public", None, origin)).await?;
        let (now_at, now) = (tx.at(), tx.now());
        let account = user_in(tx.db(), user).await?;
        tx.act_as(Auditor::account(&account, origin));
        // Old rows go here rather than in a background task: the table stays bounded by the failures of a day.
        tx.execute(
            "DELETE FROM staff_sign_in_failures \
             WHERE last_failed_at < $1 AND (locked_until IS NULL OR locked_until < $2)",
            &args![to_micros(now_at - FORGET_FAILURES_AFTER), now],
        )
        .await?;
        let (count, last, locked_until) = client_failures(tx.db(), &user_text, &hash).await?;
        let failed_event = Audit::new(AuditAction::SignInFailed, "staff_user", user_text.clone());
        if locked_until.is_some_and(|until| until > now) {
            // Audited like any failure (and costing the same write), but neither counted nor extending the lock.
            tx.commit_with(failed_event).await?;
            return Ok(false);
        }
        let in_a_row = last >= to_micros(now_at - policy.lock_for);
        let failed = if in_a_row { count + 1 } else { 1 };
        let lock = failed >= i64::from(policy.max_failures.max(1));
        let (failed, until) = if lock { (0, Some(to_micros(now_at + policy.lock_for))) } else { (failed, None) };
        let changed = Update::table("staff_sign_in_failures")
            .set("failed_logins", failed)
            .set("last_failed_at", now)
            .set("locked_until", until)
            .filter("user_id", &user_text)
            .filter("client_hash", &hash)
            .execute(tx.db())
            .await?;
        if changed == 0 {
            Insert::into("staff_sign_in_failures")
                .value("user_id", &user_text)
                .value("client_hash", &hash)
                .value("failed_logins", failed)
                .value("last_failed_at", now)
                .value("locked_until", until)
                .execute(tx.db())
                .await?;
        }
        let mut events = AuditEvents::from(failed_event);
        if lock {
            events.push(Audit::new(AuditAction::LockOut, "staff_user", user_text));
        }
        tx.commit_with(events).await?;
        Ok(lock)
    }

    /// Audits a sign-in attempt for an e-mail that names no active account. The e-mail itself is not kept
    /// (people type passwords into the wrong field). The write also makes this answer cost what a wrong
    /// password's does, so response times do not tell unknown e-mails from known ones.
    pub async fn record_unknown_sign_in(&self, origin: &str) -> StoreResult<()> {
        let tx = AuditedTx::begin(self, Auditor::public("public", None, origin)).await?;
        tx.commit_with(Audit::new(AuditAction::SignInFailed, "sign_in", "unknown account")).await
    }

    /// Starts a session after a successful sign-in: clears the failure count of the client it came from and
    /// audits the sign-in.
    pub async fn start_sign_in(&self, new: NewStaffSignIn) -> StoreResult<StaffSignIn> {
        if !is_hex_sha256(&new.id_hash) {
            return Err(StoreError::invalid("id_hash", "must be a hex SHA-256"));
        }
        if new.csrf_secret.expose_secret().len() < 32 {
            return Err(StoreError::invalid("csrf_secret", "must be at least 32 characters"));
        }
        // The events name the account, read below; until then the transaction names what an unknown one is.
        let mut tx = AuditedTx::begin(self, Auditor::public("public", None, new.origin.as_str())).await?;
        let at = crate::clock::truncate_to_micros(tx.at());
        let now = tx.now();
        let user = user_in(tx.db(), new.user_id).await?;
        if !user.active {
            return Err(StoreError::Denied("the user is not active".to_owned()));
        }
        tx.act_as(Auditor::account(&user, new.origin.as_str()));
        let session = StaffSignIn {
            id: StaffSignInId::new(at),
            user_id: new.user_id,
            csrf_secret: new.csrf_secret,
            created_at: at,
            last_seen_at: at,
            expires_at: at + new.lifetime,
            revoked_at: None,
        };
        Insert::into("staff_sessions")
            .value("id", session.id.to_text())
            .value("id_hash", new.id_hash.to_ascii_lowercase())
            .value("user_id", new.user_id.to_text())
            .value("csrf_secret", session.csrf_secret.expose_secret())
            .value("created_at", now)
            .value("last_seen_at", now)
            .value("expires_at", to_micros(session.expires_at))
            .value("revoked_at", None::<i64>)
            .value("peer", new.origin.as_str())
            .execute(tx.db())
            .await?;
        tx.execute(
            "DELETE FROM staff_sign_in_failures WHERE user_id = $1 AND client_hash = $2",
            &args![new.user_id.to_text(), client_hash(&new.client)],
        )
        .await?;
        tx.commit_with(Audit::new(AuditAction::SignIn, "staff_session", session.id.to_text())).await?;
        Ok(session)
    }

    /// Writes a sign-in credential's last use (a portal session's, an API token's) as `stamp`, unaudited for
    /// the reason `why` names: `sql` sets `$1` on the row with id `$2` only where the stored stamp is older. The
    /// callers write at most once per [`SESSION_TOUCH_INTERVAL`].
    pub(crate) async fn touch_last_use(&self, why: Unaudited, sql: &str, stamp: i64, id: String) -> StoreResult<()> {
        let mut tx = self.begin_unaudited_write(why).await?;
        tx.execute(sql, &args![stamp, id]).await?;
        tx.commit().await
    }

    /// The live session with this id hash and its active user: not revoked, before its absolute end, and used
    /// within `idle`. Refreshes the session's last use (at most once per [`SESSION_TOUCH_INTERVAL`]).
    pub async fn staff_sign_in(&self, id_hash: &str, idle: Duration) -> StoreResult<Option<(StaffSignIn, StaffUser)>> {
        if !is_hex_sha256(id_hash) {
            return Ok(None);
        }
        let now_at = self.now();
        let now = to_micros(now_at);
        let found = {
            let mut tx = self.begin_read().await?;
            let row: Option<StaffSignInRow> = tx
                .fetch_optional(
                    &format!(
                        "SELECT {SESSION_COLUMNS} FROM staff_sessions WHERE id_hash = $1 AND revoked_at IS NULL \
                         AND expires_at > $2 AND last_seen_at > $3"
                    ),
                    &args![id_hash.to_ascii_lowercase(), now, to_micros(now_at - idle)],
                )
                .await?;
            let Some(session) = row.map(StaffSignInRow::into_domain).transpose()? else { return Ok(None) };
            let Some(user) = active_staff_by_id(&mut tx, session.user_id).await? else { return Ok(None) };
            (session, user)
        };
        let (mut session, user) = found;
        if now_at - session.last_seen_at >= SESSION_TOUCH_INTERVAL {
            let sql = "UPDATE staff_sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1";
            self.touch_last_use(Unaudited::SignInTouch, sql, now, session.id.to_text()).await?;
            session.last_seen_at = from_micros("staff_sessions", now)?;
        }
        Ok(Some((session, user)))
    }

    /// Ends the session with this id hash (sign-out), audited. Returns whether a live session was ended.
    pub async fn end_sign_in(&self, id_hash: &str, origin: &str) -> StoreResult<bool> {
        if !is_hex_sha256(id_hash) {
            return Ok(false);
        }
        // The events name the session's account, read below; until then the transaction names no one.
        let mut tx = AuditedTx::begin(self, Auditor::public("public", None, origin)).await?;
        let now = tx.now();
        let row: Option<StaffSignInRow> = tx
            .fetch_optional(
                &format!("SELECT {SESSION_COLUMNS} FROM staff_sessions WHERE id_hash = $1 AND revoked_at IS NULL"),
                &args![id_hash.to_ascii_lowercase()],
            )
            .await?;
        let Some(session) = row.map(StaffSignInRow::into_domain).transpose()? else { return Ok(false) };
        Update::table("staff_sessions")
            .set("revoked_at", now)
            .filter("id", session.id.to_text())
            .execute(tx.db())
            .await?;
        let user = user_in(tx.db(), session.user_id).await?;
        tx.act_as(Auditor::account(&user, origin));
        tx.commit_with(Audit::new(AuditAction::SignOut, "staff_session", session.id.to_text())).await?;
        Ok(true)
    }

    /// Sets (or with `None` removes) a user's TOTP key, as stored, and whether it is required at sign-in; clears
    /// the replay guard. The user themself, a platform admin, or the admin command line may do it; audited.
    pub async fn set_totp(
        &self,
        by: SecurityAuthor<'_>,
        user: StaffId,
        key: Option<&StoredTotpKey>,
        enabled: bool,
    ) -> StoreResult<()> {
        if let SecurityAuthor::Staff(actor) = by
            && actor.user_id != user
            && actor.role != Role::PlatformAdmin
        {
            return Err(StoreError::Denied("only the user or a platform admin may change a second factor".to_owned()));
        }
        if enabled && key.is_none() {
            return Err(StoreError::invalid("totp_secret", "a second factor cannot be enabled without a secret"));
        }
        let mut tx = AuditedTx::begin(self, by.auditor()).await?;
        let target = user_in(tx.db(), user).await?;
        ensure_sign_in_row(tx.db(), user).await?;
        Update::table("staff_sign_in")
            .set("totp_secret", key.map(StoredTotpKey::expose_stored))
            .set("totp_enabled", enabled)
            .set("totp_last_step", None::<i64>)
            .filter("user_id", user.to_text())
            .execute(tx.db())
            .await?;
        let clinic = target.clinic_id.as_ref().map(ClinicId::as_str);
        tx.commit_with(by.event("staff_totp", user.to_text(), clinic)).await
    }

    /// Accepts a TOTP code's time step for `user` only if it is later than the last one accepted, atomically, so
    /// that a code cannot be used twice even by two servers at once. Returns whether it was accepted.
    pub async fn accept_totp_step(&self, user: StaffId, step: i64) -> StoreResult<bool> {
        let mut tx = self.begin_unaudited_write(Unaudited::TotpReplayGuard).await?;
        let n = tx
            .execute(
                "UPDATE staff_sign_in SET totp_last_step = $1 WHERE user_id = $2 AND totp_secret IS NOT NULL \
                 AND (totp_last_step IS NULL OR totp_last_step < $1)",
                &args![step, user.to_text()],
            )
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Every enrolled TOTP key as stored (pending or enabled), by account, for `ketapath secrets rotate`.
    pub async fn stored_totp_keys(&self) -> StoreResult<Vec<(StaffId, StoredTotpKey)>> {
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, String)> = tx
            .fetch_all(
                "SELECT user_id, totp_secret FROM staff_sign_in WHERE totp_secret IS NOT NULL ORDER BY user_id",
                &args![],
            )
            .await?;
        rows.into_iter()
            .map(|(user, stored)| Ok((StaffId::parse("staff_sign_in.user_id", &user)?, StoredTotpKey::from(stored))))
            .collect()
    }

    /// Writes each change's new stored form where the row still holds the form it was read with, in one
    /// transaction, with one audit event per account changed (the admin command line, `staff_totp_key`). The
    /// key itself, its enrollment and its replay guard stay as they are. Returns how many accounts changed: a row
    /// enrolled again or removed since it was read is left alone.
    pub async fn replace_totp_keys(&self, changes: &[TotpKeyChange]) -> StoreResult<usize> {
        let by = SecurityAuthor::AdminCli;
        let mut tx = AuditedTx::begin(self, by.auditor()).await?;
        let mut events = Vec::new();
        for change in changes {
            let n = Update::table("staff_sign_in")
                .set("totp_secret", change.to.expose_stored())
                .filter("user_id", change.user_id.to_text())
                .filter("totp_secret", change.from.expose_stored())
                .execute(tx.db())
                .await?;
            if n == 0 {
                continue;
            }
            let target = user_in(tx.db(), change.user_id).await?;
            let clinic = target.clinic_id.as_ref().map(ClinicId::as_str);
            events.push(by.event("staff_totp_key", change.user_id.to_text(), clinic));
        }
        let changed = events.len();
        // When no row changed nothing was written, and dropping the transaction commits nothing either.
        if let Some(events) = AuditEvents::from_all(events) {
            tx.commit_with(events).await?;
        }
        Ok(changed)
    }

    /// A clinic's security settings (defaults when it never set any).
    pub async fn clinic_security(&self, clinic: &ClinicId) -> StoreResult<ClinicSecurity> {
        let mut tx = self.begin_read().await?;
        let row: Option<(bool,)> = tx
            .fetch_optional("SELECT require_totp FROM clinic_security WHERE clinic_id = $1", &args![clinic.as_str()])
            .await?;
        Ok(ClinicSecurity { clinic_id: clinic.clone(), require_totp: row.is_some_and(|(on,)| on) })
    }

    /// Turns the clinic's "second factor required for admins and prescribers" on or off. A clinic admin of
    /// that clinic, a platform admin, or the admin command line may; audited.
    pub async fn set_clinic_require_totp(
        &self,
        by: SecurityAuthor<'_>,
        clinic: &ClinicId,
        require_totp: bool,
    ) -> StoreResult<()> {
        if let SecurityAuthor::Staff(actor) = by {
            let allowed = actor.role == Role::PlatformAdmin
                || (actor.role == Role::ClinicAdmin && actor.clinic_id.as_ref() == Some(clinic));
            if !allowed {
                return Err(StoreError::Denied("only the clinic's admin may change its security settings".to_owned()));
            }
        }
        let mut tx = AuditedTx::begin(self, by.auditor()).await?;
        let now = tx.now();
        let (n,): (i64,) = tx.fetch_one("SELECT COUNT(*) FROM clinics WHERE id = $1", &args![clinic.as_str()]).await?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "clinic" });
        }
        let updated_by = match by {
            SecurityAuthor::Staff(actor) => Some(actor.user_id.to_text()),
            SecurityAuthor::AdminCli => None,
        };
        Update::table("clinic_security")
            .set("require_totp", require_totp)
            .set("updated_at", now)
            .set("updated_by", updated_by)
            .filter("clinic_id", clinic.as_str())
            .execute_or_insert(tx.db(), [])
            .await?;
        tx.commit_with(by.event("clinic_security", clinic.as_str().to_owned(), Some(clinic.as_str()))).await
    }
}
