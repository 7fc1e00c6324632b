//! The unscoped handle: for the admin command line and tests only. Its name says so on purpose, so that any use
//! outside those places stands out in review.

use crate::audit::{self, AuditEntry};
use crate::clock::to_micros;
use crate::domain::{ApiToken, ApiTokenId, AuditAction, AuditEvent, NewApiToken, NewStaffUser, StaffUser};
use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use crate::tables::TABLES;

/// Operations that ignore clinic scoping. Obtain it with [`Store::unscoped_for_admin_cli_and_tests`].
#[derive(Debug, Clone)]
pub struct UnscopedAdminHandle {
    store: Store,
}

impl Store {
    /// The bypass of clinic scoping, for the admin CLI and tests only.
    pub fn unscoped_for_admin_cli_and_tests(&self) -> UnscopedAdminHandle {
        UnscopedAdminHandle { store: self.clone() }
    }
}

impl UnscopedAdminHandle {
    /// Creates any staff account, including platform admins (the first account of a new installation).
    /// Audited as the system acting from the command line.
    pub async fn create_staff_user(&self, new: NewStaffUser) -> StoreResult<StaffUser> {
        let now = to_micros(self.store.now());
        let mut tx = self.store.begin_write().await?;
        let user = crate::auth::insert_staff(&mut tx, now, &new).await?;
        let entry = AuditEntry {
            actor_id: None,
            actor_role: "system",
            clinic_id: user.clinic_id.as_ref().map(|c| c.as_str()),
            action: AuditAction::Create,
            entity: "staff_user",
            entity_id: user.id.to_text(),
            origin: "cli",
        };
        audit::append(&mut tx, now, &entry).await?;
        tx.commit().await?;
        Ok(user)
    }

    /// Creates an API token for any user (the `ketapath token create` command), audited as the system acting
    /// from the command line.
    pub async fn create_api_token(&self, new: NewApiToken) -> StoreResult<ApiToken> {
        let at = self.store.now();
        let mut tx = self.store.begin_write().await?;
        let token = crate::auth::insert_api_token(&mut tx, at, new).await?;
        audit::append(&mut tx, to_micros(at), &cli_entry(AuditAction::Create, "api_token", token.id.to_text())).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes any token (the `ketapath token revoke` command). Returns whether a live token was revoked; an
    /// unknown id is not found.
    pub async fn revoke_api_token(&self, id: ApiTokenId) -> StoreResult<bool> {
        let now = to_micros(self.store.now());
        let mut tx = self.store.begin_write().await?;
        let (n,): (i64,) =
            tx.fetch_one("SELECT COUNT(*) FROM api_tokens WHERE id = $1", &crate::db::args![id.to_text()]).await?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "api token" });
        }
        let revoked = crate::auth::mark_revoked(&mut tx, now, id).await?;
        audit::append(&mut tx, now, &cli_entry(AuditAction::Update, "api_token", id.to_text())).await?;
        tx.commit().await?;
        Ok(revoked)
    }

    /// Audit events with `seq` in `from..=to`.
    pub async fn audit_events(&self, from: i64, to: i64) -> StoreResult<Vec<AuditEvent>> {
        self.store.audit_events_between(from, to).await
    }

    /// Row counts of every table, in copy order.
    pub async fn table_counts(&self) -> StoreResult<Vec<(String, i64)>> {
        let mut tx = self.store.begin_read().await?;
        let mut out = Vec::new();
        for t in TABLES {
            let (n,): (i64,) = tx.fetch_one(&format!("SELECT COUNT(*) FROM {t}"), &[]).await?;
            out.push(((*t).to_owned(), n));
        }
        Ok(out)
    }

    /// Runs raw SQL outside any scope or audit: for tests that must damage a database on purpose (for example
    /// to disable the append-only trigger and edit an audit event). Never exposed by the CLI, and compiled only
    /// with the `test-support` feature, which only dev-dependencies enable.
    #[cfg(feature = "test-support")]
    pub async fn execute_raw_sql(&self, sql: &str) -> StoreResult<u64> {
        use crate::db::Backend;
        Ok(match self.store.backend() {
            Backend::Sqlite { writer, .. } => sqlx::raw_sql(sql).execute(writer).await?.rows_affected(),
            Backend::Postgres(pool) => sqlx::raw_sql(sql).execute(pool).await?.rows_affected(),
        })
    }
}

/// The audit entry of a change made by the system from the admin command line.
fn cli_entry(action: AuditAction, entity: &'static str, entity_id: String) -> AuditEntry<'static> {
    AuditEntry { actor_id: None, actor_role: "system", clinic_id: None, action, entity, entity_id, origin: "cli" }
}
