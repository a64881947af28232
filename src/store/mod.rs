//! The only code that touches SQLite.
//!
//! rusqlite is synchronous, so no SQLite call runs on the async runtime:
//! one writer thread owns the only read-write connection, and a few reader
//! threads own read connections. Async callers send them closures and await
//! the answer, as tokio-rusqlite does.
//!
//! Durability: WAL with `synchronous = FULL`, so a write is on disk (fsynced)
//! when its transaction commits, and it commits before the HTTP response
//! leaves. A pulled plug loses nothing the box acknowledged. To keep that
//! cheap the writer groups every write already waiting into one transaction
//! (group commit): one fsync for the batch. Each write runs in its own
//! savepoint, so a write that fails rolls back alone.

mod catalog;
mod migrations;
mod queue;
mod rooms;
mod users;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::thread;

use anyhow::Context;
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::config::{MAX_WRITE_BATCH, READ_CONNECTIONS};
use crate::error::{Error, Result};

type ReadJob = Box<dyn FnOnce(&Connection) + Send>;

/// A write: runs inside the batch's transaction (or is told why it cannot)
/// and hands back how to deliver its result once the batch has committed.
type WriteJob =
    Box<dyn FnOnce(std::result::Result<&Connection, &rusqlite::Error>) -> Completion + Send>;

struct Completion {
    ok: bool,
    deliver: Box<dyn FnOnce(std::result::Result<(), &rusqlite::Error>) + Send>,
}

/// A cheap handle to the store; clone it freely.
#[derive(Clone)]
pub struct Store {
    writer: flume::Sender<WriteJob>,
    readers: flume::Sender<ReadJob>,
}

impl Store {
    /// Opens (or creates) the database file, migrates it, loads the built-in
    /// catalog, and starts the connection threads. Blocking: call it before
    /// serving, or from `spawn_blocking`.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        let mut conn = open_connection(path)
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        migrations::run(&mut conn)?;
        catalog::load_builtin(&mut conn)?;

        let (writer, write_jobs) = flume::unbounded::<WriteJob>();
        thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || write_loop(conn, write_jobs))?;

        let (readers, read_jobs) = flume::unbounded::<ReadJob>();
        for i in 0..READ_CONNECTIONS {
            let conn = open_connection(path)?;
            conn.pragma_update(None, "query_only", true)?;
            let jobs = read_jobs.clone();
            thread::Builder::new()
                .name(format!("sqlite-reader-{i}"))
                .spawn(move || {
                    for job in jobs.iter() {
                        job(&conn);
                    }
                })?;
        }
        Ok(Store { writer, readers })
    }

    /// Runs `f` on a read connection.
    pub async fn read<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: ReadJob = Box::new(move |conn| {
            let _ = tx.send(run_guarded(|| f(conn)));
        });
        self.readers.send_async(job).await.map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }

    /// Runs `f` in a write transaction; resolves once that transaction has
    /// committed, so what the caller acknowledges is durable.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let job: WriteJob = Box::new(move |conn| {
            let result = match conn {
                Ok(conn) => run_guarded(|| f(conn)),
                Err(e) => Err(Error::from_failed_commit(e)),
            };
            Completion {
                ok: result.is_ok(),
                deliver: Box::new(move |commit| {
                    let outcome = match (result, commit) {
                        (Err(e), _) => Err(e),
                        (Ok(v), Ok(())) => Ok(v),
                        (Ok(_), Err(e)) => Err(Error::from_failed_commit(e)),
                    };
                    let _ = tx.send(outcome);
                }),
            }
        });
        self.writer.send_async(job).await.map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }

    /// Checkpoints the WAL into the main file; used at shutdown so the file
    /// can be copied alone.
    pub async fn checkpoint(&self) -> Result<()> {
        self.write(|conn| {
            conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
            Ok(())
        })
        .await
    }
}

fn stopped() -> Error {
    Error::Unavailable("The box is shutting down.".into())
}

/// A panic in one job must not take the connection thread down with it.
fn run_guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|_| Err(Error::Other(anyhow::anyhow!("a storage job panicked"))))
}

fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

fn write_loop(conn: Connection, jobs: flume::Receiver<WriteJob>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_WRITE_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        run_batch(&conn, batch);
    }
    // Every sender is gone: the box is shutting down.
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "final checkpoint failed");
    }
}

fn run_batch(conn: &Connection, batch: Vec<WriteJob>) {
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        tracing::warn!(error = %e, "cannot begin a write transaction");
        for job in batch {
            // The job never runs; its caller learns why.
            (job(Err(&e)).deliver)(Err(&e));
        }
        return;
    }
    let mut pending = Vec::with_capacity(batch.len());
    for job in batch {
        if let Err(e) = conn.execute_batch("SAVEPOINT job") {
            tracing::warn!(error = %e, "cannot open a savepoint");
            (job(Err(&e)).deliver)(Err(&e));
            continue;
        }
        let completion = job(Ok(conn));
        let close = if completion.ok {
            "RELEASE job"
        } else {
            "ROLLBACK TO job; RELEASE job"
        };
        if let Err(e) = conn.execute_batch(close) {
            tracing::error!(error = %e, "cannot close a savepoint");
        }
        pending.push(completion);
    }
    let commit = conn.execute_batch("COMMIT");
    if commit.is_err() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for completion in pending {
        (completion.deliver)(commit.as_ref().map(|_| ()));
    }
}

/// Current time as the fixed-width UTC text the schema stores.
pub fn now() -> String {
    use time::macros::format_description;
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .expect("a UTC timestamp always formats")
}
