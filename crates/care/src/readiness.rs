//! The readiness seam: whether this process can serve traffic now (database reachable, search index built),
//! asked by `GET /readyz` and implemented by the engines that need warming up, such as [`crate::Directory`].

use std::future::Future;
use std::pin::Pin;

/// A boxed future, so that [`Readiness`] can be used as a trait object.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Answers `GET /readyz`: can this instance serve traffic now (database reachable, search index built)?
pub trait Readiness: Send + Sync + 'static {
    /// `Ok(())` when ready; otherwise a short reason that is safe to show to anyone (no secrets, no patient data).
    fn check(&self) -> BoxFuture<'_, Result<(), String>>;
}

/// Readiness of a process that depends on nothing: ready as soon as it listens.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDependencies;

impl Readiness for NoDependencies {
    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async { Ok(()) })
    }
}
