//! The `staff_users`, `api_tokens` and `audit_events` rows.

use super::{parse_clinic_id, parse_code, parse_id};
use crate::clock::{from_micros, from_micros_opt};
use crate::domain::{ApiToken, ApiTokenId, AuditEvent, Role, StaffId, StaffUser};
use crate::error::StoreResult;
use secrecy::SecretString;

pub(crate) const STAFF_COLUMNS: &str =
    "id, clinic_id, email, display_name, role, password_hash, active, created_at, updated_at";

/// No `Debug`: the row holds the password hash in plain text until [`StaffRow::into_domain`] wraps it.
#[derive(sqlx::FromRow)]
pub(crate) struct StaffRow {
    pub id: String,
    pub clinic_id: Option<String>,
    pub email: String,
    pub display_name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub active: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

impl StaffRow {
    pub(crate) fn into_domain(self) -> StoreResult<StaffUser> {
        const T: &str = "staff_users";
        Ok(StaffUser {
            id: parse_id(T, &self.id, StaffId)?,
            clinic_id: self.clinic_id.as_deref().map(|c| parse_clinic_id(T, c)).transpose()?,
            email: self.email,
            display_name: self.display_name,
            role: parse_code(T, &self.role, Role::parse)?,
            password_hash: self.password_hash.map(SecretString::from),
            active: self.active,
            created_at: from_micros(T, self.created_at)?,
            updated_at: from_micros(T, self.updated_at)?,
        })
    }
}

/// The token's own `id` and `created_at` are read as `token_id` and `token_created_at`, so that one row can hold a
/// token next to its account's [`STAFF_COLUMNS`] (see [`TokenHolderRow`]).
pub(crate) const API_TOKEN_COLUMNS: &str =
    "id AS token_id, user_id, name, token_hash, created_at AS token_created_at, expires_at, revoked_at, last_used_at";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ApiTokenRow {
    #[sqlx(rename = "token_id")]
    pub id: String,
    pub user_id: String,
    pub name: String,
    pub token_hash: String,
    #[sqlx(rename = "token_created_at")]
    pub created_at: i64,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    pub last_used_at: Option<i64>,
}

impl ApiTokenRow {
    pub(crate) fn into_domain(self) -> StoreResult<ApiToken> {
        const T: &str = "api_tokens";
        Ok(ApiToken {
            id: parse_id(T, &self.id, ApiTokenId)?,
            user_id: parse_id(T, &self.user_id, StaffId)?,
            name: self.name,
            token_hash: self.token_hash,
            created_at: from_micros(T, self.created_at)?,
            expires_at: from_micros_opt(T, self.expires_at)?,
            revoked_at: from_micros_opt(T, self.revoked_at)?,
            last_used_at: from_micros_opt(T, self.last_used_at)?,
        })
    }
}

/// A token and the account it belongs to, read in one statement by the API's authentication.
#[derive(sqlx::FromRow)]
pub(crate) struct TokenHolderRow {
    #[sqlx(flatten)]
    pub token: ApiTokenRow,
    #[sqlx(flatten)]
    pub staff: StaffRow,
}

pub(crate) const AUDIT_COLUMNS: &str = "seq, at, actor_id, actor_role, clinic_id, action, entity, entity_id, origin, prev_hash, hash, link, chain, chain_seq";

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct AuditRow {
    pub seq: i64,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_role: String,
    pub clinic_id: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub origin: String,
    pub prev_hash: String,
    pub hash: String,
    /// How `hash` was made: `sha256` or `hmac-sha256` (see `audit.rs`).
    pub link: String,
    /// `global` (the single chain before schema version 21), `platform` or `clinic:<id>`.
    pub chain: String,
    /// The event's number in its chain; `None` in the old chain, whose events are numbered by `seq`.
    pub chain_seq: Option<i64>,
}

impl AuditRow {
    pub(crate) fn into_domain(self) -> StoreResult<AuditEvent> {
        Ok(AuditEvent {
            seq: self.seq,
            at: from_micros("audit_events", self.at)?,
            actor_id: self.actor_id,
            actor_role: self.actor_role,
            clinic_id: self.clinic_id,
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            origin: self.origin,
            prev_hash: self.prev_hash,
            hash: self.hash,
            chain_seq: self.chain_seq.unwrap_or(self.seq),
            chain: self.chain,
        })
    }
}
