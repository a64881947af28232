//! The read model: each room's queue and now-playing as last committed,
//! kept in memory (and already serialized) so reads never wait on SQLite.
//!
//! SQLite stays the source of truth. After every committed batch the writer
//! reloads each room the batch touched and publishes the new snapshot; a
//! reader that misses (a room not seen since start) loads it once.
//! Snapshots live in `watch` channels: readers take the latest, and live
//! updates can subscribe to changes.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::Bytes;
use rusqlite::{Connection, OptionalExtension};
use tokio::sync::watch;

use crate::domain::queue::{self, Entry, History};
use crate::domain::settings::Settings;
use crate::error::Result;
use crate::model::{ItemStatus, QueueItem, RoomInfo};
use crate::timestamp::Timestamp;

/// One room's public state at one version: the same for every viewer.
#[derive(Debug, Clone)]
pub struct RoomSnapshot {
    pub id: String,
    pub info: RoomInfo,
    pub version: i64,
    /// Queued items, best first.
    pub queue: Vec<QueueItem>,
    pub now_playing: Option<QueueItem>,
    /// `queue` and `now_playing` as JSON, serialized once per version.
    pub queue_json: Bytes,
    /// Where each queued item's JSON lies in `queue_json` (for live deltas).
    pub item_spans: Vec<std::ops::Range<usize>>,
    pub now_playing_json: Bytes,
    pub settings: Settings,
    /// The settings every member may see (no PIN), as JSON.
    pub public_settings_json: Bytes,
    /// Who asked to skip the playing item (user ids, kept inside the
    /// box); their voices are counted among the people here.
    pub skip_askers: Vec<String>,
    /// When the next vote not counted yet starts to count (the store
    /// reloads the room then).
    pub next_due: Option<String>,
}

/// What a snapshot carries beside the queue.
pub struct Extras {
    pub settings: Settings,
    pub skip_askers: Vec<String>,
    pub next_due: Option<String>,
}

impl RoomSnapshot {
    fn new(
        id: String,
        info: RoomInfo,
        version: i64,
        queue: Vec<QueueItem>,
        now_playing: Option<QueueItem>,
        extras: Extras,
    ) -> Self {
        let public = extras.settings.public();
        let (queue_json, item_spans) = queue_json(&queue);
        RoomSnapshot {
            public_settings_json: to_json(&public),
            settings: extras.settings,
            skip_askers: extras.skip_askers,
            next_due: extras.next_due,
            queue_json,
            item_spans,
            now_playing_json: to_json(&now_playing),
            id,
            info,
            version,
            queue,
            now_playing,
        }
    }

    /// `{"now_playing": ..., "queue": [...]}` without re-serializing.
    pub fn advanced_json(&self) -> Bytes {
        let mut out = Vec::with_capacity(self.queue_json.len() + self.now_playing_json.len() + 32);
        out.extend_from_slice(b"{\"now_playing\":");
        out.extend_from_slice(&self.now_playing_json);
        out.extend_from_slice(b",\"queue\":");
        out.extend_from_slice(&self.queue_json);
        out.push(b'}');
        out.into()
    }
}

impl RoomSnapshot {
    /// One queued item's JSON, as `queue_json` has it.
    pub fn item_json(&self, index: usize) -> &[u8] {
        &self.queue_json[self.item_spans[index].clone()]
    }
}

/// The queue as a JSON array, and where each item lies in it.
fn queue_json(queue: &[QueueItem]) -> (Bytes, Vec<std::ops::Range<usize>>) {
    let mut out = Vec::with_capacity(queue.len() * 512 + 2);
    let mut spans = Vec::with_capacity(queue.len());
    out.push(b'[');
    for (i, item) in queue.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let start = out.len();
        serde_json::to_writer(&mut out, item).expect("model types always serialize");
        spans.push(start..out.len());
    }
    out.push(b']');
    (out.into(), spans)
}

fn to_json(value: &impl serde::Serialize) -> Bytes {
    serde_json::to_vec(value)
        .expect("model types always serialize")
        .into()
}

/// Reads a room's state from SQLite (inside or outside a transaction) and
/// orders its queue by the room's rules (`domain::queue`).
pub fn load(conn: &Connection, room_id: &str) -> Result<Option<RoomSnapshot>> {
    let Some((info, version, settings)) = conn
        .prepare_cached(
            "SELECT code, name, is_active, created_at, version, settings FROM rooms WHERE id = ?1",
        )?
        .query_row([room_id], |r| {
            let info = RoomInfo {
                code: r.get(0)?,
                name: r.get(1)?,
                is_active: r.get(2)?,
                created_at: r.get(3)?,
            };
            Ok((
                info,
                r.get(4)?,
                Settings::from_stored(&r.get::<_, String>(5)?),
            ))
        })
        .optional()?
    else {
        return Ok(None);
    };
    let (not_yet, next_due) = votes_not_due(conn, room_id)?;
    let history = history(conn, room_id)?;

    let Items {
        waiting,
        entries,
        now_playing,
    } = items(conn, room_id, &not_yet)?;
    let queue = ordered(waiting, &entries, &history, &settings);

    let skip_askers = match &now_playing {
        Some(item) => conn
            .prepare_cached("SELECT user_id FROM skip_votes WHERE room_track_id = ?1")?
            .query_map([&item.room_track_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
        None => Vec::new(),
    };
    Ok(Some(RoomSnapshot::new(
        room_id.to_string(),
        info,
        version,
        queue,
        now_playing,
        Extras {
            settings,
            skip_askers,
            next_due,
        },
    )))
}

/// The room's waiting and playing items, with what ordering needs.
struct Items {
    waiting: Vec<QueueItem>,
    entries: Vec<Entry>,
    now_playing: Option<QueueItem>,
}

/// Reads the room's items; `not_yet` is subtracted from their votes.
fn items(conn: &Connection, room_id: &str, not_yet: &HashMap<String, i64>) -> Result<Items> {
    let mut stmt = conn.prepare_cached(
        // One table, no join: SQLite re-plans joins with bound parameters
        // on every run, and this runs after every write batch.
        "SELECT id, track_id, title, artist, album, duration_ms, votes,
                status, created_at, started_at, added_by_name, seq, added_by, artist_key,
                has_audio, auto_dj, paused_ms, gain_db, source
         FROM room_tracks
         WHERE room_id = ?1 AND status IN ('queued', 'playing')",
    )?;
    let mut rows = stmt.query([room_id])?;
    let mut waiting = Vec::new();
    let mut entries = Vec::new();
    let mut now_playing = None;
    while let Some(r) = rows.next()? {
        let playing = r.get::<_, String>(7)? == "playing";
        let id: String = r.get(0)?;
        let votes = r.get::<_, i64>(6)? - not_yet.get(&id).copied().unwrap_or(0);
        let item = QueueItem {
            room_track_id: id,
            track_id: r.get(1)?,
            title: r.get(2)?,
            artist: r.get(3)?,
            album: r.get(4)?,
            duration_ms: r.get(5)?,
            votes,
            score: 0,
            reason: String::new(),
            status: if playing {
                ItemStatus::Playing
            } else {
                ItemStatus::Queued
            },
            created_at: r.get(8)?,
            started_at: r.get(9)?,
            added_by: r.get(10)?,
            has_audio: r.get(14)?,
            playable: r.get(14)?,
            gain_db: r.get(17)?,
            auto_dj: r.get(15)?,
            paused_ms: r.get(16)?,
            source: r.get(18)?,
        };
        if playing {
            now_playing = Some(QueueItem {
                reason: "playing now".into(),
                ..item
            });
        } else {
            entries.push(Entry {
                votes,
                seq: r.get(11)?,
                added_at: Timestamp::parse(&item.created_at).micros(),
                contributor: r.get(12)?,
                contributor_name: item.added_by.clone(),
                artist: r.get(13)?,
            });
            waiting.push(item);
        }
    }
    Ok(Items {
        waiting,
        entries,
        now_playing,
    })
}

/// Votes cast but not due yet (a guest who just joined) do not count
/// (`domain::counting`): their sum per item, and when the first comes due.
fn votes_not_due(
    conn: &Connection,
    room_id: &str,
) -> Result<(HashMap<String, i64>, Option<String>)> {
    let at = Timestamp::now();
    let mut not_yet: HashMap<String, i64> = HashMap::new();
    let mut next_due: Option<String> = None;
    let mut stmt = conn.prepare_cached(
        // `counts_from > created_at` matches the partial index `votes_due`.
        "SELECT room_track_id, value, counts_from FROM votes
         WHERE room_id = ?1 AND counts_from > ?2 AND counts_from > created_at AND counted = 1",
    )?;
    let mut rows = stmt.query(rusqlite::params![room_id, at])?;
    while let Some(r) = rows.next()? {
        *not_yet.entry(r.get(0)?).or_default() += r.get::<_, i64>(1)?;
        let due: String = r.get(2)?;
        if next_due.as_ref().is_none_or(|d| due < *d) {
            next_due = Some(due);
        }
    }
    Ok((not_yet, next_due))
}

/// Tonight's plays, per contributor, and the artist heard last.
fn history(conn: &Connection, room_id: &str) -> Result<History> {
    let mut history = History::default();
    let mut last_started = String::new();
    let mut stmt = conn.prepare_cached(
        "SELECT added_by, started_at, artist_key, auto_dj FROM room_tracks
         WHERE room_id = ?1 AND status IN ('played', 'playing') AND started_at IS NOT NULL",
    )?;
    let mut rows = stmt.query([room_id])?;
    while let Some(r) = rows.next()? {
        let started: String = r.get(1)?;
        // The auto-DJ's picks are nobody's turn (they go in the host's name).
        if !r.get::<_, bool>(3)? {
            let plays = history.plays.entry(r.get(0)?).or_default();
            plays.count += 1;
            plays.last = plays.last.max(Some(Timestamp::parse(&started).micros()));
        }
        if started > last_started {
            history.last_artist = Some(r.get(2)?);
            last_started = started;
        }
    }
    Ok(history)
}

/// The room's waiting items in the order its rules give them.
fn ordered(
    items: Vec<QueueItem>,
    entries: &[Entry],
    history: &History,
    settings: &Settings,
) -> Vec<QueueItem> {
    let mut slots: Vec<Option<QueueItem>> = items.into_iter().map(Some).collect();
    queue::order(entries, history, settings.rules())
        .into_iter()
        .map(|placed| QueueItem {
            score: placed.score,
            reason: placed.reason,
            ..slots[placed.index]
                .take()
                .expect("each item is placed once")
        })
        .collect()
}

/// The latest snapshot of every room in use, by code. A room nobody
/// follows, where nothing plays and nothing changed for a long while,
/// leaves (`forget_idle`) and is loaded again when next asked for.
#[derive(Default)]
pub struct RoomCache {
    rooms: RwLock<HashMap<String, Cached>>,
}

struct Cached {
    tx: watch::Sender<Arc<RoomSnapshot>>,
    /// When it was last published or read.
    used: AtomicU64,
    /// The snapshots before the current one, newest last (`RECENT` at
    /// most): what a phone that was away still shows, so its catch-up
    /// answer can be only what changed since.
    recent: Mutex<VecDeque<Arc<RoomSnapshot>>>,
}

/// Earlier snapshots kept per room. At a busy party a version goes by
/// every few seconds; 32 cover a phone's usual Wi-Fi outage, and a phone
/// away longer gets the whole room. A room of 40 songs keeps about 1.5 MB;
/// a long queue keeps fewer (`RECENT_BYTES` of queue JSON: 15 versions of
/// a 500-song queue).
const RECENT: usize = 32;
const RECENT_BYTES: usize = 4 << 20;

/// Seconds on a clock that only moves forward, for "used" times.
fn clock_secs() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs()
}

impl RoomCache {
    pub fn get(&self, code: &str) -> Option<Arc<RoomSnapshot>> {
        let rooms = self.rooms.read().expect("room cache lock");
        rooms.get(code).map(|c| {
            c.used.store(clock_secs(), Ordering::Relaxed);
            c.tx.borrow().clone()
        })
    }

    /// The room as it was at `version`: the current snapshot or one of the
    /// `RECENT` before it.
    pub fn at(&self, code: &str, version: i64) -> Option<Arc<RoomSnapshot>> {
        let rooms = self.rooms.read().expect("room cache lock");
        let cached = rooms.get(code)?;
        let current = cached.tx.borrow().clone();
        if current.version == version {
            return Some(current);
        }
        let recent = cached.recent.lock().expect("recent lock");
        recent.iter().rev().find(|s| s.version == version).cloned()
    }

    /// Follows a room's snapshots as they are published.
    pub fn subscribe(&self, code: &str) -> Option<watch::Receiver<Arc<RoomSnapshot>>> {
        let rooms = self.rooms.read().expect("room cache lock");
        rooms.get(code).map(|c| c.tx.subscribe())
    }

    /// Lets go of rooms nobody follows live, where nothing plays, unused
    /// for `idle`. Answers how many left.
    pub fn forget_idle(&self, idle: std::time::Duration) -> usize {
        let now = clock_secs();
        let mut rooms = self.rooms.write().expect("room cache lock");
        let before = rooms.len();
        rooms.retain(|_, c| {
            c.tx.receiver_count() > 0
                || c.tx.borrow().now_playing.is_some()
                || now.saturating_sub(c.used.load(Ordering::Relaxed)) < idle.as_secs()
        });
        before - rooms.len()
    }

    /// Stores `snapshot` unless a newer one is already there (a reader's
    /// load can race the writer's publish). Answers the one kept.
    pub fn publish(&self, snapshot: RoomSnapshot) -> Arc<RoomSnapshot> {
        let snapshot = Arc::new(snapshot);
        let mut rooms = self.rooms.write().expect("room cache lock");
        match rooms.get(&snapshot.info.code) {
            Some(c) => {
                c.used.store(clock_secs(), Ordering::Relaxed);
                c.tx.send_if_modified(|current| {
                    let newer = snapshot.version > current.version;
                    if newer {
                        let before = std::mem::replace(current, snapshot.clone());
                        let mut recent = c.recent.lock().expect("recent lock");
                        recent.push_back(before);
                        let mut bytes: usize = recent.iter().map(|s| s.queue_json.len()).sum();
                        while recent.len() > RECENT || bytes > RECENT_BYTES {
                            let oldest = recent.pop_front().expect("not empty");
                            bytes -= oldest.queue_json.len();
                        }
                    }
                    newer
                });
                c.tx.borrow().clone()
            }
            None => {
                rooms.insert(
                    snapshot.info.code.clone(),
                    Cached {
                        tx: watch::Sender::new(snapshot.clone()),
                        used: AtomicU64::new(clock_secs()),
                        recent: Mutex::default(),
                    },
                );
                snapshot
            }
        }
    }

    /// Forgets a room, so the next read loads it from SQLite again.
    pub fn forget(&self, room_id: &str) {
        let mut rooms = self.rooms.write().expect("room cache lock");
        rooms.retain(|_, c| c.tx.borrow().id != room_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A snapshot of room `ABCD` at `version` whose queue JSON is `bytes` long.
    fn snapshot(version: i64, bytes: usize) -> RoomSnapshot {
        let mut s = RoomSnapshot::new(
            "room".into(),
            RoomInfo {
                code: "ABCD".into(),
                name: "Party".into(),
                is_active: true,
                created_at: "2026-12-07T00:00:00Z".into(),
            },
            version,
            Vec::new(),
            None,
            Extras {
                settings: Settings::default(),
                skip_askers: Vec::new(),
                next_due: None,
            },
        );
        s.queue_json = Bytes::from(vec![b' '; bytes]);
        s
    }

    #[test]
    fn keeps_the_versions_before_the_current_one_up_to_a_count_and_a_size() {
        let cache = RoomCache::default();
        for version in 1..=40 {
            cache.publish(snapshot(version, 100));
        }
        let held = |cache: &RoomCache| (1..=40).filter(|v| cache.at("ABCD", *v).is_some()).count();
        // The current one and the 32 before it.
        assert_eq!(held(&cache), 33);
        assert!(cache.at("ABCD", 7).is_none() && cache.at("ABCD", 8).is_some());
        assert_eq!(cache.at("ABCD", 40).unwrap().version, 40);
        assert!(cache.at("ABCD", 41).is_none() && cache.at("ZZZZ", 40).is_none());

        // Long queues: fewer, within the byte budget.
        let cache = RoomCache::default();
        for version in 1..=40 {
            cache.publish(snapshot(version, RECENT_BYTES / 10));
        }
        assert_eq!(held(&cache), 11, "the current one and 10 before it");
        // An older version published late changes nothing.
        cache.publish(snapshot(3, 100));
        assert_eq!(cache.at("ABCD", 40).unwrap().version, 40);
        assert!(cache.at("ABCD", 3).is_none());
    }
}
