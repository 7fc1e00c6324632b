//! A write transaction that can commit only together with its audit events: the store's rule "every read and
//! write of patient data appends an audit event in the same transaction" held by a type instead of by habit.
//!
//! [`AuditedTx`] has no plain `commit`: the one way to commit is [`AuditedTx::commit_with`], which takes at least
//! one [`Audit`] (an [`AuditEvents`] is never empty), appends the events in the order given, and then commits.
//! Dropping the transaction rolls it back, data and events alike. The events are appended just before the
//! commit, with the same "now" as the data, so the chain holds the same bytes as when each event was appended
//! next to its write.
//!
//! The type is public only so that the test below can name it; no public function returns one.
//!
//! ```compile_fail
//! // Committing without an audit entry does not compile: there is no `commit` to call.
//! async fn write(tx: ketapath_store::AuditedTx<'_>) {
//!     tx.commit().await.unwrap();
//! }
//! ```
//!
//! The same function with an entry compiles:
//!
//! ```no_run
//! use ketapath_store::{Audit, AuditedTx, StoreResult};
//! async fn write(tx: AuditedTx<'_>) -> StoreResult<()> {
//!     tx.commit_with(Audit::update("patient", "some-id")).await
//! }
//! ```

use crate::audit::{self, AuditEntry};
use crate::db::{Record, Tx, Value};
use crate::domain::AuditAction;
use crate::error::StoreResult;
use crate::store::Store;

/// One audit event to append: what was done to which record. Who did it comes from the transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    action: AuditAction,
    entity: &'static str,
    entity_id: String,
}

impl Audit {
    pub fn new(action: AuditAction, entity: &'static str, entity_id: impl Into<String>) -> Self {
        Self { action, entity, entity_id: entity_id.into() }
    }

    pub fn create(entity: &'static str, entity_id: impl Into<String>) -> Self {
        Self::new(AuditAction::Create, entity, entity_id)
    }

    pub fn read(entity: &'static str, entity_id: impl Into<String>) -> Self {
        Self::new(AuditAction::Read, entity, entity_id)
    }

    pub fn list(entity: &'static str, entity_id: impl Into<String>) -> Self {
        Self::new(AuditAction::List, entity, entity_id)
    }

    pub fn update(entity: &'static str, entity_id: impl Into<String>) -> Self {
        Self::new(AuditAction::Update, entity, entity_id)
    }
}

/// The audit events of one transaction, in the order they are appended. Never empty: it starts from one
/// [`Audit`] and only grows, so a commit always carries at least one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvents(Vec<Audit>);

impl From<Audit> for AuditEvents {
    fn from(first: Audit) -> Self {
        Self(vec![first])
    }
}

impl AuditEvents {
    /// The events of `all`, or `None` when there are none (a transaction that wrote nothing has nothing to
    /// commit: the caller drops it instead).
    pub fn from_all(all: impl IntoIterator<Item = Audit>) -> Option<Self> {
        let all: Vec<Audit> = all.into_iter().collect();
        if all.is_empty() { None } else { Some(Self(all)) }
    }

    /// Appends `next` after the events already listed.
    pub fn push(&mut self, next: Audit) {
        self.0.push(next);
    }

    /// These events followed by `next`.
    #[must_use]
    pub fn then(mut self, next: Audit) -> Self {
        self.push(next);
        self
    }
}

/// Who the events of a transaction name: the acting user and role (or a channel such as `public`), the clinic,
/// and where the request came from.
#[derive(Debug, Clone)]
pub(crate) struct Auditor<'a> {
    pub actor_id: Option<String>,
    pub actor_role: &'a str,
    pub clinic_id: Option<&'a str>,
    pub origin: &'a str,
}

/// A write transaction whose only way to commit appends its audit events (see the module documentation).
pub struct AuditedTx<'a> {
    tx: Tx,
    now: i64,
    by: Auditor<'a>,
}

impl<'a> AuditedTx<'a> {
    /// Starts a write transaction on `store` whose events will name `by`, with the store's "now" in stored form.
    pub(crate) async fn begin(store: &Store, by: Auditor<'a>) -> StoreResult<Self> {
        let tx = store.begin_write().await?;
        Ok(Self { tx, now: crate::clock::to_micros(store.now()), by })
    }

    /// The transaction's "now" in stored form (microseconds): the time of its writes and of its events.
    pub(crate) fn now(&self) -> i64 {
        self.now
    }

    /// The underlying transaction, for helpers shared with unaudited reads. It is lent, never given: a
    /// `&mut Tx` cannot be committed, since [`Tx::commit`] takes the transaction by value.
    pub(crate) fn db(&mut self) -> &mut Tx {
        &mut self.tx
    }

    pub(crate) async fn execute(&mut self, sql: &str, args: &[Value]) -> StoreResult<u64> {
        self.tx.execute(sql, args).await
    }

    pub(crate) async fn fetch_all<R: Record>(&mut self, sql: &str, args: &[Value]) -> StoreResult<Vec<R>> {
        self.tx.fetch_all(sql, args).await
    }

    pub(crate) async fn fetch_optional<R: Record>(&mut self, sql: &str, args: &[Value]) -> StoreResult<Option<R>> {
        self.tx.fetch_optional(sql, args).await
    }

    pub(crate) async fn fetch_one<R: Record>(&mut self, sql: &str, args: &[Value]) -> StoreResult<R> {
        self.tx.fetch_one(sql, args).await
    }

    /// Appends `events` in order, each stamped with the transaction's "now" and naming who acts, then commits.
    pub async fn commit_with(mut self, events: impl Into<AuditEvents>) -> StoreResult<()> {
        for event in events.into().0 {
            let entry = AuditEntry {
                actor_id: self.by.actor_id.clone(),
                actor_role: self.by.actor_role,
                clinic_id: self.by.clinic_id,
                action: event.action,
                entity: event.entity,
                entity_id: event.entity_id,
                origin: self.by.origin,
            };
            audit::append(&mut self.tx, self.now, &entry).await?;
        }
        self.tx.commit().await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::Path;

    /// The type keeps a scope method from committing without its events only if scope code never reaches around
    /// it: no plain write transaction, no plain commit and no hand-made audit append in the `ClinicScope` files
    /// (`scope/` and the scope's part of `research.rs`).
    #[test]
    fn clinic_scope_code_commits_only_through_audited_transactions() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut texts: Vec<(String, String)> = std::fs::read_dir(src.join("scope"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        assert!(texts.len() >= 8, "expected the scope's files, found {}", texts.len());
        let research = std::fs::read_to_string(src.join("research.rs")).unwrap();
        let start = research.find("impl ClinicScope {").unwrap();
        let end = start + research[start..].find("\n}\n").unwrap();
        texts.push(("research.rs (impl ClinicScope)".to_owned(), research[start..end].to_owned()));
        let offenders: Vec<String> = texts
            .iter()
            .flat_map(|(name, text)| {
                ["begin_write(", ".commit()", "audit::append("]
                    .into_iter()
                    .filter(|needle| text.contains(needle))
                    .map(move |needle| format!("{name}: {needle}"))
            })
            .collect();
        assert!(offenders.is_empty(), "ClinicScope code around AuditedTx:\n{}", offenders.join("\n"));
    }
}
