//! The one read transaction of a research run, and how it reads a table's rows in bulk: on a SQLite file
//! through its own rusqlite connection (`sqlite_read.rs`), elsewhere through the driver with each table's rows
//! built into one JSON array by the database.

use serde::de::DeserializeOwned;

use crate::db::{BackendKind, Record, Tx, Value};
use crate::error::{StoreError, StoreResult};
use crate::sqlite_read::SqliteSnapshot;
use crate::store::Store;
use crate::url::DatabaseUrl;

/// A read that sees one snapshot for all its statements (SQLite's read transaction; PostgreSQL's repeatable read).
pub(crate) enum Snapshot {
    /// Through the sqlx driver: PostgreSQL, or SQLite when asked for (tests compare both readers).
    Driver(Tx),
    /// A SQLite file read directly.
    Sqlite(SqliteSnapshot),
}

/// Which reader a SQLite run uses; PostgreSQL always reads through the driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SqliteReader {
    /// rusqlite on its own read-only connection: the fast one, used unless a test asks otherwise.
    Direct,
    /// The sqlx driver, as PostgreSQL: kept so that tests can prove both give the same rows. Only the
    /// `test-support` feature chooses it, so a build without that feature never constructs it.
    #[cfg_attr(not(feature = "test-support"), allow(dead_code))]
    Driver,
}

/// How many pages a run on a SQLite file reads at once: a small server's two cores each step one page's queries
/// while the caller builds the records of the page before (on one reader, the reading thread bounded the run and
/// the building thread waited for it about half of the time).
const SQLITE_READERS: usize = 2;

impl Snapshot {
    /// Opens the read transaction of a run.
    pub(crate) async fn open(store: &Store, sqlite: SqliteReader) -> StoreResult<Self> {
        let mut readers = Self::open_readers(store, sqlite, 1).await?;
        readers.pop().ok_or_else(|| StoreError::Unsupported("no read transaction was opened".to_owned()))
    }

    /// Opens the read transactions of a run that reads several pages at once, all seeing one snapshot: two on a
    /// SQLite file read directly, one elsewhere.
    pub(crate) async fn open_parallel(store: &Store, sqlite: SqliteReader) -> StoreResult<Vec<Self>> {
        Self::open_readers(store, sqlite, SQLITE_READERS).await
    }

    async fn open_readers(store: &Store, sqlite: SqliteReader, sqlite_readers: usize) -> StoreResult<Vec<Self>> {
        if let (BackendKind::Sqlite, DatabaseUrl::Sqlite { path }, SqliteReader::Direct) =
            (store.backend().kind(), store.url(), sqlite)
        {
            let readers = SqliteSnapshot::open_many(path, sqlite_readers).await?;
            return Ok(readers.into_iter().map(Snapshot::Sqlite).collect());
        }
        let mut tx = store.begin_read().await?;
        if tx.kind() == BackendKind::Postgres {
            tx.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY", &[]).await?;
        }
        Ok(vec![Snapshot::Driver(tx)])
    }

    /// The rows of `sql`, few or narrow ones (ids, pairs): through the driver row by row.
    pub(crate) async fn all<R>(&mut self, table: &'static str, sql: &str, values: &[Value]) -> StoreResult<Vec<R>>
    where
        R: Record + DeserializeOwned + 'static,
    {
        match self {
            Snapshot::Driver(tx) => tx.fetch_all(sql, values).await,
            Snapshot::Sqlite(s) => s.rows(table, sql, values).await,
        }
    }

    /// The rows of `from` (what follows `FROM`: a table with its `WHERE`, or a sub-select) with `columns`, decoded
    /// by column name. The order is unspecified: callers that need one sort.
    pub(crate) async fn rows<R>(
        &mut self,
        table: &'static str,
        columns: &str,
        from: &str,
        values: &[Value],
    ) -> StoreResult<Vec<R>>
    where
        R: DeserializeOwned + Send + 'static,
    {
        match self {
            Snapshot::Driver(tx) => json_rows(tx, table, columns, from, values).await,
            Snapshot::Sqlite(s) => s.rows(table, &format!("SELECT {columns} FROM {from}"), values).await,
        }
    }
}

/// The rows as one JSON array of objects keyed by `columns`, built by the database and decoded here in one go.
/// A page of a research read holds tens of thousands of rows; one value instead of one driver row per record
/// avoids a per-row round trip between the driver's thread and the reader and a copy of every column.
async fn json_rows<R: DeserializeOwned>(
    tx: &mut Tx,
    table: &'static str,
    columns: &str,
    from: &str,
    values: &[Value],
) -> StoreResult<Vec<R>> {
    let pairs: Vec<String> = columns.split(',').map(str::trim).map(|c| format!("'{c}', {c}")).collect();
    let pairs = pairs.join(", ");
    let sql = match tx.kind() {
        BackendKind::Sqlite => format!("SELECT json_group_array(json_object({pairs})) FROM {from}"),
        BackendKind::Postgres => format!("SELECT json_agg(json_build_object({pairs}))::text FROM {from}"),
    };
    let (json,): (Option<String>,) = tx.fetch_one(&sql, values).await?;
    match json {
        None => Ok(Vec::new()),
        Some(json) => serde_json::from_str(&json).map_err(|e| StoreError::corrupt(table, format!("page of rows: {e}"))),
    }
}
