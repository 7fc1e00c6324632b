//! The database commands end to end: the missing-file guard, migrate, backup and restore, and `audit verify`
//! naming an edited event.

use std::process::{Command, Output};

use ketapath_store::domain::{NewStaffUser, Role};
use ketapath_store::{OpenMode, Store};

fn ketapath(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ketapath"))
        .args(args)
        .current_dir(dir)
        .env_remove("KETAPATH_DATABASE_URL")
        .output()
        .expect("run ketapath")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `migrate` into a folder that does not exist names the path and the folder (exit 2) and creates neither; in an
/// existing folder it creates the file. `--help` shows the default database.
#[test]
fn migrate_names_a_missing_folder_and_help_shows_the_default_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nonexistent-dir").join("x.db");
    let out = ketapath(dir.path(), &["migrate", "--db", &format!("sqlite://{}", path.display())]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&path.display().to_string()) && stderr.contains("nonexistent-dir does not exist"),
        "{stderr}"
    );
    assert!(!stderr.contains("unable to open database file"), "{stderr}");
    assert!(!path.parent().unwrap().exists());

    std::fs::create_dir(path.parent().unwrap()).unwrap();
    let out = ketapath(dir.path(), &["migrate", "--db", &format!("sqlite://{}", path.display())]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(path.exists());

    for args in [&["--help"][..], &["migrate", "--help"], &["clinics", "import", "--help"]] {
        let help = text(&ketapath(dir.path(), args).stdout);
        assert!(help.contains("[default: sqlite://ketapath.db]"), "{args:?}: {help}");
    }
}

#[test]
fn commands_refuse_a_missing_file_but_migrate_creates_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = ketapath(dir.path(), &["audit", "verify", "--db", "sqlite://typo.db"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("typo.db"), "{}", text(&out.stderr));
    assert!(!dir.path().join("typo.db").exists());

    let out = ketapath(dir.path(), &["migrate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("created database sqlite://ketapath.db"));
    let out = ketapath(dir.path(), &["migrate"]);
    assert!(text(&out.stdout).contains("up to date"));

    let out = ketapath(dir.path(), &["backup", "copy.db"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = ketapath(dir.path(), &["--db", "sqlite://restored.db", "restore", "copy.db"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = ketapath(dir.path(), &["--db", "sqlite://restored.db", "restore", "copy.db"]);
    assert_eq!(out.status.code(), Some(2), "an existing target needs --force");
}

#[test]
fn audit_verify_names_an_edited_event() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(ketapath(dir.path(), &["migrate"]).status.code(), Some(0));
    let url = format!("sqlite://{}", dir.path().join("ketapath.db").display());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = Store::open(&url, OpenMode::MustExist).await.unwrap();
        for i in 0..3 {
            store
                .unscoped_for_admin_cli_and_tests()
                .create_staff_user(NewStaffUser {
                    clinic_id: None,
                    email: format!("admin{i}@example.org"),
                    display_name: "Admin".to_owned(),
                    role: Role::PlatformAdmin,
                    password_hash: None,
                })
                .await
                .unwrap();
        }
        store.close().await;
    });
    let out = ketapath(dir.path(), &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("intact: 3 events"));

    runtime.block_on(async {
        let store = Store::open(&url, OpenMode::MustExist).await.unwrap();
        let admin = store.unscoped_for_admin_cli_and_tests();
        admin.execute_raw_sql("DROP TRIGGER audit_events_no_update").await.unwrap();
        admin.execute_raw_sql("UPDATE audit_events SET origin = '10.0.0.1' WHERE seq = 2").await.unwrap();
        store.close().await;
    });
    let out = ketapath(dir.path(), &["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("broken at event 2"), "{}", text(&out.stdout));
}
