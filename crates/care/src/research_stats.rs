//! Registry statistics and the directory's published outcomes, computed off the request path and cached.
//!
//! The statistics need every consenting patient's records, which on a large database takes seconds, so no request
//! computes them: [`ResearchStats::snapshot`] answers from the cached snapshot while it is younger than the TTL,
//! and otherwise one caller recomputes while the others wait for that same result (single flight). `ketapath
//! serve` also starts [`ResearchStats::spawn_refresher`], which recomputes on a schedule so that requests find a
//! fresh snapshot. Each computation is one audited research read by the system; no patient id leaves it.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ketapath_clinical::outcomes::OutcomeConfig;
use ketapath_research::stats::registry::PublishedOutcome;
use ketapath_research::{ClinicOutcomes, Registry, RegistryBuilder, RegistryConfig, Threshold};
use ketapath_store::{RESEARCH_PAGE, Store, StoreError};
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

/// Why the statistics could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The computation refused a stored record; the detail is logged (field names, no values).
    #[error("the registry statistics could not be computed: {0}")]
    Internal(&'static str),
}

/// How long a snapshot is served before a request triggers a recomputation.
pub const DEFAULT_TTL: Duration = Duration::from_secs(600);

/// One computation of the public statistics.
#[derive(Debug)]
pub struct Snapshot {
    pub computed_at: Instant,
    /// The registry over every consenting patient, public view (cells under the threshold suppressed).
    pub registry: Registry,
    /// The outcome lines of each clinic that opted in, by clinic id; absent or empty means nothing is shown.
    pub outcomes: HashMap<String, Vec<PublishedOutcome>>,
}

/// The cache of registry statistics one server process answers from.
#[derive(Debug)]
pub struct ResearchStats {
    ttl: Duration,
    cached: Mutex<Option<Arc<Snapshot>>>,
}

impl Default for ResearchStats {
    fn default() -> Self {
        Self::new(DEFAULT_TTL)
    }
}

impl ResearchStats {
    pub fn new(ttl: Duration) -> Self {
        Self { ttl, cached: Mutex::new(None) }
    }

    /// The current snapshot, recomputed first when missing or older than the TTL.
    pub async fn snapshot(&self, store: &Store) -> Result<Arc<Snapshot>, StatsError> {
        let mut cached = self.cached.lock().await;
        if let Some(s) = cached.as_ref().filter(|s| s.computed_at.elapsed() < self.ttl) {
            return Ok(Arc::clone(s));
        }
        let fresh = Arc::new(compute(store).await?);
        *cached = Some(Arc::clone(&fresh));
        Ok(fresh)
    }

    /// Recomputes now, whatever the age of the snapshot.
    pub async fn refresh(&self, store: &Store) -> Result<(), StatsError> {
        let fresh = Arc::new(compute(store).await?);
        *self.cached.lock().await = Some(fresh);
        Ok(())
    }

    /// Recomputes every `interval` until the handle is aborted; failures are logged and retried next time.
    pub fn spawn_refresher(self: &Arc<Self>, store: Store, interval: Duration) -> JoinHandle<()> {
        let stats = Arc::clone(self);
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                if let Err(error) = stats.refresh(&store).await {
                    tracing::warn!(%error, "registry statistics refresh failed; retrying");
                }
            }
        })
    }
}

/// Reads every consenting patient once, a page at a time, and computes the registry and each opted-in clinic's
/// outcome lines as the pages come: memory holds one page and the per-cell counts, not every patient. The
/// aggregation of a page (tens of milliseconds for a full page) runs on the reading task, between its queries.
async fn compute(store: &Store) -> Result<Snapshot, StatsError> {
    let as_of = store.now().date();
    let reader = store.research_reader_for_admin_cli_and_registry("registry");
    // The patients changed since the last run get their stored statistics records rebuilt first, so that the read
    // below takes one stored record per patient (it would build the others from their rows, slower, not wrong).
    reader.refresh_statistics().await?;
    let publishing = store.clinics_publishing_outcomes().await?;
    let mut registry = RegistryBuilder::new(RegistryConfig::public(as_of));
    let mut clinics: Vec<ClinicOutcomes> = publishing
        .iter()
        .map(|clinic| ClinicOutcomes::new(clinic.as_str(), as_of, &OutcomeConfig::default(), Threshold::default()))
        .collect();
    reader
        .for_each_statistics_page(as_of, RESEARCH_PAGE, |page| {
            for patient in &page {
                registry.add(patient).map_err(refused)?;
                for clinic in &mut clinics {
                    clinic.add(patient).map_err(refused)?;
                }
            }
            Ok::<_, StatsError>(())
        })
        .await?;
    let mut outcomes = HashMap::new();
    for (clinic, lines) in publishing.iter().zip(clinics) {
        outcomes.insert(clinic.as_str().to_owned(), lines.finish().map_err(refused)?);
    }
    Ok(Snapshot { computed_at: Instant::now(), registry: registry.finish().map_err(refused)?, outcomes })
}

/// Stored records the rules refuse are a data fault, not the caller's: log the field, answer 500.
fn refused(error: ketapath_clinical::InvalidInput) -> StatsError {
    tracing::error!(field = %error.field, "registry computation refused a stored record");
    StatsError::Internal("a stored record was refused")
}
