//! One-time set-password links: an admin issues one for a staff account (a new member, or a password reset), its
//! holder sets the account's password once through it. Only the SHA-256 of the link's secret is stored; a link
//! works once and until its expiry, and a newer link for the account or the account's deactivation ends it.
//! Issuing is audited as the admin (checked as every lifecycle change is: a platform admin for anyone, a clinic admin
//! for their own clinic's staff); redeeming is audited as the account itself, from the address it came from.

use secrecy::SecretString;
use time::OffsetDateTime;

use crate::audited::{Audit, AuditEvents, AuditedTx, Auditor};
use crate::clock::{from_micros, to_micros};
use crate::db::{Tx, args};
use crate::domain::{AuditAction, Origin, PasswordLink, PasswordLinkId, PasswordLinkState, StaffId, StaffUser};
use crate::error::{StoreError, StoreResult};
use crate::sign_in::SecurityAuthor;
use crate::statement::{Insert, Update};
use crate::store::Store;

const T: &str = "staff_password_links";

/// Ends every open link of `user` at `now` (a newer link replaces them; a deactivated account keeps none).
pub(crate) async fn end_links_of(tx: &mut Tx, user: StaffId, now: i64) -> StoreResult<u64> {
    Update::table(T).set("expires_at", now).filter("user_id", user.to_text()).filter_null("used_at").execute(tx).await
}

fn is_hex_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// (id, user_id, expires_at, used_at) of the link with this hash.
type LinkRow = (String, String, i64, Option<i64>);

async fn link_by_hash(tx: &mut Tx, token_hash: &str) -> StoreResult<Option<LinkRow>> {
    tx.fetch_optional(
        &format!("SELECT id, user_id, expires_at, used_at FROM {T} WHERE token_hash = $1"),
        &args![token_hash.to_ascii_lowercase()],
    )
    .await
}

async fn user_by_id(tx: &mut Tx, id: &str) -> StoreResult<StaffUser> {
    crate::sign_in::staff_by_id(tx, id).await?.ok_or(StoreError::NotFound { entity: "staff user" })
}

impl Store {
    /// Stores a new set-password link for the active account `user`, whose secret hashes to `token_hash` and which
    /// works until `expires_at`; the account's older open links end now. `author` must be allowed to manage the
    /// account (a platform admin, or a clinic admin for their own clinic's staff; another clinic's account is not
    /// found). Audited as an update of the account.
    pub async fn issue_password_link(
        &self,
        author: SecurityAuthor<'_>,
        user: StaffId,
        token_hash: &str,
        expires_at: OffsetDateTime,
    ) -> StoreResult<PasswordLink> {
        if !is_hex_sha256(token_hash) {
            return Err(StoreError::invalid("token_hash", "must be a hex SHA-256"));
        }
        let mut tx = AuditedTx::begin(self, author.auditor()).await?;
        let now = tx.now();
        let account = crate::staff::managed_user(tx.db(), &author, user).await?;
        if !account.active {
            return Err(StoreError::invalid(
                "active",
                format!("the account {} is deactivated; reactivate it before giving it a link", account.email),
            ));
        }
        if to_micros(expires_at) <= now {
            return Err(StoreError::invalid("expires_at", "must be in the future"));
        }
        end_links_of(tx.db(), user, now).await?;
        let link = PasswordLink { id: PasswordLinkId::new(tx.at()), user_id: user, expires_at };
        let created_by = match author {
            SecurityAuthor::Staff(actor) => Some(actor.user_id.to_text()),
            SecurityAuthor::AdminCli => None,
        };
        Insert::into(T)
            .value("id", link.id.to_text())
            .value("user_id", user.to_text())
            .value("token_hash", token_hash.to_ascii_lowercase())
            .value("created_by", created_by)
            .value("created_at", now)
            .value("expires_at", to_micros(expires_at))
            .value("used_at", None::<i64>)
            .execute(tx.db())
            .await?;
        let events = AuditEvents::from(crate::staff::event(
            &author,
            AuditAction::Create,
            "staff_password_link",
            link.id.to_text(),
        ));
        tx.commit_with(events).await?;
        Ok(PasswordLink { expires_at: crate::clock::truncate_to_micros(expires_at), ..link })
    }

    /// Where the link with this secret hash stands; `None` when no link has it. Reading it writes nothing.
    pub async fn password_link_state(&self, token_hash: &str) -> StoreResult<Option<PasswordLinkState>> {
        if !is_hex_sha256(token_hash) {
            return Ok(None);
        }
        let now = to_micros(self.now());
        let mut tx = self.begin_read().await?;
        let Some((_, user_id, expires_at, used_at)) = link_by_hash(&mut tx, token_hash).await? else {
            return Ok(None);
        };
        if used_at.is_some() {
            return Ok(Some(PasswordLinkState::Used));
        }
        let user = user_by_id(&mut tx, &user_id).await?;
        Ok(Some(if expires_at <= now || !user.active {
            PasswordLinkState::Expired
        } else {
            PasswordLinkState::Open { user_id: user.id, email: user.email, expires_at: from_micros(T, expires_at)? }
        }))
    }

    /// Sets the password of the link's account to `hash` through the open link with this secret hash, uses the link
    /// up and ends the account's sign-in sessions. An unknown, used or expired link, or one whose account is no
    /// longer active, is not found. The link is used up by a conditional update, so of two posts racing on one link
    /// exactly one sets the password. Audited as the account itself acting from `origin`.
    pub async fn redeem_password_link(
        &self,
        token_hash: &str,
        hash: &SecretString,
        origin: &Origin,
    ) -> StoreResult<StaffUser> {
        let gone = || StoreError::NotFound { entity: "set-password link" };
        if !is_hex_sha256(token_hash) {
            return Err(gone());
        }
        let mut tx = AuditedTx::begin(self, Auditor::public("set_password_link", None, origin.as_str())).await?;
        let now = tx.now();
        let (id, user_id, expires_at, used_at) = link_by_hash(tx.db(), token_hash).await?.ok_or_else(gone)?;
        if used_at.is_some() || expires_at <= now {
            return Err(gone());
        }
        let user = user_by_id(tx.db(), &user_id).await?;
        if !user.active {
            return Err(gone());
        }
        tx.act_as(Auditor::account(&user, origin.as_str()));
        let used = Update::table(T)
            .set("used_at", now)
            .filter("id", id.clone())
            .filter_null("used_at")
            .execute(tx.db())
            .await?;
        if used != 1 {
            return Err(gone());
        }
        crate::staff::write_password_hash(tx.db(), user_id.clone(), hash, now).await?;
        crate::staff::end_sessions_of(tx.db(), user.id, now).await?;
        let events = AuditEvents::from(Audit::update("staff_password_link", id)).then(Audit::new(
            AuditAction::PasswordReset,
            "staff_user",
            user_id,
        ));
        tx.commit_with(events).await?;
        Ok(StaffUser { password_hash: Some(hash.clone()), updated_at: from_micros("staff_users", now)?, ..user })
    }
}
