//! Test support shared by every crate's tests: the one place that creates throw-away PostgreSQL databases.
//!
//! - [`skip`]: the skip policy. A test that needs PostgreSQL (or another outside tool) and does not find it says
//!   so on stderr and passes on a developer machine, and fails under `CI=true`.
//! - [`PgDatabase`]: a database `ketapath_test_<uuid>` on the server of `KETAPATH_TEST_POSTGRES_URL`, dropped
//!   with FORCE when the value drops, even after a panic.
//! - [`TestDb`]: a fresh, migrated store on SQLite or PostgreSQL, verified at the end.
//! - [`BothBackends`] and [`on_both_backends!`]: one test body run as two tests, `sqlite` and `postgres`, over any
//!   fixture that can be built on both backends.
//! - [`fixtures`]: the listing and staff accounts most store tests start from.
//!
//! The store's integration tests depend on this crate while it depends on the store; that cycle is fine for
//! integration tests and benches (they link the same store library), never for the store's `--lib` unit tests.

mod backends;
pub mod fixtures;
mod pg;
mod skip;
mod test_db;

pub use backends::{Backend, BothBackends, run_on, run_on_unverified};
pub use fixtures::{clinic, patient, staff, test_options};
pub use pg::{PG_ENV, PgDatabase};
pub use skip::{current_test, skip};
pub use test_db::TestDb;
