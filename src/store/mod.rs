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

mod advance;
mod audit;
mod catalog;
mod guards;
mod library;
mod lockouts;
mod me;
mod migrations;
mod moderation;
mod networks;
mod playback;
mod queue;
mod rooms;
mod snapshot;
mod standing;
mod users;
mod wrapped;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Deref;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use anyhow::Context;
use rusqlite::Connection;
use tokio::sync::oneshot;

use crate::domain::player::Audio;
use crate::error::{Error, Result};
use crate::limits::{CHECKPOINT_EVERY, MAX_WRITE_BATCH, READ_CONNECTIONS, WAL_SIZE_LIMIT};
use crate::timestamp::Timestamp;

pub use advance::{AUTO_DJ, ClockDue};
pub use library::{FileTrack, Stamp, TrackFile};
pub use moderation::{Ousted, Ouster, RoleChanged};
pub use playback::{SpeakerTarget, Transport};
pub use queue::Removed;
pub use rooms::{JoinProof, Member};
pub use snapshot::RoomSnapshot;
pub use users::User;

type ReadJob = Box<dyn FnOnce(&Connection) + Send>;

/// A write: runs inside the batch's transaction (or is told why it cannot)
/// and hands back how to deliver its result once the batch has committed.
type WriteJob = Box<dyn for<'a> FnOnce(Outcome<'a, Batch<'a>>) -> Completion + Send>;

/// What a job in a batch works with: the connection, and what it may trust
/// from memory (rooms the batch has not changed yet).
#[derive(Clone, Copy)]
struct Batch<'a> {
    conn: &'a Connection,
    rooms: &'a snapshot::RoomCache,
    /// Rooms whose queue the batch's earlier jobs changed.
    changed: &'a BTreeSet<String>,
    /// Rooms whose settings they changed.
    ruled: &'a BTreeSet<String>,
    standing: &'a standing::StandingVotes,
}

/// How the batch went for a job: its connection or its commit, or the
/// SQLite error that stopped it.
type Outcome<'a, T> = std::result::Result<T, &'a rusqlite::Error>;

/// Sends a job's result to its caller, once the batch's commit is known.
type Deliver = Box<dyn FnOnce(Outcome<()>) + Send>;

struct Completion {
    ok: bool,
    /// The job only voted or added, so votes already cast still stand.
    keeps_votes_standing: bool,
    /// Rooms whose queue the job changed.
    touched: BTreeSet<String>,
    /// Rooms whose settings the job changed.
    ruled: BTreeSet<String>,
    deliver: Deliver,
}

enum WriterMsg {
    Job(WriteJob),
    /// Checkpoint, close the connection, and say so.
    Close(oneshot::Sender<()>),
}

/// What a write job works with: the transaction's connection, and a note of
/// the rooms it changed so their snapshots are refreshed after commit.
pub struct Tx<'c> {
    conn: &'c Connection,
    /// How the box can produce sound (what may be added and played).
    pub audio: Audio,
    batch: Batch<'c>,
    touched: BTreeSet<String>,
    ruled: BTreeSet<String>,
    keeps_votes_standing: bool,
}

impl Tx<'_> {
    /// Says this write only votes or adds a track: it cannot change whether
    /// another vote already cast stands as it is (see `standing`).
    pub fn keeps_votes_standing(&mut self) {
        self.keeps_votes_standing = true;
    }

    /// The epoch of standing votes this job runs in.
    pub fn standing_epoch(&self) -> u64 {
        self.batch.standing.epoch()
    }

    /// Marks a room's queue as changed by this write.
    pub fn touch(&mut self, room_id: &str) {
        self.touched.insert(room_id.to_string());
    }

    /// Marks a room's settings as changed by this write.
    pub fn rules_changed(&mut self, room_id: &str) {
        self.ruled.insert(room_id.to_string());
    }

    /// The room with this (normalized) code as last committed, when this
    /// transaction has not changed its settings since: its id and settings
    /// as SQLite would say, without asking it.
    pub fn room_with_unchanged_rules(&self, code: &str) -> Option<Arc<RoomSnapshot>> {
        let room = self.batch.rooms.get(code)?;
        let changed = self.batch.ruled.contains(&room.id) || self.ruled.contains(&room.id);
        (!changed).then_some(room)
    }

    /// Like `room_with_unchanged_rules`, when its queue is unchanged too.
    pub fn room_with_unchanged_queue(&self, code: &str) -> Option<Arc<RoomSnapshot>> {
        let room = self.room_with_unchanged_rules(code)?;
        let changed = self.batch.changed.contains(&room.id) || self.touched.contains(&room.id);
        (!changed).then_some(room)
    }
}

impl Deref for Tx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn
    }
}

/// A cheap handle to the store; clone it freely.
#[derive(Clone)]
pub struct Store {
    writer: flume::Sender<WriterMsg>,
    readers: flume::Sender<ReadJob>,
    rooms: Arc<snapshot::RoomCache>,
    users: Arc<users::UserCache>,
    standing: Arc<standing::StandingVotes>,
    /// Wrong PINs, per room and network.
    lockouts: Arc<lockouts::Lockouts>,
    /// Whether the box has audio sources (else demo mode), set at start.
    has_audio_sources: Arc<AtomicBool>,
}

impl Store {
    /// Says how the box produces sound: with sources, only playable tracks
    /// are offered, added and played.
    pub fn set_audio(&self, audio: Audio) {
        self.has_audio_sources
            .store(audio == Audio::Sources, Ordering::SeqCst);
    }

    /// Lets go of what memory holds for nobody: rooms unused for
    /// `rooms_idle` (nobody connected, nothing playing) and users not seen
    /// for `users_unseen`. SQLite keeps them; they load again when asked.
    pub fn forget_idle(
        &self,
        rooms_idle: std::time::Duration,
        users_unseen: std::time::Duration,
    ) -> (usize, usize) {
        (
            self.rooms.forget_idle(rooms_idle),
            self.users.forget_unseen(users_unseen),
        )
    }

    pub fn audio(&self) -> Audio {
        if self.has_audio_sources.load(Ordering::SeqCst) {
            Audio::Sources
        } else {
            Audio::Demo
        }
    }

    /// Opens (or creates) the database file, migrates it, loads the built-in
    /// catalog, and starts the connection threads. Blocking: call it before
    /// serving, or from `spawn_blocking`.
    pub fn open(path: &Path) -> anyhow::Result<Store> {
        let mut conn = open_connection(path)
            .with_context(|| format!("cannot open the database {}", path.display()))?;
        migrations::run(&mut conn)?;
        catalog::load_builtin(&mut conn)?;
        backfill_song_keys(&conn)?;

        // Checkpoints run on their own thread and connection, so copying
        // the WAL into the database never stalls a commit.
        conn.pragma_update(None, "wal_autocheckpoint", 0)?;
        conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)?;
        let checkpoint_conn = open_connection(path)?;
        let (wake_checkpointer, wakeups) = flume::bounded::<()>(1);
        let checkpointer = thread::Builder::new()
            .name("sqlite-checkpointer".into())
            .spawn(move || checkpoint_loop(checkpoint_conn, wakeups))?;

        let rooms = Arc::new(snapshot::RoomCache::default());
        let standing = Arc::new(standing::StandingVotes::default());
        let (writer, write_jobs) = flume::unbounded::<WriterMsg>();
        let caches = Caches {
            rooms: rooms.clone(),
            standing: standing.clone(),
        };
        thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                write_loop(conn, write_jobs, &caches, wake_checkpointer, checkpointer)
            })?;

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
        Ok(Store {
            writer,
            readers,
            rooms,
            users: Arc::default(),
            standing,
            lockouts: Arc::default(),
            has_audio_sources: Arc::default(),
        })
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
    /// committed (so what the caller acknowledges is durable) and the
    /// snapshots of the rooms it touched are published.
    pub async fn write<T, F>(&self, f: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Tx) -> Result<T> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel();
        let audio = self.audio();
        let job: WriteJob = Box::new(move |batch| {
            let (result, touched, ruled, keeps_votes_standing) = match batch {
                Ok(batch) => {
                    let mut tx = Tx {
                        conn: batch.conn,
                        audio,
                        batch,
                        touched: BTreeSet::new(),
                        ruled: BTreeSet::new(),
                        keeps_votes_standing: false,
                    };
                    let result = run_guarded(|| f(&mut tx));
                    (result, tx.touched, tx.ruled, tx.keeps_votes_standing)
                }
                Err(e) => (
                    Err(Error::from_failed_commit(e)),
                    BTreeSet::new(),
                    BTreeSet::new(),
                    true,
                ),
            };
            Completion {
                ok: result.is_ok(),
                keeps_votes_standing,
                touched,
                ruled,
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
        self.writer
            .send_async(WriterMsg::Job(job))
            .await
            .map_err(|_| stopped())?;
        rx.await.map_err(|_| stopped())?
    }

    /// Finishes the writes already sent, checkpoints the WAL into the main
    /// file (so the file can be copied alone) and closes the write
    /// connection. Later writes fail with 503.
    pub async fn close(&self) {
        let (tx, rx) = oneshot::channel();
        if self.writer.send_async(WriterMsg::Close(tx)).await.is_ok() {
            let _ = rx.await;
        }
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
    // Room for every statement the store prepares, so none is parsed twice.
    conn.set_prepared_statement_cache_capacity(128);
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    Ok(conn)
}

/// What the writer keeps in memory beside SQLite.
struct Caches {
    rooms: Arc<snapshot::RoomCache>,
    standing: Arc<standing::StandingVotes>,
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

/// Items queued before song keys existed get theirs (once, at start).
fn backfill_song_keys(conn: &Connection) -> rusqlite::Result<()> {
    let mut select = conn.prepare(
        "SELECT id, title, artist FROM room_tracks WHERE song_key = '' OR artist_key = ''",
    )?;
    let rows: Vec<(String, String, String)> = select
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut update =
        conn.prepare("UPDATE room_tracks SET song_key = ?2, artist_key = ?3 WHERE id = ?1")?;
    for (id, title, artist) in rows {
        update.execute(rusqlite::params![
            id,
            crate::domain::song::key(&title, &artist),
            crate::domain::song::artist_key(&artist)
        ])?;
    }
    Ok(())
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

    fn temp_store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("t.db")).unwrap();
        (dir, store)
    }

    async fn count_users(store: &Store) -> i64 {
        store
            .read(|c| Ok(c.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?))
            .await
            .unwrap()
    }

    /// Many writes at once share transactions; each that fails after
    /// writing leaves no trace, each that succeeds is kept.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_write_rolls_back_alone_within_a_batch() {
        let (_dir, store) = temp_store();
        let writes = (0..200).map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .write(move |c| {
                        c.execute(
                            "INSERT INTO users (id, display_name, created_at) VALUES (?1, 'x', ?2)",
                            rusqlite::params![format!("u{i}"), Timestamp::now()],
                        )?;
                        if i % 3 == 0 {
                            return Err(Error::refuse(crate::error::Code::Invalid, "no"));
                        }
                        Ok(i)
                    })
                    .await
            })
        });
        let results = futures_util::future::join_all(writes).await;
        let ok = results
            .iter()
            .filter(|r| r.as_ref().unwrap().is_ok())
            .count();
        assert_eq!(ok, 133);
        assert_eq!(count_users(&store).await, 133);
    }

    #[tokio::test]
    async fn a_panicking_job_does_not_kill_the_writer() {
        let (_dir, store) = temp_store();
        let res: Result<()> = store.write(|_| panic!("boom")).await;
        assert!(matches!(res, Err(Error::Other(_))));
        store
            .write(|c| {
                c.execute(
                    "INSERT INTO users (id, display_name, created_at) VALUES ('a', 'x', 'y')",
                    [],
                )?;
                Ok(())
            })
            .await
            .unwrap();
        assert_eq!(count_users(&store).await, 1);
    }

    #[tokio::test]
    async fn after_close_writes_are_refused_as_unavailable() {
        let (_dir, store) = temp_store();
        store.close().await;
        let res = store.write(|_| Ok(())).await;
        assert!(matches!(res, Err(Error::Unavailable(_))));
    }

    /// Items keep their own copy of what they show; a track edit (a
    /// rescan fixing a tag) still reaches the ones queued or playing.
    #[tokio::test]
    async fn track_edits_reach_live_items_only() {
        let (_dir, store) = temp_store();
        let titles = store
            .write(|c| {
                c.execute_batch(
                    "INSERT INTO users (id, display_name, created_at) VALUES ('u', 'Bea', 't');
                     INSERT INTO rooms (id, code, name, host_user_id, created_at)
                         VALUES ('r', 'ABCDEF', 'n', 'u', 't');
                     INSERT INTO tracks (id, title, artist, duration_ms, source)
                         VALUES ('t', 'Old', 'A', 1000, 'test');
                     INSERT INTO room_tracks (id, room_id, track_id, added_by, status, created_at, title)
                         VALUES ('queued', 'r', 't', 'u', 'queued', 't', 'Old'),
                                ('played', 'r', 't', 'u', 'played', 't', 'Old');
                     UPDATE tracks SET title = 'New' WHERE id = 't';",
                )?;
                let mut stmt = c.prepare("SELECT id, title FROM room_tracks ORDER BY id")?;
                let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
                Ok(rows.collect::<rusqlite::Result<Vec<(String, String)>>>()?)
            })
            .await
            .unwrap();
        assert_eq!(
            titles,
            [
                ("played".into(), "Old".into()),
                ("queued".into(), "New".into())
            ]
        );
    }
}
