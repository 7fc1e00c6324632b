//! Test harness shared by the store's integration tests: a fresh database per test on SQLite, and on PostgreSQL
//! when `KETAPATH_TEST_POSTGRES_URL` is set; `verify()` after every test; fixtures for clinics and staff.
#![allow(dead_code, clippy::unwrap_used, clippy::print_stdout)]

use std::sync::Arc;

use ketapath_directory::model::{Address, Position, PositionSource};
use ketapath_directory::{Clinic, ClinicId, Offers, Payments};
use ketapath_store::domain::{Actor, NewStaffUser, Origin, Role};
use ketapath_store::{DatabaseUrl, OpenMode, SteppingClock, Store, StoreOptions};
use sqlx::Connection;
use time::macros::datetime;

pub mod seed;

pub const PG_ENV: &str = "KETAPATH_TEST_POSTGRES_URL";

/// A fresh, migrated database that is verified and removed when the test ends.
pub struct TestDb {
    pub store: Store,
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    pg: Option<PgDatabase>,
}

/// A throw-away PostgreSQL database, dropped (with FORCE) when this value is dropped, even after a panic.
pub struct PgDatabase {
    pub admin_url: String,
    pub name: String,
    pub url: String,
}

impl PgDatabase {
    /// Creates `ketapath_test_<uuid>` on the server of `KETAPATH_TEST_POSTGRES_URL`; `None` when it is unset.
    pub async fn create() -> Option<PgDatabase> {
        let Ok(admin_url) = std::env::var(PG_ENV) else {
            // CI must never count a PostgreSQL test as passed without running it.
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{PG_ENV} is unset under CI=true");
            println!("skipped: {PG_ENV} unset");
            return None;
        };
        let name = format!("ketapath_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(&admin_url).await.expect("connect to KETAPATH_TEST_POSTGRES_URL");
        sqlx::raw_sql(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
        conn.close().await.ok();
        let (prefix, _) = admin_url.rsplit_once('/').expect("the URL names a database");
        let url = format!("{prefix}/{name}");
        Some(PgDatabase { admin_url, name, url })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        // Drop runs outside async context: use a private runtime on a plain thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ =
                        sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
                }
            });
        })
        .join();
    }
}

/// The tests' clock starts after every time they chart (the store refuses charting ahead of its clock).
pub fn test_options() -> StoreOptions {
    StoreOptions {
        clock: Arc::new(SteppingClock::new(datetime!(2026-11-28 00:00 UTC), time::Duration::milliseconds(7))),
        ..StoreOptions::default()
    }
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        TestDb::sqlite_with(test_options()).await
    }

    pub async fn postgres() -> Option<TestDb> {
        TestDb::postgres_with(test_options()).await
    }

    /// A fresh SQLite database with the given options (a test's own clock).
    pub async fn sqlite_with(options: StoreOptions) -> TestDb {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = DatabaseUrl::Sqlite { path: dir.path().join("ketapath.db") };
        let store = Store::open_with(&url, OpenMode::CreateIfMissing, options).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDb { store, url, _dir: Some(dir), pg: None }
    }

    /// A fresh PostgreSQL database with the given options; `None` when PostgreSQL tests are not configured.
    pub async fn postgres_with(options: StoreOptions) -> Option<TestDb> {
        let pg = PgDatabase::create().await?;
        let url = DatabaseUrl::Postgres { url: pg.url.clone() };
        let store = Store::open_with(&url, OpenMode::MustExist, options).await.expect("open postgres");
        store.migrate().await.expect("migrate postgres");
        Some(TestDb { store, url, _dir: None, pg: Some(pg) })
    }

    /// Checks every invariant, then closes the pools; the database goes when `self` drops.
    pub async fn finish(self) {
        let report = self.store.verify().await.expect("verify runs");
        assert!(report.is_ok(), "invariants broken: {report:?}");
        self.store.close().await;
    }

    /// Closes without checking invariants: for tests that break them on purpose.
    pub async fn finish_unverified(self) {
        self.store.close().await;
    }
}

/// Runs an async test body against SQLite and, when configured, PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let db = $crate::common::TestDb::sqlite().await;
                $body(&db).await;
                db.finish().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some(db) = $crate::common::TestDb::postgres().await else { return };
                $body(&db).await;
                db.finish().await;
            }
        }
    };
}

pub fn clinic(id: &str, lat: f64, lon: f64) -> Clinic {
    Clinic {
        id: ClinicId::parse(id).expect("valid id"),
        name: format!("Clinic {id}"),
        address: Address {
            street: "1 Main St".to_owned(),
            city: "Springfield".to_owned(),
            state: "IL".to_owned(),
            zip: "62701".to_owned(),
        },
        position: Position::new(lat, lon).expect("valid position"),
        position_source: PositionSource::Record,
        phone: Some("555-0100".to_owned()),
        website: None,
        offers: Offers::parse_list("esketamine_nasal;iv_ketamine", ';').expect("offers"),
        payment: Payments::parse_list("self_pay", ';').expect("payment"),
        telehealth: false,
        languages: vec![ketapath_directory::Language::parse("en").expect("en")],
        accepting_new_patients: true,
        rems_certified: true,
        last_verified: Some(time::macros::date!(2026 - 10 - 01)),
        verified_by: None,
        hours: vec![],
        accessibility: vec!["handiaccess".to_owned()],
        description: None,
        demo: false,
    }
}

/// Creates a staff account through the admin handle and returns the actor for it.
pub async fn staff(store: &Store, clinic: Option<&str>, role: Role, email: &str) -> Actor {
    let user = store
        .unscoped_for_admin_cli_and_tests()
        .create_staff_user(NewStaffUser {
            clinic_id: clinic.map(|c| ClinicId::parse(c).expect("clinic id")),
            email: email.to_owned(),
            display_name: email.to_owned(),
            role,
            password_hash: None,
        })
        .await
        .expect("create staff");
    Actor { user_id: user.id, clinic_id: user.clinic_id, role, origin: Origin::test() }
}
