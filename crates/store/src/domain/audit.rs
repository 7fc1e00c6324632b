//! Audit events: who did what to which record, when and from where, chained by hashes.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::code_enum;

code_enum!(
    /// What was done.
    AuditAction {
        Read => "read",
        List => "list",
        Create => "create",
        Update => "update",
        Delete => "delete",
        Import => "import",
        Export => "export",
        SignIn => "sign_in",
        SignInFailed => "sign_in_failed",
        SignOut => "sign_out",
        LockOut => "lock_out",
        Deactivate => "deactivate",
        Activate => "activate",
        PasswordReset => "password_reset",
        RoleChange => "role_change",
    }
);

/// One event of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEvent {
    /// Position in the whole log: the order events were stored in, across chains.
    pub seq: i64,
    /// The chain the event belongs to: `clinic:<id>` for an event of a clinic, `platform` for an event of none,
    /// `global` for an event written before the log was split per clinic (schema version 21).
    pub chain: String,
    /// Position in its chain, from 1 without gaps (in the `global` chain, the same as `seq`).
    pub chain_seq: i64,
    pub at: OffsetDateTime,
    /// The staff user, or `None` for the public (a referral, a listing report, a self-report link).
    pub actor_id: Option<String>,
    /// A role code, or `public`, `self_report` or `system`.
    pub actor_role: String,
    pub clinic_id: Option<String>,
    pub action: String,
    /// The table-level kind of record (`patient`, `session`, …).
    pub entity: String,
    /// The record's id, or a description for list and import events.
    pub entity_id: String,
    /// An IP address or `cli`.
    pub origin: String,
    pub prev_hash: String,
    pub hash: String,
}
