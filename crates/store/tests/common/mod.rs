//! Test harness shared by the store's integration tests: the kit's fresh database per test (SQLite, and
//! PostgreSQL when `KETAPATH_TEST_POSTGRES_URL` is set), its fixtures, and the store's own seed data.
#![allow(dead_code, unused_imports)]

pub use ketapath_testkit::{PgDatabase, TestDb, clinic, staff, test_options};

pub mod seed;

/// A patient with only the required fields, born 1970-01-01.
pub fn new_patient(given: &str, family: &str) -> ketapath_store::domain::NewPatient {
    ketapath_store::domain::NewPatient {
        mrn: None,
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        birth_date: time::macros::date!(1970 - 01 - 01),
        sex: None,
        phone: None,
        email: None,
        research_consent: false,
        rems_patient_id: None,
    }
}
