//! Migrations forward from empty and from the previous schema version with data, the table catalog, and `copy`
//! between backends compared table by table.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::seed::{seed, seed_sign_in, seed_version_1};
use common::{TestDb, test_options};
use ketapath_store::domain::{PatientMatch, Role};
use ketapath_store::{BackendKind, DERIVED_TABLES, DatabaseUrl, OpenMode, Store, StoreError, TABLES, copy_database};
use ketapath_testkit::on_both_backends;

async fn schema_matches_catalog(db: &TestDb) {
    let store = &db.store;
    assert_eq!(store.schema_version().await.unwrap(), Some(store.latest_schema_version()));
    store.ensure_migrated().await.unwrap();
    let mut expected: Vec<String> = TABLES.iter().chain(DERIVED_TABLES).map(|t| (*t).to_owned()).collect();
    expected.sort();
    assert_eq!(store.schema_tables().await.unwrap(), expected);
    // Migrating again applies nothing.
    assert!(store.migrate().await.unwrap().is_empty());
}

on_both_backends!(empty_database_migrates_to_latest, super::schema_matches_catalog);

/// Opens `url`, migrates it to version 1 only, fills it, then migrates forward and checks nothing changed.
async fn forward_from_previous_version(url: &DatabaseUrl, mode: OpenMode) {
    let store = Store::open_with(url, mode, test_options()).await.unwrap();
    assert_eq!(store.migrate_up_to_for_tests(1).await.unwrap(), vec![1]);
    assert_eq!(store.schema_version().await.unwrap(), Some(1));
    assert!(matches!(store.ensure_migrated().await, Err(StoreError::Invalid { .. })));
    seed_version_1(&store, "old").await;
    let before = store.table_fingerprints().await.unwrap();
    let applied = store.migrate().await.unwrap();
    assert_eq!(applied, store.known_schema_versions().into_iter().filter(|v| *v > 1).collect::<Vec<_>>());
    // Versions 3, 13, 14 and 20 (the clinics' named insurance plans) add columns (empty or at their default in old rows) to these tables, and version 15 the
    // patients' search keys (filled for old rows by `migrate`), which changes their fingerprints but not their row
    // counts; every other table is unchanged row for row, and the new tables start empty, except for the audit
    // cut-over of version 21, which records where the old chain ends.
    const ALTERED: [&str; 8] =
        ["api_tokens", "assessments", "audit_events", "clinics", "courses", "patients", "referrals", "sessions"];
    let after = store.table_fingerprints().await.unwrap();
    let cutover = after.iter().find(|(t, _, _)| t == "audit_cutover").unwrap();
    assert_eq!(cutover.1, 1, "one cut-over row");
    let after: Vec<_> = after.into_iter().filter(|(t, _, _)| t != "audit_cutover").collect();
    let after: Vec<_> = after.into_iter().filter(|(t, n, _)| before.iter().any(|(b, _, _)| b == t) || *n > 0).collect();
    assert_eq!(before.len(), after.len(), "the new tables start empty");
    for (old, new) in before.iter().zip(&after) {
        assert_eq!((&old.0, old.1), (&new.0, new.1), "row counts");
        if !ALTERED.contains(&old.0.as_str()) {
            assert_eq!(old, new);
        }
    }
    // The old rows got their search keys: José Family0 is found by a folded part of the name and by his record
    // number in another case.
    let nurse = common::staff(&store, Some("old-1"), Role::Nurse, "late@old.example").await;
    let scope = store.for_clinic(&nurse).await.unwrap();
    for text in ["JOSE fam", "m0"] {
        let found = scope.patient_search(&PatientMatch::Text(text.to_owned()), None).await.unwrap();
        let names: Vec<_> =
            found.iter().map(|s| (s.patient.given_name.as_str(), s.patient.family_name.as_str())).collect();
        assert_eq!(names, [("José", "Family0")], "{text}");
    }
    let report = store.verify().await.unwrap();
    assert!(report.is_ok(), "{report:?}");
    // The events written before version 21, through the single-chain append of that time, stay the `global`
    // chain and verify as they were; the cut-over recorded their end, and later events went to the clinic's chain.
    let old_events = before.iter().find(|(t, _, _)| t == "audit_events").unwrap().1;
    let global = report.audit.chain("global").unwrap();
    assert_eq!(global.events, old_events);
    assert!(report.audit.chain("clinic:old-1").unwrap().events >= 1, "the nurse added after the migration");
    let heads = store.audit_heads().await.unwrap();
    assert_eq!(heads.iter().find(|h| h.chain == "global").unwrap().seq, old_events as i64);
    // Cutting the old chain's tail is caught without a recorded head: it no longer reaches its cut-over.
    let admin = store.unscoped_for_admin_cli_and_tests();
    let disable = match store.kind() {
        BackendKind::Sqlite => "DROP TRIGGER audit_events_no_delete",
        BackendKind::Postgres => "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete",
    };
    admin.execute_raw_sql(disable).await.unwrap();
    let cut = format!("DELETE FROM audit_events WHERE chain = 'global' AND seq = {old_events}");
    assert_eq!(admin.execute_raw_sql(&cut).await.unwrap(), 1);
    let report = store.verify_audit_chain().await.unwrap();
    let bad = report.chain("global").unwrap().first_bad.clone().expect("the cut is detected");
    assert_eq!(bad.seq, old_events as i64);
    assert!(bad.reason.contains("cut-over"), "{}", bad.reason);
    assert!(report.chain("clinic:old-1").unwrap().is_intact());
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previous_version_with_data_migrates_forward_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    forward_from_previous_version(&DatabaseUrl::Sqlite { path: dir.path().join("old.db") }, OpenMode::CreateIfMissing)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previous_version_with_data_migrates_forward_postgres() {
    let Some(pg) = common::PgDatabase::create().await else { return };
    forward_from_previous_version(&DatabaseUrl::Postgres { url: pg.url.clone() }, OpenMode::MustExist).await;
}

async fn copy_and_compare(from: &TestDb, to: &TestDb) {
    seed(&from.store, "copy").await;
    seed_sign_in(&from.store, "copy").await;
    let report = copy_database(&from.store, &to.store).await.unwrap();
    let counts = from.store.unscoped_for_admin_cli_and_tests().table_counts().await.unwrap();
    assert_eq!(report.tables.iter().map(|(t, n)| (t.clone(), *n as i64)).collect::<Vec<_>>(), counts);
    assert!(counts.iter().all(|(_, n)| *n > 0), "the seed touches every table: {counts:?}");
    // Every table is identical, row for row.
    assert_eq!(from.store.table_fingerprints().await.unwrap(), to.store.table_fingerprints().await.unwrap());
    let (a, b) = (from.store.verify_audit_chain().await.unwrap(), to.store.verify_audit_chain().await.unwrap());
    assert_eq!(a, b);
    // The copy is a working database: new writes chain onto the copied audit log.
    seed(&to.store, "after").await;
    // A second copy into a non-empty target is refused.
    assert!(matches!(copy_database(&from.store, &to.store).await, Err(StoreError::Invalid { .. })));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_sqlite_to_sqlite() {
    let (from, to) = (TestDb::sqlite().await, TestDb::sqlite().await);
    copy_and_compare(&from, &to).await;
    from.finish().await;
    to.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_sqlite_to_postgres() {
    let Some(to) = TestDb::postgres().await else { return };
    let from = TestDb::sqlite().await;
    copy_and_compare(&from, &to).await;
    from.finish().await;
    to.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_postgres_to_sqlite() {
    let Some(from) = TestDb::postgres().await else { return };
    let to = TestDb::sqlite().await;
    copy_and_compare(&from, &to).await;
    from.finish().await;
    to.finish().await;
}
