//! Insert and update statements built from (column, value) pairs: the column list and its placeholders are
//! generated together, so they cannot drift apart by count or order, and a refused value names its column.
//!
//! `Insert::into("sessions").value("id", id).value("clinic_id", clinic)` runs
//! `INSERT INTO sessions (id, clinic_id) VALUES ($1, $2)` on PostgreSQL (`?, ?` on SQLite, the placeholder style
//! of [`BackendKind::placeholder`]). Table and column names are `&'static str`: they come from the code, never from
//! input.

use crate::db::{BackendKind, Tx, Value};
use crate::error::{StoreError, StoreResult};

/// Fails naming `column` when a text value holds a NUL character, which PostgreSQL cannot store and SQLite would
/// store for every other reader to truncate (the same rule [`Tx::execute`] applies to hand-written statements).
fn check_text(column: &'static str, value: &Value) -> StoreResult<()> {
    match value {
        Value::Text(Some(t)) if t.contains('\0') => Err(StoreError::invalid(column, "must not contain NUL characters")),
        _ => Ok(()),
    }
}

/// A one-row `INSERT`.
#[derive(Debug, Clone)]
pub(crate) struct Insert {
    table: &'static str,
    columns: Vec<(&'static str, Value)>,
    keep_existing_on: Option<&'static str>,
}

impl Insert {
    pub(crate) fn into(table: &'static str) -> Self {
        Self { table, columns: Vec::new(), keep_existing_on: None }
    }

    /// Inserts nothing, without an error, when a row with the same `key` exists (`ON CONFLICT (key) DO
    /// NOTHING`): for rows created on first use, such as a user's sign-in row.
    pub(crate) fn unless_exists(mut self, key: &'static str) -> Self {
        self.keep_existing_on = Some(key);
        self
    }

    /// Adds a column and the value it receives.
    pub(crate) fn value(mut self, column: &'static str, value: impl Into<Value>) -> Self {
        self.columns.push((column, value.into()));
        self
    }

    fn sql(&self, kind: BackendKind) -> String {
        let names: Vec<&str> = self.columns.iter().map(|(c, _)| *c).collect();
        let placeholders: Vec<String> = (1..=self.columns.len()).map(|n| kind.placeholder(n)).collect();
        let mut sql = format!("INSERT INTO {} ({}) VALUES ({})", self.table, names.join(", "), placeholders.join(", "));
        if let Some(key) = self.keep_existing_on {
            sql.push_str(&format!(" ON CONFLICT ({key}) DO NOTHING"));
        }
        sql
    }

    /// Runs the insert in `tx`; returns the number of rows written (1). A broken unique key is
    /// [`StoreError::Conflict`] naming the key, as for every write.
    pub(crate) async fn execute(self, tx: &mut Tx) -> StoreResult<u64> {
        for (column, value) in &self.columns {
            check_text(column, value)?;
        }
        let sql = self.sql(tx.kind());
        let values: Vec<Value> = self.columns.into_iter().map(|(_, v)| v).collect();
        tx.execute(&sql, &values).await
    }
}

/// How an `UPDATE` assigns one column.
#[derive(Debug, Clone, Copy)]
enum Assign {
    /// `column = value`.
    Value,
    /// `column = COALESCE(column, value)`: the value only where the column is still NULL.
    IfNull,
    /// `column = COALESCE(value, column)`: the column kept where the value is NULL.
    UnlessNull,
}

/// An `UPDATE` of the rows whose filter columns equal the given values.
#[derive(Debug, Clone)]
pub(crate) struct Update {
    table: &'static str,
    sets: Vec<(&'static str, Assign, Value)>,
    filters: Vec<(&'static str, Value)>,
    null_filters: Vec<&'static str>,
}

impl Update {
    pub(crate) fn table(table: &'static str) -> Self {
        Self { table, sets: Vec::new(), filters: Vec::new(), null_filters: Vec::new() }
    }

    /// Sets `column` to `value`.
    pub(crate) fn set(mut self, column: &'static str, value: impl Into<Value>) -> Self {
        self.sets.push((column, Assign::Value, value.into()));
        self
    }

    /// Sets `column` to `value` only where it is still NULL (a start time kept once recorded).
    pub(crate) fn set_if_null(mut self, column: &'static str, value: impl Into<Value>) -> Self {
        self.sets.push((column, Assign::IfNull, value.into()));
        self
    }

    /// Sets `column` to `value` unless `value` is NULL, which keeps the stored value.
    pub(crate) fn set_unless_null(mut self, column: &'static str, value: impl Into<Value>) -> Self {
        self.sets.push((column, Assign::UnlessNull, value.into()));
        self
    }

    /// Updates only rows whose `column` equals `value`.
    pub(crate) fn filter(mut self, column: &'static str, value: impl Into<Value>) -> Self {
        self.filters.push((column, value.into()));
        self
    }

    /// Updates only rows whose `column` is NULL.
    pub(crate) fn filter_null(mut self, column: &'static str) -> Self {
        self.null_filters.push(column);
        self
    }

    fn sql(&self, kind: BackendKind) -> String {
        let mut n = 0;
        let mut next = || {
            n += 1;
            kind.placeholder(n)
        };
        let sets: Vec<String> = self
            .sets
            .iter()
            .map(|(column, assign, _)| match assign {
                Assign::Value => format!("{column} = {}", next()),
                Assign::IfNull => format!("{column} = COALESCE({column}, {})", next()),
                Assign::UnlessNull => format!("{column} = COALESCE({}, {column})", next()),
            })
            .collect();
        let mut conditions: Vec<String> = self.filters.iter().map(|(c, _)| format!("{c} = {}", next())).collect();
        conditions.extend(self.null_filters.iter().map(|c| format!("{c} IS NULL")));
        format!("UPDATE {} SET {} WHERE {}", self.table, sets.join(", "), conditions.join(" AND "))
    }

    /// Runs the update in `tx`; returns the number of rows changed. An update without a filter is refused, so
    /// that a forgotten filter cannot change every row of a table.
    pub(crate) async fn execute(self, tx: &mut Tx) -> StoreResult<u64> {
        if self.filters.is_empty() || self.sets.is_empty() {
            return Err(StoreError::invalid(self.table, "an update needs at least one column and one filter"));
        }
        for (column, _, value) in &self.sets {
            check_text(column, value)?;
        }
        for (column, value) in &self.filters {
            check_text(column, value)?;
        }
        let sql = self.sql(tx.kind());
        let values: Vec<Value> =
            self.sets.into_iter().map(|(_, _, v)| v).chain(self.filters.into_iter().map(|(_, v)| v)).collect();
        tx.execute(&sql, &values).await
    }

    /// Runs the update in `tx`; where it changed no row, inserts the row instead: the filter columns, the set
    /// columns and `new_row` (what only a new row needs, such as its id), for a row written on first use (a
    /// clinic's settings, its security settings). Returns the number of rows written (1 either way).
    pub(crate) async fn execute_or_insert(
        self,
        tx: &mut Tx,
        new_row: impl IntoIterator<Item = (&'static str, Value)>,
    ) -> StoreResult<u64> {
        let mut insert = Insert::into(self.table);
        let keys = self.filters.iter().map(|(column, value)| (*column, value.clone()));
        let values = self.sets.iter().map(|(column, _, value)| (*column, value.clone()));
        for (column, value) in keys.chain(values).chain(new_row) {
            insert = insert.value(column, value);
        }
        match self.execute(tx).await? {
            0 => insert.execute(tx).await,
            n => Ok(n),
        }
    }

    /// Runs the update in `tx` where it must change a row: none changed means the filtered record does not exist
    /// (or is another clinic's), which is [`StoreError::NotFound`] naming `entity`.
    pub(crate) async fn execute_one(self, tx: &mut Tx, entity: &'static str) -> StoreResult<()> {
        match self.execute(tx).await? {
            0 => Err(StoreError::NotFound { entity }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Insert, Update, check_text};
    use crate::db::{BackendKind, Value};
    use crate::error::StoreError;

    #[test]
    fn columns_and_placeholders_are_generated_together() {
        let insert = Insert::into("sessions").value("id", "s1").value("clinic_id", "c1").value("number", 3_i64);
        assert_eq!(
            insert.sql(BackendKind::Postgres),
            "INSERT INTO sessions (id, clinic_id, number) VALUES ($1, $2, $3)"
        );
        assert_eq!(insert.sql(BackendKind::Sqlite), "INSERT INTO sessions (id, clinic_id, number) VALUES (?, ?, ?)");
        assert_eq!(
            Insert::into("staff_sign_in").value("user_id", "u1").unless_exists("user_id").sql(BackendKind::Postgres),
            "INSERT INTO staff_sign_in (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING"
        );
        let update = Update::table("sessions")
            .set("status", "in_progress")
            .set_if_null("started_at", 5_i64)
            .set_unless_null("patient_id", None::<String>)
            .filter("id", "s1")
            .filter("clinic_id", "c1")
            .filter_null("ended_at");
        assert_eq!(
            update.sql(BackendKind::Postgres),
            "UPDATE sessions SET status = $1, started_at = COALESCE(started_at, $2), \
             patient_id = COALESCE($3, patient_id) WHERE id = $4 AND clinic_id = $5 AND ended_at IS NULL"
        );
    }

    #[test]
    fn a_nul_character_is_refused_naming_its_column() {
        let err = check_text("given_name", &Value::from("a\0b")).unwrap_err();
        assert!(matches!(&err, StoreError::Invalid { field, .. } if field == "given_name"), "{err:?}");
        assert!(check_text("given_name", &Value::from("ab")).is_ok());
    }
}
