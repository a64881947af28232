//! The only code that touches SQLite.
//!
//! rusqlite is synchronous, so no SQLite call runs on the async runtime:
//! one writer thread owns the only read-write connection, and a few reader
//! threads own read connections. Async callers send them closures and await
//! the answer, as tokio-rusqlite does.
//!
//! Durability (WAL, `synchronous = FULL`, group commit, checkpoints) is
//! `durability.rs`.

mod advance;
mod audit;
mod catalog;
mod durability;
mod guards;
mod library;
mod listed;
mod lockouts;
mod me;
mod migrations;
mod moderation;
mod mpd;
mod networks;
mod playback;
mod playlists;
mod queue;
mod reactions;
mod rooms;
mod snapshot;
mod standing;
mod users;
mod wrapped;

use std::collections::BTreeSet;
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
use crate::limits::READ_CONNECTIONS;
use durability::{Batch, Caches, Completion, WriteJob, WriterMsg, open_connection};

pub use advance::{AUTO_DJ, ClockDue};
pub use library::{FileTrack, Stamp, TrackFile};
pub use moderation::{Ousted, Ouster, RoleChanged};
pub use mpd::MpdTarget;
pub use playback::{SpeakerTarget, Transport};
pub use playlists::PlaylistLoad;
pub use queue::Removed;
pub use rooms::{JoinProof, Member};
pub use snapshot::RoomSnapshot;
pub use users::User;

type ReadJob = Box<dyn FnOnce(&Connection) + Send>;

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

        let rooms = Arc::new(snapshot::RoomCache::default());
        let standing = Arc::new(standing::StandingVotes::default());
        let caches = Caches {
            rooms: rooms.clone(),
            standing: standing.clone(),
        };
        let writer = durability::start_writer(conn, path, caches)?;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timestamp::Timestamp;

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
