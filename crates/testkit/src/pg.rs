//! Throw-away PostgreSQL databases on the server the tests are pointed at: created per test, dropped with FORCE
//! (the store's pools may still hold connections) when the value drops, even after a panic.

use sqlx::Connection;

use crate::skip::skip;

/// The variable naming the PostgreSQL server (any database on it) the PostgreSQL variants of tests use.
pub const PG_ENV: &str = "KETAPATH_TEST_POSTGRES_URL";

/// A throw-away database `ketapath_test_<uuid>`, dropped (with FORCE) when this value is dropped.
#[derive(Debug)]
pub struct PgDatabase {
    admin_url: String,
    /// The database's name.
    pub name: String,
    /// The URL of the database itself.
    pub url: String,
}

impl PgDatabase {
    /// Creates a database on the server of `KETAPATH_TEST_POSTGRES_URL`; `None` (a visible skip) when it is
    /// unset, and a failure under `CI=true`.
    pub async fn create() -> Option<PgDatabase> {
        let admin_url = admin_url()?;
        Some(PgDatabase::create_on(&admin_url).await)
    }

    /// As [`PgDatabase::create`], for synchronous tests: runs on a private runtime.
    pub fn create_blocking() -> Option<PgDatabase> {
        let admin_url = admin_url()?;
        let created = on_private_runtime(move || async move { PgDatabase::create_on(&admin_url).await });
        Some(created.unwrap_or_else(|panic| std::panic::resume_unwind(panic)))
    }

    /// Creates a database on the server of `admin_url` (for benchmarks, which have no skip policy to follow).
    pub async fn create_on(admin_url: &str) -> PgDatabase {
        let name = format!("ketapath_test_{}", uuid::Uuid::now_v7().simple());
        let mut conn = sqlx::PgConnection::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("connect to the server of {PG_ENV}: {e}"));
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("create the test database {name}: {e}"));
        conn.close().await.ok();
        let (prefix, _) = admin_url.rsplit_once('/').unwrap_or_else(|| panic!("{PG_ENV} must name a database"));
        let url = format!("{prefix}/{name}");
        PgDatabase { admin_url: admin_url.to_owned(), name, url }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // A failed drop leaves a database behind; it must not turn a test's panic into an abort.
        let _ = on_private_runtime(move || async move {
            if let Ok(mut conn) = sqlx::PgConnection::connect(&admin_url).await {
                let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
            }
        });
    }
}

/// The server's URL, or `None` after the skip policy has run.
fn admin_url() -> Option<String> {
    match std::env::var(PG_ENV) {
        Ok(url) => Some(url),
        Err(_) => {
            skip("PostgreSQL", &format!("{PG_ENV} unset"));
            None
        }
    }
}

/// Runs `work` to completion on a current-thread runtime of its own, on a plain thread: `Drop` and synchronous
/// tests may run inside (or outside) a test's runtime, and neither may block that runtime's own threads on it.
fn on_private_runtime<T, F>(work: impl FnOnce() -> F + Send + 'static) -> std::thread::Result<T>
where
    T: Send + 'static,
    F: Future<Output = T>,
{
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("a private runtime for the test database: {e}"));
        runtime.block_on(work())
    })
    .join()
}
