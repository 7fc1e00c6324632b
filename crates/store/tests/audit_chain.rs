//! The audit log is append-only, and `verify` names the first edited or deleted event.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_store::domain::Role;
use ketapath_store::{BackendKind, ListingAuthor};
use ketapath_testkit::on_both_backends;

async fn some_events(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 1.0, 1.0)], ListingAuthor::AdminCli).await.unwrap();
    for i in 0..4 {
        staff(store, Some("a"), Role::Nurse, &format!("n{i}@a.example")).await;
    }
    assert_eq!(store.verify_audit_chain().await.unwrap().events, 5);
}

async fn append_only_and_tamper_evident(db: &TestDb) {
    some_events(db).await;
    let admin = db.store.unscoped_for_admin_cli_and_tests();
    // The triggers refuse updates and deletes, the admin's included.
    assert!(admin.execute_raw_sql("UPDATE audit_events SET origin = 'x' WHERE seq = 2").await.is_err());
    assert!(admin.execute_raw_sql("DELETE FROM audit_events WHERE seq = 2").await.is_err());
    assert!(db.store.verify_audit_chain().await.unwrap().is_intact());

    // Someone with control of the database disables the trigger and edits event 3: verify names it.
    let disable = match db.store.kind() {
        BackendKind::Sqlite => "DROP TRIGGER audit_events_no_update",
        BackendKind::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete",
    };
    admin.execute_raw_sql(disable).await.unwrap();
    admin.execute_raw_sql("UPDATE audit_events SET entity_id = 'someone-else' WHERE seq = 3").await.unwrap();
    let report = db.store.verify_audit_chain().await.unwrap();
    let bad = report.first_bad.expect("the edit is detected");
    assert_eq!(bad.seq, 3);
    assert!(bad.reason.contains("edited"), "{}", bad.reason);
    assert_eq!(report.events, 2);
    assert!(!db.store.verify().await.unwrap().is_ok());
}

async fn deleted_event_is_named(db: &TestDb) {
    some_events(db).await;
    let admin = db.store.unscoped_for_admin_cli_and_tests();
    let disable = match db.store.kind() {
        BackendKind::Sqlite => "DROP TRIGGER audit_events_no_delete",
        BackendKind::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete",
    };
    admin.execute_raw_sql(disable).await.unwrap();
    admin.execute_raw_sql("DELETE FROM audit_events WHERE seq = 2").await.unwrap();
    let bad = db.store.verify_audit_chain().await.unwrap().first_bad.expect("the deletion is detected");
    assert_eq!(bad.seq, 3);
    assert!(bad.reason.contains("deleted"), "{}", bad.reason);
}

// These tests break the audit chain on purpose, so the invariants are not checked at the end.
on_both_backends!(edited_event, super::append_only_and_tamper_evident, unverified);
on_both_backends!(deleted_event, super::deleted_event_is_named, unverified);
