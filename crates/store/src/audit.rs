//! The audit log: appending hash-chained events inside the caller's transaction, verifying the chain, and its
//! heads.
//!
//! Each event's hash covers a canonical serialization of its fields followed by the previous event's hash, so
//! editing, deleting or reordering any event breaks the chain at that event. Appends are serialized so the chain
//! never forks: on SQLite the write transaction (`BEGIN IMMEDIATE`) already excludes other writers; on PostgreSQL
//! a transaction-level advisory lock is held from the append until commit.
//!
//! Two link kinds, recorded per event in `link`: `sha256` (plain SHA-256, which anyone holding the database can
//! recompute after editing an event) and `hmac-sha256` (HMAC-SHA-256 under `KETAPATH_AUDIT_KEY`, which a
//! database-only attacker cannot). Events keep the kind they were written with, so a log written before a key was
//! set keeps verifying, and the key applies from the first event written with it; a plain link after a keyed one
//! is a break (a rewrite by someone without the key). Cutting the tail leaves an intact chain: the heads
//! ([`Store::audit_heads`]), kept outside the database, detect that ([`Store::check_audit_heads`]).

use std::fmt;
use std::sync::Arc;

use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, ExposeSecretMut, SecretBox};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{BackendKind, Tx, args};
use crate::domain::{AuditAction, AuditEvent};
use crate::error::{StoreError, StoreResult};
use crate::rows::staff::{AUDIT_COLUMNS, AuditRow};
use crate::statement::Insert;
use crate::store::Store;

/// The `prev_hash` of the first event.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The advisory lock key that serializes audit appends on PostgreSQL ("KPAUDIT" in ASCII, as a number).
const AUDIT_LOCK_KEY: i64 = 0x004b_5041_5544_4954;

/// The one chain of today's log. A later version splits the log per clinic; heads and checks already take a
/// chain's name so that their output and the operators' records of it need not change then.
pub const GLOBAL_CHAIN: &str = "global";

/// `link` of an event hashed with plain SHA-256.
const LINK_SHA256: &str = "sha256";
/// `link` of an event hashed with HMAC-SHA-256 under the audit key.
const LINK_HMAC: &str = "hmac-sha256";

/// The audit key (`KETAPATH_AUDIT_KEY`, 32 bytes as 64 hex digits): the HMAC key of every event appended while it
/// is set. Cheap to clone; `Debug` shows only the key's id.
#[derive(Clone)]
pub struct AuditKey {
    bytes: Arc<SecretBox<[u8; 32]>>,
}

impl fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AuditKey([REDACTED])")
    }
}

impl AuditKey {
    /// Reads a key written as 64 hex digits (either case); surrounding white space is ignored.
    pub fn from_hex(text: &str) -> StoreResult<Self> {
        let text = text.trim();
        let mut bytes = SecretBox::new(Box::new([0u8; 32]));
        if text.len() != 64 {
            return Err(StoreError::invalid(
                "KETAPATH_AUDIT_KEY",
                format!(
                    "must be 32 bytes written as 64 hexadecimal digits (for example from `openssl rand -hex 32`); \
                     found {} characters",
                    text.len()
                ),
            ));
        }
        hex::decode_to_slice(text, bytes.expose_secret_mut())
            .map_err(|_| StoreError::invalid("KETAPATH_AUDIT_KEY", "must be 64 hexadecimal digits (0-9, a-f)"))?;
        Ok(Self { bytes: Arc::new(bytes) })
    }

    fn mac(&self, message: &[u8]) -> String {
        // A 32-byte key is always a valid HMAC key, so `new_from_slice` cannot fail here; the fallback keeps the
        // code free of unwrap without a branch that could ever run.
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(self.bytes.expose_secret()) else { return String::new() };
        mac.update(message);
        hex::encode(mac.finalize().into_bytes())
    }
}

/// Where a chain ends: its name, the last event's number and hash. Printed as `CHAIN SEQ HASH` by `ketapath audit
/// head`, logged by the server, and given back as `CHAIN:SEQ:HASH` to `ketapath audit verify --expect-head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    pub chain: String,
    /// 0 (with [`GENESIS_HASH`]) for a chain without events.
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    /// Reads `CHAIN:SEQ:HASH` (as recorded from `ketapath audit head`); `field` names the option in errors.
    pub fn parse(field: &str, text: &str) -> StoreResult<Self> {
        let invalid = |why: &str| {
            StoreError::invalid(field, format!("{why}; expected CHAIN:SEQ:HASH as printed by `ketapath audit head`"))
        };
        let mut parts = text.trim().splitn(3, ':');
        let (Some(chain), Some(seq), Some(hash)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid(&format!("{text:?} has not three parts")));
        };
        let seq: i64 =
            seq.parse().ok().filter(|s| *s >= 0).ok_or_else(|| invalid(&format!("{seq:?} is not an event number")))?;
        if !(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(invalid(&format!("{hash:?} is not a 64-digit hex hash")));
        }
        Ok(Self { chain: chain.to_owned(), seq, hash: hash.to_ascii_lowercase() })
    }
}

impl ChainHead {
    /// The line the server logs for this head every ten minutes and at shutdown, so that an external log keeps
    /// anchors: `audit head chain=global seq=N hash=H`.
    pub fn log_line(&self) -> String {
        format!("audit head chain={} seq={} hash={}", self.chain, self.seq, self.hash)
    }
}

impl fmt::Display for ChainHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.chain, self.seq, self.hash)
    }
}

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
/// newline-terminated, so that no two different events serialize the same. Keyed events carry their own tag
/// (`v2`), so that the same bytes never serve both link kinds.
fn canonical(row: &AuditRow, tag: &[u8]) -> Vec<u8> {
    let mut out = tag.to_vec();
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

/// The plain SHA-256 link of an event (version 1, and every event written without a key).
fn plain_hash(row: &AuditRow) -> String {
    hex::encode(Sha256::digest(canonical(row, b"ketapath-audit-v1\n")))
}

/// The hash an event of `row.link`'s kind must carry; `None` for a keyed event when no key is held.
fn expected_hash(row: &AuditRow, key: Option<&AuditKey>) -> Option<String> {
    if row.link == LINK_HMAC {
        key.map(|key| key.mac(&canonical(row, b"ketapath-audit-v2 hmac-sha256\n")))
    } else {
        Some(plain_hash(row))
    }
}

/// See `UnscopedAdminHandle::forged_audit_rewrite_sql`: the UPDATE statements of a plain-hash forgery.
#[cfg(feature = "test-support")]
pub(crate) async fn forged_rewrite_sql(store: &Store, seq: i64, entity_id: &str) -> StoreResult<Vec<String>> {
    let mut tx = store.begin_read().await?;
    let rows: Vec<AuditRow> = tx
        .fetch_all(&format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY seq"), &args![seq - 1])
        .await?;
    let mut prev = if seq == 1 { GENESIS_HASH.to_owned() } else { String::new() };
    let mut out = Vec::new();
    for mut row in rows {
        if row.seq < seq {
            prev = row.hash;
            continue;
        }
        if row.seq == seq {
            row.entity_id = entity_id.to_owned();
        }
        row.prev_hash = prev;
        row.link = LINK_SHA256.to_owned();
        row.hash = plain_hash(&row);
        out.push(format!(
            "UPDATE audit_events SET entity_id = '{}', prev_hash = '{}', hash = '{}', link = '{LINK_SHA256}' \
             WHERE seq = {}",
            row.entity_id.replace('\'', "''"),
            row.prev_hash,
            row.hash,
            row.seq
        ));
        prev = row.hash;
    }
    Ok(out)
}

/// Appends one event in `tx`, keyed when `key` is given; the event commits or rolls back with the data it
/// describes.
pub(crate) async fn append(tx: &mut Tx, at: i64, entry: &AuditEntry<'_>, key: Option<&AuditKey>) -> StoreResult<i64> {
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
        link: if key.is_some() { LINK_HMAC } else { LINK_SHA256 }.to_owned(),
    };
    row.hash = expected_hash(&row, key).unwrap_or_default();
    // A plain event leaves `link` to the column's default (`sha256`), so that appending writes the same columns
    // as before version 13 (the migration tests fill a version-1 database through today's code).
    let mut insert = Insert::into("audit_events")
        .value("seq", row.seq)
        .value("at", row.at)
        .value("actor_id", row.actor_id.clone())
        .value("actor_role", row.actor_role.clone())
        .value("clinic_id", row.clinic_id.clone())
        .value("action", row.action.clone())
        .value("entity", row.entity.clone())
        .value("entity_id", row.entity_id.clone())
        .value("origin", row.origin.clone())
        .value("prev_hash", row.prev_hash.clone())
        .value("hash", row.hash.clone());
    if row.link != LINK_SHA256 {
        insert = insert.value("link", row.link.clone());
    }
    insert.execute(tx).await?;
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
    /// The first keyed event, when the chain has any: from there on it verifies only with `KETAPATH_AUDIT_KEY`.
    pub keyed_from: Option<i64>,
    /// The first keyed event met without a key: the walk stopped there, unable to check the rest.
    pub key_missing_at: Option<i64>,
}

/// An event where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BadEvent {
    pub seq: i64,
    pub reason: String,
}

impl ChainReport {
    /// Whether every event was checked and fits the chain.
    pub fn is_intact(&self) -> bool {
        self.first_bad.is_none() && self.key_missing_at.is_none()
    }
}

const VERIFY_PAGE: i64 = 10_000;

impl Store {
    /// Walks the whole audit log in order and reports the first event whose sequence number, previous hash, own
    /// hash or link kind is wrong. Keyed events are checked with the store's audit key; without it the walk stops
    /// at the first one and says so.
    pub async fn verify_audit_chain(&self) -> StoreResult<ChainReport> {
        let key = self.audit_key();
        let mut tx = self.begin_read().await?;
        let mut expected_seq = 1_i64;
        let mut prev_hash = GENESIS_HASH.to_owned();
        let mut events = 0_u64;
        let mut keyed_from = None;
        loop {
            let page: Vec<AuditRow> = tx
                .fetch_all(
                    &format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE seq >= $1 ORDER BY seq LIMIT $2"),
                    &args![expected_seq, VERIFY_PAGE],
                )
                .await?;
            let done = (page.len() as i64) < VERIFY_PAGE;
            for row in page {
                let reason = if row.seq != expected_seq {
                    Some(format!("expected event {expected_seq} next but found {}: events were deleted", row.seq))
                } else if row.prev_hash != prev_hash {
                    Some("prev_hash does not match the previous event's hash".to_owned())
                } else {
                    match row.link.as_str() {
                        LINK_HMAC => {
                            keyed_from.get_or_insert(row.seq);
                            None
                        }
                        LINK_SHA256 => keyed_from.map(|from| {
                            format!(
                                "a plain SHA-256 link after the keyed events from {from}: the event was rewritten by \
                                 someone without KETAPATH_AUDIT_KEY"
                            )
                        }),
                        other => Some(format!("unknown link kind {other:?}")),
                    }
                };
                let reason = match (reason, expected_hash(&row, key)) {
                    (Some(reason), _) => Some(reason),
                    (None, None) => {
                        let report = ChainReport {
                            events,
                            head_hash: prev_hash,
                            first_bad: None,
                            keyed_from,
                            key_missing_at: Some(row.seq),
                        };
                        return Ok(report);
                    }
                    (None, Some(expected)) if expected != row.hash => Some(
                        if row.link == LINK_HMAC {
                            "the keyed hash does not match the event's contents: the event was edited, or \
                             KETAPATH_AUDIT_KEY is not the key it was written with"
                        } else {
                            "hash does not match the event's contents: the event was edited"
                        }
                        .to_owned(),
                    ),
                    (None, Some(_)) => None,
                };
                if let Some(reason) = reason {
                    let first_bad = Some(BadEvent { seq: row.seq, reason });
                    return Ok(ChainReport {
                        events,
                        head_hash: prev_hash,
                        first_bad,
                        keyed_from,
                        key_missing_at: None,
                    });
                }
                events += 1;
                expected_seq += 1;
                prev_hash = row.hash;
            }
            if done {
                break;
            }
        }
        Ok(ChainReport { events, head_hash: prev_hash, first_bad: None, keyed_from, key_missing_at: None })
    }

    /// The head of each chain as stored now (one chain, [`GLOBAL_CHAIN`], today): record them outside the
    /// database to detect a truncated or rewritten log later.
    pub async fn audit_heads(&self) -> StoreResult<Vec<ChainHead>> {
        let mut tx = self.begin_read().await?;
        let head: Option<(i64, String)> =
            tx.fetch_optional("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", &[]).await?;
        let (seq, hash) = head.unwrap_or((0, GENESIS_HASH.to_owned()));
        Ok(vec![ChainHead { chain: GLOBAL_CHAIN.to_owned(), seq, hash }])
    }

    /// Compares recorded heads with the log: one message per head the log no longer reaches (cut after or at
    /// it, or holding another event there). Together with an intact [`Store::verify_audit_chain`], an empty
    /// answer proves that every event up to each recorded head is still the one that was recorded. An unknown
    /// chain name is invalid input.
    pub async fn check_audit_heads(&self, expected: &[ChainHead]) -> StoreResult<Vec<String>> {
        let current = self.audit_heads().await?;
        let mut tx = self.begin_read().await?;
        let mut problems = Vec::new();
        for want in expected {
            let Some(now) = current.iter().find(|c| c.chain == want.chain) else {
                let names: Vec<&str> = current.iter().map(|c| c.chain.as_str()).collect();
                return Err(StoreError::invalid(
                    "expect-head",
                    format!("no audit chain is named {:?}; the chains are {}", want.chain, names.join(", ")),
                ));
            };
            if now.seq < want.seq {
                problems.push(format!(
                    "chain {} was truncated: it ends at event {} but the recorded head is event {} (events {}..={} \
                     are gone)",
                    want.chain,
                    now.seq,
                    want.seq,
                    now.seq + 1,
                    want.seq
                ));
                continue;
            }
            let found = if want.seq == 0 {
                Some((GENESIS_HASH.to_owned(),))
            } else {
                tx.fetch_optional("SELECT hash FROM audit_events WHERE seq = $1", &args![want.seq]).await?
            };
            match found {
                Some((hash,)) if hash == want.hash => {}
                Some((hash,)) => problems.push(format!(
                    "chain {} was rewritten: event {} has hash {hash}, but the recorded head says {}",
                    want.chain, want.seq, want.hash
                )),
                None => problems.push(format!(
                    "chain {} was truncated: event {} of the recorded head is missing",
                    want.chain, want.seq
                )),
            }
        }
        Ok(problems)
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
