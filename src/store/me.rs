//! A member's own side of a room: their role, their votes (and why some
//! do not count yet), their songs.

use std::collections::BTreeMap;
use std::sync::Arc;

use rusqlite::params;
use uuid::Uuid;

use super::{RoomSnapshot, Store, guards, users};
use crate::domain::counting::Waiting;
use crate::error::Result;
use crate::model::Me;
use crate::timestamp::Timestamp;

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
            let (room, member) = guards::membership(conn, &code, &user)?;
            let mut votes = BTreeMap::new();
            let mut waiting_votes = BTreeMap::new();
            let mut stmt = conn.prepare_cached(
                "SELECT v.room_track_id, v.value, rt.status, v.counted, v.held, v.counts_from > ?3,
                        v.counts_from
                 FROM votes v JOIN room_tracks rt ON rt.id = v.room_track_id
                 WHERE rt.room_id = ?1 AND v.user_id = ?2 AND rt.status IN ('queued', 'playing')",
            )?;
            let mut rows = stmt.query(params![room.id, user.id, Timestamp::now().text()])?;
            let mut votes_count_at: Option<String> = None;
            while let Some(r) = rows.next()? {
                let item: String = r.get(0)?;
                let queued = r.get::<_, String>(2)? == "queued";
                let (counted, held, due_later): (bool, bool, bool) =
                    (r.get(3)?, r.get(4)?, r.get(5)?);
                if let (true, Some(why)) = (
                    queued && member.is_some(),
                    Waiting::of(counted, held, due_later),
                ) {
                    waiting_votes.insert(item.clone(), why.as_str().to_string());
                    if why == Waiting::New {
                        let at: String = r.get(6)?;
                        votes_count_at = votes_count_at.max(Some(at));
                    }
                }
                votes.insert(item, r.get(1)?);
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
                member_id: member.as_ref().map(|m| m.member_id.clone()),
                role: member.as_ref().map(|m| m.role),
                can: member.map(|m| m.role.powers()).unwrap_or_default(),
                votes,
                waiting_votes,
                votes_count_at,
                added,
            })
        })
        .await
    }
}
