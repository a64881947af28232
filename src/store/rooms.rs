use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{Store, now, users};
use crate::domain::{room_code, room_name};
use crate::error::{Error, Result};
use crate::model::{Joined, Room};

/// A room, as the other store modules need it.
#[derive(Debug, Clone)]
pub struct RoomRef {
    pub id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Host,
    Guest,
}

impl Store {
    pub async fn create_room(&self, user: Uuid, name: Option<String>) -> Result<Room> {
        self.write(move |conn| {
            let host = users::require(conn, user)?;
            let host_name = users::display_name(conn, &host)?;
            let name = room_name::parse(name.as_deref(), &host_name)?;
            let id = Uuid::new_v4().to_string();
            let created_at = now();
            let mut rng = rand::rng();
            // Codes are random; on the rare collision, draw again.
            let code = loop {
                let code = room_code::generate(&mut rng);
                let taken = conn
                    .prepare_cached("SELECT 1 FROM rooms WHERE code = ?1")?
                    .query_row([&code], |_| Ok(()))
                    .optional()?
                    .is_some();
                if !taken {
                    break code;
                }
            };
            conn.execute(
                "INSERT INTO rooms (id, code, name, host_user_id, is_active, created_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5)",
                params![id, code, name, host.id, created_at],
            )?;
            conn.execute(
                "INSERT INTO room_members (room_id, user_id, role, joined_at)
                 VALUES (?1, ?2, 'host', ?3)",
                params![id, host.id, created_at],
            )?;
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
        self.write(move |conn| {
            let user = users::require(conn, user)?;
            let room = find(conn, &code)?;
            conn.execute(
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
}

/// The active room with this code (any case), or 404.
pub fn find(conn: &Connection, code: &str) -> Result<RoomRef> {
    let not_found = || Error::not_found("Room not found. Check the code and try again.");
    let code = room_code::normalize(code).ok_or_else(not_found)?;
    conn.prepare_cached("SELECT id FROM rooms WHERE code = ?1 AND is_active = 1")?
        .query_row([&code], |r| Ok(RoomRef { id: r.get(0)? }))
        .optional()?
        .ok_or_else(not_found)
}

/// The user's role in the room, or 403: writes need membership.
pub fn require_member(conn: &Connection, room: &RoomRef, user: &users::User) -> Result<Role> {
    let role: Option<String> = conn
        .prepare_cached("SELECT role FROM room_members WHERE room_id = ?1 AND user_id = ?2")?
        .query_row([&room.id, &user.id], |r| r.get(0))
        .optional()?;
    match role.as_deref() {
        Some("host") => Ok(Role::Host),
        Some(_) => Ok(Role::Guest),
        None => Err(Error::forbidden(
            "Join the room first: only its members can do that.",
        )),
    }
}
