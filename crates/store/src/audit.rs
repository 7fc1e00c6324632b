//! The audit log: appending hash-chained events inside the caller's transaction, and verifying the chains.
//!
//! The log is a set of chains: one per clinic (`clinic:<id>`, every event that names the clinic), one `platform`
//! chain (events of no clinic: sign-ins without a clinic, command-line operations on no clinic, the public forms
//! that name none), and the old `global` chain, which holds every event written before schema version 21 and ends
//! at the cut-over recorded by that migration. Each event's hash covers a canonical serialization of its fields
//! (its chain and number in it included) followed by the previous event's hash in the same chain, so editing,
//! deleting, reordering or moving any event breaks its chain at that event. Appends to one chain are serialized
//! so that it never forks, and appends to different chains are not: on SQLite the write transaction
//! (`BEGIN IMMEDIATE`) already excludes other writers; on PostgreSQL a transaction-level advisory lock keyed by
//! the chain's name is held from the append until commit.
//!
//! Two link kinds, recorded per event in `link`: `sha256` (plain SHA-256, which anyone holding the database can
//! recompute after editing an event) and `hmac-sha256` (HMAC-SHA-256 under `KETAPATH_AUDIT_KEY`, which a
//! database-only attacker cannot). Events keep the kind they were written with, so a log written before a key was
//! set keeps verifying, and the key applies from the first event written with it; in a chain, a plain link after a
//! keyed one is a break (a rewrite by someone without the key). Cutting a chain's tail leaves an intact chain: the
//! heads (`audit_heads.rs`), kept outside the database, detect that.

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

/// The advisory lock key that serialized every audit append on PostgreSQL before the log was split per clinic
/// ("KPAUDIT" in ASCII, as a number); only the old single-chain append of the migration tests still takes it.
const AUDIT_LOCK_KEY: i64 = 0x004b_5041_5544_4954;

/// The schema version that split the log into chains (`0021_audit_chains.sql`).
pub(crate) const CHAINS_VERSION: i64 = 21;

/// The single chain of every event written before [`CHAINS_VERSION`]; it ends at the recorded cut-over.
pub const GLOBAL_CHAIN: &str = "global";

/// The chain of events that name no clinic.
pub const PLATFORM_CHAIN: &str = "platform";

/// The prefix of a clinic's chain name, followed by the clinic's id.
const CLINIC_CHAIN_PREFIX: &str = "clinic:";

/// The chain an event of `clinic` (or of none) belongs to.
pub(crate) fn chain_of(clinic: Option<&str>) -> String {
    match clinic {
        Some(id) => format!("{CLINIC_CHAIN_PREFIX}{id}"),
        None => PLATFORM_CHAIN.to_owned(),
    }
}

/// Whether `name` is a chain name the log can hold (whether or not it holds events now).
pub(crate) fn is_chain_name(name: &str) -> bool {
    name == GLOBAL_CHAIN
        || name == PLATFORM_CHAIN
        || name.strip_prefix(CLINIC_CHAIN_PREFIX).is_some_and(|id| !id.is_empty())
}

/// The column that numbers `chain`'s events: the old chain kept the log-wide `seq`.
pub(crate) fn number_column(chain: &str) -> &'static str {
    if chain == GLOBAL_CHAIN { "seq" } else { "chain_seq" }
}

/// The PostgreSQL advisory lock key of `chain`: the first 8 bytes of a SHA-256 of its name, so that it is the same
/// in every process and every release, and two chains share a key only by a 2^-64 chance (which would make them
/// wait for each other, never fork).
pub fn chain_lock_key(chain: &str) -> i64 {
    let digest = Sha256::digest(format!("ketapath-audit-chain\n{chain}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// Takes the append locks of `chains` for the rest of `tx` (PostgreSQL; SQLite's write transaction already
/// excludes other writers). Locks are taken in name order, so two transactions that both write to the same two
/// chains wait for each other instead of deadlocking.
pub(crate) async fn lock_chains(tx: &mut Tx, chains: &[String]) -> StoreResult<()> {
    if tx.kind() != BackendKind::Postgres {
        return Ok(());
    }
    let mut sorted: Vec<&String> = chains.iter().collect();
    sorted.sort();
    sorted.dedup();
    for chain in sorted {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &args![chain_lock_key(chain)]).await?;
    }
    Ok(())
}

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
/// newline-terminated, so that no two different events serialize the same. Keyed events carry their own tag, so
/// that the same bytes never serve both link kinds. Events of the old chain (no `chain_seq`) serialize exactly as
/// before version 21, numbered by `seq`; events of the per-clinic chains lead with their chain's name and number
/// under tags of their own, so that an event moved to another chain or position no longer verifies.
fn canonical(row: &AuditRow, keyed: bool) -> Vec<u8> {
    let tag: &[u8] = match (row.chain_seq.is_some(), keyed) {
        (false, false) => b"ketapath-audit-v1\n",
        (false, true) => b"ketapath-audit-v2 hmac-sha256\n",
        (true, false) => b"ketapath-audit-v3 chain\n",
        (true, true) => b"ketapath-audit-v3 chain hmac-sha256\n",
    };
    let mut out = tag.to_vec();
    let number = row.chain_seq.unwrap_or(row.seq).to_string();
    let at = row.at.to_string();
    let chain = row.chain_seq.map(|_| row.chain.as_str());
    let fields: [Option<&str>; 10] = [
        Some(&number),
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
    for field in chain.into_iter().map(Some).chain(fields) {
        match field {
            Some(v) => out.extend_from_slice(format!("{}:{v}\n", v.len()).as_bytes()),
            None => out.extend_from_slice(b"-\n"),
        }
    }
    out
}

/// The plain SHA-256 link of an event (every event written without a key).
fn plain_hash(row: &AuditRow) -> String {
    hex::encode(Sha256::digest(canonical(row, false)))
}

/// The hash an event of `row.link`'s kind must carry; `None` for a keyed event when no key is held.
fn expected_hash(row: &AuditRow, key: Option<&AuditKey>) -> Option<String> {
    if row.link == LINK_HMAC { key.map(|key| key.mac(&canonical(row, true))) } else { Some(plain_hash(row)) }
}

/// See `UnscopedAdminHandle::forged_audit_rewrite_sql`: the UPDATE statements of a plain-hash forgery of event
/// `number` of `chain`.
#[cfg(feature = "test-support")]
pub(crate) async fn forged_rewrite_sql(
    store: &Store,
    chain: &str,
    number: i64,
    entity_id: &str,
) -> StoreResult<Vec<String>> {
    let column = number_column(chain);
    let mut tx = store.begin_read().await?;
    let rows: Vec<AuditRow> = tx
        .fetch_all(
            &format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE chain = $1 AND {column} >= $2 ORDER BY {column}"),
            &args![chain, number - 1],
        )
        .await?;
    let mut prev = if number == 1 { GENESIS_HASH.to_owned() } else { String::new() };
    let mut out = Vec::new();
    for mut row in rows {
        let at = row.chain_seq.unwrap_or(row.seq);
        if at < number {
            prev = row.hash;
            continue;
        }
        if at == number {
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

/// Appends one event in `tx` to the chain of its clinic, keyed when `key` is given; the event commits or rolls
/// back with the data it describes. The caller must hold the chain's lock ([`lock_chains`]; the one caller,
/// `AuditedTx::commit_with`, takes the locks of all its events' chains first): taking it again here would cost a
/// round trip to PostgreSQL per event. `chained` is false only for a test database below [`CHAINS_VERSION`],
/// which gets the old single chain.
pub(crate) async fn append(
    tx: &mut Tx,
    at: i64,
    entry: &AuditEntry<'_>,
    key: Option<&AuditKey>,
    chained: bool,
) -> StoreResult<i64> {
    if !chained {
        return append_to_global_chain(tx, at, entry, key).await;
    }
    let chain = chain_of(entry.clinic_id);
    // The log-wide `seq` only orders storage: PostgreSQL draws it from a sequence, so that appends to different
    // chains never wait for each other; SQLite's single writer can count. It is read in the same statement as
    // the chain's head (one round trip per event instead of two).
    let next_seq = match tx.kind() {
        BackendKind::Postgres => "nextval('audit_events_seq')",
        BackendKind::Sqlite => "(SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events)",
    };
    let (seq, prev_number, prev_hash): (i64, Option<i64>, Option<String>) = tx
        .fetch_one(
            &format!(
                "SELECT {next_seq} AS seq, head.chain_seq, head.hash FROM (SELECT 1 AS one) AS anchor \
                 LEFT JOIN (SELECT chain_seq, hash FROM audit_events WHERE chain = $1 \
                 ORDER BY chain_seq DESC LIMIT 1) AS head ON anchor.one = 1"
            ),
            &args![chain.as_str()],
        )
        .await?;
    let (prev_number, prev_hash) = match (prev_number, prev_hash) {
        (Some(number), Some(hash)) => (number, hash),
        _ => (0, GENESIS_HASH.to_owned()),
    };
    let mut row = new_row(seq, at, entry, prev_hash, key);
    row.chain = chain;
    row.chain_seq = Some(prev_number + 1);
    row.hash = new_hash(&row, key);
    insert_row(tx, &row).await?;
    Ok(seq)
}

/// The old single-chain append, exactly as every build before [`CHAINS_VERSION`] did it: one log-wide lock and
/// numbering, no chain columns (a database below that version has none).
async fn append_to_global_chain(
    tx: &mut Tx,
    at: i64,
    entry: &AuditEntry<'_>,
    key: Option<&AuditKey>,
) -> StoreResult<i64> {
    if tx.kind() == BackendKind::Postgres {
        tx.execute("SELECT pg_advisory_xact_lock($1)", &args![AUDIT_LOCK_KEY]).await?;
    }
    let head: Option<(i64, String)> =
        tx.fetch_optional("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1", &[]).await?;
    let (prev_seq, prev_hash) = head.unwrap_or((0, GENESIS_HASH.to_owned()));
    let mut row = new_row(prev_seq + 1, at, entry, prev_hash, key);
    row.hash = new_hash(&row, key);
    insert_row(tx, &row).await?;
    Ok(row.seq)
}

/// The hash of a row [`new_row`] built: keyed exactly when `key` is given, as its `link` says, so no stored event
/// can carry an empty hash.
fn new_hash(row: &AuditRow, key: Option<&AuditKey>) -> String {
    match key {
        Some(key) => key.mac(&canonical(row, true)),
        None => plain_hash(row),
    }
}

/// The row of a new event of the old chain, not yet hashed.
fn new_row(seq: i64, at: i64, entry: &AuditEntry<'_>, prev_hash: String, key: Option<&AuditKey>) -> AuditRow {
    AuditRow {
        seq,
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
        chain: GLOBAL_CHAIN.to_owned(),
        chain_seq: None,
    }
}

/// Inserts a hashed event. Columns at their default are left out: a plain link (`sha256`) and the old chain's
/// `global`, so that an old-chain append writes the same columns as before versions 13 and 21 (the migration
/// tests fill a version-1 database through this code).
async fn insert_row(tx: &mut Tx, row: &AuditRow) -> StoreResult<()> {
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
    if let Some(number) = row.chain_seq {
        insert = insert.value("chain", row.chain.clone()).value("chain_seq", number);
    }
    insert.execute(tx).await?;
    Ok(())
}

/// Moves PostgreSQL's `seq` sequence past every stored event: after `ketapath store copy` has inserted events
/// with their own numbers, so that the next append does not reuse one.
pub(crate) async fn resume_numbering(tx: &mut Tx) -> StoreResult<()> {
    if tx.kind() == BackendKind::Postgres {
        tx.execute(
            "SELECT setval('audit_events_seq', COALESCE((SELECT MAX(seq) FROM audit_events), 0) + 1, false)",
            &[],
        )
        .await?;
    }
    Ok(())
}

/// The outcome of checking one chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    /// The chain's name (`global`, `platform` or `clinic:<id>`).
    pub chain: String,
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

/// An event where a chain breaks, by its number in that chain.
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

/// The outcome of checking every chain of the log, in name order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditReport {
    pub chains: Vec<ChainReport>,
}

impl AuditReport {
    /// Whether every chain was checked whole and is intact.
    pub fn is_intact(&self) -> bool {
        self.chains.iter().all(ChainReport::is_intact)
    }

    /// Events checked across every chain.
    pub fn events(&self) -> u64 {
        self.chains.iter().map(|c| c.events).sum()
    }

    /// The report of the chain named `name`, if the log has it.
    pub fn chain(&self, name: &str) -> Option<&ChainReport> {
        self.chains.iter().find(|c| c.chain == name)
    }
}

const VERIFY_PAGE: i64 = 10_000;

/// The names of the chains the log holds, with the old chain whenever a cut-over was recorded (even if every
/// event of it is gone), in name order; and the cut-over.
pub(crate) async fn chain_names(tx: &mut Tx) -> StoreResult<(Vec<String>, Option<i64>)> {
    let names: Vec<(String,)> = tx.fetch_all("SELECT DISTINCT chain FROM audit_events ORDER BY chain", &[]).await?;
    let cutover: Option<(i64,)> = tx.fetch_optional("SELECT last_global_seq FROM audit_cutover", &[]).await?;
    let mut names: Vec<String> = names.into_iter().map(|(n,)| n).collect();
    if cutover.is_some() && !names.iter().any(|n| n == GLOBAL_CHAIN) {
        names.push(GLOBAL_CHAIN.to_owned());
        names.sort();
    }
    Ok((names, cutover.map(|(c,)| c)))
}

/// Why `row`, the next event of `chain` after `expected - 1` events ending in `prev_hash`, does not fit there (its
/// number, link to the previous event, chain or link kind), or `None`. Sets `keyed_from` at its first keyed event.
fn misfit(
    row: &AuditRow,
    chain: &str,
    expected: i64,
    prev_hash: &str,
    cutover: Option<i64>,
    keyed_from: &mut Option<i64>,
) -> Option<String> {
    let number = row.chain_seq.unwrap_or(row.seq);
    if number != expected {
        return Some(format!("expected event {expected} next but found {number}: events were deleted"));
    }
    if row.prev_hash != prev_hash {
        return Some("prev_hash does not match the previous event's hash".to_owned());
    }
    if chain == GLOBAL_CHAIN {
        if let Some(reason) = match cutover {
            None => Some("the old chain gets no events after the split into per-clinic chains".to_owned()),
            Some(last) if row.seq > last => {
                Some(format!("event {} joined the old chain after its cut-over at event {last}", row.seq))
            }
            Some(_) => None,
        } {
            return Some(reason);
        }
    } else if chain_of(row.clinic_id.as_deref()) != chain {
        return Some(format!(
            "the event belongs to chain {} but is filed in this one",
            chain_of(row.clinic_id.as_deref())
        ));
    }
    match row.link.as_str() {
        LINK_HMAC => {
            keyed_from.get_or_insert(number);
            None
        }
        LINK_SHA256 => keyed_from.map(|from| {
            format!(
                "a plain SHA-256 link after the keyed events from {from}: the event was rewritten by someone \
                 without KETAPATH_AUDIT_KEY"
            )
        }),
        other => Some(format!("unknown link kind {other:?}")),
    }
}

/// Walks `chain` in order and reports its first event whose number, previous hash, own hash, chain or link kind
/// is wrong; the old chain must also end at the cut-over. Keyed events are checked with `key`; without it the
/// walk stops at the first one and says so.
async fn verify_chain(
    tx: &mut Tx,
    chain: &str,
    key: Option<&AuditKey>,
    cutover: Option<i64>,
) -> StoreResult<ChainReport> {
    let column = number_column(chain);
    let mut report = ChainReport {
        chain: chain.to_owned(),
        events: 0,
        head_hash: GENESIS_HASH.to_owned(),
        first_bad: None,
        keyed_from: None,
        key_missing_at: None,
    };
    let mut expected = 1_i64;
    loop {
        let page: Vec<AuditRow> = tx
            .fetch_all(
                &format!(
                    "SELECT {AUDIT_COLUMNS} FROM audit_events WHERE chain = $1 AND {column} >= $2 \
                     ORDER BY {column} LIMIT $3"
                ),
                &args![chain, expected, VERIFY_PAGE],
            )
            .await?;
        let done = (page.len() as i64) < VERIFY_PAGE;
        for row in page {
            let reason = match (
                misfit(&row, chain, expected, &report.head_hash, cutover, &mut report.keyed_from),
                expected_hash(&row, key),
            ) {
                (Some(reason), _) => Some(reason),
                (None, None) => {
                    report.key_missing_at = Some(expected);
                    return Ok(report);
                }
                (None, Some(hash)) if hash != row.hash => Some(
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
                report.first_bad = Some(BadEvent { seq: row.chain_seq.unwrap_or(row.seq), reason });
                return Ok(report);
            }
            report.events += 1;
            expected += 1;
            report.head_hash = row.hash;
        }
        if done {
            break;
        }
    }
    if let Some(last) = cutover.filter(|last| chain == GLOBAL_CHAIN && expected <= *last) {
        let reason = format!(
            "the old chain ends at event {} but its cut-over was recorded at event {last}: events were deleted",
            expected - 1
        );
        report.first_bad = Some(BadEvent { seq: expected, reason });
    }
    Ok(report)
}

impl Store {
    /// Walks every chain of the audit log and reports, per chain, the first event that does not fit it (see
    /// [`verify_chain`]).
    pub async fn verify_audit_chain(&self) -> StoreResult<AuditReport> {
        let key = self.audit_key();
        let mut tx = self.begin_read().await?;
        let (names, cutover) = chain_names(&mut tx).await?;
        let mut chains = Vec::with_capacity(names.len());
        for name in names {
            chains.push(verify_chain(&mut tx, &name, key, cutover).await?);
        }
        Ok(AuditReport { chains })
    }

    /// Audit events with `seq` in `from..=to`, in order; for the admin CLI and tests.
    pub(crate) async fn audit_events_between(&self, from: i64, to: i64) -> StoreResult<Vec<AuditEvent>> {
        let mut tx = self.begin_read().await?;
        let sql = format!("SELECT {AUDIT_COLUMNS} FROM audit_events WHERE seq >= $1 AND seq <= $2 ORDER BY seq");
        tx.fetch_decoded(&sql, &args![from, to], AuditRow::into_domain).await
    }
}
