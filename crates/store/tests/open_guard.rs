//! The guard against a mistyped URL silently creating an empty database.

// Test helpers outside #[test] functions may unwrap and print too: a panic there is a failed test.
#![allow(clippy::unwrap_used, clippy::print_stdout)]

use ketapath_store::{DatabaseUrl, OpenMode, Store, StoreError};

#[tokio::test]
async fn missing_sqlite_file_is_refused_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("typo.db");
    let url = format!("sqlite://{}", path.display());
    let err = Store::open(&url, OpenMode::MustExist).await.unwrap_err();
    assert!(matches!(err, StoreError::MissingDatabase { .. }));
    assert!(err.to_string().contains(&path.display().to_string()), "{err}");
    assert!(err.is_invalid_input());
    assert!(!path.exists(), "refusing must not create the file");

    let created = Store::open(&url, OpenMode::CreateIfMissing).await.unwrap();
    assert!(created.was_created());
    assert_eq!(created.schema_version().await.unwrap(), None);
    created.migrate().await.unwrap();
    created.close().await;
    let again = Store::open(&url, OpenMode::MustExist).await.unwrap();
    assert!(!again.was_created());
    again.ensure_migrated().await.unwrap();
    again.close().await;
}

/// A file in a folder that does not exist is refused in both modes, naming the path and the folder; in an
/// existing folder `CreateIfMissing` creates it.
#[tokio::test]
async fn a_missing_folder_is_named_in_both_modes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("x.db");
    let url = format!("sqlite://{}", path.display());
    for mode in [OpenMode::MustExist, OpenMode::CreateIfMissing] {
        let err = Store::open(&url, mode).await.unwrap_err();
        assert!(matches!(err, StoreError::MissingFolder { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains(&path.display().to_string()), "{message}");
        assert!(message.contains("no-such-dir does not exist"), "{message}");
        assert!(err.is_invalid_input());
    }
    assert!(!path.parent().unwrap().exists(), "refusing must not create the folder");
}

#[tokio::test]
async fn unknown_schemes_are_invalid_input() {
    let err = DatabaseUrl::parse("sqlit://x.db").unwrap_err();
    assert!(err.is_invalid_input());
}

#[tokio::test]
async fn backup_is_consistent_and_restorable() {
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::Sqlite { path: dir.path().join("live.db") };
    let store = Store::open_with(&url, OpenMode::CreateIfMissing, Default::default()).await.unwrap();
    store.migrate().await.unwrap();
    store
        .upsert_clinics(
            &[serde_json::from_value(serde_json::json!({
                "id": "c-1", "name": "N", "address": {"street": "s", "city": "c", "state": "NY", "zip": "10001"},
                "position": {"lat": 40.0, "lon": -74.0}, "phone": null, "website": null, "offers": ["tms"],
                "payment": [], "telehealth": false, "languages": ["en"], "accepting_new_patients": true,
                "rems_certified": false, "last_verified": null
            }))
            .unwrap()],
            ketapath_store::ListingAuthor::AdminCli,
        )
        .await
        .unwrap();
    let out = dir.path().join("backup.db");
    store.backup(&out).await.unwrap();
    assert!(matches!(store.backup(&out).await, Err(StoreError::Invalid { .. })), "never overwrite a backup");
    let fingerprints = store.table_fingerprints().await.unwrap();
    store.close().await;

    let target = DatabaseUrl::Sqlite { path: dir.path().join("restored.db") };
    ketapath_store::restore_sqlite(&out, &target, false).await.unwrap();
    assert!(matches!(ketapath_store::restore_sqlite(&out, &target, false).await, Err(StoreError::Invalid { .. })));
    ketapath_store::restore_sqlite(&out, &target, true).await.unwrap();
    let restored = Store::open_with(&target, OpenMode::MustExist, Default::default()).await.unwrap();
    assert_eq!(restored.table_fingerprints().await.unwrap(), fingerprints);
    assert!(restored.verify().await.unwrap().is_ok());
    restored.close().await;
}
