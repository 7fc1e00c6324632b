//! The unscoped handle: for the admin command line and tests only. Its name says so on purpose, so that any use
//! outside those places stands out in review.

use crate::audited::{Audit, AuditedTx, Auditor};
use crate::domain::{ApiToken, ApiTokenId, AuditEvent, NewApiToken, NewStaffUser, StaffUser};
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
    /// Audited as the system acting from the command line, in the new account's clinic.
    pub async fn create_staff_user(&self, new: NewStaffUser) -> StoreResult<StaffUser> {
        let clinic = new.clinic_id.as_ref().map(|c| c.as_str());
        let mut tx = AuditedTx::begin(&self.store, Auditor::system(clinic, "cli")).await?;
        let now = tx.now();
        let user = crate::auth::insert_staff(tx.db(), now, &new).await?;
        tx.commit_with(Audit::create("staff_user", user.id.to_text())).await?;
        Ok(user)
    }

    /// Creates an API token for any user (the `ketapath token create` command), audited as the system acting
    /// from the command line.
    pub async fn create_api_token(&self, new: NewApiToken) -> StoreResult<ApiToken> {
        let mut tx = AuditedTx::begin(&self.store, Auditor::cli()).await?;
        let at = tx.at();
        let token = crate::auth::insert_api_token(tx.db(), at, new).await?;
        tx.commit_with(Audit::create("api_token", token.id.to_text())).await?;
        Ok(token)
    }

    /// Revokes any token (the `ketapath token revoke` command). Returns whether a live token was revoked; an
    /// unknown id is not found.
    pub async fn revoke_api_token(&self, id: ApiTokenId) -> StoreResult<bool> {
        let mut tx = AuditedTx::begin(&self.store, Auditor::cli()).await?;
        let now = tx.now();
        let (n,): (i64,) =
            tx.fetch_one("SELECT COUNT(*) FROM api_tokens WHERE id = $1", &crate::db::args![id.to_text()]).await?;
        if n == 0 {
            return Err(StoreError::NotFound { entity: "api token" });
        }
        let revoked = crate::auth::mark_revoked(tx.db(), now, id).await?;
        tx.commit_with(Audit::update("api_token", id.to_text())).await?;
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

    /// The statements an attacker holding only the database would run to rewrite event `seq` of `chain` (naming
    /// `entity_id` instead) and hide it: every event of the chain from `seq` on relinked with plain SHA-256
    /// hashes recomputed from the new contents. For the tests that show a keyed chain or a recorded head detects it; run them with
    /// [`Self::execute_raw_sql`] after disabling the append-only trigger. Compiled only with `test-support`.
    #[cfg(feature = "test-support")]
    pub async fn forged_audit_rewrite_sql(&self, chain: &str, seq: i64, entity_id: &str) -> StoreResult<Vec<String>> {
        crate::audit::forged_rewrite_sql(&self.store, chain, seq, entity_id).await
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
