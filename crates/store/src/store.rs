//! The [`Store`]: opening either backend safely, migrations, and the entry points to scoped and unscoped handles.

use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sqlx::migrate::{MigrateDatabase, Migrator};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Executor, Postgres, Sqlite};
use time::OffsetDateTime;

use crate::audit::AuditKey;
use crate::clock::{Clock, SystemClock};
use crate::db::{Backend, BackendKind, Tx};
use crate::error::{StoreError, StoreResult};
use crate::url::{DatabaseUrl, OpenMode};

/// How long a PostgreSQL connection may sit idle in the pool before it is pinged on its way out (see the pool's
/// `before_acquire`). A connection that dies within this time (a restart between two requests) fails one request
/// with 503 `database_unavailable`, as a request during the outage would, and is then dropped.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// How long a SQLite connection waits for another process's write lock before giving up.
pub(crate) const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Tuning of an opened store.
#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// PostgreSQL pool size per server process. Several stateless servers share one database, so each keeps a
    /// modest pool (10 × servers must stay under the server's `max_connections`, 100 by default).
    pub postgres_max_connections: u32,
    /// SQLite reader connections (writes always use one connection).
    pub sqlite_readers: u32,
    /// How long a caller waits for a pooled connection before the operation fails.
    pub acquire_timeout: Duration,
    pub clock: Arc<dyn Clock>,
    /// The audit key (`KETAPATH_AUDIT_KEY`): with it every appended audit event is linked with HMAC-SHA-256 and
    /// keyed events can be verified; without it events are linked with plain SHA-256.
    pub audit_key: Option<AuditKey>,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            postgres_max_connections: 10,
            sqlite_readers: 4,
            acquire_timeout: Duration::from_secs(30),
            clock: Arc::new(SystemClock),
            audit_key: None,
        }
    }
}

/// The handle to KetaPath's database. Cheap to clone; clones share the pools.
#[derive(Debug, Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    backend: Backend,
    clock: Arc<dyn Clock>,
    url: DatabaseUrl,
    created: bool,
    audit_key: Option<AuditKey>,
    /// Whether appends file events in per-clinic chains (schema version 21 on). Cleared only by
    /// [`Store::migrate_up_to_for_tests`] below that version, whose tests write the old single chain.
    audit_chains: AtomicBool,
}

impl Store {
    /// Opens the database at `url` with default options. See [`Store::open_with`].
    pub async fn open(url: &str, mode: OpenMode) -> StoreResult<Store> {
        Store::open_with(&DatabaseUrl::parse(url)?, mode, StoreOptions::default()).await
    }

    /// Opens a database. With [`OpenMode::MustExist`] a SQLite URL whose file does not exist is refused with
    /// [`StoreError::MissingDatabase`] naming the path, so that a mistyped URL never creates an empty database.
    /// Opening does not migrate: call [`Store::migrate`].
    pub async fn open_with(url: &DatabaseUrl, mode: OpenMode, options: StoreOptions) -> StoreResult<Store> {
        let (backend, created) = match url {
            DatabaseUrl::Sqlite { path } => {
                let exists = path.exists();
                // A missing folder is named before anything else: SQLite itself only says "unable to open
                // database file", and advising `migrate` would not help, since it does not create folders either.
                if !exists && let Some(folder) = path.parent().filter(|f| !f.as_os_str().is_empty() && !f.is_dir()) {
                    return Err(StoreError::MissingFolder {
                        path: path.display().to_string(),
                        folder: folder.display().to_string(),
                    });
                }
                if !exists && mode == OpenMode::MustExist {
                    return Err(StoreError::MissingDatabase { path: path.display().to_string() });
                }
                let connect = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(mode == OpenMode::CreateIfMissing)
                    .journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(SQLITE_BUSY_TIMEOUT)
                    // In WAL mode, NORMAL syncs only at checkpoints: a power loss can lose the last transactions
                    // even though the caller was told they committed. FULL syncs the WAL on every commit, so an
                    // acknowledged write survives a process crash and a power loss.
                    .synchronous(SqliteSynchronous::Full);
                // The writer keeps its savepoints' undo pages (the statement journal) in memory: a group commit
                // (`group_commit.rs`) opens a savepoint per write, and a batch's journal outgrows the 64 KiB that
                // SQLite otherwise keeps in memory, so every write then wrote its undo pages to a temporary file.
                // They serve only to roll back one write inside an open transaction, never durability. Migrations,
                // whose index builds may sort millions of rows, run with temporary files (`migrate_with`).
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect.clone().pragma("temp_store", "memory"))
                    .await?;
                let reader = SqlitePoolOptions::new()
                    .max_connections(options.sqlite_readers.max(1))
                    .acquire_timeout(options.acquire_timeout)
                    .connect_with(connect)
                    .await?;
                let group = crate::group_commit::GroupWriter::new(writer.clone(), options.acquire_timeout);
                (Backend::Sqlite { writer, group, reader }, !exists)
            }
            DatabaseUrl::Postgres { url: pg_url } => {
                let mut created = false;
                if mode == OpenMode::CreateIfMissing && !Postgres::database_exists(pg_url).await? {
                    Postgres::create_database(pg_url).await?;
                    created = true;
                }
                let connect: PgConnectOptions = pg_url.parse()?;
                let pool = PgPoolOptions::new()
                    .max_connections(options.postgres_max_connections.max(1))
                    .acquire_timeout(options.acquire_timeout)
                    .idle_timeout(Duration::from_secs(600))
                    // After a PostgreSQL restart every pooled connection is dead. sqlx pings each connection as it
                    // goes back to the pool and drops it if the ping fails, so a connection in use when the server
                    // went away never returns; one that sat idle through the restart is pinged as it leaves the
                    // pool. Connections idle for less than `IDLE_BEFORE_PING` are not pinged: under load they were
                    // tested a moment ago on their way in, and a second round trip on every checkout costs
                    // write rate and tail latency (docs/BENCHMARKS.md, write path).
                    .test_before_acquire(false)
                    .before_acquire(|connection, meta| {
                        Box::pin(async move {
                            if meta.idle_for >= IDLE_BEFORE_PING {
                                sqlx::Connection::ping(connection).await?;
                            }
                            Ok(true)
                        })
                    })
                    .connect_with(connect)
                    .await?;
                (Backend::Postgres(pool), created)
            }
        };
        Ok(Store {
            inner: Arc::new(Inner {
                backend,
                clock: options.clock,
                url: url.clone(),
                created,
                audit_key: options.audit_key,
                audit_chains: AtomicBool::new(true),
            }),
        })
    }

    /// Whether opening created the database (only possible with [`OpenMode::CreateIfMissing`]).
    pub fn was_created(&self) -> bool {
        self.inner.created
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.inner.url
    }

    pub fn kind(&self) -> BackendKind {
        self.inner.backend.kind()
    }

    /// Applies every pending migration; returns the versions applied now.
    pub async fn migrate(&self) -> StoreResult<Vec<i64>> {
        let applied = self.migrate_with(self.migrator()).await?;
        self.inner.audit_chains.store(true, Ordering::Relaxed);
        Ok(applied)
    }

    /// Applies migrations up to and including `version` only. For the migration tests, which need a database
    /// at an earlier schema version.
    #[doc(hidden)]
    pub async fn migrate_up_to_for_tests(&self, version: i64) -> StoreResult<Vec<i64>> {
        let all = self.migrator();
        let migrations: Vec<_> = all.migrations.iter().filter(|m| m.version <= version).cloned().collect();
        let partial = Migrator {
            migrations: Cow::Owned(migrations),
            ignore_missing: all.ignore_missing,
            locking: all.locking,
            no_tx: all.no_tx,
        };
        let applied = self.migrate_with(&partial).await?;
        // Below version 21 the log has no chain columns: this handle then appends to the old single chain, the
        // way every build before that version did, so that the migration tests hold pre-cut-over events.
        self.inner.audit_chains.store(version >= crate::audit::CHAINS_VERSION, Ordering::Relaxed);
        Ok(applied)
    }

    fn migrator(&self) -> &'static Migrator {
        match self.kind() {
            BackendKind::Sqlite => &SQLITE_MIGRATOR,
            BackendKind::Postgres => &POSTGRES_MIGRATOR,
        }
    }

    async fn migrate_with(&self, migrator: &Migrator) -> StoreResult<Vec<i64>> {
        let before = self.schema_version().await?;
        match &self.inner.backend {
            Backend::Sqlite { writer, .. } => {
                // Migrations may build an index over millions of rows, whose sort must be free to spill to
                // temporary files: the writer's in-memory temporary storage (see `Store::open_with`) is switched
                // off for them on the one writer connection, and back on after.
                let mut conn = writer.acquire().await?;
                conn.execute("PRAGMA temp_store = FILE").await?;
                let ran = migrator.run(&mut *conn).await;
                // The migrations' outcome is the one to report. Should switching back fail, the connection is
                // closed instead of returned, so that the pool opens a new one with the writer's settings.
                if conn.execute("PRAGMA temp_store = MEMORY").await.is_err() {
                    conn.close_on_drop();
                }
                ran?
            }
            Backend::Postgres(pool) => migrator.run(pool).await?,
        }
        // The patient search keys are folded in Rust, so rows older than the columns are filled here rather than
        // by the migration's SQL (a no-op once every row has its keys).
        if migrator.migrations.iter().any(|m| m.version == crate::search::SEARCH_COLUMNS_VERSION) {
            crate::search::fill(self).await?;
        }
        Ok(migrator.migrations.iter().map(|m| m.version).filter(|v| before.is_none_or(|b| *v > b)).collect())
    }

    /// The latest applied migration version, or `None` on an empty database.
    pub async fn schema_version(&self) -> StoreResult<Option<i64>> {
        let mut tx = self.backend().begin_read().await?;
        let table_sql = match self.kind() {
            BackendKind::Sqlite => {
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            BackendKind::Postgres => {
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_name = '_sqlx_migrations'"
            }
        };
        let (tables,): (i64,) = tx.fetch_one(table_sql, &[]).await?;
        if tables == 0 {
            return Ok(None);
        }
        let (version,): (Option<i64>,) = tx
            .fetch_one("SELECT MAX(version) FROM _sqlx_migrations WHERE success = $1", &crate::db::args![true])
            .await?;
        Ok(version)
    }

    /// The newest schema version this build knows.
    pub fn latest_schema_version(&self) -> i64 {
        self.migrator().migrations.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// Every schema version this build knows, in order. Numbers are assigned per feature branch, so the list may
    /// have gaps; the migration tests compare against it instead of a range.
    #[doc(hidden)]
    pub fn known_schema_versions(&self) -> Vec<i64> {
        self.migrator().migrations.iter().map(|m| m.version).collect()
    }

    /// Fails unless the database is at this build's schema version, with a message that says what to run.
    pub async fn ensure_migrated(&self) -> StoreResult<()> {
        let current = self.schema_version().await?;
        let latest = self.latest_schema_version();
        if current == Some(latest) {
            return Ok(());
        }
        Err(StoreError::Invalid {
            field: "database".to_owned(),
            message: format!(
                "{} is at schema version {} but this build needs {latest}; run `ketapath migrate`",
                self.url().display(),
                current.map_or_else(|| "none".to_owned(), |v| v.to_string())
            ),
        })
    }

    /// Closes the pools, waiting for connections in use to return.
    pub async fn close(&self) {
        self.inner.backend.close().await;
    }

    /// The audit key this store links and verifies events with, if any.
    pub(crate) fn audit_key(&self) -> Option<&AuditKey> {
        self.inner.audit_key.as_ref()
    }

    /// Whether new audit events go to per-clinic chains (always, except below schema version 21 in tests).
    pub(crate) fn audit_chains(&self) -> bool {
        self.inner.audit_chains.load(Ordering::Relaxed)
    }

    /// Whether this store links new audit events with HMAC-SHA-256 (it holds an audit key).
    pub fn keys_audit_events(&self) -> bool {
        self.inner.audit_key.is_some()
    }

    pub(crate) fn backend(&self) -> &Backend {
        &self.inner.backend
    }

    pub(crate) async fn begin_read(&self) -> StoreResult<Tx> {
        self.inner.backend.begin_read().await
    }

    /// "Now" from the injected clock.
    pub fn now(&self) -> OffsetDateTime {
        self.inner.clock.now()
    }

    /// Checks whether `Sqlite` databases are consistent at the file level (`PRAGMA integrity_check`); on
    /// PostgreSQL the server guarantees this and the answer is always `ok`.
    pub async fn integrity_check(&self) -> StoreResult<String> {
        match &self.inner.backend {
            Backend::Sqlite { reader, .. } => {
                let (result,): (String,) =
                    sqlx::query_as::<Sqlite, (String,)>("PRAGMA integrity_check").fetch_one(reader).await?;
                Ok(result)
            }
            Backend::Postgres(_) => Ok("ok".to_owned()),
        }
    }
}
