//! The two backends behind one query interface: portable SQL text plus a list of [`Value`]s, run on SQLite or
//! PostgreSQL.
//!
//! Each query is written once with `$1..$N` placeholders (the SQLite driver accepts them) and bound from a
//! backend-neutral value list, so no query exists in two copies. Row types derive `sqlx::FromRow`, whose
//! generated impl is generic over the row type and therefore decodes from both backends.

use sqlx::postgres::{PgPool, PgRow};
use sqlx::sqlite::{SqlitePool, SqliteRow};
use sqlx::{FromRow, Postgres, Sqlite, Transaction};

use crate::error::{StoreError, StoreResult};
use crate::group_commit::{BatchedWrite, GroupWriter};

/// The column that placeholder `$n` of a write fills: `column = $n` in an UPDATE, or the column at the same
/// position in an INSERT's column list (repeating for multi-row inserts); `text` when neither applies.
pub(crate) fn column_of(sql: &str, n: usize) -> String {
    let placeholder = format!("${n}");
    let at = sql
        .match_indices(&placeholder)
        .map(|(i, _)| i)
        .find(|&i| !sql[i + placeholder.len()..].starts_with(|c: char| c.is_ascii_digit()));
    let Some(at) = at else { return "text".to_owned() };
    let before = sql[..at].trim_end();
    if let Some(lhs) = before.strip_suffix('=') {
        let name: String =
            lhs.trim_end().chars().rev().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        if !name.is_empty() {
            return name.chars().rev().collect();
        }
    }
    let upper = sql.to_ascii_uppercase();
    if let (Some(open), Some(values)) = (sql.find('('), upper.find(" VALUES "))
        && upper.trim_start().starts_with("INSERT")
        && open < values
        && let Some(close) = sql[open..values].rfind(')')
    {
        let columns: Vec<&str> = sql[open + 1..open + close].split(',').map(str::trim).collect();
        if !columns.is_empty() {
            return columns[(n - 1) % columns.len()].to_owned();
        }
    }
    "text".to_owned()
}

/// Turns a unique-key violation into [`StoreError::Conflict`] naming the key, and leaves every other error as it
/// is. The name comes from the schema (PostgreSQL's constraint, SQLite's `table.column` list), never from the
/// values, so no patient value reaches the message.
pub(crate) fn unique_to_conflict(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            let key = db.constraint().map_or_else(
                || db.message().trim_start_matches("UNIQUE constraint failed: ").to_owned(),
                str::to_owned,
            );
            StoreError::Conflict(format!(
                "another request wrote the same record at the same moment (unique key {key}); reload it and try again"
            ))
        }
        _ => StoreError::from(error),
    }
}

/// A value bound to a query parameter. `None` binds SQL NULL of the given type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(Option<String>),
    Int(Option<i64>),
    Real(Option<f64>),
    Bool(Option<bool>),
}

macro_rules! value_from {
    ($variant:ident, $t:ty) => {
        impl From<$t> for Value {
            fn from(v: $t) -> Self {
                Value::$variant(Some(v.into()))
            }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Self {
                Value::$variant(v.map(Into::into))
            }
        }
    };
}
value_from!(Text, String);
value_from!(Text, &str);
value_from!(Text, &String);
value_from!(Int, i64);
value_from!(Real, f64);
value_from!(Bool, bool);

/// Builds an array of [`Value`]s from expressions convertible into them.
macro_rules! args {
    ($($v:expr),* $(,)?) => { [$($crate::db::Value::from($v)),*] };
}
pub(crate) use args;

/// A row type that decodes from both backends.
pub trait Record: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Record for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}

/// Which database runs underneath.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendKind {
    Sqlite,
    Postgres,
}

/// The connection pools of one database.
#[derive(Debug, Clone)]
pub(crate) enum Backend {
    /// SQLite allows one writer at a time. All writes go through a one-connection pool so that in-process
    /// writers queue in the process instead of sleeping in SQLite's busy handler; the writes waiting for it share
    /// one transaction and one COMMIT (`group`, see `group_commit.rs`). Readers have their own pool and read a WAL
    /// snapshot without blocking the writer.
    Sqlite {
        writer: SqlitePool,
        group: GroupWriter,
        reader: SqlitePool,
    },
    Postgres(PgPool),
}

impl BackendKind {
    /// The `n`-th (1-based) parameter placeholder for generated multi-row statements. Hand-written queries use
    /// `$n` on both backends; generated bulk statements use anonymous `?` on SQLite because sqlx looks up every
    /// named parameter by a linear scan, which makes a statement with thousands of `$n` parameters quadratic.
    pub(crate) fn placeholder(self, n: usize) -> String {
        match self {
            BackendKind::Sqlite => "?".to_owned(),
            BackendKind::Postgres => format!("${n}"),
        }
    }
}

macro_rules! bind_values {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for v in $args {
            q = match v {
                Value::Text(x) => q.bind(x.clone()),
                Value::Int(x) => q.bind(*x),
                Value::Real(x) => q.bind(*x),
                Value::Bool(x) => q.bind(*x),
            };
        }
        q
    }};
}

impl Backend {
    pub(crate) fn kind(&self) -> BackendKind {
        match self {
            Backend::Sqlite { .. } => BackendKind::Sqlite,
            Backend::Postgres(_) => BackendKind::Postgres,
        }
    }

    /// Starts a write transaction. On SQLite it is a savepoint in the batch of writes that share one COMMIT
    /// (`group_commit.rs`), whose `BEGIN IMMEDIATE` takes the write lock at once, so a transaction never fails
    /// half-way with SQLITE_BUSY when it upgrades from reading to writing (another process may hold the lock; the
    /// busy timeout waits for it).
    pub(crate) async fn begin_write(&self) -> StoreResult<Tx> {
        Ok(match self {
            Backend::Sqlite { group, .. } => Tx::SqliteWrite(group.begin().await?),
            Backend::Postgres(pool) => Tx::Pg(pool.begin().await?),
        })
    }

    /// Starts a read-only transaction: one consistent snapshot for several queries.
    pub(crate) async fn begin_read(&self) -> StoreResult<Tx> {
        Ok(match self {
            Backend::Sqlite { reader, .. } => Tx::Sqlite(reader.begin().await?),
            Backend::Postgres(pool) => Tx::Pg(pool.begin().await?),
        })
    }

    /// The row `sql` selects, on a pooled connection without a transaction: for a look-up that is one statement
    /// (which sees one snapshot by itself), so that it costs one round trip instead of three with BEGIN and
    /// ROLLBACK. Reads only: SQLite runs it on the reader pool.
    pub(crate) async fn fetch_optional_once<R: Record>(&self, sql: &str, args: &[Value]) -> StoreResult<Option<R>> {
        Ok(match self {
            Backend::Sqlite { reader, .. } => {
                bind_values!(sqlx::query_as::<Sqlite, R>(sql), args).fetch_optional(reader).await?
            }
            Backend::Postgres(pool) => {
                bind_values!(sqlx::query_as::<Postgres, R>(sql), args).fetch_optional(pool).await?
            }
        })
    }

    pub(crate) async fn close(&self) {
        match self {
            Backend::Sqlite { writer, reader, .. } => {
                reader.close().await;
                writer.close().await;
            }
            Backend::Postgres(pool) => pool.close().await,
        }
    }
}

/// An open transaction on either backend. Dropping it without [`Tx::commit`] rolls it back.
pub(crate) enum Tx {
    /// A read transaction on SQLite.
    Sqlite(Transaction<'static, Sqlite>),
    /// A write on SQLite: one savepoint of a group commit.
    SqliteWrite(BatchedWrite),
    Pg(Transaction<'static, Postgres>),
}

impl Tx {
    pub(crate) fn kind(&self) -> BackendKind {
        match self {
            Tx::Sqlite(_) | Tx::SqliteWrite(_) => BackendKind::Sqlite,
            Tx::Pg(_) => BackendKind::Postgres,
        }
    }

    /// Runs a statement and returns the number of rows it changed. A broken unique key is a
    /// [`StoreError::Conflict`]: two requests raced to create the same record (two first intakes of one patient,
    /// two submissions of one REMS form), which the caller answers as a conflict, not as a failure of the server.
    ///
    /// Text holding a NUL character is refused before it reaches the database, naming the column it was for:
    /// PostgreSQL cannot store one (it would fail as a server error) and SQLite would store what every other
    /// reader truncates. The edges refuse NUL too; this keeps the rule for every writer, the CLI included.
    pub(crate) async fn execute(&mut self, sql: &str, args: &[Value]) -> StoreResult<u64> {
        if let Some(index) = args.iter().position(|v| matches!(v, Value::Text(Some(t)) if t.contains('\0'))) {
            return Err(StoreError::invalid(column_of(sql, index + 1), "must not contain NUL characters"));
        }
        let done = match self {
            Tx::Sqlite(tx) => bind_values!(sqlx::query(sql), args).execute(&mut **tx).await.map(|r| r.rows_affected()),
            Tx::SqliteWrite(w) => {
                bind_values!(sqlx::query(sql), args).execute(w.conn()?).await.map(|r| r.rows_affected())
            }
            Tx::Pg(tx) => bind_values!(sqlx::query(sql), args).execute(&mut **tx).await.map(|r| r.rows_affected()),
        };
        done.map_err(unique_to_conflict)
    }

    pub(crate) async fn fetch_all<R: Record>(&mut self, sql: &str, args: &[Value]) -> StoreResult<Vec<R>> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_values!(sqlx::query_as::<Sqlite, R>(sql), args).fetch_all(&mut **tx).await?,
            Tx::SqliteWrite(w) => bind_values!(sqlx::query_as::<Sqlite, R>(sql), args).fetch_all(w.conn()?).await?,
            Tx::Pg(tx) => bind_values!(sqlx::query_as::<Postgres, R>(sql), args).fetch_all(&mut **tx).await?,
        })
    }

    /// The rows `sql` selects, each decoded by `into_domain`: the read behind every plain list of records.
    pub(crate) async fn fetch_decoded<R: Record, T>(
        &mut self,
        sql: &str,
        args: &[Value],
        into_domain: fn(R) -> StoreResult<T>,
    ) -> StoreResult<Vec<T>> {
        self.fetch_all::<R>(sql, args).await?.into_iter().map(into_domain).collect()
    }

    pub(crate) async fn fetch_optional<R: Record>(&mut self, sql: &str, args: &[Value]) -> StoreResult<Option<R>> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_values!(sqlx::query_as::<Sqlite, R>(sql), args).fetch_optional(&mut **tx).await?,
            Tx::SqliteWrite(w) => {
                bind_values!(sqlx::query_as::<Sqlite, R>(sql), args).fetch_optional(w.conn()?).await?
            }
            Tx::Pg(tx) => bind_values!(sqlx::query_as::<Postgres, R>(sql), args).fetch_optional(&mut **tx).await?,
        })
    }

    pub(crate) async fn fetch_one<R: Record>(&mut self, sql: &str, args: &[Value]) -> StoreResult<R> {
        Ok(match self {
            Tx::Sqlite(tx) => bind_values!(sqlx::query_as::<Sqlite, R>(sql), args).fetch_one(&mut **tx).await?,
            Tx::SqliteWrite(w) => bind_values!(sqlx::query_as::<Sqlite, R>(sql), args).fetch_one(w.conn()?).await?,
            Tx::Pg(tx) => bind_values!(sqlx::query_as::<Postgres, R>(sql), args).fetch_one(&mut **tx).await?,
        })
    }

    /// Commits. A connection lost during the commit is [`StoreError::CommitUnknown`]: the server may have stored
    /// the write before the answer was lost, so the caller must not be told it failed cleanly, nor that it succeeded.
    pub(crate) async fn commit(self) -> StoreResult<()> {
        match self {
            Tx::Sqlite(tx) => tx.commit().await,
            Tx::SqliteWrite(w) => return w.commit().await,
            Tx::Pg(tx) => tx.commit().await,
        }
        .map_err(StoreError::from_commit)
    }
}

#[cfg(test)]
mod tests {
    use super::column_of;

    #[test]
    fn placeholders_name_their_columns() {
        let insert = "INSERT INTO patients (id, clinic_id, given_name) VALUES ($1, $2, $3), ($4, $5, $6)";
        assert_eq!(column_of(insert, 3), "given_name");
        assert_eq!(column_of(insert, 5), "clinic_id");
        let update = "UPDATE patients SET given_name = $1, family_name = $12 WHERE id = $2";
        assert_eq!(column_of(update, 1), "given_name");
        assert_eq!(column_of(update, 12), "family_name");
        assert_eq!(column_of(update, 2), "id");
        assert_eq!(column_of("DELETE FROM x WHERE y IN ($1)", 1), "text");
    }
}
