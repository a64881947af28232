use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::rooms::{self, Role, RoomRef};
use super::{Store, now, users};
use crate::domain::queue::{self, Standing};
use crate::domain::vote::Vote;
use crate::error::{Error, Result};
use crate::model::{Advanced, ItemStatus, QueueItem};

/// The seed's friendly answer to a guest who tries to skip.
pub const NOT_THE_HOST: &str =
    "Nice try! 🎧 Only the host can skip tracks. Vote it down and let democracy do its thing.";

impl Store {
    pub async fn queue(&self, user: Uuid, code: String) -> Result<Vec<QueueItem>> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let room = rooms::find(conn, &code)?;
            load_queue(conn, &room, &user)
        })
        .await
    }

    pub async fn now_playing(&self, user: Uuid, code: String) -> Result<Option<QueueItem>> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let room = rooms::find(conn, &code)?;
            load_now_playing(conn, &room, &user)
        })
        .await
    }

    /// Adds a track to the room's queue, unless it is already queued or
    /// playing; answers the queue either way.
    pub async fn add_track(
        &self,
        user: Uuid,
        code: String,
        track_id: String,
    ) -> Result<Vec<QueueItem>> {
        self.write(move |conn| {
            let user = users::require(conn, user)?;
            let room = rooms::find(conn, &code)?;
            rooms::require_member(conn, &room, &user)?;
            let known = conn
                .prepare_cached("SELECT 1 FROM tracks WHERE id = ?1")?
                .query_row([&track_id], |_| Ok(()))
                .optional()?
                .is_some();
            if !known {
                return Err(Error::not_found("Track not found in the catalog."));
            }
            // The partial unique index keeps a track live once per room.
            conn.prepare_cached(
                "INSERT INTO room_tracks (id, room_id, track_id, added_by, status, created_at)
                 VALUES (?1, ?2, ?3, ?4, 'queued', ?5)
                 ON CONFLICT DO NOTHING",
            )?
            .execute(params![
                Uuid::new_v4().to_string(),
                room.id,
                track_id,
                user.id,
                now()
            ])?;
            load_queue(conn, &room, &user)
        })
        .await
    }

    /// Records the user's vote on a queued item, replacing any earlier one.
    pub async fn vote(
        &self,
        user: Uuid,
        code: String,
        room_track_id: String,
        vote: Vote,
    ) -> Result<Vec<QueueItem>> {
        self.write(move |conn| {
            let user = users::require(conn, user)?;
            let room = rooms::find(conn, &code)?;
            rooms::require_member(conn, &room, &user)?;
            let status: Option<String> = conn
                .prepare_cached("SELECT status FROM room_tracks WHERE id = ?1 AND room_id = ?2")?
                .query_row([&room_track_id, &room.id], |r| r.get(0))
                .optional()?;
            match status.as_deref() {
                None => return Err(Error::not_found("That track is not in this room's queue.")),
                Some("queued") => {}
                Some(_) => {
                    return Err(Error::Conflict(
                        "That track has left the queue (it is playing or has played); votes only count while it waits."
                            .into(),
                    ));
                }
            }
            conn.prepare_cached(
                "INSERT INTO votes (room_track_id, user_id, value, created_at)
                 VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (room_track_id, user_id)
                 DO UPDATE SET value = excluded.value, created_at = excluded.created_at",
            )?
            .execute(params![room_track_id, user.id, vote.value(), now()])?;
            load_queue(conn, &room, &user)
        })
        .await
    }

    /// Host only: the playing item is done; the best queued item starts.
    pub async fn advance(&self, user: Uuid, code: String) -> Result<Advanced> {
        self.write(move |conn| {
            let user = users::require(conn, user)?;
            let room = rooms::find(conn, &code)?;
            let role = rooms::require_member(conn, &room, &user)
                .map_err(|_| Error::forbidden(NOT_THE_HOST))?;
            if role != Role::Host {
                return Err(Error::forbidden(NOT_THE_HOST));
            }
            let at = now();
            conn.prepare_cached(
                "UPDATE room_tracks SET status = 'played', ended_at = ?2
                 WHERE room_id = ?1 AND status = 'playing'",
            )?
            .execute(params![room.id, at])?;
            let mut queue = load_queue(conn, &room, &user)?;
            let now_playing = if queue.is_empty() {
                None
            } else {
                let mut next = queue.remove(0);
                conn.prepare_cached(
                    "UPDATE room_tracks SET status = 'playing', started_at = ?2 WHERE id = ?1",
                )?
                .execute(params![next.room_track_id, at])?;
                next.status = ItemStatus::Playing;
                next.started_at = Some(at);
                Some(next)
            };
            Ok(Advanced { now_playing, queue })
        })
        .await
    }
}

/// One row of `room_tracks` joined with its track, votes and adder, plus the
/// insertion sequence the order breaks ties with.
const ITEM_SELECT: &str = "
    SELECT rt.id, rt.track_id, t.title, t.artist, t.album, t.duration_ms,
           COALESCE((SELECT SUM(v.value) FROM votes v WHERE v.room_track_id = rt.id), 0),
           rt.status, rt.created_at, rt.started_at, u.display_name, rt.added_by = ?2,
           COALESCE((SELECT v.value FROM votes v
                     WHERE v.room_track_id = rt.id AND v.user_id = ?2), 0),
           rt.seq
    FROM room_tracks rt
    JOIN tracks t ON t.id = rt.track_id
    JOIN users u ON u.id = rt.added_by
    WHERE rt.room_id = ?1 AND rt.status = ?3";

fn load_items(
    conn: &Connection,
    room: &RoomRef,
    viewer: &users::User,
    status: ItemStatus,
) -> Result<Vec<(QueueItem, i64)>> {
    let status_text = match status {
        ItemStatus::Queued => "queued",
        ItemStatus::Playing => "playing",
        ItemStatus::Played => "played",
    };
    let mut stmt = conn.prepare_cached(ITEM_SELECT)?;
    let rows = stmt.query_map(params![room.id, viewer.id, status_text], |r| {
        let votes: i64 = r.get(6)?;
        Ok((
            QueueItem {
                room_track_id: r.get(0)?,
                track_id: r.get(1)?,
                title: r.get(2)?,
                artist: r.get(3)?,
                album: r.get(4)?,
                duration_ms: r.get(5)?,
                votes,
                score: 0,
                status,
                created_at: r.get(8)?,
                started_at: r.get(9)?,
                added_by: r.get(10)?,
                added_by_me: r.get(11)?,
                my_vote: r.get(12)?,
            },
            r.get::<_, i64>(13)?,
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The room's queued items, best first, each with its score.
pub fn load_queue(
    conn: &Connection,
    room: &RoomRef,
    viewer: &users::User,
) -> Result<Vec<QueueItem>> {
    let mut items = load_items(conn, room, viewer, ItemStatus::Queued)?;
    let standing = |(item, seq): &(QueueItem, i64)| Standing {
        votes: item.votes,
        seq: *seq,
    };
    queue::order(&mut items, standing);
    Ok(items
        .into_iter()
        .map(|entry| {
            let score = queue::score(&standing(&entry));
            QueueItem { score, ..entry.0 }
        })
        .collect())
}

pub fn load_now_playing(
    conn: &Connection,
    room: &RoomRef,
    viewer: &users::User,
) -> Result<Option<QueueItem>> {
    let mut items = load_items(conn, room, viewer, ItemStatus::Playing)?;
    Ok(items.pop().map(|(item, _)| QueueItem {
        score: item.votes,
        ..item
    }))
}
