//! Database commands: `migrate`, `backup OUT`, `restore FILE`, `copy --from URL --to URL`, `audit verify
//! [--expect-head CHAIN:SEQ:HASH]…`, `audit head [--json]`.
//!
//! The logic (opening with the missing-file guard, backup, restore, copy, verification, chain heads) lives in
//! `ketapath-store`; these commands parse arguments, call it and report. Every command opens the store with the
//! audit key of `KETAPATH_AUDIT_KEY` when it is set, so the events it writes are keyed like the server's and
//! `audit verify` can check keyed events.

use std::path::PathBuf;

use ketapath_store::{
    AuditKey, BackupMethod, ChainHead, DEFAULT_DATABASE_URL, DatabaseUrl, OpenMode, Store, StoreError, StoreOptions,
    copy_database, restore_sqlite,
};

use crate::failure::{CommandResult, Failure};

#[derive(Debug, clap::Subcommand)]
pub enum StoreCommand {
    /// Create the database if it does not exist and apply every pending migration.
    Migrate,
    /// Write a consistent copy of the database to OUT (SQLite: online snapshot; PostgreSQL: pg_dump).
    Backup {
        /// The backup file to write; it must not exist.
        out: PathBuf,
    },
    /// Restore a SQLite backup made by `ketapath backup` into the --db file.
    Restore {
        /// The backup file.
        file: PathBuf,
        /// Replace an existing database file (stop every server using it first).
        #[arg(long)]
        force: bool,
    },
    /// Copy every table from one database to another, migrated and empty (for example SQLite to PostgreSQL).
    Copy {
        /// The source database URL.
        #[arg(long)]
        from: String,
        /// The target database URL; run `ketapath migrate --db URL` on it first.
        #[arg(long)]
        to: String,
    },
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Debug, clap::Subcommand)]
pub enum AuditCommand {
    /// Check the audit hash chain and the database invariants; names the first bad event.
    Verify {
        /// A head recorded earlier from `ketapath audit head` (or the server's log), as CHAIN:SEQ:HASH; the log
        /// must still reach it intact (exit 1 when it was truncated or rewritten). Repeat for several chains.
        #[arg(long = "expect-head", value_name = "CHAIN:SEQ:HASH")]
        expect_head: Vec<String>,
    },
    /// Print the head of each audit chain, one line `CHAIN SEQ HASH`; keep them outside the database.
    Head {
        /// One JSON array of {"chain","seq","hash"} instead.
        #[arg(long)]
        json: bool,
    },
}

/// The environment variable holding the audit key (64 hex digits).
pub(crate) const AUDIT_KEY_ENV: &str = "KETAPATH_AUDIT_KEY";

/// The audit key from `KETAPATH_AUDIT_KEY`, if set; a malformed one is invalid input (exit 2).
pub(crate) fn audit_key_from_env() -> Result<Option<AuditKey>, Failure> {
    match std::env::var(AUDIT_KEY_ENV) {
        Ok(text) if !text.trim().is_empty() => AuditKey::from_hex(&text).map(Some).map_err(failure),
        _ => Ok(None),
    }
}

pub(crate) fn failure(err: StoreError) -> Failure {
    if err.is_invalid_input() { Failure::Invalid(err.to_string()) } else { Failure::Runtime(err.into()) }
}

/// Lets a command's callbacks into the store (the registry's pages) return its own failure with `?`.
impl From<StoreError> for Failure {
    fn from(err: StoreError) -> Self {
        failure(err)
    }
}

async fn open(url: &str, mode: OpenMode) -> Result<Store, Failure> {
    let url = DatabaseUrl::parse(url).map_err(failure)?;
    let options = StoreOptions { audit_key: audit_key_from_env()?, ..StoreOptions::default() };
    Store::open_with(&url, mode, options).await.map_err(failure)
}

/// Opens an existing, fully migrated database (every command but `migrate` and `restore`).
pub(crate) async fn open_existing(url: &str) -> Result<Store, Failure> {
    let store = open(url, OpenMode::MustExist).await?;
    store.ensure_migrated().await.map_err(failure)?;
    Ok(store)
}

pub fn run(cmd: StoreCommand, db: Option<&str>) -> CommandResult {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::Runtime(e.into()))?;
    runtime.block_on(run_async(cmd, db.unwrap_or(DEFAULT_DATABASE_URL)))
}

async fn run_async(cmd: StoreCommand, db: &str) -> CommandResult {
    match cmd {
        StoreCommand::Migrate => {
            let store = open(db, OpenMode::CreateIfMissing).await?;
            if store.was_created() {
                println!("created database {}", store.url().display());
            }
            let applied = store.migrate().await.map_err(failure)?;
            let version = store.latest_schema_version();
            if applied.is_empty() {
                println!("{} is up to date at schema version {version}", store.url().display());
            } else {
                let list: Vec<String> = applied.iter().map(i64::to_string).collect();
                println!(
                    "applied migrations {} to {}; schema version {version}",
                    list.join(", "),
                    store.url().display()
                );
            }
            store.close().await;
        }
        StoreCommand::Backup { out } => {
            let store = open_existing(db).await?;
            let method = store.backup(&out).await.map_err(failure)?;
            store.close().await;
            let how = match method {
                BackupMethod::SqliteVacuumInto => "SQLite online snapshot",
                BackupMethod::PgDump => "pg_dump custom format; restore with pg_restore",
            };
            println!("backup written to {} ({how})", out.display());
        }
        StoreCommand::Restore { file, force } => {
            let target = DatabaseUrl::parse(db).map_err(failure)?;
            restore_sqlite(&file, &target, force).await.map_err(failure)?;
            println!("restored {} into {}", file.display(), target.display());
        }
        StoreCommand::Copy { from, to } => {
            let source = open_existing(&from).await?;
            let target = open_existing(&to).await?;
            let report = copy_database(&source, &target).await.map_err(failure)?;
            for (table, rows) in &report.tables {
                println!("{table}: {rows} rows");
            }
            println!("copied {} to {}; every table matches", source.url().display(), target.url().display());
            source.close().await;
            target.close().await;
        }
        StoreCommand::Audit(AuditCommand::Verify { expect_head }) => {
            let expected = expect_head
                .iter()
                .map(|h| ChainHead::parse("--expect-head", h))
                .collect::<Result<Vec<_>, _>>()
                .map_err(failure)?;
            let store = open_existing(db).await?;
            let report = store.verify().await.map_err(failure);
            let heads = match &report {
                Ok(_) => store.check_audit_heads(&expected).await.map_err(failure),
                Err(_) => Ok(Vec::new()),
            };
            store.close().await;
            let (report, head_problems) = (report?, heads?);
            let audit = &report.audit;
            if audit.chains.is_empty() {
                println!("audit log intact: no events yet");
            }
            for chain in &audit.chains {
                let name = &chain.chain;
                match (&chain.first_bad, chain.key_missing_at) {
                    (Some(bad), _) => println!("audit chain {name} broken at event {}: {}", bad.seq, bad.reason),
                    (None, Some(seq)) => println!(
                        "audit chain {name} cannot be checked from event {seq} on: its events are linked with \
                         HMAC-SHA-256 under the audit key; set {AUDIT_KEY_ENV} to verify them ({} events before it \
                         are intact)",
                        chain.events
                    ),
                    (None, None) => {
                        let keyed = chain.keyed_from.map(|s| format!(", keyed from event {s}")).unwrap_or_default();
                        println!(
                            "audit chain {name} intact: {} events, head hash {}{keyed}",
                            chain.events, chain.head_hash
                        )
                    }
                }
            }
            for problem in &head_problems {
                println!("{problem}");
            }
            for want in &expected {
                if !head_problems.iter().any(|p| p.starts_with(&format!("chain {} ", want.chain))) {
                    println!("chain {} reaches the recorded head {} {}", want.chain, want.seq, want.hash);
                }
            }
            for problem in &report.problems {
                println!("invariant broken: {problem}");
            }
            if !report.is_ok() || !head_problems.is_empty() {
                let bad: Vec<String> = audit
                    .chains
                    .iter()
                    .filter_map(|c| c.first_bad.as_ref().map(|b| format!("{} event {}", c.chain, b.seq)))
                    .collect();
                let missing: Vec<String> = audit
                    .chains
                    .iter()
                    .filter_map(|c| c.key_missing_at.map(|s| format!("{} event {s}", c.chain)))
                    .collect();
                let first = (!bad.is_empty()).then(|| format!(": first bad audit event of {}", bad.join(", ")));
                let missing =
                    (!missing.is_empty()).then(|| format!(": {AUDIT_KEY_ENV} is needed from {}", missing.join(", ")));
                let heads = (!head_problems.is_empty()).then(|| ": the log does not reach a recorded head".to_owned());
                return Err(Failure::Runtime(anyhow::anyhow!(
                    "verification failed{}",
                    first.or(missing).or(heads).unwrap_or_default()
                )));
            }
        }
        StoreCommand::Audit(AuditCommand::Head { json }) => {
            let store = open_existing(db).await?;
            let heads = store.audit_heads().await.map_err(failure);
            store.close().await;
            let heads = heads?;
            if json {
                println!("{}", serde_json::to_string(&heads).map_err(|e| Failure::Runtime(e.into()))?);
            } else {
                for head in &heads {
                    println!("{head}");
                }
            }
        }
    }
    Ok(())
}
