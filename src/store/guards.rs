//! Who may do what in a room, checked in one place: the room exists
//! (404), the user is a member (403 `not_a_member`), and has the power the
//! action needs (`domain::role`); each refusal says which power, in words.

use rusqlite::{Connection, OptionalExtension};

use super::{Tx, users};
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::domain::room_code;
use crate::domain::settings::Settings;
use crate::error::{Code, Error, Result};

/// A room, as the other store modules need it.
#[derive(Debug, Clone)]
pub struct RoomRef {
    pub id: String,
    pub settings: Settings,
}

/// The asking user's membership of a room.
#[derive(Debug, Clone)]
pub struct MemberRef {
    pub member_id: String,
    pub role: Role,
    pub joined_at: String,
    /// A party screen, not a person.
    pub screen: bool,
}

/// A power over the room beyond membership, and what a member without
/// it is told.
#[derive(Debug, Clone, Copy)]
pub enum Power {
    /// Host and co-hosts: moderation, the player, the log.
    Moderate(&'static str),
    /// The host alone: settings, roles, networks.
    RunTheRoom(&'static str),
}

impl Power {
    fn allows(self, role: Role) -> bool {
        match self {
            Power::Moderate(_) => role.moderates(),
            Power::RunTheRoom(_) => role.runs_the_room(),
        }
    }

    fn refusal(self) -> Refusal {
        match self {
            Power::Moderate(why) => Refusal::new(Code::ModeratorsOnly, why),
            Power::RunTheRoom(why) => Refusal::new(Code::HostOnly, why),
        }
    }
}

/// A member with `power`: 403 `not_a_member`, then 403 naming the power.
pub fn require(
    conn: &Connection,
    code: &str,
    user: &users::User,
    power: Power,
) -> Result<(RoomRef, MemberRef)> {
    with_power(require_member(conn, code, user)?, power)
}

/// Like `require`, in a write (see `find_in`).
pub fn require_in(
    tx: &Tx,
    code: &str,
    user: &users::User,
    power: Power,
) -> Result<(RoomRef, MemberRef)> {
    with_power(require_member_in(tx, code, user)?, power)
}

fn with_power((room, member): (RoomRef, MemberRef), power: Power) -> Result<(RoomRef, MemberRef)> {
    if !power.allows(member.role) {
        return Err(power.refusal().into());
    }
    Ok((room, member))
}

/// The seed's rule for skipping and the player: whoever is not the host
/// (or a co-host), member or not, gets the same answer, `refusal`.
pub fn moderator_or(tx: &Tx, code: &str, user: &users::User, refusal: Refusal) -> Result<RoomRef> {
    let (room, member) = membership_in(tx, code, user)?;
    if !member.is_some_and(|m| m.role.moderates()) {
        return Err(refusal.into());
    }
    Ok(room)
}

pub fn room_not_found() -> Error {
    Error::refuse(
        Code::RoomNotFound,
        "There is no party with that code. Check the code on the party's screen and try again.",
    )
}

/// The active room with this code (any case), or 404.
pub fn find(conn: &Connection, code: &str) -> Result<RoomRef> {
    let code = room_code::normalize(code).ok_or_else(room_not_found)?;
    conn.prepare_cached("SELECT id, settings FROM rooms WHERE code = ?1 AND is_active = 1")?
        .query_row([&code], |r| {
            Ok(RoomRef {
                id: r.get(0)?,
                settings: Settings::from_stored(&r.get::<_, String>(1)?),
            })
        })
        .optional()?
        .ok_or_else(room_not_found)
}

/// In a write: the room from memory when the transaction has not changed
/// its settings (the vote path runs this thousands of times a second), else
/// from SQLite.
pub fn find_in(tx: &Tx, code: &str) -> Result<RoomRef> {
    let code = room_code::normalize(code).ok_or_else(room_not_found)?;
    match tx.room_with_unchanged_rules(&code) {
        Some(room) if room.info.is_active => Ok(RoomRef {
            id: room.id.clone(),
            settings: room.settings.clone(),
        }),
        _ => find(tx, &code),
    }
}

/// The room with this code and the user's membership (`None` when not a
/// member, or no longer); 404 if no such room.
pub fn membership(
    conn: &Connection,
    code: &str,
    user: &users::User,
) -> Result<(RoomRef, Option<MemberRef>)> {
    let room = find(conn, code)?;
    let member = member_of(conn, &room, user)?;
    Ok((room, member))
}

/// Like `membership`, in a write (see `find_in`).
pub fn membership_in(
    tx: &Tx,
    code: &str,
    user: &users::User,
) -> Result<(RoomRef, Option<MemberRef>)> {
    let room = find_in(tx, code)?;
    let member = member_of(tx, &room, user)?;
    Ok((room, member))
}

/// The user's current membership of the room, if any.
fn member_of(conn: &Connection, room: &RoomRef, user: &users::User) -> Result<Option<MemberRef>> {
    // A primary-key lookup: cheaper than any join, and this runs for every
    // vote.
    let member = conn
        .prepare_cached(
            "SELECT member_id, role, joined_at, screen FROM room_members
             WHERE room_id = ?1 AND user_id = ?2 AND left_at IS NULL",
        )?
        .query_row([&room.id, &user.id], |r| {
            Ok(MemberRef {
                member_id: r.get(0)?,
                role: Role::parse(&r.get::<_, String>(1)?),
                joined_at: r.get(2)?,
                screen: r.get(3)?,
            })
        })
        .optional()?;
    Ok(member)
}

/// Like `membership`, but needs a member: 403 otherwise.
pub fn require_member(
    conn: &Connection,
    code: &str,
    user: &users::User,
) -> Result<(RoomRef, MemberRef)> {
    needs_member(membership(conn, code, user)?)
}

/// Like `require_member`, in a write (see `find_in`).
pub fn require_member_in(tx: &Tx, code: &str, user: &users::User) -> Result<(RoomRef, MemberRef)> {
    needs_member(membership_in(tx, code, user)?)
}

fn needs_member((room, member): (RoomRef, Option<MemberRef>)) -> Result<(RoomRef, MemberRef)> {
    match member {
        Some(member) => Ok((room, member)),
        None => Err(Error::refuse(
            Code::NotAMember,
            "Join the party first: only its guests can do that.",
        )),
    }
}
