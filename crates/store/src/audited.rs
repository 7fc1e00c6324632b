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

use std::borrow::Cow;

use time::OffsetDateTime;

use crate::audit::{self, AuditEntry};
use crate::db::{Record, Tx, Value};
use crate::domain::{Actor, AuditAction, StaffUser};
use crate::error::StoreResult;
use crate::store::Store;

/// One audit event to append: what was done to which record. Who did it comes from the transaction; the clinic
/// too, unless the event names its own (a write whose clinic is read inside the transaction).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    action: AuditAction,
    entity: &'static str,
    entity_id: String,
    clinic: EventClinic,
}

/// Which clinic an event names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum EventClinic {
    /// The clinic of the transaction's [`Auditor`].
    OfTransaction,
    /// This clinic (or none), whatever the transaction's auditor says.
    Named(Option<String>),
}

impl Audit {
    pub fn new(action: AuditAction, entity: &'static str, entity_id: impl Into<String>) -> Self {
        Self { action, entity, entity_id: entity_id.into(), clinic: EventClinic::OfTransaction }
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

    /// The same event naming `clinic` instead of the transaction's clinic: for writes whose clinic is known only
    /// from a row read inside the transaction (a self-report link, the account whose second factor changes).
    #[must_use]
    pub(crate) fn in_clinic(mut self, clinic: Option<&str>) -> Self {
        self.clinic = EventClinic::Named(clinic.map(str::to_owned));
        self
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

impl EventClinic {
    /// The clinic an event names, when `by` writes it.
    fn of<'e>(&'e self, by: &'e Auditor<'_>) -> Option<&'e str> {
        match self {
            EventClinic::OfTransaction => by.clinic_id.as_deref(),
            EventClinic::Named(clinic) => clinic.as_deref(),
        }
    }
}

/// Who the events of a transaction name: the acting user and role (or a channel such as `public`), the clinic,
/// and where the request came from.
#[derive(Debug, Clone)]
pub(crate) struct Auditor<'a> {
    pub actor_id: Option<String>,
    pub actor_role: Cow<'a, str>,
    pub clinic_id: Option<Cow<'a, str>>,
    pub origin: Cow<'a, str>,
}

impl<'a> Auditor<'a> {
    /// A signed-in staff member, with the clinic they belong to.
    pub(crate) fn staff(actor: &'a Actor) -> Self {
        Self {
            actor_id: Some(actor.user_id.to_text()),
            actor_role: Cow::Borrowed(actor.role.code()),
            clinic_id: actor.clinic_id.as_ref().map(|c| Cow::Borrowed(c.as_str())),
            origin: Cow::Borrowed(actor.origin.as_str()),
        }
    }

    /// A staff account found inside the transaction (the one signing in or out), acting from `origin`.
    pub(crate) fn account(user: &StaffUser, origin: &str) -> Self {
        Self {
            actor_id: Some(user.id.to_text()),
            actor_role: Cow::Owned(user.role.code().to_owned()),
            clinic_id: user.clinic_id.as_ref().map(|c| Cow::Owned(c.as_str().to_owned())),
            origin: Cow::Owned(origin.to_owned()),
        }
    }

    /// The system acting from the admin command line, for no clinic.
    pub(crate) fn cli() -> Self {
        Self::system(None, "cli")
    }

    /// The system (no user) acting for `clinic` from `origin`: the command line, the registry refresher.
    pub(crate) fn system(clinic: Option<&'a str>, origin: &'a str) -> Self {
        Self {
            actor_id: None,
            actor_role: Cow::Borrowed("system"),
            clinic_id: clinic.map(Cow::Borrowed),
            origin: Cow::Borrowed(origin),
        }
    }

    /// Someone without an account, named by channel (`public`, `self_report`), writing to `clinic` from `origin`.
    pub(crate) fn public(channel: &'static str, clinic: Option<&'a str>, origin: &'a str) -> Self {
        Self {
            actor_id: None,
            actor_role: Cow::Borrowed(channel),
            clinic_id: clinic.map(Cow::Borrowed),
            origin: Cow::Borrowed(origin),
        }
    }

    /// The same auditor for no clinic.
    #[must_use]
    pub(crate) fn without_clinic(mut self) -> Self {
        self.clinic_id = None;
        self
    }
}

/// A write transaction whose only way to commit appends its audit events (see the module documentation).
pub struct AuditedTx<'a> {
    tx: Tx,
    key: Option<crate::audit::AuditKey>,
    /// Whether events go to per-clinic chains ([`Store::audit_chains`]).
    chained: bool,
    at: OffsetDateTime,
    now: i64,
    by: Auditor<'a>,
}

impl<'a> AuditedTx<'a> {
    /// Starts a write transaction on `store` whose events will name `by`, with the store's "now" in stored form.
    pub(crate) async fn begin(store: &Store, by: Auditor<'a>) -> StoreResult<Self> {
        let tx = store.backend().begin_write().await?;
        let at = store.now();
        let (key, chained) = (store.audit_key().cloned(), store.audit_chains());
        Ok(Self { tx, key, chained, at, now: crate::clock::to_micros(at), by })
    }

    /// The transaction's "now" as read from the store's clock (not truncated to the stored precision), for
    /// identifiers and records built from an instant.
    pub(crate) fn at(&self) -> OffsetDateTime {
        self.at
    }

    /// Names `by` in this transaction's events instead of the auditor it began with: for writes whose actor is
    /// an account read inside the transaction (the staff member signing in, failing to, or signing out).
    pub(crate) fn act_as(&mut self, by: Auditor<'a>) {
        self.by = by;
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
    /// The locks of every chain the events go to are taken first, in one order, so that two transactions writing
    /// to the same chains never deadlock.
    pub async fn commit_with(mut self, events: impl Into<AuditEvents>) -> StoreResult<()> {
        let events = events.into().0;
        if self.chained {
            let chains: Vec<String> = events.iter().map(|e| audit::chain_of(e.clinic.of(&self.by))).collect();
            audit::lock_chains(&mut self.tx, &chains).await?;
        }
        for event in &events {
            let clinic_id = event.clinic.of(&self.by);
            let entry = AuditEntry {
                actor_id: self.by.actor_id.clone(),
                actor_role: &self.by.actor_role,
                clinic_id,
                action: event.action,
                entity: event.entity,
                entity_id: event.entity_id.clone(),
                origin: &self.by.origin,
            };
            audit::append(&mut self.tx, self.now, &entry, self.key.as_ref(), self.chained).await?;
        }
        self.tx.commit().await
    }
}

/// Why a write transaction may commit without an audit event. Every plain write transaction of the store names
/// one of these, so the exceptions to "no write without its audit entry" are this closed list, each with its
/// reason, and the source test below checks that no other file opens one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unaudited {
    /// Refreshing a portal sign-in's `last_seen_at` (at most once a minute): bookkeeping for the idle timeout.
    /// The sign-in and the sign-out are audited; an event per minute of browsing would record nothing more.
    SignInTouch,
    /// Accepting a TOTP code's time step (the replay guard). It changes no account and no setting; the sign-in
    /// or second-factor change the code serves is audited on its own.
    TotpReplayGuard,
    /// Recording an API token's last use (at most once a minute), shown by `ketapath token list`: bookkeeping,
    /// like [`Unaudited::SignInTouch`]; the requests the token makes are audited on their own.
    TokenTouch,
    /// `ketapath db copy`: rows (audit events included) copied as they are into an empty database, whose chain
    /// must then be the source's, byte for byte. An event of its own would break that equality.
    DatabaseCopy,
    /// Filling the patient search keys (`search_name`, `mrn_key`) of rows written before schema version 15: both
    /// are derived from fields already stored and audited, so the fill records nothing new about anyone.
    SearchColumns,
    /// Synthetic research data for benchmarks, compiled only with the `test-support` feature: no person's data.
    #[cfg(feature = "test-support")]
    BenchSeed,
}

impl Store {
    /// Starts a write transaction that commits without an audit event, for the reason `why` names (see
    /// [`Unaudited`]). Every other write opens an [`AuditedTx`].
    pub(crate) async fn begin_unaudited_write(&self, why: Unaudited) -> StoreResult<Tx> {
        // The reason is not used at run time: it names the exception where the call is written, for review and
        // for the source test below.
        let _ = why;
        self.backend().begin_write().await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::path::Path;

    /// What the source test below looks for: each way of writing to the database other than an [`AuditedTx`]
    /// (a plain write transaction, a commit, an audit append made by hand, a statement run on a pool directly).
    const NEEDLES: [&str; 8] = [
        "begin_write(",
        "begin_unaudited_write(",
        ".commit()",
        "audit::append(",
        "migrator.run(",
        "raw_sql(",
        ".execute(writer)",
        ".execute(pool)",
    ];

    /// Every place of the store allowed one of [`NEEDLES`], with how often, and why. Anything else, and any count
    /// that changes, fails the test: a new plain write must be added here by name, with its reason.
    const ALLOWED: [(&str, &str, usize); 19] = [
        // The backends' own transaction: where a write transaction starts and commits (a read transaction, a
        // SQLite write of a group commit, a PostgreSQL transaction).
        ("db.rs", "begin_write(", 1),
        ("db.rs", ".commit()", 3),
        // SQLite's group commit: the COMMIT of a batch of writes, run by the write that ends the batch or by the
        // flush after a write that failed; each write in it committed through its AuditedTx or named exception.
        ("group_commit.rs", ".commit()", 2),
        // AuditedTx::begin and Store::begin_unaudited_write, the two ways to open a write transaction; the one
        // commit and the one audit append, both in AuditedTx::commit_with.
        ("audited.rs", "begin_write(", 2),
        ("audited.rs", "begin_unaudited_write(", 1),
        ("audited.rs", ".commit()", 1),
        ("audited.rs", "audit::append(", 1),
        // Store::touch_last_use, for Unaudited::SignInTouch (a sign-in's last use) and Unaudited::TokenTouch (an API
        // token's last use), and Unaudited::TotpReplayGuard (a TOTP step accepted).
        ("sign_in.rs", "begin_unaudited_write(", 2),
        ("sign_in.rs", ".commit()", 2),
        // Unaudited::DatabaseCopy: the copy carries the source's audit chain as it is.
        ("copy.rs", "begin_unaudited_write(", 1),
        ("copy.rs", ".commit()", 1),
        // Unaudited::BenchSeed: synthetic benchmark data, compiled only with `test-support`.
        ("bench_seed.rs", "begin_unaudited_write(", 1),
        ("bench_seed.rs", ".commit()", 1),
        // Unaudited::SearchColumns: the search keys of rows older than schema version 15, derived from stored fields.
        ("search.rs", "begin_unaudited_write(", 1),
        ("search.rs", ".commit()", 1),
        // Migrations change the schema, not records; sqlx records each in `_sqlx_migrations`.
        ("store.rs", "migrator.run(", 2),
        // `execute_raw_sql` (its name and its two backends), compiled only with `test-support`, for tests that
        // damage a database on purpose.
        ("admin.rs", "raw_sql(", 3),
        ("admin.rs", ".execute(writer)", 1),
        ("admin.rs", ".execute(pool)", 1),
    ];

    /// The code of a source file without its comments and its unit tests, which name the needles in text.
    fn code_of(text: &str) -> String {
        let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
        code.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n")
    }

    fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// "A transaction that cannot commit without its audit entry" holds for the whole store, not only the clinic
    /// scope: outside the places named in [`ALLOWED`], no file opens a plain write transaction, commits one,
    /// appends an audit event by hand or writes on a pool directly.
    #[test]
    fn store_code_writes_only_through_audited_transactions_or_a_named_exception() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        assert!(files.len() >= 30, "expected the store's files, found {}", files.len());
        let mut found: Vec<(String, &str, usize)> = Vec::new();
        for path in files {
            let name = path.strip_prefix(&src).unwrap().display().to_string();
            let code = code_of(&std::fs::read_to_string(&path).unwrap());
            for needle in NEEDLES {
                let n = code.matches(needle).count();
                if n > 0 {
                    found.push((name.clone(), needle, n));
                }
            }
        }
        found.sort();
        let mut allowed: Vec<(String, &str, usize)> =
            ALLOWED.iter().map(|(file, needle, n)| ((*file).to_owned(), *needle, *n)).collect();
        allowed.sort();
        assert_eq!(found, allowed, "a write outside AuditedTx, or a stale entry of ALLOWED");
    }

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
