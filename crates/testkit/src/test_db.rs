//! A fresh, migrated store per test on either backend, verified and removed when the test ends.

use ketapath_store::{DatabaseUrl, OpenMode, Store, StoreOptions};

use crate::backends::Backend;
use crate::fixtures::test_options;
use crate::pg::PgDatabase;

/// A fresh, migrated database: a temporary SQLite file, or a throw-away PostgreSQL database.
pub struct TestDb {
    pub store: Store,
    pub url: DatabaseUrl,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<PgDatabase>,
}

impl TestDb {
    /// A fresh SQLite database with [`test_options`].
    pub async fn sqlite() -> TestDb {
        TestDb::sqlite_with(test_options()).await
    }

    /// A fresh PostgreSQL database with [`test_options`]; `None` when PostgreSQL tests are not configured.
    pub async fn postgres() -> Option<TestDb> {
        TestDb::postgres_with(test_options()).await
    }

    /// A fresh database on `backend` with the given options (a test's own clock); `None` when PostgreSQL is asked
    /// for and not configured (a visible skip, a failure under `CI=true`).
    pub async fn open(backend: Backend, options: StoreOptions) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => Some(TestDb::sqlite_with(options).await),
            Backend::Postgres => TestDb::postgres_with(options).await,
        }
    }

    /// A fresh SQLite database with the given options.
    pub async fn sqlite_with(options: StoreOptions) -> TestDb {
        let dir = tempfile::Builder::new().prefix("ketapath-test-").tempdir().expect("a temporary directory");
        let url = DatabaseUrl::Sqlite { path: dir.path().join("ketapath.db") };
        let store = Store::open_with(&url, OpenMode::CreateIfMissing, options).await.expect("open sqlite");
        store.migrate().await.expect("migrate sqlite");
        TestDb { store, url, _dir: Some(dir), _pg: None }
    }

    /// A fresh PostgreSQL database with the given options; `None` when PostgreSQL tests are not configured.
    pub async fn postgres_with(options: StoreOptions) -> Option<TestDb> {
        let pg = PgDatabase::create().await?;
        let url = DatabaseUrl::Postgres { url: pg.url.clone() };
        let store = Store::open_with(&url, OpenMode::MustExist, options).await.expect("open postgres");
        store.migrate().await.expect("migrate postgres");
        Some(TestDb { store, url, _dir: None, _pg: Some(pg) })
    }

    /// The database's URL as text, for code that opens it by string (another server instance, the CLI).
    pub fn url_text(&self) -> String {
        match &self.url {
            DatabaseUrl::Sqlite { path } => format!("sqlite://{}", path.display()),
            DatabaseUrl::Postgres { url } => url.clone(),
        }
    }

    /// Checks every invariant of the store, then closes its pools; the database goes when `self` drops.
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
