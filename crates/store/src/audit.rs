//! The audit log: appending hash-chained events inside the caller's transaction, and verifying the chain.
//!
//! Each event's hash is SHA-256 over a canonical serialization of its fields followed by the previous event's
//! hash, so editing, deleting or reordering any event breaks the chain at that event. Appends are serialized so
//! the chain never forks: on SQLite the write transaction (`BEGIN IMMEDIATE`) already excludes other writers;
//! on PostgreSQL a transaction-level advisory lock is held from the append until commit. The tail of the log
//! can be cut without breaking the chain; keep backups or an external copy of the head hash to detect that.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{BackendKind, Tx, args};
use crate::domain::{AuditAction, AuditEvent};
use crate::error::StoreResult;
use crate::rows::staff::{AUDIT_COLUMNS, AuditRow};
use crate::store::Store;

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The advisory lock key that serializes audit appends on PostgreSQL ("KPAUDIT" in ASCII, as a number).
const AUDIT_LOCK_KEY: i64 = 0x004b_5041_5544_4954;

/// What one event says, before it is numbered and chained.
#[derive(Debug, Clone)]
pub(crate) struct AuditEntry<'a> {
    pub actor_id: Option<String>,
    pub actor_role: &'a str,
    pub clinic_id: Option<&'a str>,
    pub action: AuditAction,
    pub entity: &'static str,
    pub entity_id: String,
    pub origin: &'a str,
}

/// The canonical bytes hashed for an event: a version tag, then each field as `len:value` or `-` for none,
/// newline-terminated, so that no two different events serialize the same.
fn canonical(row: &AuditRow) -> Vec<u8> {
    let mut out = b"ketapath-audit-v1\n".to_vec();
    let seq = row.seq.to_string();
    let at = row.at.to_string();
    let fields: [Option<&str>; 10] = [
        Some(&seq),
        Some(&at),
        row.actor_id.as_deref(),
        Some(&row.actor_role),
        row.clinic_id.as_deref(),
        Some(&row.action),
        Some(&row.entity),
        Some(&row.entity_id),
        Some(&row.origin),
        Some(&row.prev_hash),
    ];
    for field in fields {
        match field {
            Some(v) => out.extend_from_slice(format!("{}:{v}\n", v.len()).as_bytes()),
            None => out.extend_from_slice(b"-\n"),
        }
    }
    out
}

pub(crate) fn event_hash(row: &AuditRow) -> String {
    hex::encode(Sha256::digest(canonical(row)))
}

/// Appends one event in `tx`; the event commits or rolls back with the data it describes.
pub(crate) async fn append(tx: &mut Tx, at: i64, entry: &AuditEntry<'_>) -> StoreResult<i64> {
    if tx.kind() == BackendKind::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &args![AUDIT_LOCK_KEY]).await?;
    }
    let head: Option<(i64, String)> =
        tx.fetch_optional("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", &[]).await?;
    let (prev_seq, prev_hash) = head.unwrap_or((0, GENESIS_HASH.to_owned()));
    let mut row = AuditRow {
        seq: prev_seq + 1,
        at,
        actor_id: entry.actor_id.clone(),
        actor_role: entry.actor_role.to_owned(),
        clinic_id: entry.clinic_id.map(str::to_owned),
        action: entry.action.code().to_owned(),
        entity: entry.entity.to_owned(),
        entity_id: entry.entity_id.clone(),
        origin: entry.origin.to_owned(),
        prev_hash,
        hash: String::new(),
    };
    row.hash = event_hash(&row);
    tx.execute(
        &format!("INSERT INTO audit_events ({AUDIT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"),
        &args![
            row.seq,
            row.at,
            row.actor_id.clone(),
            row.actor_role.clone(),
            row.clinic_id.clone(),
            row.action.clone(),
            row.entity.clone(),
            row.entity_id.clone(),
            row.origin.clone(),
            row.prev_hash.clone(),
            row.hash.clone(),
        ],
    )
    .await?;
    Ok(row.seq)
}

/// The outcome of checking the audit chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// Events checked.
    pub events: u64,
    /// The hash of the last event: record it elsewhere to detect a truncated tail later.
    pub head_hash: String,
    /// The first event that does not fit the chain, if any.
    pub first_bad: Option<BadEvent>,
}

/// An event where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadEvent {
    pub seq: i64,
    pub reason: String,
}

impl ChainReport {
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none()
    }
}

const VERIFY_PAGE: i64 = 10_000;

impl Store {
    /// Walks the whole audit log in order and reports the first event whose sequence number, previous hash or
    /// own hash is wrong.
    pub async fn verify_audit_chain(&self) -> StoreResult<ChainReport> {
        let mut tx = self.begin_read().await?;
        let mut expected_seq = 1_i64;
        let mut prev_hash = GENESIS_HASH.to_owned();
        let mut events = 0_u64;
        loop {
            let page: Vec<AuditRow> = tx
                .fetch_all(
                    &format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2"),
                    &args![expected_seq, VERIFY_PAGE],
                )
                .await?;
            let done = (page.len() as i64) < VERIFY_PAGE;
            for row in page {
                let bad = |reason: String| ChainReport {
                    events,
                    head_hash: prev_hash.clone(),
                    first_bad: Some(BadEvent { seq: row.seq, reason }),
                };
                if row.seq != expected_seq {
                    return Ok(bad(format!(
                        "expected event {expected_seq} next but found {}: events were deleted",
                        row.seq
                    )));
                }
                if row.prev_hash != prev_hash {
                    return Ok(bad("prev_hash does not match the previous event's hash".to_owned()));
                }
                if event_hash(&row) != row.hash {
                    return Ok(bad("hash does not match the event's contents: the event was edited".to_owned()));
                }
                events += 1;
                expected_seq += 1;
                prev_hash = row.hash;
            }
            if done {
                break;
            }
        }
        Ok(ChainReport { events, head_hash: prev_hash, first_bad: None })
    }

    /// Audit events with `seq` in `from..=to`, in order; for the admin CLI and tests.
    pub(crate) async fn audit_events_between(&self, from: i64, to: i64) -> StoreResult<Vec<AuditEvent>> {
        let mut tx = self.begin_read().await?;
        let rows: Vec<AuditRow> = tx
            .fetch_all(
                &format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE seq >= $1 AND seq <= $2 ORDER BY seq"),
                &args![from, to],
            )
            .await?;
        rows.into_iter().map(AuditRow::into_domain).collect()
    }
}
