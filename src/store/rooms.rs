use std::sync::Arc;

use tokio::sync::watch;

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::snapshot::{self, RoomSnapshot};
use super::{Store, now, users};
use crate::domain::{room_code, room_name};
use crate::error::{Error, Result};
use crate::model::{Joined, Role, Room};

/// A room, as the other store modules need it.
#[derive(Debug, Clone)]
pub struct RoomRef {
    pub id: String,
}

impl Store {
    pub async fn create_room(&self, user: Uuid, name: Option<String>) -> Result<Room> {
        self.write(move |tx| {
            let host = users::require(tx, user)?;
            let host_name = users::display_name(tx, &host)?;
            let name = room_name::parse(name.as_deref(), &host_name)?;
            let id = Uuid::new_v4().to_string();
            let created_at = now();
            let mut rng = rand::rng();
            // Codes are random; on the rare collision, draw again.
            let code = loop {
                let code = room_code::generate(&mut rng);
                let taken = tx
                    .prepare_cached("SELECT 1 FROM rooms WHERE code = ?1")?
                    .query_row([&code], |_| Ok(()))
                    .optional()?
                    .is_some();
                if !taken {
                    break code;
                }
            };
            tx.execute(
                "INSERT INTO rooms (id, code, name, host_user_id, is_active, created_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![id, code, name, host.id, created_at],
            )?;
            tx.execute(
                "INSERT INTO room_members (room_id, user_id, role, joined_at)
                 VALUES (?1, ?2, 'host', ?3)",
                params![id, host.id, created_at],
            )?;
            tx.touch(&id);
            Ok(Room {
                id,
                code,
                name,
                host_user_id: host.id,
                is_active: true,
                created_at,
            })
        })
        .await
    }

    pub async fn join_room(&self, user: Uuid, code: String) -> Result<Joined> {
        let user = self.user(user).await?;
        self.write(move |tx| {
            let room = find(tx, &code)?;
            tx.execute(
                "INSERT INTO room_members (room_id, user_id, role, joined_at)
                 VALUES (?1, ?2, 'guest', ?3)
                 ON CONFLICT (room_id, user_id) DO NOTHING",
                params![room.id, user.id, now()],
            )?;
            Ok(Joined {
                room_id: room.id,
                user_id: user.id,
            })
        })
        .await
    }

    /// The room's latest snapshot, from memory once seen; 404 if unknown.
    pub async fn room(&self, code: &str) -> Result<Arc<RoomSnapshot>> {
        let code = room_code::normalize(code).ok_or_else(room_not_found)?;
        if let Some(room) = self.rooms.get(&code) {
            return Ok(room);
        }
        let snapshot = self
            .read(move |conn| {
                let room = find(conn, &code)?;
                snapshot::load(conn, &room.id)?.ok_or_else(room_not_found)
            })
            .await?;
        Ok(self.rooms.publish(snapshot))
    }

    /// Follows a room's snapshots (for live updates); 404 if unknown.
    pub async fn subscribe(&self, code: &str) -> Result<watch::Receiver<Arc<RoomSnapshot>>> {
        let room = self.room(code).await?;
        self.rooms
            .subscribe(&room.info.code)
            .ok_or_else(room_not_found)
    }

    /// The user as a member of the room: 401 unknown, 404 no such room,
    /// 403 not a member.
    pub async fn member(&self, user: Uuid, code: String) -> Result<Member> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, role) = require_member(conn, &code, &user)?;
            Ok(Member {
                room_id: room.id,
                display_name: users::display_name(conn, &user)?,
                user_id: user.id,
                role,
            })
        })
        .await
    }
}

/// A room member, as live updates need them.
#[derive(Debug, Clone)]
pub struct Member {
    pub room_id: String,
    /// Kept inside the box: presence counts people, not tabs.
    pub user_id: String,
    pub display_name: String,
    pub role: Role,
}

fn room_not_found() -> Error {
    Error::not_found("Room not found. Check the code and try again.")
}

/// The active room with this code (any case), or 404.
pub fn find(conn: &Connection, code: &str) -> Result<RoomRef> {
    let code = room_code::normalize(code).ok_or_else(room_not_found)?;
    conn.prepare_cached("SELECT id FROM rooms WHERE code = ?1 AND is_active = 1")?
        .query_row([&code], |r| Ok(RoomRef { id: r.get(0)? }))
        .optional()?
        .ok_or_else(room_not_found)
}

/// The room with this code and the user's role in it (`None` when not a
/// member), in one query; 404 if no such room.
pub fn membership(
    conn: &Connection,
    code: &str,
    user: &users::User,
) -> Result<(RoomRef, Option<Role>)> {
    let code = room_code::normalize(code).ok_or_else(room_not_found)?;
    let (id, role): (String, Option<String>) = conn
        // A subquery, not a LEFT JOIN: SQLite (with STAT4, as bundled)
        // re-plans a join with bound parameters on every run, and this
        // runs for every vote.
        .prepare_cached(
            "SELECT r.id,
                    (SELECT m.role FROM room_members m WHERE m.room_id = r.id AND m.user_id = ?2)
             FROM rooms r
             WHERE r.code = ?1 AND r.is_active = 1",
        )?
        .query_row([&code, &user.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(room_not_found)?;
    let role = role.map(|r| match r.as_str() {
        "host" => Role::Host,
        _ => Role::Guest,
    });
    Ok((RoomRef { id }, role))
}

/// Like `membership`, but writes need a member: 403 otherwise.
pub fn require_member(
    conn: &Connection,
    code: &str,
    user: &users::User,
) -> Result<(RoomRef, Role)> {
    match membership(conn, code, user)? {
        (room, Some(role)) => Ok((room, role)),
        (_, None) => Err(Error::forbidden(
            "Join the room first: only its members can do that.",
        )),
    }
}
