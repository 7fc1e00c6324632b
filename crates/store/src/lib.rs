//! Persistence for KetaPath: one [`Store`] over SQLite (the embedded default) or PostgreSQL (clinic networks and
//! national directories, with several stateless servers in front), migrations per backend, and the audit log.
//!
//! Architecture invariants kept here:
//! - this is the only crate that writes SQL; each query is written once in portable SQL (`db.rs`);
//! - patient data is reachable only through a [`ClinicScope`] bound to one clinic and role, and every read or
//!   write of it appends a hash-chained audit event in the same transaction; the bypass is
//!   [`Store::unscoped_for_admin_cli_and_tests`];
//! - domain types (`domain/`) are separate from row types (`rows/`); ids are UUIDv7; instants are UTC;
//! - no patient value is ever logged.

mod admin;
mod audit;
mod audit_heads;
mod audited;
mod auth;
mod backup;
#[cfg(feature = "test-support")]
mod bench_seed;
mod bounds;
mod clinics;
mod clock;
mod copy;
mod db;
pub mod domain;
mod error;
mod group_commit;
mod listing_requests;
mod password_links;
mod public;
mod research;
mod research_build;
mod research_page;
mod research_stored;
mod rows;
mod scope;
mod search;
mod sign_in;
mod snapshot;
mod sqlite_read;
mod staff;
mod statement;
mod store;
mod tables;
mod url;
mod verify;

pub use admin::UnscopedAdminHandle;
pub use audit::{
    AuditKey, AuditReport, BadEvent, ChainReport, GENESIS_HASH, GLOBAL_CHAIN, PLATFORM_CHAIN,
    chain_lock_key as audit_chain_lock_key,
};
pub use audit_heads::ChainHead;
pub use audited::{Audit, AuditEvents, AuditedTx};
pub use auth::{API_TOKEN_PREFIX, TokenHolder, api_token_hash, new_api_token_secret, new_link_secret};
pub use backup::{BackupMethod, restore_sqlite};
#[cfg(feature = "test-support")]
pub use bench_seed::{SyntheticCounts, SyntheticResearch};
pub use clinics::{CLINICS_CHANNEL, ClinicChangeListener, ListingAuthor};
pub use clock::{Clock, ManualClock, SteppingClock, SystemClock, truncate_to_micros};
pub use copy::{CopyReport, copy_database};
pub use db::BackendKind;
pub use error::{StoreError, StoreResult};
pub use research::{DerivedGate, OrderedPages, RESEARCH_PAGE, ResearchReader, bp_gate_from_records, consent_decision};
pub use scope::ClinicScope;
pub use search::{fold, mrn_key};
// Callers name the secret types of the domain (`StaffUser::password_hash`, `StaffSignIn::csrf_secret`) without a
// dependency of their own.
pub use secrecy::{ExposeSecret, SecretString};
pub use sign_in::{SESSION_TOUCH_INTERVAL, SecurityAuthor};
pub use store::{Store, StoreOptions};
pub use tables::{DERIVED_TABLES, STATISTICS_SOURCES, TABLES};
pub use url::{DEFAULT_DATABASE_URL, DatabaseUrl, OpenMode};
pub use verify::VerifyReport;
