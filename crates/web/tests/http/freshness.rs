//! Several stateless servers over one database stay fresh: a listing written through one store handle shows up
//! in another instance's search within 5 s, and a removal disappears as fast. On PostgreSQL the other instance
//! polls only once a minute, so the test proves the LISTEN/NOTIFY path; on SQLite it proves the polling path.
// Helpers here are test code too: a panic in them is a failed test (clippy.toml allows it in test functions).
#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use ketapath_store::{ListingAuthor, OpenMode, Store};
use ketapath_testkit::PgDatabase;
use ketapath_web::{AppState, RefreshOptions, WebConfig, app};
use tokio::task::JoinHandle;

use crate::support::*;

/// One server instance: its own store handle, directory and refresher.
struct Instance {
    app: Router,
    refresher: JoinHandle<()>,
}

async fn instance(url: &str, poll: Duration) -> Instance {
    let store = Store::open(url, OpenMode::MustExist).await.expect("open");
    let state = AppState::load(WebConfig::default(), store).await.expect("load");
    let refresher = state.directory.spawn_refresher(RefreshOptions { poll_interval: poll, compact_after: 1000 });
    Instance { app: app(state), refresher }
}

/// Waits up to 5 s for the search around the clinic's position to contain (or not) `id`.
async fn wait_for(app: &Router, id: &str, present: bool) -> Duration {
    let started = Instant::now();
    loop {
        let reply = send(app, get("/api/v1/clinics?near=40.75,-73.99&radius_km=5")).await;
        assert_eq!(reply.status, StatusCode::OK);
        let found = reply.json()["results"].as_array().unwrap().iter().any(|r| r["id"] == id);
        if found == present {
            return started.elapsed();
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{id} present={present} not seen within 5 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Writes through `writer` and checks that both instances see the upsert, the update and the removal.
async fn check_freshness(writer: &Store, a: &Instance, b: &Instance) {
    let mut listing = clinic("fresh-1", 40.75, -73.99);
    writer.upsert_clinics(std::slice::from_ref(&listing), ListingAuthor::AdminCli).await.unwrap();
    wait_for(&b.app, "fresh-1", true).await;
    wait_for(&a.app, "fresh-1", true).await;
    let record = send(&b.app, get("/api/v1/clinics/fresh-1")).await;
    assert_eq!(record.json()["name"], "Clinic fresh-1");

    listing.name = "Renamed clinic".to_owned();
    writer.upsert_clinics(std::slice::from_ref(&listing), ListingAuthor::AdminCli).await.unwrap();
    let started = Instant::now();
    while send(&b.app, get("/api/v1/clinics/fresh-1")).await.json()["name"] != "Renamed clinic" {
        assert!(started.elapsed() < Duration::from_secs(5), "update not seen within 5 s");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    assert!(writer.delete_clinic(&listing.id, ListingAuthor::AdminCli).await.unwrap());
    wait_for(&b.app, "fresh-1", false).await;
    wait_for(&a.app, "fresh-1", false).await;
    assert_eq!(send(&b.app, get("/api/v1/clinics/fresh-1")).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_over_one_postgres_database_see_changes_within_5_s() {
    let Some(db) = PgDatabase::create().await else { return };
    let writer = Store::open(&db.url, OpenMode::MustExist).await.unwrap();
    writer.migrate().await.unwrap();
    // Polling once a minute: only a notification can bring the change in time.
    let a = instance(&db.url, Duration::from_secs(60)).await;
    let b = instance(&db.url, Duration::from_secs(60)).await;
    check_freshness(&writer, &a, &b).await;
    for i in [a, b] {
        i.refresher.abort();
    }
    writer.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_over_one_sqlite_file_see_changes_by_polling() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    let writer = Store::open(&url, OpenMode::CreateIfMissing).await.unwrap();
    writer.migrate().await.unwrap();
    let a = instance(&url, Duration::from_millis(200)).await;
    let b = instance(&url, Duration::from_millis(200)).await;
    check_freshness(&writer, &a, &b).await;
    for i in [a, b] {
        i.refresher.abort();
    }
}

#[tokio::test]
async fn readyz_waits_for_the_store_behind_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("k.db").display());
    let store = Store::open(&url, OpenMode::CreateIfMissing).await.unwrap();
    store.migrate().await.unwrap();
    let app = app(AppState::load(WebConfig::default(), store.clone()).await.unwrap());
    assert_eq!(send(&app, get("/readyz")).await.status, StatusCode::OK);
    store.close().await;
    let reply = send(&app, get("/readyz")).await;
    assert_error(&reply, StatusCode::SERVICE_UNAVAILABLE, "not_ready");
}
