use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::rooms;
use super::{RoomSnapshot, Store, now, snapshot, users};
use crate::domain::vote::Vote;
use crate::error::{Error, Result};
use crate::model::{Me, Role};

/// The seed's friendly answer to a guest who tries to skip.
pub const NOT_THE_HOST: &str =
    "Nice try! 🎧 Only the host can skip tracks. Vote it down and let democracy do its thing.";

impl Store {
    /// The room's public state, for a user the box knows.
    pub async fn room_for(&self, user: Uuid, code: &str) -> Result<Arc<RoomSnapshot>> {
        self.user(user).await?;
        self.room(code).await
    }

    /// The user's own side of the room: role, votes, additions.
    pub async fn me(&self, user: Uuid, code: String) -> Result<Me> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, role) = rooms::membership(conn, &code, &user)?;
            let mut votes = BTreeMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT v.room_track_id, v.value FROM votes v
                 JOIN room_tracks rt ON rt.id = v.room_track_id
                 WHERE rt.room_id = ?1 AND v.user_id = ?2 AND rt.status IN ('queued', 'playing')",
            )?;
            let mut rows = stmt.query([&room.id, &user.id])?;
            while let Some(r) = rows.next()? {
                votes.insert(r.get(0)?, r.get(1)?);
            }
            let added = conn
                .prepare_cached(
                    "SELECT id FROM room_tracks
                     WHERE room_id = ?1 AND added_by = ?2 AND status IN ('queued', 'playing')
                     ORDER BY seq",
                )?
                .query_map([&room.id, &user.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok(Me {
                display_name: users::display_name(conn, &user)?,
                role,
                votes,
                added,
            })
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
    ) -> Result<Arc<RoomSnapshot>> {
        let user = self.user(user).await?;
        let code = self
            .write(move |tx| {
                let (room, _) = rooms::require_member(tx, &code, &user)?;
                let known = tx
                    .prepare_cached("SELECT 1 FROM tracks WHERE id = ?1")?
                    .query_row([&track_id], |_| Ok(()))
                    .optional()?
                    .is_some();
                if !known {
                    return Err(Error::not_found("Track not found in the catalog."));
                }
                // The partial unique index keeps a track live once per room.
                let added = tx
                    .prepare_cached(
                        "INSERT INTO room_tracks (id, room_id, track_id, added_by, status, created_at,
                                                  title, artist, album, duration_ms, added_by_name)
                         SELECT ?1, ?2, t.id, u.id, 'queued', ?5,
                                t.title, t.artist, t.album, t.duration_ms, u.display_name
                         FROM tracks t, users u
                         WHERE t.id = ?3 AND u.id = ?4
                         ON CONFLICT DO NOTHING",
                    )?
                    .execute(params![
                        Uuid::new_v4().to_string(),
                        room.id,
                        track_id,
                        user.id,
                        now()
                    ])?;
                if added > 0 {
                    tx.touch(&room.id);
                }
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }

    /// Records the user's vote on a queued item, replacing any earlier one.
    pub async fn vote(
        &self,
        user: Uuid,
        code: String,
        room_track_id: String,
        vote: Vote,
    ) -> Result<Arc<RoomSnapshot>> {
        let user = self.user(user).await?;
        let code = self
            .write(move |tx| {
                let (room, _) = rooms::require_member(tx, &code, &user)?;
                // One statement on the common path: the vote lands only on
                // an item queued in this room; a repeated vote changes nothing.
                let changed = tx
                    .prepare_cached(
                        "INSERT INTO votes (room_track_id, user_id, value, created_at)
                         SELECT id, ?2, ?3, ?4 FROM room_tracks
                         WHERE id = ?1 AND room_id = ?5 AND status = 'queued'
                         ON CONFLICT (room_track_id, user_id)
                         DO UPDATE SET value = excluded.value, created_at = excluded.created_at
                         WHERE value != excluded.value",
                    )?
                    .execute(params![room_track_id, user.id, vote.value(), now(), room.id])?;
                if changed > 0 {
                    tx.touch(&room.id);
                } else {
                    // Nothing changed: the same vote again, or a reason to refuse.
                    let status: Option<String> = tx
                        .prepare_cached(
                            "SELECT status FROM room_tracks WHERE id = ?1 AND room_id = ?2",
                        )?
                        .query_row([&room_track_id, &room.id], |r| r.get(0))
                        .optional()?;
                    match status.as_deref() {
                        None => {
                            return Err(Error::not_found(
                                "That track is not in this room's queue.",
                            ));
                        }
                        Some("queued") => {}
                        Some(_) => {
                            return Err(Error::Conflict(
                                "That track has left the queue (it is playing or has played); votes only count while it waits."
                                    .into(),
                            ));
                        }
                    }
                }
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }

    /// Host only: the playing item is done; the best queued item starts.
    pub async fn advance(&self, user: Uuid, code: String) -> Result<Arc<RoomSnapshot>> {
        let user = self.user(user).await?;
        let code = self
            .write(move |tx| {
                let (room, role) = rooms::membership(tx, &code, &user)?;
                if role != Some(Role::Host) {
                    return Err(Error::forbidden(NOT_THE_HOST));
                }
                let at = now();
                tx.prepare_cached(
                    "UPDATE room_tracks SET status = 'played', ended_at = ?2
                     WHERE room_id = ?1 AND status = 'playing'",
                )?
                .execute(params![room.id, at])?;
                // The current order, as this transaction sees it.
                let next = snapshot::load(tx, &room.id)?
                    .and_then(|s| s.queue.into_iter().next())
                    .map(|item| item.room_track_id);
                if let Some(next) = next {
                    tx.prepare_cached(
                        "UPDATE room_tracks SET status = 'playing', started_at = ?2 WHERE id = ?1",
                    )?
                    .execute(params![next, at])?;
                }
                tx.touch(&room.id);
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }
}
