//! One test body, two tests: the [`BothBackends`] trait that a fixture implements to be built on SQLite and on
//! PostgreSQL, and the [`on_both_backends!`](crate::on_both_backends) macro that runs a body over it.

use crate::test_db::TestDb;

/// The database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fixture that can be built on both backends and checked when the test ends.
pub trait BothBackends: Sized {
    /// The fixture on a fresh SQLite database.
    fn sqlite() -> impl Future<Output = Self>;

    /// The fixture on a throw-away PostgreSQL database; `None` when PostgreSQL is not configured (the skip policy
    /// has then run: a notice, or a failure under `CI=true`).
    fn postgres() -> impl Future<Output = Option<Self>>;

    /// Checks what every test must leave true (the store's invariants) and closes the fixture.
    fn finish(self) -> impl Future<Output = ()>;

    /// Closes the fixture without checks: for tests that break the invariants on purpose.
    fn finish_unverified(self) -> impl Future<Output = ()>;
}

impl BothBackends for TestDb {
    async fn sqlite() -> Self {
        TestDb::sqlite().await
    }

    async fn postgres() -> Option<Self> {
        TestDb::postgres().await
    }

    async fn finish(self) {
        TestDb::finish(self).await;
    }

    async fn finish_unverified(self) {
        TestDb::finish_unverified(self).await;
    }
}

/// Builds the fixture on `backend`, runs `body` over it and finishes it; returns early on a skipped PostgreSQL.
pub async fn run_on<F: BothBackends>(backend: Backend, body: impl AsyncFnOnce(&F)) {
    let Some(fixture) = build(backend).await else { return };
    body(&fixture).await;
    fixture.finish().await;
}

/// As [`run_on`], without checking invariants at the end: for tests that break them on purpose.
pub async fn run_on_unverified<F: BothBackends>(backend: Backend, body: impl AsyncFnOnce(&F)) {
    let Some(fixture) = build(backend).await else { return };
    body(&fixture).await;
    fixture.finish_unverified().await;
}

/// The fixture on `backend`; `None` when PostgreSQL is skipped.
async fn build<F: BothBackends>(backend: Backend) -> Option<F> {
    match backend {
        Backend::Sqlite => Some(F::sqlite().await),
        Backend::Postgres => F::postgres().await,
    }
}

/// Runs the async function `$body(&fixture)` as two tests, `$name::sqlite` and `$name::postgres`, where the
/// fixture is whatever [`BothBackends`] type `$body` takes by reference. The fixture is finished (checked) after
/// the body; with `unverified` it is closed without checks (for tests that break the invariants on purpose).
/// The PostgreSQL test follows the skip policy when `KETAPATH_TEST_POSTGRES_URL` is unset.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident, $body:path, unverified) => {
        $crate::on_both_backends!(@tests $name, run_on_unverified, $body);
    };
    ($name:ident, $body:path) => {
        $crate::on_both_backends!(@tests $name, run_on, $body);
    };
    (@tests $name:ident, $run:ident, $body:path) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                $crate::$run($crate::Backend::Sqlite, $body).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                $crate::$run($crate::Backend::Postgres, $body).await;
            }
        }
    };
}
