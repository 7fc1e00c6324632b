//! Clinic listings: atomic bulk upsert, a clinic's own verified changes (with the date of each verified field),
//! reads for search-index building, deletion, and the change feed that keeps several servers' in-memory indexes
//! fresh.
//!
//! Every write takes the next `listing_version` (one per transaction, serialized like audit appends) and stamps
//! it on the rows it touches; a server that has applied version V asks for `changes_since(V)`. Deleted listings
//! stay as tombstones so the feed can report them. On PostgreSQL each write also sends `NOTIFY ketapath_clinics`
//! with the new version as payload.

use std::collections::HashMap;

use futures_util::TryStreamExt;
use ketapath_directory::listing::FieldVerification;
use ketapath_directory::{Clinic, ClinicId};
use sqlx::postgres::PgListener;
use sqlx::{Postgres, Sqlite};

use crate::audited::{Audit, AuditedTx, Auditor};
use crate::clock::{date_from_text, date_to_text};
use crate::db::{Backend, BackendKind, Tx, Value, args};
use crate::domain::{Actor, AuditAction, ClinicChange, ClinicChanges, Role};
use crate::error::{StoreError, StoreResult};
use crate::rows::clinic::{CLINIC_COLUMN_COUNT, CLINIC_COLUMNS, ClinicRow, clinic_values};
use crate::statement::{Insert, Update};
use crate::store::Store;
use crate::url::DatabaseUrl;

/// The PostgreSQL channel on which listing writes are announced.
pub const CLINICS_CHANNEL: &str = "ketapath_clinics";

/// Serializes listing-version allocation on PostgreSQL ("KPLIST").
const LISTING_LOCK_KEY: i64 = 0x4b50_4c49_5354;

/// Rows per multi-row INSERT: 500 × 26 parameters stays well under SQLite's 32,766-parameter limit and
/// PostgreSQL's 65,535.
const UPSERT_BATCH: usize = 500;

/// Who changes listings: a platform admin through the web, or the admin CLI on the server.
#[derive(Debug, Clone, Copy)]
pub enum ListingAuthor<'a> {
    Staff(&'a Actor),
    AdminCli,
}

impl<'a> ListingAuthor<'a> {
    /// Who the change's events name.
    fn auditor(&self) -> Auditor<'a> {
        match self {
            ListingAuthor::Staff(actor) => Auditor::staff(actor),
            ListingAuthor::AdminCli => Auditor::cli(),
        }
    }

    /// Fails unless the author may change listings at all: platform admins, clinic admins, the command line.
    pub(crate) fn may_change_listings(&self) -> StoreResult<()> {
        match self {
            ListingAuthor::Staff(actor) if actor.role != Role::PlatformAdmin && actor.role != Role::ClinicAdmin => {
                Err(StoreError::Denied(format!("{} may not change listings", actor.role)))
            }
            _ => Ok(()),
        }
    }

    /// A clinic admin may change only the own clinic's listing.
    pub(crate) fn check_clinic(&self, id: &ClinicId) -> StoreResult<()> {
        match self {
            ListingAuthor::Staff(actor) if actor.role == Role::ClinicAdmin && actor.clinic_id.as_ref() != Some(id) => {
                Err(StoreError::NotFound { entity: "clinic" })
            }
            _ => Ok(()),
        }
    }
}

pub(crate) fn upsert_sql(kind: BackendKind, rows: usize) -> String {
    let columns: Vec<&str> = CLINIC_COLUMNS.split(',').map(str::trim).collect();
    let mut sql = format!("INSERT INTO clinics ({CLINIC_COLUMNS}) VALUES ");
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        let placeholders: Vec<String> =
            (1..=CLINIC_COLUMN_COUNT).map(|c| kind.placeholder(r * CLINIC_COLUMN_COUNT + c)).collect();
        sql.push('(');
        sql.push_str(&placeholders.join(", "));
        sql.push(')');
    }
    let updates: Vec<String> = columns.iter().skip(1).map(|c| format!("{c} = excluded.{c}")).collect();
    sql.push_str(" ON CONFLICT (id) DO UPDATE SET ");
    sql.push_str(&updates.join(", "));
    sql
}

/// Allocates the next listing version inside `tx` (which then holds the listing lock until commit).
pub(crate) async fn next_listing_version(tx: &mut Tx) -> StoreResult<i64> {
    if tx.kind() == BackendKind::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &args![LISTING_LOCK_KEY]).await?;
    }
    let (current,): (i64,) = tx.fetch_one("SELECT COALESCE(MAX(listing_version), 0) FROM clinics", &[]).await?;
    Ok(current + 1)
}

pub(crate) async fn notify(tx: &mut Tx, version: i64) -> StoreResult<()> {
    if tx.kind() == BackendKind::Postgres {
        tx.execute("SELECT pg_notify($1, $2)", &args![CLINICS_CHANNEL, version.to_string()]).await?;
    }
    Ok(())
}

impl Store {
    /// Inserts or updates many listings in one transaction: all of them or none. Returns the new listing version.
    /// When an id appears more than once, the last record wins.
    pub async fn upsert_clinics(&self, clinics: &[Clinic], by: ListingAuthor<'_>) -> StoreResult<i64> {
        for c in clinics {
            by.check_clinic(&c.id)?;
        }
        let mut last_index: HashMap<&str, usize> = HashMap::with_capacity(clinics.len());
        for (i, c) in clinics.iter().enumerate() {
            last_index.insert(c.id.as_str(), i);
        }
        let unique: Vec<&Clinic> = clinics
            .iter()
            .enumerate()
            .filter(|(i, c)| last_index.get(c.id.as_str()) == Some(i))
            .map(|(_, c)| c)
            .collect();

        let mut tx = AuditedTx::begin(self, by.auditor()).await?;
        let now = tx.now();
        let version = next_listing_version(tx.db()).await?;
        let full_batch_sql = upsert_sql(tx.db().kind(), UPSERT_BATCH);
        for chunk in unique.chunks(UPSERT_BATCH) {
            let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * CLINIC_COLUMN_COUNT);
            for c in chunk {
                values.extend(clinic_values(c, version, now)?);
            }
            let sql = if chunk.len() == UPSERT_BATCH {
                full_batch_sql.clone()
            } else {
                upsert_sql(tx.db().kind(), chunk.len())
            };
            tx.execute(&sql, &values).await?;
        }
        let what = match unique.as_slice() {
            [one] => one.id.as_str().to_owned(),
            many => format!("{} listings, version {version}", many.len()),
        };
        let action = if unique.len() == 1 { AuditAction::Update } else { AuditAction::Import };
        by.may_change_listings()?;
        notify(tx.db(), version).await?;
        tx.commit_with(Audit::new(action, "clinic", what)).await?;
        Ok(version)
    }

    /// Saves one listing as its clinic (or a platform admin) verified it: the row, as the change feed's next
    /// version so every server's index follows within seconds, and the date each named field was verified
    /// (`verified_by`: [`VERIFIED_BY_CLINIC`](crate::domain::VERIFIED_BY_CLINIC) or `platform`), in one audited
    /// transaction. The listing must exist; a clinic admin may save only their own clinic's.
    pub async fn save_verified_listing(
        &self,
        clinic: &Clinic,
        fields: &[&'static str],
        verified_by: &'static str,
        by: ListingAuthor<'_>,
    ) -> StoreResult<i64> {
        by.may_change_listings()?;
        by.check_clinic(&clinic.id)?;
        let verified_on = clinic
            .last_verified
            .map(date_to_text)
            .ok_or_else(|| StoreError::invalid("last_verified", "a verified listing carries its date"))?;
        let mut tx = AuditedTx::begin(self, by.auditor()).await?;
        let now = tx.now();
        let (live,): (i64,) = tx
            .fetch_one("SELECT COUNT(*) FROM clinics WHERE id = $1 AND deleted = $2", &args![clinic.id.as_str(), false])
            .await?;
        if live == 0 {
            return Err(StoreError::NotFound { entity: "clinic" });
        }
        let version = next_listing_version(tx.db()).await?;
        let sql = upsert_sql(tx.db().kind(), 1);
        tx.execute(&sql, &clinic_values(clinic, version, now)?).await?;
        for field in fields {
            let updated = Update::table("listing_field_verifications")
                .set("verified_on", verified_on.as_str())
                .set("verified_by", verified_by)
                .set("updated_at", now)
                .filter("clinic_id", clinic.id.as_str())
                .filter("field", *field)
                .execute(tx.db())
                .await?;
            if updated == 0 {
                Insert::into("listing_field_verifications")
                    .value("clinic_id", clinic.id.as_str())
                    .value("field", *field)
                    .value("verified_on", verified_on.as_str())
                    .value("verified_by", verified_by)
                    .value("updated_at", now)
                    .execute(tx.db())
                    .await?;
            }
        }
        notify(tx.db(), version).await?;
        let event = Audit::update("clinic", clinic.id.as_str()).in_clinic(Some(clinic.id.as_str()));
        tx.commit_with(event).await?;
        Ok(version)
    }

    /// The date each listing field was last verified by its clinic or a platform admin, per clinic (the CSV import
    /// keeps such a field when the import is older; `ketapath_directory::listing::keep_clinic_verified`).
    pub async fn listing_field_verifications(&self) -> StoreResult<HashMap<ClinicId, Vec<FieldVerification>>> {
        let mut tx = self.begin_read().await?;
        let rows: Vec<(String, String, String)> = tx
            .fetch_all(
                "SELECT clinic_id, field, verified_on FROM listing_field_verifications ORDER BY clinic_id, field",
                &[],
            )
            .await?;
        let mut out: HashMap<ClinicId, Vec<FieldVerification>> = HashMap::new();
        for (clinic, field, on) in rows {
            const T: &str = "listing_field_verifications";
            let verified_on = date_from_text(T, &on)?;
            out.entry(crate::rows::parse_clinic_id(T, &clinic)?)
                .or_default()
                .push(FieldVerification { field, verified_on });
        }
        Ok(out)
    }

    /// A listing by its id; deleted listings are not found.
    pub async fn clinic(&self, id: &ClinicId) -> StoreResult<Option<Clinic>> {
        let mut tx = self.begin_read().await?;
        let row: Option<ClinicRow> = tx
            .fetch_optional(
                &format!("SELECT {CLINIC_COLUMNS} FROM clinics WHERE id = $1 AND deleted = $2"),
                &args![id.as_str(), false],
            )
            .await?;
        row.map(ClinicRow::into_clinic).transpose()
    }

    /// Deletes a listing (kept as a tombstone for the change feed). Returns whether it existed.
    pub async fn delete_clinic(&self, id: &ClinicId, by: ListingAuthor<'_>) -> StoreResult<bool> {
        by.check_clinic(id)?;
        let mut tx = AuditedTx::begin(self, by.auditor()).await?;
        let now = tx.now();
        let version = next_listing_version(tx.db()).await?;
        let changed = Update::table("clinics")
            .set("deleted", true)
            .set("listing_version", version)
            .set("updated_at", now)
            .filter("id", id.as_str())
            .filter("deleted", false)
            .execute(tx.db())
            .await?;
        if changed == 0 {
            return Ok(false);
        }
        by.may_change_listings()?;
        notify(tx.db(), version).await?;
        tx.commit_with(Audit::new(AuditAction::Delete, "clinic", id.as_str())).await?;
        Ok(true)
    }

    /// Streams every live listing to `f`, in storage order, without holding them all in memory at once.
    /// There is no ORDER BY: on SQLite ordering by the text id walks the id index and looks each row up at
    /// random, several times slower than the sequential scan that building a search index needs.
    ///
    /// To build an index that stays fresh, read [`Store::listing_version`] first, stream, then apply
    /// [`Store::clinic_changes_since`] that version.
    pub async fn for_each_clinic(&self, mut f: impl FnMut(Clinic)) -> StoreResult<()> {
        match (self.backend(), self.url()) {
            (Backend::Sqlite { .. }, DatabaseUrl::Sqlite { path }) => {
                let (tx, mut rx) = tokio::sync::mpsc::channel(8);
                let path = path.clone();
                let scan = tokio::task::spawn_blocking(move || sqlite_scan(&path, &tx));
                while let Some(batch) = rx.recv().await {
                    batch.into_iter().for_each(&mut f);
                }
                scan.await.map_err(|e| StoreError::Unsupported(format!("the listing scan stopped: {e}")))??;
            }
            _ => {
                let sql = format!("SELECT {CLINIC_COLUMNS} FROM clinics WHERE deleted = $1");
                match self.backend() {
                    Backend::Postgres(pool) => {
                        let mut rows = sqlx::query_as::<Postgres, ClinicRow>(&sql).bind(false).fetch(pool);
                        while let Some(row) = rows.try_next().await? {
                            f(row.into_clinic()?);
                        }
                    }
                    Backend::Sqlite { reader, .. } => {
                        let mut rows = sqlx::query_as::<Sqlite, ClinicRow>(&sql).bind(false).fetch(reader);
                        while let Some(row) = rows.try_next().await? {
                            f(row.into_clinic()?);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Every live listing, in id order.
    pub async fn clinics(&self) -> StoreResult<Vec<Clinic>> {
        let mut all = Vec::new();
        self.for_each_clinic(|c| all.push(c)).await?;
        all.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        Ok(all)
    }

    /// The current listing version (0 before the first write).
    pub async fn listing_version(&self) -> StoreResult<i64> {
        let mut tx = self.begin_read().await?;
        let (v,): (i64,) = tx.fetch_one("SELECT COALESCE(MAX(listing_version), 0) FROM clinics", &[]).await?;
        Ok(v)
    }

    /// Every listing written or deleted after `version`, and the version the reader is then at.
    pub async fn clinic_changes_since(&self, version: i64) -> StoreResult<ClinicChanges> {
        let mut tx = self.begin_read().await?;
        // The version is read first and bounds the rows. On PostgreSQL a read transaction is READ COMMITTED, so
        // each statement sees what had committed when it began: reading the rows first and the version second
        // let a listing write that committed in between raise the version without its row, and that server
        // never showed the change (a two-server load run saw a renamed listing stay old). Versions commit in
        // order (one writer at a time holds the listing lock until commit), so every version up to the one read
        // here is visible to the next statement, and anything later is picked up by the next call.
        let (current,): (i64,) = tx.fetch_one("SELECT COALESCE(MAX(listing_version), 0) FROM clinics", &[]).await?;
        let rows: Vec<ClinicRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {CLINIC_COLUMNS} FROM clinics WHERE listing_version > $1 AND listing_version <= $2 \
                     ORDER BY listing_version, id"
                ),
                &args![version, current],
            )
            .await?;
        let changes = rows
            .into_iter()
            .map(|row| {
                if row.deleted {
                    crate::rows::parse_clinic_id("clinics", &row.id).map(ClinicChange::Deleted)
                } else {
                    row.into_clinic().map(|c| ClinicChange::Upserted(Box::new(c)))
                }
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(ClinicChanges { changes, version: current.max(version) })
    }

    /// On PostgreSQL, a listener that wakes on every listing write; `None` on SQLite, where one process owns the
    /// database and polls [`Store::listing_version`] instead.
    pub async fn listen_clinic_changes(&self) -> StoreResult<Option<ClinicChangeListener>> {
        match self.backend() {
            Backend::Sqlite { .. } => Ok(None),
            Backend::Postgres(pool) => {
                let mut listener = PgListener::connect_with(pool).await?;
                listener.listen(CLINICS_CHANNEL).await?;
                Ok(Some(ClinicChangeListener { listener }))
            }
        }
    }
}

/// Notifications of listing writes on PostgreSQL.
#[derive(Debug)]
pub struct ClinicChangeListener {
    listener: PgListener,
}

impl ClinicChangeListener {
    /// Waits for the next listing write and returns its version. After a lost connection the listener
    /// reconnects; callers should then call `clinic_changes_since` with the version they hold, which catches up
    /// on anything missed.
    pub async fn next_version(&mut self) -> StoreResult<i64> {
        loop {
            let n = self.listener.recv().await?;
            if let Ok(v) = n.payload().parse::<i64>() {
                return Ok(v);
            }
        }
    }
}

/// Declares [`ScanColumns`]: for each field of [`ClinicRow`], the position of the column of the same name in the
/// scan's statement, looked up once per scan. Fields are read by name, so reordering `CLINIC_COLUMNS` cannot shift
/// one into another, and a name missing from the statement fails the scan instead of reading the wrong column.
macro_rules! scan_columns {
    ($($field:ident),* $(,)?) => {
        struct ScanColumns {
            $($field: usize),*
        }

        impl ScanColumns {
            fn of(statement: &rusqlite::Statement<'_>) -> rusqlite::Result<Self> {
                Ok(Self { $($field: statement.column_index(stringify!($field))?),* })
            }

            fn read(&self, r: &rusqlite::Row<'_>) -> rusqlite::Result<ClinicRow> {
                Ok(ClinicRow { $($field: r.get(self.$field)?),* })
            }
        }
    };
}

scan_columns!(
    id,
    name,
    street,
    city,
    state,
    zip,
    lat,
    lon,
    position_source,
    phone,
    website,
    offers,
    payment,
    insurance_plans,
    telehealth,
    languages,
    accepting_new_patients,
    rems_certified,
    last_verified,
    verified_by,
    hours,
    accessibility,
    description,
    demo,
    deleted,
);

/// Listings decoded per message of the SQLite scan.
const SCAN_BATCH: usize = 1024;

/// Reads every live listing of a SQLite file on its own read-only connection, synchronously, in batches.
///
/// SQLite-specific on purpose: sqlx's SQLite driver spends several microseconds per row (an allocation per
/// column under SQLite's memory mutex, a channel message per row), so a million listings took about 7 s through
/// it; rusqlite on the same SQLite library reads them in well under the 3 s the search index may take. The
/// connection sees one WAL snapshot, so the scan is consistent.
fn sqlite_scan(path: &std::path::Path, tx: &tokio::sync::mpsc::Sender<Vec<Clinic>>) -> StoreResult<()> {
    let conn = crate::sqlite_read::open_read_only(path)?;
    let mut statement = conn.prepare(&format!("SELECT {CLINIC_COLUMNS} FROM clinics WHERE deleted = 0"))?;
    let columns = ScanColumns::of(&statement)?;
    let mut rows = statement.query([])?;
    let mut batch = Vec::with_capacity(SCAN_BATCH);
    while let Some(r) = rows.next()? {
        let row = columns.read(r)?;
        batch.push(row.into_clinic()?);
        if batch.len() == SCAN_BATCH && tx.blocking_send(std::mem::take(&mut batch)).is_err() {
            return Ok(());
        }
    }
    if !batch.is_empty() {
        let _ = tx.blocking_send(batch);
    }
    Ok(())
}
