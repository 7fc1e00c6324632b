//! Migrations forward from empty and from the previous schema version with data, the table catalog, and `copy`
//! between backends compared table by table.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

mod common;

use common::seed::seed;
use common::{TestDb, test_options};
use ketapath_store::{DatabaseUrl, OpenMode, Store, StoreError, TABLES, copy_database};

async fn schema_matches_catalog(db: &TestDb) {
    let store = &db.store;
    assert_eq!(store.schema_version().await.unwrap(), Some(store.latest_schema_version()));
    store.ensure_migrated().await.unwrap();
    let mut expected: Vec<String> = TABLES.iter().map(|t| (*t).to_owned()).collect();
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
    seed(&store, "old").await;
    let before = store.table_fingerprints().await.unwrap();
    let applied = store.migrate().await.unwrap();
    // Versions are numbered per feature branch, so the list may have gaps; it must run in order from 2 to the latest.
    assert_eq!(applied.first(), Some(&2), "{applied:?}");
    assert_eq!(applied.last(), Some(&store.latest_schema_version()), "{applied:?}");
    assert!(applied.windows(2).all(|w| w[0] < w[1]), "{applied:?}");
    // The tables of version 1 are unchanged; tables added since are there and empty.
    let after = store.table_fingerprints().await.unwrap();
    let (kept, added): (Vec<_>, Vec<_>) =
        after.into_iter().partition(|(t, _, _)| before.iter().any(|(b, _, _)| b == t));
    assert_eq!(kept, before);
    assert_eq!(kept.len() + added.len(), TABLES.len());
    assert!(added.iter().all(|(_, count, _)| *count == 0), "{added:?}");
    let report = store.verify().await.unwrap();
    assert!(report.is_ok(), "{report:?}");
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
