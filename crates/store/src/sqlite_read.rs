//! A read-only snapshot of a SQLite file on its own rusqlite connection, whose rows are decoded straight into
//! `serde` row types: the bulk reader of the research read (registry and export).
//!
//! SQLite-specific on purpose, as the listing scan in `clinics.rs`: sqlx's SQLite driver spends several
//! microseconds per row (a channel message per row, an allocation per column), and the database-built JSON arrays
//! that avoided this cost SQLite the JSON building and the reader the parsing. rusqlite steps the statement on the
//! calling thread and hands each column as a borrowed value, so a row costs what decoding it costs.

use std::path::{Path, PathBuf};

use rusqlite::types::ValueRef;
use serde::de::{self, DeserializeOwned, IntoDeserializer, Visitor};

use crate::db::Value;
use crate::error::{StoreError, StoreResult};

/// One read transaction on a SQLite file: every query sees the snapshot of the first one (WAL), like the sqlx
/// read transaction it stands in for. The connection moves to a blocking thread for each query and back.
pub(crate) struct SqliteSnapshot {
    conn: Option<rusqlite::Connection>,
}

impl SqliteSnapshot {
    /// Opens `n` read transactions on `path` (at least one) that all see the same snapshot, so that a run can read
    /// several pages at once and still read one state of the database.
    ///
    /// A transaction's snapshot is the last commit before its first read. To give every reader the same one, a
    /// second and further reader hold the database's write lock (`BEGIN IMMEDIATE` on a connection of their own)
    /// while they take their first reads, so that no commit falls between them; writers wait for those few
    /// milliseconds as they wait for each other. SQLite's own snapshot API (`sqlite3_snapshot_open`) would do
    /// this without the lock, but it needs a build option and unsafe code, which this workspace forbids.
    pub(crate) async fn open_many(path: &Path, n: usize) -> StoreResult<Vec<Self>> {
        let path: PathBuf = path.to_owned();
        let conns = blocking(move || {
            let lock = if n > 1 {
                let writer = rusqlite::Connection::open_with_flags(
                    &path,
                    rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                writer.busy_timeout(crate::store::SQLITE_BUSY_TIMEOUT)?;
                writer.execute_batch("BEGIN IMMEDIATE")?;
                Some(writer)
            } else {
                None
            };
            let mut conns = Vec::with_capacity(n.max(1));
            for _ in 0..n.max(1) {
                let conn = open_read_only(&path)?;
                // A page of 2,000 patients' rows spans a few megabytes per table; a 16 MB cache keeps them between
                // the index seeks of a page instead of reading the same database page from the file again, and
                // stays a small part of the read's memory.
                conn.execute_batch("PRAGMA cache_size = -16384; BEGIN")?;
                // A deferred transaction takes its snapshot at its first read, so read once now.
                conn.query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
                conns.push(conn);
            }
            // Every reader has its snapshot: writers may go on (dropping the connection rolls its lock back).
            if let Some(writer) = lock {
                writer.execute_batch("ROLLBACK")?;
            }
            Ok(conns)
        })
        .await?;
        Ok(conns.into_iter().map(|conn| Self { conn: Some(conn) }).collect())
    }

    /// The rows of `sql` (placeholders `$n`, as the sqlx queries write them) bound to `values`, each decoded as
    /// `R`: a struct by column name, or a tuple by position. `table` names the source in errors.
    pub(crate) async fn rows<R>(&mut self, table: &'static str, sql: &str, values: &[Value]) -> StoreResult<Vec<R>>
    where
        R: DeserializeOwned + Send + 'static,
    {
        let mut conn = self.conn.take().ok_or_else(|| StoreError::corrupt(table, "the snapshot failed before"))?;
        let sql = numbered_placeholders(sql);
        let values: Vec<rusqlite::types::Value> = values.iter().map(to_sqlite).collect();
        let (conn, rows) = blocking(move || {
            let rows = read_rows(&mut conn, table, &sql, &values);
            Ok((conn, rows))
        })
        .await?;
        self.conn = Some(conn);
        rows
    }
}

/// A read-only rusqlite connection to the SQLite file at `path`, for the bulk readers that bypass sqlx (this
/// snapshot and the listing scan in `clinics.rs`), waiting for a writer's lock as the pools do.
pub(crate) fn open_read_only(path: &Path) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(crate::store::SQLITE_BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Runs `f` on tokio's blocking threads, so that stepping SQLite never holds up the runtime.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> StoreResult<T> + Send + 'static) -> StoreResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::Unsupported(format!("the SQLite research read stopped: {e}")))?
}

fn read_rows<R: DeserializeOwned>(
    conn: &mut rusqlite::Connection,
    table: &'static str,
    sql: &str,
    values: &[rusqlite::types::Value],
) -> StoreResult<Vec<R>> {
    let mut statement = conn.prepare_cached(sql)?;
    let names: Vec<String> = statement.column_names().into_iter().map(str::to_owned).collect();
    let mut rows = statement.query(rusqlite::params_from_iter(values))?;
    let mut out = Vec::new();
    let order = std::cell::Cell::new(FieldOrder::Unknown);
    while let Some(row) = rows.next()? {
        let row = RowDe { row, names: &names, order: &order };
        out.push(R::deserialize(row).map_err(|e| StoreError::corrupt(table, e.0))?);
    }
    Ok(out)
}

/// `$1` → `?1`: SQLite's numbered parameters, so that the position, not the order of first use, binds a value.
pub(crate) fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out
}

fn to_sqlite(value: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as V;
    match value {
        Value::Text(Some(s)) => V::Text(s.clone()),
        Value::Int(Some(i)) => V::Integer(*i),
        Value::Real(Some(r)) => V::Real(*r),
        Value::Bool(Some(b)) => V::Integer(i64::from(*b)),
        Value::Text(None) | Value::Int(None) | Value::Real(None) | Value::Bool(None) => V::Null,
    }
}

/// A decoding failure, reported as a corrupt row (the database holds what no writer produces).
#[derive(Debug)]
struct DeError(String);

impl std::fmt::Display for DeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DeError {}

impl de::Error for DeError {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

/// Whether a query's columns are its row type's fields in order, found on the first row and kept for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldOrder {
    Unknown,
    /// The columns are the fields, or the first of them, in order: a row is decoded by position.
    Same,
    /// A row is decoded by column name.
    Other,
}

/// One row: a map from column name to value for structs, a sequence of values for tuples.
///
/// A struct whose fields are the selected columns in order is decoded by position, without matching each column's
/// name against the fields on every row: in the research read, with tens of millions of rows, that matching cost
/// about a tenth of the reading thread's time.
struct RowDe<'a, 'r> {
    row: &'a rusqlite::Row<'r>,
    names: &'a [String],
    order: &'a std::cell::Cell<FieldOrder>,
}

impl<'a, 'r> RowDe<'a, 'r> {
    fn values(&self) -> impl Iterator<Item = ValueDe<'a>> + use<'a, 'r> {
        let row = self.row;
        (0..self.names.len()).map(move |i| ValueDe(row.get_ref(i).unwrap_or(ValueRef::Null)))
    }
}

impl<'de> de::Deserializer<'de> for RowDe<'_, '_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        visitor.visit_seq(de::value::SeqDeserializer::new(self.values()))
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        let pairs = self.names.iter().map(String::as_str).zip(self.values());
        visitor.visit_map(de::value::MapDeserializer::new(pairs))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        if self.order.get() == FieldOrder::Unknown {
            // Columns that are the first fields in order also decode by position: the fields after them are left
            // to their defaults (a row type's text columns that only the full read selects are `#[serde(default)]`).
            let same = self.names.len() <= fields.len() && self.names.iter().zip(fields).all(|(n, f)| n == f);
            self.order.set(if same { FieldOrder::Same } else { FieldOrder::Other });
        }
        match self.order.get() {
            FieldOrder::Same => self.deserialize_seq(visitor),
            FieldOrder::Unknown | FieldOrder::Other => self.deserialize_map(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit unit_struct
        newtype_struct tuple_struct enum identifier ignored_any
    }
}

/// One column's value, borrowed from the statement.
struct ValueDe<'a>(ValueRef<'a>);

impl<'de> IntoDeserializer<'de, DeError> for ValueDe<'_> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for ValueDe<'_> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            ValueRef::Null => visitor.visit_unit(),
            ValueRef::Integer(i) => visitor.visit_i64(i),
            ValueRef::Real(r) => visitor.visit_f64(r),
            ValueRef::Text(t) => match std::str::from_utf8(t) {
                Ok(s) => visitor.visit_str(s),
                Err(_) => Err(de::Error::custom("text that is not UTF-8")),
            },
            ValueRef::Blob(b) => visitor.visit_bytes(b),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            ValueRef::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            ValueRef::Integer(i) => visitor.visit_bool(i != 0),
            _ => self.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit unit_struct
        newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

#[cfg(test)]
mod tests {
    use super::{SqliteSnapshot, numbered_placeholders};

    /// The readers of one run see one snapshot: the rows committed before they opened, and none committed after,
    /// whichever reader asks.
    #[tokio::test]
    async fn parallel_readers_share_one_snapshot() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("snapshot.db");
        let writer = rusqlite::Connection::open(&path).expect("a writer");
        writer
            .execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);")
            .expect("the table");
        let mut readers = SqliteSnapshot::open_many(&path, 2).await.expect("two readers");
        assert_eq!(readers.len(), 2);
        writer.execute_batch("INSERT INTO t VALUES (3)").expect("a later write");
        for reader in &mut readers {
            let rows: Vec<(i64,)> = reader.rows("t", "SELECT x FROM t ORDER BY x", &[]).await.expect("the rows");
            assert_eq!(rows, [(1,), (2,)], "the write after the readers opened is not seen");
        }
        // The readers no longer hold the write lock: the writer wrote above, and writes again.
        writer.execute_batch("INSERT INTO t VALUES (4)").expect("another write");
        let mut fresh = SqliteSnapshot::open_many(&path, 1).await.expect("a new reader");
        let rows: Vec<(i64,)> = fresh[0].rows("t", "SELECT x FROM t ORDER BY x", &[]).await.expect("the rows");
        assert_eq!(rows.len(), 4);
    }

    #[test]
    fn placeholders_become_numbered_parameters() {
        assert_eq!(
            numbered_placeholders("a = $1 AND b IN ($2, $10) AND c = '$x'"),
            "a = ?1 AND b IN (?2, ?10) AND c = '$x'"
        );
    }
}
