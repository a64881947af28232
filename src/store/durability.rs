//! Durability: what the box acknowledged is never lost. SQLite runs in WAL
//! mode with `synchronous = FULL` on every connection, so a write is on
//! disk (fsynced) when its transaction commits, and it commits before the
//! HTTP answer leaves: a pulled plug loses nothing the box acknowledged.
//! To keep that cheap, the one writer thread groups every write already
//! waiting into one transaction (group commit: one fsync for the batch),
//! each write in its own savepoint so a failing one rolls back alone; after
//! the commit it reloads the rooms the batch touched into memory and only
//! then answers. Checkpoints copy the WAL into the database on a thread of
//! their own, so they never stall a commit.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;
use std::thread;

use rusqlite::Connection;
use tokio::sync::oneshot;

use super::{snapshot, standing};
use crate::limits::{CHECKPOINT_EVERY, MAX_WRITE_BATCH, WAL_SIZE_LIMIT};
use crate::timestamp::Timestamp;

/// A write: runs inside the batch's transaction (or is told why it cannot)
/// and hands back how to deliver its result once the batch has committed.
pub(super) type WriteJob = Box<dyn for<'a> FnOnce(Outcome<'a, Batch<'a>>) -> Completion + Send>;

/// What a job in a batch works with: the connection, and what it may trust
/// from memory (rooms the batch has not changed yet).
#[derive(Clone, Copy)]
pub(super) struct Batch<'a> {
    pub(super) conn: &'a Connection,
    pub(super) rooms: &'a snapshot::RoomCache,
    /// Rooms whose queue the batch's earlier jobs changed.
    pub(super) changed: &'a BTreeSet<String>,
    /// Rooms whose settings they changed.
    pub(super) ruled: &'a BTreeSet<String>,
    pub(super) standing: &'a standing::StandingVotes,
}

/// How the batch went for a job: its connection or its commit, or the
/// SQLite error that stopped it.
pub(super) type Outcome<'a, T> = std::result::Result<T, &'a rusqlite::Error>;

/// Sends a job's result to its caller, once the batch's commit is known.
pub(super) type Deliver = Box<dyn FnOnce(Outcome<()>) + Send>;

pub(super) struct Completion {
    pub(super) ok: bool,
    /// The job only voted or added, so votes already cast still stand.
    pub(super) keeps_votes_standing: bool,
    /// Rooms whose queue the job changed.
    pub(super) touched: BTreeSet<String>,
    /// Rooms whose settings the job changed.
    pub(super) ruled: BTreeSet<String>,
    pub(super) deliver: Deliver,
}

pub(super) enum WriterMsg {
    Job(WriteJob),
    /// Checkpoint, close the connection, and say so.
    Close(oneshot::Sender<()>),
}

/// Every connection the store uses comes from here, and is checked to run
/// with WAL and `synchronous = FULL`: SQLite quietly keeps its old journal
/// where a file system cannot do WAL (no shared memory), and the promise
/// that nothing acknowledged is lost rests on both.
pub(super) fn open_connection(path: &Path) -> anyhow::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    // Room for every statement the store prepares, so none is parsed twice.
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    let (journal, synchronous) = durability_of(&conn)?;
    anyhow::ensure!(
        journal == "wal" && synchronous == SYNCHRONOUS_FULL,
        "{} runs with journal_mode {journal} and synchronous {synchronous}, not WAL and FULL (2): \
         put the database on a local disk",
        path.display()
    );
    Ok(conn)
}

/// `PRAGMA synchronous`'s number for FULL.
pub const SYNCHRONOUS_FULL: i64 = 2;

/// What a connection really runs with: its journal mode and `synchronous`.
pub fn durability_of(conn: &Connection) -> rusqlite::Result<(String, i64)> {
    let journal: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    let synchronous: i64 = conn.query_row("PRAGMA synchronous", [], |r| r.get(0))?;
    Ok((journal.to_ascii_lowercase(), synchronous))
}

/// Starts the writer thread on `conn` (migrated) and the checkpointer on a
/// connection of its own; answers where to send writes.
pub(super) fn start_writer(
    conn: Connection,
    path: &Path,
    caches: Caches,
) -> anyhow::Result<flume::Sender<WriterMsg>> {
    // Checkpoints run on their own thread and connection, so copying the
    // WAL into the database never stalls a commit.
    conn.pragma_update(None, "wal_autocheckpoint", 0)?;
    conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
    let checkpoint_conn = open_connection(path)?;
    let (wake_checkpointer, wakeups) = flume::bounded::<()>(1);
    let checkpointer = thread::Builder::new()
        .name("sqlite-checkpointer".into())
        .spawn(move || checkpoint_loop(checkpoint_conn, wakeups))?;
    let (writer, write_jobs) = flume::unbounded::<WriterMsg>();
    thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || write_loop(conn, write_jobs, &caches, wake_checkpointer, checkpointer))?;
    Ok(writer)
}

/// What the writer keeps in memory beside SQLite.
pub(super) struct Caches {
    pub(super) rooms: Arc<snapshot::RoomCache>,
    pub(super) standing: Arc<standing::StandingVotes>,
}

fn write_loop(
    conn: Connection,
    messages: flume::Receiver<WriterMsg>,
    caches: &Caches,
    wake_checkpointer: flume::Sender<()>,
    checkpointer: thread::JoinHandle<()>,
) {
    let mut closed_by = None;
    // Rooms to reload when a vote not counted yet starts to count.
    let mut due: BTreeMap<String, std::time::Instant> = BTreeMap::new();
    loop {
        let first = match due.values().min() {
            Some(&deadline) => match messages.recv_deadline(deadline) {
                Ok(m) => Some(m),
                Err(flume::RecvTimeoutError::Timeout) => None,
                Err(flume::RecvTimeoutError::Disconnected) => break,
            },
            None => match messages.recv() {
                Ok(m) => Some(m),
                Err(_) => break,
            },
        };
        let now = std::time::Instant::now();
        let ripe: BTreeSet<String> = due
            .iter()
            .filter(|(_, at)| **at <= now)
            .map(|(room, _)| room.clone())
            .collect();
        due.retain(|room, _| !ripe.contains(room));
        let mut batch = Vec::new();
        let mut next = first;
        while let Some(message) = next.take() {
            match message {
                WriterMsg::Job(job) => batch.push(job),
                WriterMsg::Close(ack) => {
                    closed_by = Some(ack);
                    break;
                }
            }
            if batch.len() < MAX_WRITE_BATCH {
                next = messages.try_recv().ok();
            }
        }
        if !batch.is_empty() || !ripe.is_empty() {
            for (room, at) in run_batch(&conn, batch, ripe, caches) {
                due.insert(room, at);
            }
            // Full means a wake-up is already pending.
            let _ = wake_checkpointer.try_send(());
        }
        if closed_by.is_some() {
            break;
        }
    }
    // Closing, or every handle is gone: stop the checkpointer, then leave
    // a tidy file behind.
    drop(wake_checkpointer);
    let _ = checkpointer.join();
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
        tracing::warn!(error = %e, "final checkpoint failed");
    }
    drop(conn);
    if let Some(ack) = closed_by {
        let _ = ack.send(());
    }
    // Closed, the box may still be handed a write (a request in flight at
    // shutdown). Dropping the job answers its caller "unavailable"; left in
    // the channel it would wait for ever. The loop ends with the last handle.
    for message in messages.iter() {
        if let WriterMsg::Close(ack) = message {
            let _ = ack.send(());
        }
    }
}

/// Copies committed WAL frames into the database file, at most once per
/// `CHECKPOINT_EVERY`, after commits. PASSIVE: it never blocks the writer
/// or readers, and the writer restarts the WAL once all is copied. The
/// connection is `synchronous = FULL`, so the database file is synced
/// before any WAL frame can be overwritten.
fn checkpoint_loop(conn: Connection, wakeups: flume::Receiver<()>) {
    let mut last = std::time::Instant::now();
    let page_size: i64 = conn
        .query_row("PRAGMA page_size", [], |r| r.get(0))
        .unwrap_or(4096);
    while wakeups.recv().is_ok() {
        let wait = CHECKPOINT_EVERY.saturating_sub(last.elapsed());
        if !wait.is_zero() {
            std::thread::sleep(wait);
        }
        // Drop a wake-up that came while sleeping: this run covers it.
        let _ = wakeups.try_recv();
        // Passive first: it never holds anyone up. Under a steady stream of
        // writes it never catches up with the last frame, so the WAL would
        // never start over and would grow without end; past the size limit
        // a RESTART checkpoint waits for the writer's current batch, copies
        // everything and lets the next write start the WAL from the top
        // (cut back to the limit).
        let frames = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |r| r.get::<_, i64>(1));
        match frames {
            Ok(frames) if frames.saturating_mul(page_size) > WAL_SIZE_LIMIT => {
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(RESTART)", [], |_| Ok(())) {
                    tracing::warn!(error = %e, "restart checkpoint failed");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "checkpoint failed"),
        }
        last = std::time::Instant::now();
    }
}

/// One transaction for the whole batch, a savepoint per job; then one
/// commit (one fsync), the touched rooms' snapshots, and the answers.
/// `ripe`: rooms to reload anyway (votes that now count). Answers when the
/// reloaded rooms next need a reload by themselves.
fn run_batch(
    conn: &Connection,
    batch: Vec<WriteJob>,
    ripe: BTreeSet<String>,
    caches: &Caches,
) -> Vec<(String, std::time::Instant)> {
    let rooms = &*caches.rooms;
    let started = std::time::Instant::now();
    let size = batch.len();
    if let Err(e) = run_cached(conn, "BEGIN IMMEDIATE") {
        tracing::warn!(error = %e, "cannot begin a write transaction");
        for job in batch {
            // The job never runs; its caller learns why.
            (job(Err(&e)).deliver)(Err(&e));
        }
        return Vec::new();
    }
    let mut pending = Vec::with_capacity(batch.len());
    let mut touched = ripe;
    let mut ruled = BTreeSet::new();
    let mut reload_at = Vec::new();
    for job in batch {
        if let Err(e) = run_cached(conn, "SAVEPOINT job") {
            tracing::warn!(error = %e, "cannot open a savepoint");
            (job(Err(&e)).deliver)(Err(&e));
            continue;
        }
        let mut completion = job(Ok(Batch {
            conn,
            rooms,
            changed: &touched,
            ruled: &ruled,
            standing: &caches.standing,
        }));
        if !completion.keeps_votes_standing {
            caches.standing.invalidate();
        }
        let close = if completion.ok {
            touched.append(&mut completion.touched);
            ruled.append(&mut completion.ruled);
            run_cached(conn, "RELEASE job")
        } else {
            run_cached(conn, "ROLLBACK TO job").and_then(|()| run_cached(conn, "RELEASE job"))
        };
        if let Err(e) = close {
            tracing::error!(error = %e, "cannot close a savepoint");
        }
        pending.push(completion);
    }
    // One new version per room per batch, in the same transaction.
    let jobs_done = started.elapsed();
    let commit = bump_versions(conn, &touched).and_then(|()| run_cached(conn, "COMMIT"));
    let committed = started.elapsed();
    match &commit {
        // Reloading here, not on another thread: on a two-core Pi the CPU
        // is the limit, and a second thread only adds switches (measured).
        Ok(()) => {
            for room_id in &touched {
                match snapshot::load(conn, room_id) {
                    Ok(Some(s)) => {
                        if let Some(due) = &s.next_due {
                            reload_at.push((room_id.clone(), instant_at(due)));
                        }
                        rooms.publish(s);
                    }
                    Ok(None) => rooms.forget(room_id),
                    Err(e) => {
                        tracing::error!(error = %e, room_id, "cannot reload a room");
                        rooms.forget(room_id);
                    }
                }
            }
        }
        Err(_) => {
            let _ = run_cached(conn, "ROLLBACK");
        }
    }
    tracing::trace!(
        size,
        rooms = touched.len(),
        jobs_us = jobs_done.as_micros(),
        commit_us = (committed - jobs_done).as_micros(),
        reload_us = (started.elapsed() - committed).as_micros(),
        "write batch"
    );
    for completion in pending {
        (completion.deliver)(commit.as_ref().map(|_| ()));
    }
    reload_at
}

/// The monotonic instant at which the wall-clock time `text` arrives.
fn instant_at(text: &str) -> std::time::Instant {
    let wait = Timestamp::parse(text).micros_since(Timestamp::now());
    // A little after, so the reload sees the vote as due.
    std::time::Instant::now() + std::time::Duration::from_micros(wait.max(0) as u64 + 1_000)
}

/// Runs a parameterless statement through the statement cache: the batch
/// loop runs the same few thousands of times a second.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
    Ok(())
}

fn bump_versions(conn: &Connection, rooms: &BTreeSet<String>) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare_cached("UPDATE rooms SET version = version + 1 WHERE id = ?1")?;
    for room_id in rooms {
        stmt.execute([room_id])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_connection_runs_with_wal_and_full_sync() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("party.db");
        for _ in 0..3 {
            let conn = open_connection(&path).unwrap();
            assert_eq!(
                durability_of(&conn).unwrap(),
                ("wal".into(), SYNCHRONOUS_FULL)
            );
        }
        // The store's own connections (the writer, the checkpointer, the
        // readers) all come from `open_connection`; one opened by the store
        // sees the file in WAL mode too.
        let _store = crate::store::Store::open(&path).unwrap();
        let other = Connection::open(&path).unwrap();
        assert_eq!(durability_of(&other).unwrap().0, "wal");
    }
}
