//! KetaPath's application layer: the use cases the portal, the JSON API and the CLI share, over the store.
//!
//! Architecture invariant: no HTTP here (no axum, hyper, tower, http or askama in this crate's dependency closure,
//! checked by `crates/cli/tests/architecture.rs`). A use case takes a clinic scope (or the store) and parsed
//! input, asks the pure crates (`ketapath-clinical`, `ketapath-directory`, `ketapath-research`) to decide, writes
//! through the store, and returns a typed result or a typed error that each edge maps once (`ketapath-web`'s
//! `error.rs` to HTTP, the CLI to exit codes).

pub mod accounts;
pub mod address;
pub mod clinic_outcomes;
pub mod clinic_time;
pub mod demo;
pub mod demo_year;
pub mod directory;
pub mod json;
pub mod listing;
pub mod listing_requests;
pub mod openapi;
pub mod patients;
pub mod readiness;
pub mod referrals;
pub mod research_stats;
pub mod self_report;
pub mod treatment;

pub use directory::{Directory, RefreshOptions};
pub use readiness::{BoxFuture, NoDependencies, Readiness};
