//! Database commands: `migrate`, `backup OUT`, `restore FILE`, `copy --from URL --to URL`, `audit verify`.
//!
//! The logic (opening with the missing-file guard, backup, restore, copy, verification) lives in
//! `ketapath-store`; these commands parse arguments, call it and report.

use std::path::PathBuf;

use ketapath_store::{
    BackupMethod, DEFAULT_DATABASE_URL, DatabaseUrl, OpenMode, Store, StoreError, StoreOptions, copy_database,
    restore_sqlite,
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
    Verify,
}

pub(crate) fn failure(err: StoreError) -> Failure {
    if err.is_invalid_input() { Failure::Invalid(err.to_string()) } else { Failure::Runtime(err.into()) }
}

async fn open(url: &str, mode: OpenMode) -> Result<Store, Failure> {
    let url = DatabaseUrl::parse(url).map_err(failure)?;
    Store::open_with(&url, mode, StoreOptions::default()).await.map_err(failure)
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
        StoreCommand::Audit(AuditCommand::Verify) => {
            let store = open_existing(db).await?;
            let report = store.verify().await.map_err(failure)?;
            store.close().await;
            match &report.audit.first_bad {
                None => {
                    println!("audit chain intact: {} events, head hash {}", report.audit.events, report.audit.head_hash)
                }
                Some(bad) => println!("audit chain broken at event {}: {}", bad.seq, bad.reason),
            }
            for problem in &report.problems {
                println!("invariant broken: {problem}");
            }
            if !report.is_ok() {
                return Err(Failure::Runtime(anyhow::anyhow!(
                    "verification failed{}",
                    report
                        .audit
                        .first_bad
                        .as_ref()
                        .map(|b| format!(": first bad audit event is {}", b.seq))
                        .unwrap_or_default()
                )));
            }
        }
    }
    Ok(())
}
