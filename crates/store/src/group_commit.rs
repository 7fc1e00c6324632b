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
//!
//! The writer runs the writes of a batch one after another, and every statement is a round trip to the
//! driver's connection thread, so the statements that only frame a write are sent together: `BEGIN IMMEDIATE`
//! with the first savepoint, a write's `RELEASE` with the next write's `SAVEPOINT` when a write is waiting, and
//! the COMMIT without a `RELEASE` first (COMMIT ends every open savepoint with the transaction). Measured with
//! `scripts/bench/write_path.sh --backend sqlite` (docs/BENCHMARKS.md).

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
    /// The savepoint `request` of the batch, if one is open.
    savepoint: Savepoint,
    /// The writes whose savepoints were released, waiting for the COMMIT.
    acks: Vec<oneshot::Sender<Outcome>>,
}

/// The state of the batch's savepoint `request`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Savepoint {
    /// None is open: the next write opens its own.
    #[default]
    Closed,
    /// Opened by the previous write as it released its own, for the write that was waiting: nothing ran in it
    /// yet, so the next write takes it as it is.
    Ready,
    /// A write's savepoint that its write has not released (the write is running, failed or was dropped).
    InUse,
}

impl Batch {
    /// Rolls back the savepoint of a write that failed or was dropped, undoing that write alone. If SQLite cannot
    /// (the batch transaction itself was lost), the whole batch is rolled back and its writes are told it failed.
    ///
    /// The savepoint counts as open until the rollback has returned: a holder cancelled while it waits leaves
    /// the rollback to the next one, so that a failed write's rows can never be committed with the batch.
    async fn settle(&mut self) {
        if self.savepoint != Savepoint::InUse {
            return;
        }
        let Some(conn) = self.conn.as_mut() else {
            self.savepoint = Savepoint::Closed;
            return;
        };
        match conn.execute("ROLLBACK TO request; RELEASE request").await {
            Ok(_) => self.savepoint = Savepoint::Closed,
            // No savepoint of that name is open: a holder cancelled before SQLite's answer reached it had already
            // ended it, by this rollback or by the RELEASE of a write that had finished (whose rows then commit
            // with the batch, unacknowledged, as a write whose client hung up after its COMMIT). Either way there
            // is nothing left to undo.
            Err(sqlx::Error::Database(error)) if error.message().starts_with("no such savepoint") => {
                self.savepoint = Savepoint::Closed;
            }
            Err(error) => self.abort(&format!("undoing a failed write in the batch failed: {error}")).await,
        }
    }

    /// Rolls the whole batch back and tells each of its writes why.
    async fn abort(&mut self, why: &str) {
        if let Some(conn) = self.conn.as_mut() {
            // The transaction may already be gone (that is usually why we are here); either way the connection
            // goes back to the pool outside any transaction. It stays in the batch until the ROLLBACK returned,
            // so that a holder cancelled meanwhile leaves it to the next one instead of handing it back inside
            // the transaction.
            let _ = conn.execute("ROLLBACK").await;
        }
        self.conn = None;
        self.savepoint = Savepoint::Closed;
        for ack in self.acks.drain(..) {
            let _ = ack.send(Err(why.to_owned()));
        }
    }

    /// Commits the open batch and sends the outcome to each of its writes; returns the driver's error, if any,
    /// for the write that ran the COMMIT.
    ///
    /// The connection and the acknowledgements stay in the batch until SQLite has answered: a holder cancelled
    /// while it waits (its client went away) leaves them to the flush its drop starts, whose COMMIT then either
    /// commits the batch or finds no transaction and tells the writes their outcome is unknown. Neither hands
    /// the connection back to the pool inside the transaction.
    async fn commit(&mut self) -> Result<(), sqlx::Error> {
        // COMMIT also ends the savepoint a write may have left released-to-be or ready (see `Savepoint`).
        self.savepoint = Savepoint::Closed;
        let Some(conn) = self.conn.as_mut() else { return Ok(()) };
        let done = conn.execute("COMMIT").await.map(|_| ());
        let outcome = match &done {
            Ok(()) => Ok(()),
            Err(error) => {
                let _ = conn.execute("ROLLBACK").await;
                Err(error.to_string())
            }
        };
        self.conn = None;
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
        let Ok(batch) = locked else { return Err(StoreError::Unavailable(sqlx::Error::PoolTimedOut)) };
        waiting.done = true;
        drop(waiting);
        // From here on a request cancelled at any await (its client went away) drops `write`, whose `Drop`
        // has the batch flushed, so that the writes already waiting for the COMMIT get it.
        let mut write = BatchedWrite { batch: Some(batch), writer: self.clone() };
        write.batch_mut()?.settle().await;
        let batch = write.batch_mut()?;
        if batch.conn.is_none() {
            // The connection is in the batch before BEGIN is sent: dropped mid-way, it would go back to the pool
            // inside the transaction and every later BEGIN would fail. A savepoint counts as open only once
            // SQLite has answered; one opened but unanswered is empty and harmless (COMMIT ends it).
            batch.conn = Some(self.shared.pool.acquire().await?);
            write.conn()?.execute("BEGIN IMMEDIATE; SAVEPOINT request").await?;
            write.batch_mut()?.savepoint = Savepoint::InUse;
        } else if batch.savepoint == Savepoint::Ready {
            batch.savepoint = Savepoint::InUse;
        } else {
            write.conn()?.execute("SAVEPOINT request").await?;
            write.batch_mut()?.savepoint = Savepoint::InUse;
        }
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
        let batch = self.batch_mut()?;
        // The batch is committed here when no other write waits for the writer or the batch is full; the
        // COMMIT then ends this write's savepoint too, so no RELEASE is sent first.
        if shared.waiting.load(Ordering::SeqCst) == 0 || batch.acks.len() + 1 >= MAX_BATCH {
            batch.acks.push(sender);
            // Cancelled while it waits, this write still holds the lock, and its drop has the batch flushed (see
            // `Batch::commit`). Running the COMMIT in a task of its own instead cost up to a third of the write
            // rate in some runs of `scripts/bench/write_path.sh --backend sqlite`.
            let done = batch.commit().await;
            self.batch = None;
            return done.map_err(StoreError::from_commit);
        }
        // Otherwise a write is waiting: its savepoint is opened in the same round trip as this one is released
        // (if that write gives up instead, it stays empty until the COMMIT).
        let Some(conn) = batch.conn.as_deref_mut() else { return Err(finished()) };
        conn.execute("RELEASE request; SAVEPOINT request").await.map_err(StoreError::from)?;
        batch.savepoint = Savepoint::Ready;
        batch.acks.push(sender);
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

#[cfg(test)]
mod tests {
    use sqlx::Executor;

    use crate::db::Backend;
    use crate::{OpenMode, Store};

    /// The temporary storage of the writer connection, as SQLite reports it (1 file, 2 memory).
    async fn writer_temp_store(store: &Store) -> i64 {
        let Backend::Sqlite { writer, .. } = store.backend() else { panic!("a SQLite store") };
        let mut conn = writer.acquire().await.expect("the writer connection");
        let (mode,): (i64,) = sqlx::query_as("PRAGMA temp_store").fetch_one(&mut *conn).await.expect("the pragma");
        mode
    }

    /// The writer keeps its savepoints' undo pages in memory (a batch's journal outgrows what SQLite keeps in
    /// memory otherwise, and every write then wrote its undo pages to a temporary file), and is left that way
    /// after migrations, which run with temporary files. Batched writes, with a failed one among them, still
    /// leave exactly the others stored.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_writer_journals_savepoints_in_memory_and_migrations_spill_to_files() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let url = format!("sqlite://{}", dir.path().join("k.db").display());
        let store = Store::open(&url, OpenMode::CreateIfMissing).await.expect("the store");
        assert_eq!(writer_temp_store(&store).await, 2, "a new store's writer");
        store.migrate().await.expect("the migrations");
        assert_eq!(writer_temp_store(&store).await, 2, "the writer after the migrations");

        let Backend::Sqlite { group, writer, .. } = store.backend() else { panic!("a SQLite store") };
        writer.execute("CREATE TABLE batch_probe (n INTEGER PRIMARY KEY)").await.expect("the probe table");
        let mut tasks = Vec::new();
        for n in 0..200i64 {
            let group = group.clone();
            tasks.push(tokio::spawn(async move {
                let mut write = group.begin().await.expect("a batched write");
                // Write 0 and every seventh write insert row 0: whichever runs first is stored, the others fail
                // on the key and are dropped uncommitted.
                let row = if n % 7 == 3 { 0 } else { n };
                let inserted = sqlx::query("INSERT INTO batch_probe (n) VALUES ($1)")
                    .bind(row)
                    .execute(write.conn().expect("the writer"))
                    .await;
                match inserted {
                    Ok(_) => write.commit().await.map(|()| Some(row)).expect("the batch's commit"),
                    Err(_) => None,
                }
            }));
        }
        let mut committed = Vec::new();
        for task in tasks {
            committed.extend(task.await.expect("a write task"));
        }
        let stored: Vec<(i64,)> =
            sqlx::query_as("SELECT n FROM batch_probe ORDER BY n").fetch_all(writer).await.expect("the rows");
        let stored: Vec<i64> = stored.into_iter().map(|(n,)| n).collect();
        committed.sort_unstable();
        assert_eq!(stored, committed);
        let failing = (0..200).filter(|n| n % 7 == 3).count();
        assert_eq!(stored.len(), 200 - failing, "of the writes of row 0, exactly one is stored");
    }
}
