//! The table catalog: every table of the schema in foreign-key order, with its columns read from the database
//! itself, and generic row reading for `copy` and table comparison.

use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{Postgres, Row, Sqlite};

use crate::db::{Backend, BackendKind, Value};
use crate::error::{StoreError, StoreResult};
use crate::store::Store;

/// Every table, parents before children. A test checks that this list matches the migrated schema, so a new
/// table cannot be forgotten by `copy`.
pub const TABLES: &[&str] = &[
    "clinics",
    "staff_users",
    "protocol_settings",
    "api_tokens",
    "staff_sign_in",
    "staff_sign_in_failures",
    "staff_sessions",
    "staff_password_links",
    "clinic_security",
    "listing_reports",
    "listing_field_verifications",
    "listing_requests",
    "patients",
    "patient_intakes",
    "courses",
    "course_benefit_reviews",
    "sessions",
    "gate_overrides",
    "rems_forms",
    "rems_form_drafts",
    "dose_records",
    "observations",
    "adverse_events",
    "assessments",
    "referrals",
    "self_report_links",
    "research_consents",
    "patient_addresses",
    "outcome_publication",
    "self_report_alerts",
    "session_alerts",
    "audit_events",
    "audit_cutover",
];

/// Tables of derived data, built from the tables above and rebuilt when missing: the registry's stored statistics
/// records and the marks of the patients whose records are stale (migration 24). `copy` leaves them out: its
/// inserts on the target fire the triggers that mark every copied patient stale, so the target rebuilds them.
pub const DERIVED_TABLES: &[&str] = &["research_statistics", "research_statistics_stale"];

/// The tables a stored statistics record is built from: migration 24 puts a trigger on each that marks the patient
/// of a changed row stale (tests `every_table_the_record_is_built_from_marks_its_patient` and, on both backends,
/// `stored_records_equal_the_rows`).
pub const STATISTICS_SOURCES: &[&str] = &[
    "patients",
    "research_consents",
    "courses",
    "sessions",
    "dose_records",
    "observations",
    "gate_overrides",
    "adverse_events",
    "assessments",
];

/// The primary key each table is ordered by when read whole.
pub(crate) fn key_of(table: &str) -> &'static str {
    match table {
        "audit_events" => "seq",
        "audit_cutover" => "last_global_seq",
        "clinic_security" => "clinic_id",
        "staff_sign_in" => "user_id",
        "staff_sign_in_failures" => "user_id, client_hash",
        "patient_addresses" => "patient_id",
        "outcome_publication" => "clinic_id",
        "listing_field_verifications" => "clinic_id, field",
        _ => "id",
    }
}

/// The storage class of a column, common to both backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Text,
    Int,
    Real,
    Bool,
}

fn kind_of(declared: &str) -> Option<Kind> {
    match declared.to_ascii_lowercase().as_str() {
        "text" => Some(Kind::Text),
        "bigint" | "integer" => Some(Kind::Int),
        "real" | "double precision" => Some(Kind::Real),
        "boolean" => Some(Kind::Bool),
        _ => None,
    }
}

impl Store {
    /// The names of the schema's tables, as the database reports them (migration bookkeeping excluded).
    pub async fn schema_tables(&self) -> StoreResult<Vec<String>> {
        let mut tx = self.begin_read().await?;
        let sql = match self.kind() {
            BackendKind::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name <> '_sqlx_migrations' ORDER BY name"
            }
            BackendKind::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_name <> '_sqlx_migrations' ORDER BY table_name"
            }
        };
        let rows: Vec<(String,)> = tx.fetch_all(sql, &[]).await?;
        Ok(rows.into_iter().map(|(n,)| n).collect())
    }

    /// The columns of `table` in declaration order with their kinds.
    pub(crate) async fn columns(&self, table: &'static str) -> StoreResult<Vec<(String, Kind)>> {
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, String)> = match self.kind() {
            BackendKind::Sqlite => {
                tx.fetch_all("SELECT name, type FROM pragma_table_info($1) ORDER BY cid", &crate::db::args![table])
                    .await?
            }
            BackendKind::Postgres => {
                tx.fetch_all(
                    "SELECT column_name::text, data_type::text FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                    &crate::db::args![table],
                )
                .await?
            }
        };
        rows.into_iter()
            .map(|(name, declared)| {
                kind_of(&declared)
                    .map(|k| (name.clone(), k))
                    .ok_or_else(|| StoreError::corrupt(table, format!("column {name} has unexpected type {declared}")))
            })
            .collect()
    }

    /// Streams every row of `table` in key order as values, `batch` rows at a time, to `f`.
    pub(crate) async fn for_each_row_batch<F>(
        &self,
        table: &'static str,
        columns: &[(String, Kind)],
        batch: usize,
        mut f: F,
    ) -> StoreResult<()>
    where
        F: AsyncFnMut(Vec<Vec<Value>>) -> StoreResult<()>,
    {
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        let sql = format!("SELECT {} FROM {table} ORDER BY {}", names.join(", "), key_of(table));
        let mut pending = Vec::with_capacity(batch);
        macro_rules! drain {
            ($db:ty, $pool:expr) => {{
                let mut rows = sqlx::query::<$db>(&sql).fetch($pool);
                while let Some(row) = rows.try_next().await? {
                    let mut values = Vec::with_capacity(columns.len());
                    for (i, (_, kind)) in columns.iter().enumerate() {
                        values.push(match kind {
                            Kind::Text => Value::Text(row.try_get(i)?),
                            Kind::Int => Value::Int(row.try_get(i)?),
                            Kind::Real => Value::Real(row.try_get(i)?),
                            Kind::Bool => Value::Bool(row.try_get(i)?),
                        });
                    }
                    pending.push(values);
                    if pending.len() == batch {
                        f(std::mem::take(&mut pending)).await?;
                    }
                }
            }};
        }
        match self.backend() {
            Backend::Sqlite { reader, .. } => drain!(Sqlite, reader),
            Backend::Postgres(pool) => drain!(Postgres, pool),
        }
        if !pending.is_empty() {
            f(pending).await?;
        }
        Ok(())
    }

    /// For each table: its row count and a SHA-256 over all its rows in key order. Two databases with equal
    /// fingerprints hold the same data, whatever their backends. Tables a database at an earlier schema version
    /// does not have yet are left out (the migration tests fingerprint such databases).
    pub async fn table_fingerprints(&self) -> StoreResult<Vec<(String, u64, String)>> {
        let present = self.schema_tables().await?;
        let mut out = Vec::new();
        for table in TABLES.iter().filter(|t| present.iter().any(|p| p == *t)) {
            let columns = self.columns(table).await?;
            let mut hasher = Sha256::new();
            let mut count = 0_u64;
            self.for_each_row_batch(table, &columns, 1000, async |rows| {
                for row in rows {
                    count += 1;
                    for v in row {
                        let text = match v {
                            Value::Text(x) => format!("{x:?}"),
                            Value::Int(x) => format!("{x:?}"),
                            Value::Real(x) => format!("{:?}", x.map(f64::to_bits)),
                            Value::Bool(x) => format!("{x:?}"),
                        };
                        hasher.update(text.len().to_le_bytes());
                        hasher.update(text.as_bytes());
                    }
                }
                Ok(())
            })
            .await?;
            out.push(((*table).to_owned(), count, hex::encode(hasher.finalize())));
        }
        Ok(out)
    }
}
