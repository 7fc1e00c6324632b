//! The shared state of every request: configuration, the store, the readiness seam, metrics and the rate limiter.
//!
//! The store is optional: a state without one is valid for the pure routes (self-check, scoring, the finder over an
//! in-memory directory) and for the tests that build one. Handlers reach it only through [`AppState::store`] (the
//! [`crate::extract::Db`] extractor, and the staff and portal extractors after their credential checks), which is
//! the one place that answers 503 `not_ready` while there is none.

use std::sync::Arc;

use ketapath_clinical::screen::ScreenConfig;
use ketapath_research::stats::registry::PublishedOutcome;

use crate::config::WebConfig;
use crate::error::ApiError;
use ketapath_research::ExportKey;

use crate::layers::metrics::Metrics;
use crate::layers::rate_limit::RateLimiter;
use ketapath_care::directory::Directory;
pub use ketapath_care::readiness::{BoxFuture, NoDependencies, Readiness};
use ketapath_care::research_stats::ResearchStats;
use ketapath_store::{Store, StoreResult};

/// Everything handlers share. Cheap to clone: every field is an `Arc`.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<WebConfig>,
    pub readiness: Arc<dyn Readiness>,
    /// The self-check's configurable values (dose table, TRD thresholds, caution bounds).
    pub screen: Arc<ScreenConfig>,
    /// The clinic directory the finder, the clinics API and FHIR answer from. Empty unless one is given.
    pub directory: Arc<Directory>,
    /// The cached registry statistics and published clinic outcomes (computed from the directory's store).
    pub research: Arc<ResearchStats>,
    /// The key of the researcher export route; without one the route answers 503.
    pub research_key: Option<Arc<ExportKey>>,
    /// The database every store route acts on; `None` on a server or test state without one. Private, so that
    /// every handler meets the same 503 through [`AppState::store`].
    store: Option<Store>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) limiter: Arc<RateLimiter>,
}

impl AppState {
    /// State with the given configuration and no dependencies to wait for.
    pub fn new(config: WebConfig) -> Self {
        let limiter = Arc::new(RateLimiter::new(config.rate_limit));
        Self {
            config: Arc::new(config),
            readiness: Arc::new(NoDependencies),
            screen: Arc::new(ScreenConfig::default()),
            directory: Directory::in_memory(Vec::new()),
            research: Arc::new(ResearchStats::default()),
            research_key: None,
            store: None,
            metrics: Arc::new(Metrics::default()),
            limiter,
        }
    }

    /// Takes one request from `key`'s rate-limit allowance; over it, the 429 with its Retry-After.
    pub(crate) fn limit(&self, key: crate::layers::rate_limit::LimitKey) -> Result<(), ApiError> {
        self.limiter.check(key).map_err(|wait| ApiError::RateLimited {
            retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        })
    }

    /// Takes from the allowance of a staff member's writes (the API or the portal, per user wherever they sign
    /// in from); reads are never limited.
    pub(crate) fn limit_staff(
        &self,
        parts: &axum::http::request::Parts,
        user: ketapath_store::domain::StaffId,
    ) -> Result<(), ApiError> {
        if !crate::layers::rate_limit::is_limited(&parts.method) {
            return Ok(());
        }
        self.limit(crate::layers::rate_limit::LimitKey::staff(user))
    }

    /// Takes a write with a staff credential that was not accepted from its address's public allowance, so that
    /// bogus credentials do not escape the limit the edge left to the sign-in check.
    pub(crate) fn limit_refused_credential(&self, parts: &axum::http::request::Parts) -> Result<(), ApiError> {
        if !crate::layers::rate_limit::is_limited(&parts.method) {
            return Ok(());
        }
        let client = crate::layers::client::client_key(&parts.headers, &parts.extensions, &self.config.trusted_proxies);
        self.limit(crate::layers::rate_limit::LimitKey::Public(client))
    }

    /// Replaces the readiness check (phase 2: the store's and the search index's).
    #[must_use]
    pub fn with_readiness(mut self, readiness: Arc<dyn Readiness>) -> Self {
        self.readiness = readiness;
        self
    }
}

impl AppState {
    /// The state of a server over `store`: the store for every route that needs it, and the clinic directory loaded
    /// from it (which `/readyz` waits for). The caller starts the directory's refresher when listings may change.
    pub async fn load(config: WebConfig, store: Store) -> StoreResult<Self> {
        let directory = Directory::load(store.clone()).await?;
        Ok(Self::new(config).with_store(store).with_directory(directory))
    }

    /// Acts on `store` in every route that reads or writes the database (`ketapath serve` and the test fixtures).
    #[must_use]
    pub fn with_store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    /// The store, or the one 503 `not_ready` (with `Retry-After`) of a server without a database. Extractors that
    /// check credentials first ([`crate::auth::StaffActor`], the portal's session) call this after the check;
    /// handlers take [`crate::extract::Db`], which calls it too.
    pub(crate) fn store(&self) -> Result<&Store, ApiError> {
        self.store.as_ref().ok_or_else(|| ApiError::NotReady("this server has no database".to_owned()))
    }

    /// The store when there is one, for what a page only adds when it can (the offer to receive summaries, a
    /// clinic's published outcomes) and leaves out otherwise, rather than refusing the page.
    pub(crate) fn optional_store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    /// Serves clinics from `directory`, and makes `/readyz` wait for it (its store must answer).
    #[must_use]
    pub fn with_directory(mut self, directory: Arc<Directory>) -> Self {
        self.readiness = directory.clone();
        self.directory = directory;
        self
    }

    /// Enables the researcher export route with this key.
    #[must_use]
    pub fn with_research_key(mut self, key: ExportKey) -> Self {
        self.research_key = Some(Arc::new(key));
        self
    }

    /// Replaces the registry statistics cache (a server's own TTL).
    #[must_use]
    pub fn with_research_stats(mut self, stats: Arc<ResearchStats>) -> Self {
        self.research = stats;
        self
    }

    /// Replaces the self-check's configuration (a clinic's own dose table or thresholds).
    #[must_use]
    pub fn with_screen_config(mut self, config: ScreenConfig) -> Self {
        self.screen = Arc::new(config);
        self
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .field("has_store", &self.store.is_some())
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// The outcome lines a clinic publishes: empty unless it opted in and a cell reaches the threshold. A failure to
    /// compute is logged and shows nothing, so that the clinic's listing itself is always served.
    pub async fn published_outcomes(&self, clinic: &str) -> Vec<PublishedOutcome> {
        let Some(store) = self.optional_store() else { return Vec::new() };
        match self.research.snapshot(store).await {
            Ok(snapshot) => snapshot.outcomes.get(clinic).cloned().unwrap_or_default(),
            Err(_) => Vec::new(),
        }
    }
}
