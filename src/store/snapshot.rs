//! The read model: each room's queue and now-playing as last committed,
//! kept in memory (and already serialized) so reads never wait on SQLite.
//!
//! SQLite stays the source of truth. After every committed batch the writer
//! reloads each room the batch touched and publishes the new snapshot; a
//! reader that misses (a room not seen since start) loads it once.
//! Snapshots live in `watch` channels: readers take the latest, and live
//! updates can subscribe to changes.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use axum::body::Bytes;
use rusqlite::{Connection, OptionalExtension};
use tokio::sync::watch;

use crate::domain::queue::{self, Standing};
use crate::error::Result;
use crate::model::{ItemStatus, QueueItem, RoomInfo};

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
    pub now_playing_json: Bytes,
}

impl RoomSnapshot {
    fn new(
        id: String,
        info: RoomInfo,
        version: i64,
        queue: Vec<QueueItem>,
        now_playing: Option<QueueItem>,
    ) -> Self {
        RoomSnapshot {
            queue_json: to_json(&queue),
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

fn to_json(value: &impl serde::Serialize) -> Bytes {
    serde_json::to_vec(value)
        .expect("model types always serialize")
        .into()
}

/// Reads a room's state from SQLite (inside or outside a transaction).
pub fn load(conn: &Connection, room_id: &str) -> Result<Option<RoomSnapshot>> {
    let Some((info, version)) = conn
        .prepare_cached(
            "SELECT code, name, is_active, created_at, version FROM rooms WHERE id = ?1",
        )?
        .query_row([room_id], |r| {
            let info = RoomInfo {
                code: r.get(0)?,
                name: r.get(1)?,
                is_active: r.get(2)?,
                created_at: r.get(3)?,
            };
            Ok((info, r.get(4)?))
        })
        .optional()?
    else {
        return Ok(None);
    };

    let mut stmt = conn.prepare_cached(
        // One table, no join: SQLite re-plans joins with bound parameters
        // on every run, and this runs after every write batch.
        "SELECT id, track_id, title, artist, album, duration_ms, votes,
                status, created_at, started_at, added_by_name, seq
         FROM room_tracks
         WHERE room_id = ?1 AND status IN ('queued', 'playing')",
    )?;
    let mut rows = stmt.query([room_id])?;
    let mut queued = Vec::new();
    let mut now_playing = None;
    while let Some(r) = rows.next()? {
        let playing = r.get::<_, String>(7)? == "playing";
        let item = QueueItem {
            room_track_id: r.get(0)?,
            track_id: r.get(1)?,
            title: r.get(2)?,
            artist: r.get(3)?,
            album: r.get(4)?,
            duration_ms: r.get(5)?,
            votes: r.get(6)?,
            score: 0,
            status: if playing {
                ItemStatus::Playing
            } else {
                ItemStatus::Queued
            },
            created_at: r.get(8)?,
            started_at: r.get(9)?,
            added_by: r.get(10)?,
        };
        let standing = Standing {
            votes: item.votes,
            seq: r.get(11)?,
        };
        if playing {
            now_playing = Some(scored(item, &standing));
        } else {
            queued.push((item, standing));
        }
    }
    queue::order(&mut queued, |(_, s)| *s);
    let queue = queued.into_iter().map(|(i, s)| scored(i, &s)).collect();
    Ok(Some(RoomSnapshot::new(
        room_id.to_string(),
        info,
        version,
        queue,
        now_playing,
    )))
}

fn scored(item: QueueItem, standing: &Standing) -> QueueItem {
    QueueItem {
        score: queue::score(standing),
        ..item
    }
}

/// The latest snapshot of every room seen since start, by code.
#[derive(Default)]
pub struct RoomCache {
    rooms: RwLock<HashMap<String, watch::Sender<Arc<RoomSnapshot>>>>,
}

impl RoomCache {
    pub fn get(&self, code: &str) -> Option<Arc<RoomSnapshot>> {
        let rooms = self.rooms.read().expect("room cache lock");
        rooms.get(code).map(|tx| tx.borrow().clone())
    }

    /// Follows a room's snapshots as they are published.
    pub fn subscribe(&self, code: &str) -> Option<watch::Receiver<Arc<RoomSnapshot>>> {
        let rooms = self.rooms.read().expect("room cache lock");
        rooms.get(code).map(|tx| tx.subscribe())
    }

    /// Stores `snapshot` unless a newer one is already there (a reader's
    /// load can race the writer's publish). Answers the one kept.
    pub fn publish(&self, snapshot: RoomSnapshot) -> Arc<RoomSnapshot> {
        let snapshot = Arc::new(snapshot);
        let mut rooms = self.rooms.write().expect("room cache lock");
        match rooms.get(&snapshot.info.code) {
            Some(tx) => {
                tx.send_if_modified(|current| {
                    let newer = snapshot.version > current.version;
                    if newer {
                        *current = snapshot.clone();
                    }
                    newer
                });
                tx.borrow().clone()
            }
            None => {
                rooms.insert(
                    snapshot.info.code.clone(),
                    watch::Sender::new(snapshot.clone()),
                );
                snapshot
            }
        }
    }

    /// Forgets a room, so the next read loads it from SQLite again.
    pub fn forget(&self, room_id: &str) {
        let mut rooms = self.rooms.write().expect("room cache lock");
        rooms.retain(|_, tx| tx.borrow().id != room_id);
    }
}
