//! The kit's own promises: a throw-away database is gone after its test, even one that panicked, and the same body
//! runs on both backends through `on_both_backends!`.

#![allow(clippy::unwrap_used)]

use ketapath_testkit::{PG_ENV, PgDatabase, TestDb, on_both_backends};
use sqlx::Connection;

/// Whether the server of `KETAPATH_TEST_POSTGRES_URL` still has a database called `name`.
async fn exists(name: &str) -> bool {
    let mut conn = sqlx::PgConnection::connect(&std::env::var(PG_ENV).unwrap()).await.unwrap();
    let found: Option<i32> = sqlx::query_scalar("SELECT 1 FROM pg_database WHERE datname = $1")
        .bind(name)
        .fetch_optional(&mut conn)
        .await
        .unwrap();
    conn.close().await.ok();
    found.is_some()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_is_dropped_even_when_its_test_panics() {
    let Some(db) = PgDatabase::create().await else { return };
    let name = db.name.clone();
    assert!(name.starts_with("ketapath_test_"), "{name}");
    assert!(exists(&name).await);
    // The database's owner panics while a connection to it is still open; the drop must force it away anyway.
    let mut held = sqlx::PgConnection::connect(&db.url).await.unwrap();
    sqlx::query("SELECT 1").execute(&mut held).await.unwrap();
    let outcome = std::thread::spawn(move || {
        let _owned = db;
        panic!("a failing test");
    })
    .join();
    assert!(outcome.is_err());
    assert!(!exists(&name).await, "{name} outlived its test");
}

/// The body both tests below run: a migrated, empty store.
async fn starts_empty(db: &TestDb) {
    assert_eq!(db.store.verify().await.unwrap().problems, Vec::<String>::new());
}

on_both_backends!(a_fresh_store_on_each_backend, super::starts_empty);
