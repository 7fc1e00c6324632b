//! The heads of the audit chains: where each chain ends now, and the check of heads recorded outside the
//! database, which detects a cut tail that leaves every chain intact.

use std::fmt;

use serde::Serialize;

use crate::audit::{GENESIS_HASH, PLATFORM_CHAIN, chain_names, is_chain_name, number_column};
use crate::db::args;
use crate::error::{StoreError, StoreResult};
use crate::store::Store;

/// Where a chain ends: its name, the last event's number in it and hash. Printed as `CHAIN SEQ HASH` by
/// `ketapath audit head`, logged by the server, and given back as `CHAIN:SEQ:HASH` to `ketapath audit verify
/// --expect-head`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainHead {
    pub chain: String,
    /// 0 (with [`GENESIS_HASH`]) for a chain without events.
    pub seq: i64,
    pub hash: String,
}

impl ChainHead {
    /// Reads `CHAIN:SEQ:HASH` (as recorded from `ketapath audit head`); `field` names the option in errors. A
    /// clinic's chain name holds a colon itself (`clinic:c-1`), so the number and hash are read from the right.
    pub fn parse(field: &str, text: &str) -> StoreResult<Self> {
        let invalid = |why: &str| {
            StoreError::invalid(field, format!("{why}; expected CHAIN:SEQ:HASH as printed by `ketapath audit head`"))
        };
        let mut parts = text.trim().rsplitn(3, ':');
        let (Some(hash), Some(seq), Some(chain)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid(&format!("{text:?} has not three parts")));
        };
        let seq: i64 =
            seq.parse().ok().filter(|s| *s >= 0).ok_or_else(|| invalid(&format!("{seq:?} is not an event number")))?;
        if !(hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit())) {
            return Err(invalid(&format!("{hash:?} is not a 64-digit hex hash")));
        }
        Ok(Self { chain: chain.to_owned(), seq, hash: hash.to_ascii_lowercase() })
    }

    /// The line the server logs for this head every ten minutes and at shutdown, so that an external log keeps
    /// anchors: `audit head chain=clinic:c-1 seq=N hash=H`.
    pub fn log_line(&self) -> String {
        format!("audit head chain={} seq={} hash={}", self.chain, self.seq, self.hash)
    }

    fn genesis(chain: &str) -> Self {
        Self { chain: chain.to_owned(), seq: 0, hash: GENESIS_HASH.to_owned() }
    }
}

impl fmt::Display for ChainHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.chain, self.seq, self.hash)
    }
}

impl Store {
    /// The head of each chain as stored now, in name order: every chain with events, the `platform` chain always
    /// and the old `global` chain when a cut-over was recorded. Record them outside the database to detect a
    /// truncated or rewritten log later.
    pub async fn audit_heads(&self) -> StoreResult<Vec<ChainHead>> {
        let mut tx = self.begin_read().await?;
        let (mut names, _) = chain_names(&mut tx).await?;
        if !names.iter().any(|n| n == PLATFORM_CHAIN) {
            names.push(PLATFORM_CHAIN.to_owned());
            names.sort();
        }
        let mut heads = Vec::with_capacity(names.len());
        for chain in names {
            let column = number_column(&chain);
            let head: Option<(i64, String)> = tx
                .fetch_optional(
                    &format!(
                        "SELECT {column}, hash FROM audit_events WHERE chain = $1 AND {column} IS NOT NULL \
                         ORDER BY {column} DESC LIMIT 1"
                    ),
                    &args![chain.as_str()],
                )
                .await?;
            heads.push(match head {
                Some((seq, hash)) => ChainHead { chain, seq, hash },
                None => ChainHead::genesis(&chain),
            });
        }
        Ok(heads)
    }

    /// Compares recorded heads with the log: one message per head the log no longer reaches (cut after or at
    /// it, or holding another event there). Together with an intact [`Store::verify_audit_chain`], an empty
    /// answer proves that every event up to each recorded head is still the one that was recorded. A chain the
    /// log no longer holds counts as empty (every event of it was deleted); a name no chain can have is invalid
    /// input.
    pub async fn check_audit_heads(&self, expected: &[ChainHead]) -> StoreResult<Vec<String>> {
        let current = self.audit_heads().await?;
        let mut tx = self.begin_read().await?;
        let mut problems = Vec::new();
        for want in expected {
            if !is_chain_name(&want.chain) {
                let names: Vec<&str> = current.iter().map(|c| c.chain.as_str()).collect();
                return Err(StoreError::invalid(
                    "expect-head",
                    format!(
                        "no audit chain can be named {:?} (chains are global, platform and clinic:<clinic id>); \
                         the chains now are {}",
                        want.chain,
                        names.join(", ")
                    ),
                ));
            }
            let now =
                current.iter().find(|c| c.chain == want.chain).cloned().unwrap_or(ChainHead::genesis(&want.chain));
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
            let column = number_column(&want.chain);
            let found = if want.seq == 0 {
                Some((GENESIS_HASH.to_owned(),))
            } else {
                tx.fetch_optional(
                    &format!("SELECT hash FROM audit_events WHERE chain = $1 AND {column} = $2"),
                    &args![want.chain.as_str(), want.seq],
                )
                .await?
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
}
