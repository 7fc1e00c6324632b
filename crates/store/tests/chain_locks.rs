//! On PostgreSQL an audit append locks only its own chain: a clinic's write never waits for another clinic's,
//! and two writes of one clinic still take turns, so its chain never forks.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use std::time::Duration;

use common::{TestDb, clinic, staff};
use ketapath_store::domain::Role;
use ketapath_store::{ListingAuthor, audit_chain_lock_key};
use sqlx::Connection;
use time::macros::date;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appends_of_two_clinics_hold_their_locks_at_once_postgres() {
    let Some(db) = TestDb::postgres().await else { return };
    let store = db.store.clone();
    store.upsert_clinics(&[clinic("a", 1.0, 1.0), clinic("b", 2.0, 2.0)], ListingAuthor::AdminCli).await.unwrap();
    let scope_a = store.for_clinic(&staff(&store, Some("a"), Role::Nurse, "n@a.example").await).await.unwrap();
    let scope_b = store.for_clinic(&staff(&store, Some("b"), Role::Nurse, "n@b.example").await).await.unwrap();

    // Another session holds clinic a's append lock in an open transaction, as a slow write of clinic a would.
    let mut other = sqlx::PgConnection::connect(&db.url_text()).await.unwrap();
    let mut held = other.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(audit_chain_lock_key("clinic:a"))
        .execute(&mut *held)
        .await
        .unwrap();

    // Clinic b's write, audited in its own chain, goes through meanwhile.
    let b = tokio::time::timeout(
        Duration::from_secs(10),
        scope_b.create_patient(ketapath_testkit::patient("Bea", "B", date!(1980 - 01 - 01))),
    )
    .await
    .expect("clinic b's append does not wait for clinic a's lock");
    b.unwrap();

    // Clinic a's write waits for its chain's lock, and lands once the lock is released.
    let a = tokio::spawn(async move {
        scope_a.create_patient(ketapath_testkit::patient("Abe", "A", date!(1980 - 01 - 01))).await
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(!a.is_finished(), "clinic a's append waits for the lock of clinic a's chain");
    held.commit().await.unwrap();
    tokio::time::timeout(Duration::from_secs(10), a).await.unwrap().unwrap().unwrap();
    other.close().await.unwrap();

    let report = store.verify_audit_chain().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.chain("clinic:a").unwrap().events, 2, "the nurse and the patient");
    db.finish().await;
}
