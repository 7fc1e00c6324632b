//! The clinic directory service: the in-memory search index of every live listing, kept fresh from the store.
//!
//! Each server process builds its own [`ClinicIndex`] at startup and then follows the store's listing change
//! feed (`clinic_changes_since`), woken by PostgreSQL notifications where the store has them and by polling
//! otherwise, so that several stateless servers over one database all see a listing change within seconds.
//! Only the refresher task writes the index; requests take the read lock for as long as one search and its
//! serialization take, and the expensive rebuild (compaction) runs outside every lock.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

use ketapath_directory::search::ClinicIndex;
use ketapath_directory::{Clinic, ClinicId, Language};
use ketapath_store::domain::ClinicChange;
use ketapath_store::{Store, StoreError, StoreResult};
use tokio::task::JoinHandle;

use crate::readiness::{BoxFuture, Readiness};

/// How the refresher follows the store.
#[derive(Debug, Clone, Copy)]
pub struct RefreshOptions {
    /// How often the store is asked for changes when no notification arrives (on SQLite always; on PostgreSQL
    /// as a safety net for a notification lost while the listener reconnects).
    pub poll_interval: Duration,
    /// Compact the index once this many changes wait outside the tree.
    pub compact_after: usize,
}

impl Default for RefreshOptions {
    fn default() -> Self {
        Self { poll_interval: Duration::from_secs(1), compact_after: 1000 }
    }
}

/// The clinic directory one server process answers from.
pub struct Directory {
    /// The store the refresher follows and readiness asks; handlers never reach the store through here (the web
    /// layer's state holds its own handle).
    store: Option<Store>,
    index: RwLock<ClinicIndex>,
    /// The listing version the index reflects.
    version: AtomicI64,
    /// Every language some listing has named since startup, for the finder's language choice. It only grows
    /// (a language whose last clinic left stays offered, and then finds nothing) until the next restart.
    languages: RwLock<BTreeSet<Language>>,
}

fn languages_of<'a>(clinics: impl Iterator<Item = &'a Clinic>) -> BTreeSet<Language> {
    clinics.flat_map(|c| c.languages.iter().copied()).collect()
}

impl Directory {
    /// A directory over a fixed set of clinics with no store behind it (tests, and servers without a database).
    pub fn in_memory(clinics: Vec<Clinic>) -> Arc<Self> {
        let languages = RwLock::new(languages_of(clinics.iter()));
        Arc::new(Self {
            store: None,
            index: RwLock::new(ClinicIndex::build(clinics)),
            version: AtomicI64::new(0),
            languages,
        })
    }

    /// Loads every live listing from `store` and builds the index. The version is read first, so that a write
    /// landing during the scan is applied again by the first refresh rather than missed.
    pub async fn load(store: Store) -> StoreResult<Arc<Self>> {
        let version = store.listing_version().await?;
        let mut clinics = Vec::new();
        store.for_each_clinic(|c| clinics.push(c)).await?;
        let languages = RwLock::new(languages_of(clinics.iter()));
        let index = tokio::task::spawn_blocking(move || ClinicIndex::build(clinics)).await.map_err(|e| {
            StoreError::Io { context: "building the clinic index".to_owned(), source: std::io::Error::other(e) }
        })?;
        Ok(Arc::new(Self {
            store: Some(store),
            index: RwLock::new(index),
            version: AtomicI64::new(version),
            languages,
        }))
    }

    /// The listing version the index reflects (0 for an in-memory directory).
    pub fn version(&self) -> i64 {
        self.version.load(Ordering::Acquire)
    }

    /// The languages the listings name, in code order.
    pub fn languages(&self) -> Vec<Language> {
        self.languages.read().unwrap_or_else(std::sync::PoisonError::into_inner).iter().copied().collect()
    }

    /// Runs `f` with the index under the read lock. Keep `f` short: search, then serialize, then return owned data.
    pub fn read<R>(&self, f: impl FnOnce(&ClinicIndex) -> R) -> R {
        f(&self.read_guard())
    }

    /// A clone of one clinic's listing.
    pub fn clinic(&self, id: &ClinicId) -> Option<Clinic> {
        self.read(|index| index.get(id).cloned())
    }

    /// Number of live clinics.
    pub fn len(&self) -> usize {
        self.read(ClinicIndex::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn read_guard(&self) -> RwLockReadGuard<'_, ClinicIndex> {
        // A panic while holding the lock cannot leave the index half-changed in a way searches notice (each
        // change is one call), so a poisoned lock is still used rather than failing every request after it.
        self.index.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn write(&self, f: impl FnOnce(&mut ClinicIndex)) {
        let mut guard = self.index.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard);
    }

    /// Applies every listing change after the held version; returns how many were applied. A directory
    /// without a store has nothing to apply.
    pub async fn refresh(&self) -> StoreResult<usize> {
        let Some(store) = &self.store else { return Ok(0) };
        let changes = store.clinic_changes_since(self.version()).await?;
        let applied = changes.changes.len();
        if applied > 0 {
            let upserted = changes.changes.iter().filter_map(|c| match c {
                ClinicChange::Upserted(clinic) => Some(&**clinic),
                ClinicChange::Deleted(_) => None,
            });
            let learned = languages_of(upserted);
            self.languages.write().unwrap_or_else(std::sync::PoisonError::into_inner).extend(learned);
            self.write(|index| {
                for change in changes.changes {
                    match change {
                        ClinicChange::Upserted(clinic) => index.upsert(*clinic),
                        ClinicChange::Deleted(id) => {
                            index.remove(&id);
                        }
                    }
                }
            });
        }
        self.version.store(changes.version, Ordering::Release);
        Ok(applied)
    }

    /// Rebuilds the index when more than `threshold` changes wait outside the tree. The rebuild runs on a
    /// blocking thread with no lock held; only the swap takes the write lock. Safe because the refresher,
    /// the only writer, is the caller: no change can arrive between the copy and the swap.
    pub async fn compact_if_needed(&self, threshold: usize) -> bool {
        let live = {
            let index = self.read_guard();
            if index.pending_changes() <= threshold {
                return false;
            }
            index.clinics().cloned().collect::<Vec<_>>()
        };
        match tokio::task::spawn_blocking(move || ClinicIndex::build(live)).await {
            Ok(fresh) => {
                self.write(|index| *index = fresh);
                true
            }
            Err(error) => {
                tracing::error!(%error, "clinic index compaction failed; the current index stays in use");
                false
            }
        }
    }

    /// Starts the background task that keeps the index fresh. It runs until the returned handle is aborted
    /// or the runtime ends; store errors are logged and retried at the next wake-up.
    pub fn spawn_refresher(self: &Arc<Self>, options: RefreshOptions) -> JoinHandle<()> {
        let directory = Arc::clone(self);
        tokio::spawn(async move { directory.follow(options).await })
    }

    async fn follow(&self, options: RefreshOptions) {
        let Some(store) = &self.store else { return };
        let mut listener = match store.listen_clinic_changes().await {
            Ok(listener) => listener,
            Err(error) => {
                tracing::warn!(%error, "cannot listen for listing changes; polling only");
                None
            }
        };
        let mut ticker = tokio::time::interval(options.poll_interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            match listener.as_mut() {
                Some(l) => {
                    tokio::select! {
                        notified = l.next_version() => {
                            if let Err(error) = notified {
                                tracing::warn!(%error, "listing change listener failed; polling until it recovers");
                                tokio::time::sleep(options.poll_interval).await;
                            }
                        }
                        _ = ticker.tick() => {}
                    }
                }
                None => {
                    ticker.tick().await;
                }
            }
            match self.refresh().await {
                Ok(applied) if applied > 0 => tracing::debug!(applied, "clinic index refreshed"),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "clinic index refresh failed; retrying"),
            }
            self.compact_if_needed(options.compact_after).await;
        }
    }
}

impl Readiness for Directory {
    /// A directory exists only once its index is built (`ketapath serve` loads it before it listens), so it is
    /// ready when its store, if any, answers.
    fn check(&self) -> BoxFuture<'_, Result<(), String>> {
        Box::pin(async move {
            if let Some(store) = &self.store {
                store.listing_version().await.map_err(|_| "the database does not answer".to_owned())?;
            }
            Ok(())
        })
    }
}

impl std::fmt::Debug for Directory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Directory")
            .field("has_store", &self.store.is_some())
            .field("version", &self.version())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ketapath_directory::Gazetteer;
    use ketapath_directory::demo::demo_clinics;
    use ketapath_directory::model::Position;
    use ketapath_directory::search::Query;

    fn nearest(directory: &Directory) -> Vec<String> {
        let query = Query { limit: 50, ..Query::near(Position { lat: 40.75, lon: -73.99 }) };
        directory.read(|index| index.search(&query).hits.iter().map(|h| h.clinic.id.as_str().to_owned()).collect())
    }

    #[tokio::test]
    async fn compaction_folds_pending_changes_in_without_changing_answers() {
        let clinics = demo_clinics(40, 7, Gazetteer::shipped());
        let directory = Directory::in_memory(clinics[..30].to_vec());
        directory.write(|index| {
            for clinic in &clinics[30..] {
                index.upsert(clinic.clone());
            }
            index.remove(&clinics[0].id);
        });
        let before = nearest(&directory);
        assert_eq!(directory.read(ClinicIndex::pending_changes), 11);
        assert!(!directory.compact_if_needed(11).await, "at the threshold nothing is rebuilt");
        assert!(directory.compact_if_needed(10).await);
        assert_eq!(directory.read(ClinicIndex::pending_changes), 0);
        assert_eq!(nearest(&directory), before);
        assert_eq!(directory.len(), 39);
    }

    #[tokio::test]
    async fn an_in_memory_directory_is_ready_and_has_nothing_to_refresh() {
        let directory = Directory::in_memory(demo_clinics(3, 1, Gazetteer::shipped()));
        assert_eq!(directory.refresh().await.ok(), Some(0));
        assert_eq!(directory.check().await, Ok(()));
        assert!(!directory.languages().is_empty());
    }
}
