//! `ketapath copy --from URL --to URL`: moves every table from one database to another (SQLite to PostgreSQL
//! being the case that matters), in one transaction on the target, then checks both sides match.

use serde::Serialize;

use crate::audited::Unaudited;
use crate::db::Value;
use crate::error::{StoreError, StoreResult};
use crate::store::Store;
use crate::tables::TABLES;

/// What a copy moved.
#[derive(Debug, Clone, Serialize)]
pub struct CopyReport {
    /// Rows per table, in copy order.
    pub tables: Vec<(String, u64)>,
}

/// Copies every row of `from` into `to`. Both must be at this build's schema version and `to` must be empty;
/// the copy is all-or-nothing, and afterwards the table fingerprints of both sides are compared.
pub async fn copy_database(from: &Store, to: &Store) -> StoreResult<CopyReport> {
    from.ensure_migrated().await?;
    to.ensure_migrated().await?;
    let counts = to.unscoped_for_admin_cli_and_tests().table_counts().await?;
    if let Some((table, n)) = counts.iter().find(|(_, n)| *n > 0) {
        return Err(StoreError::invalid("to", format!("the target database is not empty ({n} rows in {table})")));
    }
    let target_kind = to.kind();
    let mut tx = to.begin_unaudited_write(Unaudited::DatabaseCopy).await?;
    let mut report = Vec::new();
    for table in TABLES {
        let columns = from.columns(table).await?;
        let target_columns = to.columns(table).await?;
        if columns != target_columns {
            return Err(StoreError::invalid("to", format!("table {table} has different columns on the target")));
        }
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        // Stay under SQLite's 32,766 parameters per statement.
        let batch = (30_000 / columns.len()).clamp(1, 500);
        let mut copied = 0_u64;
        from.for_each_row_batch(table, &columns, batch, async |rows: Vec<Vec<Value>>| {
            let mut sql = format!("INSERT INTO {table} ({}) VALUES ", names.join(", "));
            let mut values = Vec::with_capacity(rows.len() * columns.len());
            for (r, row) in rows.into_iter().enumerate() {
                if r > 0 {
                    sql.push_str(", ");
                }
                let p: Vec<String> =
                    (1..=columns.len()).map(|c| target_kind.placeholder(r * columns.len() + c)).collect();
                sql.push('(');
                sql.push_str(&p.join(", "));
                sql.push(')');
                values.extend(row);
                copied += 1;
            }
            tx.execute(&sql, &values).await?;
            Ok(())
        })
        .await?;
        report.push(((*table).to_owned(), copied));
    }
    crate::audit::resume_numbering(&mut tx).await?;
    tx.commit().await?;
    let (a, b) = (from.table_fingerprints().await?, to.table_fingerprints().await?);
    if let Some(((table, _, _), _)) = a.iter().zip(&b).find(|(x, y)| x != y) {
        return Err(StoreError::corrupt("copy", format!("table {table} differs after the copy")));
    }
    Ok(CopyReport { tables: report })
}
