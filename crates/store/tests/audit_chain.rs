//! The audit log is append-only and split into one chain per clinic plus a `platform` chain, and `verify` names
//! the first edited or deleted event of each chain.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::{TestDb, clinic, staff};
use ketapath_store::domain::Role;
use ketapath_store::{AuditReport, BackendKind, ChainReport, ListingAuthor};
use ketapath_testkit::on_both_backends;

/// Two clinics' events: clinic `a` gets four nurses, clinic `b` two, and the platform the command line's listing
/// import and one platform admin of no clinic.
async fn some_events(db: &TestDb) {
    let store = &db.store;
    store.upsert_clinics(&[clinic("a", 1.0, 1.0), clinic("b", 2.0, 2.0)], ListingAuthor::AdminCli).await.unwrap();
    for i in 0..4 {
        staff(store, Some("a"), Role::Nurse, &format!("n{i}@a.example")).await;
        if i < 2 {
            staff(store, Some("b"), Role::Nurse, &format!("n{i}@b.example")).await;
        }
    }
    staff(store, None, Role::PlatformAdmin, "root@example.org").await;
    let report = store.verify_audit_chain().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    let counts: Vec<(&str, u64)> = report.chains.iter().map(|c| (c.chain.as_str(), c.events)).collect();
    assert_eq!(counts, [("clinic:a", 4), ("clinic:b", 2), ("platform", 2)]);
    assert_eq!(report.events(), 8);
}

fn chain<'r>(report: &'r AuditReport, name: &str) -> &'r ChainReport {
    report.chain(name).unwrap_or_else(|| panic!("no chain {name} in {report:?}"))
}

async fn two_clinics_write_two_chains(db: &TestDb) {
    some_events(db).await;
    let events = db.store.unscoped_for_admin_cli_and_tests().audit_events(1, i64::MAX).await.unwrap();
    // Each event sits in the chain of the clinic it names, numbered from 1 there, whatever the other clinic wrote
    // in between; the event of no clinic is the platform's.
    for event in &events {
        let expected = event.clinic_id.as_ref().map_or_else(|| "platform".to_owned(), |c| format!("clinic:{c}"));
        assert_eq!(event.chain, expected, "{event:?}");
    }
    let numbers =
        |name: &str| -> Vec<i64> { events.iter().filter(|e| e.chain == name).map(|e| e.chain_seq).collect::<Vec<_>>() };
    assert_eq!(numbers("clinic:a"), [1, 2, 3, 4]);
    assert_eq!(numbers("clinic:b"), [1, 2]);
    assert_eq!(numbers("platform"), [1, 2]);
    // Each chain starts from the genesis hash and links only to its own events.
    for name in ["clinic:a", "clinic:b", "platform"] {
        let mine: Vec<_> = events.iter().filter(|e| e.chain == name).collect();
        assert_eq!(mine[0].prev_hash, ketapath_store::GENESIS_HASH, "{name}");
        for pair in mine.windows(2) {
            assert_eq!(pair[1].prev_hash, pair[0].hash, "{name}");
        }
    }
    // The heads name every chain.
    let heads = db.store.audit_heads().await.unwrap();
    let heads: Vec<(&str, i64)> = heads.iter().map(|h| (h.chain.as_str(), h.seq)).collect();
    assert_eq!(heads, [("clinic:a", 4), ("clinic:b", 2), ("platform", 2)]);
}

async fn append_only_and_tamper_evident(db: &TestDb) {
    some_events(db).await;
    let admin = db.store.unscoped_for_admin_cli_and_tests();
    // The triggers refuse updates and deletes, the admin's included.
    assert!(admin.execute_raw_sql("UPDATE audit_events SET origin = 'x' WHERE seq = 2").await.is_err());
    assert!(admin.execute_raw_sql("DELETE FROM audit_events WHERE seq = 2").await.is_err());
    assert!(db.store.verify_audit_chain().await.unwrap().is_intact());

    // Someone with control of the database disables the trigger and edits event 3 of clinic a's chain: verify
    // names that chain and event, and the other chains stay intact.
    let disable = match db.store.kind() {
        BackendKind::Sqlite => "DROP TRIGGER audit_events_no_update",
        BackendKind::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete",
    };
    admin.execute_raw_sql(disable).await.unwrap();
    let edit = "UPDATE audit_events SET entity_id = 'someone-else' WHERE chain = 'clinic:a' AND chain_seq = 3";
    assert_eq!(admin.execute_raw_sql(edit).await.unwrap(), 1);
    let report = db.store.verify_audit_chain().await.unwrap();
    assert!(!report.is_intact());
    let a = chain(&report, "clinic:a");
    let bad = a.first_bad.clone().expect("the edit is detected");
    assert_eq!(bad.seq, 3);
    assert!(bad.reason.contains("edited"), "{}", bad.reason);
    assert_eq!(a.events, 2);
    assert!(chain(&report, "clinic:b").is_intact() && chain(&report, "platform").is_intact());
    assert!(!db.store.verify().await.unwrap().is_ok());

    // Moving an event into another clinic's chain (same number, relabelled) is named too.
    let moved = "UPDATE audit_events SET chain = 'clinic:b', chain_seq = 3 WHERE chain = 'clinic:a' AND chain_seq = 4";
    assert_eq!(admin.execute_raw_sql(moved).await.unwrap(), 1);
    let report = db.store.verify_audit_chain().await.unwrap();
    let bad = chain(&report, "clinic:b").first_bad.clone().expect("the move is detected");
    assert_eq!(bad.seq, 3);
    assert!(bad.reason.contains("prev_hash") || bad.reason.contains("belongs to chain clinic:a"), "{}", bad.reason);
}

async fn deleted_event_is_named(db: &TestDb) {
    some_events(db).await;
    let admin = db.store.unscoped_for_admin_cli_and_tests();
    let disable = match db.store.kind() {
        BackendKind::Sqlite => "DROP TRIGGER audit_events_no_delete",
        BackendKind::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete",
    };
    admin.execute_raw_sql(disable).await.unwrap();
    let delete = "DELETE FROM audit_events WHERE chain = 'clinic:a' AND chain_seq = 2";
    assert_eq!(admin.execute_raw_sql(delete).await.unwrap(), 1);
    let report = db.store.verify_audit_chain().await.unwrap();
    let bad = chain(&report, "clinic:a").first_bad.clone().expect("the deletion is detected");
    assert_eq!(bad.seq, 3);
    assert!(bad.reason.contains("deleted"), "{}", bad.reason);
    assert!(chain(&report, "clinic:b").is_intact());
}

on_both_backends!(two_chains, super::two_clinics_write_two_chains);
// These tests break the audit chain on purpose, so the invariants are not checked at the end.
on_both_backends!(edited_event, super::append_only_and_tamper_evident, unverified);
on_both_backends!(deleted_event, super::deleted_event_is_named, unverified);
