//! SQLite group commit: the write transactions waiting for SQLite's one writer share one `BEGIN IMMEDIATE`
//! transaction and one fsynced COMMIT, each inside a savepoint of its own, and each is acknowledged only after
//! that COMMIT returned.
//!
//! Why: with `synchronous=FULL` every COMMIT waits for an fsync of the WAL, and SQLite has one writer, so one
//! fsync per request caps the write rate at the disk's fsync rate. Requests that queue for the writer anyway
//! can share one.
//!
//! How: a write takes the batch's lock (FIFO, so the oldest waiter goes first), opens the batch transaction if
//! none is open, and runs inside `SAVEPOINT request`. Its "commit" releases the savepoint and then either commits
//! the batch itself, when no other write is waiting for the lock or the batch is full ([`MAX_BATCH`]), or leaves
//! the commit to the next write and waits for the outcome. No timer is involved: a lone write commits at once,
//! and a batch holds exactly the writes that queued while earlier ones ran. A write that fails or is dropped
//! leaves its savepoint open; whoever takes the lock next rolls back that savepoint alone (the batch's other
//! writes stay), and a flush task is started so that writes already waiting for the COMMIT are not left waiting
//! when nobody else comes. Reads inside a later savepoint see the earlier ones (the audit chain's head, a unique
//! key), so the chain and the constraints see the same order as the COMMIT stores.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::sqlite::{SqliteConnection, SqlitePool};
use sqlx::{Executor, Sqlite};
use tokio::sync::{Mutex, OwnedMutexGuard, oneshot};

use crate::error::{StoreError, StoreResult};

/// The most writes one COMMIT acknowledges, so that the first write of a long queue waits for at most this many
/// others before its answer.
pub(crate) const MAX_BATCH: usize = 64;

/// The outcome of a batch's COMMIT, sent to every write of the batch: `Err` holds the driver's message.
type Outcome = Result<(), String>;

/// SQLite's one writer, shared by every write transaction of a store. Cheap to clone.
#[derive(Debug, Clone)]
pub(crate) struct GroupWriter {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    /// The one-connection writer pool; a batch holds its connection from `BEGIN IMMEDIATE` to COMMIT, so that
    /// migrations and the test helpers that write on the pool directly run between batches.
    pool: SqlitePool,
    batch: Arc<Mutex<Batch>>,
    /// Writes waiting for the batch's lock (not the one holding it).
    waiting: AtomicUsize,
    /// How long a write waits for the writer before it is told the database is unavailable (the pool's
    /// acquire timeout, as when writes queued on the pool).
    acquire_timeout: Duration,
}

/// The open batch, guarded by the lock.
#[derive(Debug, Default)]
struct Batch {
    /// The writer connection, inside `BEGIN IMMEDIATE`, while a batch is open.
    conn: Option<PoolConnection<Sqlite>>,
    /// A savepoint is open whose write has not released it (it is running, failed or was dropped).
    savepoint_open: bool,
    /// The writes whose savepoints were released, waiting for the COMMIT.
    acks: Vec<oneshot::Sender<Outcome>>,
}

impl Batch {
    /// Rolls back the savepoint of a write that failed or was dropped, undoing that write alone. If SQLite cannot
    /// (the batch transaction itself was lost), the whole batch is rolled back and its writes are told it failed.
    async fn settle(&mut self) {
        if !self.savepoint_open {
            return;
        }
        self.savepoint_open = false;
        let Some(conn) = self.conn.as_mut() else { return };
        if let Err(error) = conn.execute("ROLLBACK TO request; RELEASE request").await {
            self.abort(&format!("undoing a failed write in the batch failed: {error}")).await;
        }
    }

    /// Rolls the whole batch back and tells each of its writes why.
    async fn abort(&mut self, why: &str) {
        if let Some(mut conn) = self.conn.take() {
            // The transaction may already be gone (that is usually why we are here); either way the connection
            // goes back to the pool outside any transaction.
            let _ = conn.execute("ROLLBACK").await;
        }
        for ack in self.acks.drain(..) {
            let _ = ack.send(Err(why.to_owned()));
        }
    }

    /// Commits the open batch and sends the outcome to each of its writes; returns the driver's error, if any,
    /// for the write that ran the COMMIT.
    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        let Some(mut conn) = self.conn.take() else { return Ok(()) };
        let done = conn.execute("COMMIT").await.map(|_| ());
        let outcome = match &done {
            Ok(()) => Ok(()),
            Err(error) => {
                let _ = conn.execute("ROLLBACK").await;
                Err(error.to_string())
            }
        };
        for ack in self.acks.drain(..) {
            let _ = ack.send(outcome.clone());
        }
        done
    }
}

/// Counts a write as waiting for the lock until it gets it or gives up; a write that gives up (its request was
/// cancelled) starts a flush, since a write that released its savepoint may be counting on it to commit.
struct Waiting<'a> {
    writer: &'a GroupWriter,
    done: bool,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.writer.shared.waiting.fetch_sub(1, Ordering::SeqCst);
        if !self.done {
            self.writer.flush_later();
        }
    }
}

impl GroupWriter {
    pub(crate) fn new(pool: SqlitePool, acquire_timeout: Duration) -> Self {
        Self {
            shared: Arc::new(Shared {
                pool,
                batch: Arc::new(Mutex::new(Batch::default())),
                waiting: AtomicUsize::new(0),
                acquire_timeout,
            }),
        }
    }

    /// Starts a write: waits for the writer, opens the batch transaction if none is open, and opens this write's
    /// savepoint.
    pub(crate) async fn begin(&self) -> StoreResult<BatchedWrite> {
        self.shared.waiting.fetch_add(1, Ordering::SeqCst);
        let mut waiting = Waiting { writer: self, done: false };
        let locked = tokio::time::timeout(self.shared.acquire_timeout, self.shared.batch.clone().lock_owned()).await;
        let Ok(mut batch) = locked else { return Err(StoreError::Unavailable(sqlx::Error::PoolTimedOut)) };
        waiting.done = true;
        drop(waiting);
        batch.settle().await;
        let mut write = BatchedWrite { batch: Some(batch), writer: self.clone() };
        let batch = write.batch_mut()?;
        if batch.conn.is_none() {
            let mut conn = self.shared.pool.acquire().await?;
            conn.execute("BEGIN IMMEDIATE").await?;
            batch.conn = Some(conn);
        }
        batch.savepoint_open = true;
        write.conn()?.execute("SAVEPOINT request").await?;
        Ok(write)
    }

    /// Commits whatever the batch holds, from a task of its own: for a write that gave up or failed while others
    /// wait for the COMMIT. Outside a runtime (a store dropped after its runtime) there is nothing left to wait.
    fn flush_later(&self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let shared = Arc::clone(&self.shared);
        runtime.spawn(async move {
            let mut batch = shared.batch.clone().lock_owned().await;
            batch.settle().await;
            let _ = batch.commit().await;
        });
    }
}

/// One write of a batch, holding the writer until it commits or is dropped.
#[derive(Debug)]
pub(crate) struct BatchedWrite {
    /// `None` only after [`BatchedWrite::commit`] has let go of the lock.
    batch: Option<OwnedMutexGuard<Batch>>,
    writer: GroupWriter,
}

impl BatchedWrite {
    fn batch_mut(&mut self) -> StoreResult<&mut Batch> {
        self.batch.as_deref_mut().ok_or_else(finished)
    }

    /// The writer connection, inside this write's savepoint.
    pub(crate) fn conn(&mut self) -> StoreResult<&mut SqliteConnection> {
        self.batch_mut()?.conn.as_deref_mut().ok_or_else(finished)
    }

    /// Releases this write's savepoint and returns once the batch holding it is durable: committed here when no
    /// other write waits for the writer or the batch is full, otherwise by a later write of the batch.
    pub(crate) async fn commit(mut self) -> StoreResult<()> {
        let (sender, outcome) = oneshot::channel();
        let shared = Arc::clone(&self.writer.shared);
        {
            let batch = self.batch_mut()?;
            let Some(conn) = batch.conn.as_deref_mut() else { return Err(finished()) };
            conn.execute("RELEASE request").await.map_err(StoreError::from)?;
            batch.savepoint_open = false;
            batch.acks.push(sender);
            if shared.waiting.load(Ordering::SeqCst) == 0 || batch.acks.len() >= MAX_BATCH {
                let done = batch.commit().await;
                self.batch = None;
                return done.map_err(StoreError::from_commit);
            }
        }
        // Let go of the lock: the next write runs in this batch and commits it (or a later one does).
        self.batch = None;
        match outcome.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(StoreError::CommitUnknown(sqlx::Error::Protocol(format!(
                "the COMMIT of the batch holding this write failed: {why}"
            )))),
            Err(_) => Err(StoreError::CommitUnknown(sqlx::Error::Protocol(
                "the batch holding this write ended without a COMMIT".to_owned(),
            ))),
        }
    }
}

impl Drop for BatchedWrite {
    fn drop(&mut self) {
        // Still holding the lock means the write did not commit: its savepoint stays open for the next holder to
        // roll back, and a flush makes sure the writes already released in this batch get their COMMIT.
        if self.batch.take().is_some() {
            self.writer.flush_later();
        }
    }
}

/// The error of using a write after it let go of the writer, which the types keep from happening.
fn finished() -> StoreError {
    StoreError::Unavailable(sqlx::Error::PoolClosed)
}
