//! Test harness shared by the store's integration tests: the kit's fresh database per test (SQLite, and
//! PostgreSQL when `KETAPATH_TEST_POSTGRES_URL` is set), its fixtures, and the store's own seed data.
#![allow(dead_code, unused_imports)]

pub use ketapath_testkit::{PgDatabase, TestDb, clinic, staff, test_options};

pub mod seed;
