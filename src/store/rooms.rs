use std::sync::Arc;
use std::time::Instant;

use tokio::sync::watch;

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::guards::{RoomRef, find, require_member, room_not_found};
use super::lockouts::{Lockouts, Scope};
use super::snapshot::{self, RoomSnapshot};
use super::{Store, Tx, audit, users};
use crate::domain::gates::{self, Standing};
use crate::domain::refusal::Refusal;
use crate::domain::role::Role;
use crate::domain::settings::Settings;
use crate::domain::{join_token, room_code, room_name, voices};
use crate::error::{Code, Error, Result};
use crate::limits::MAX_ROOMS_PER_USER;
use crate::model::{JoinDoor, Joined, Room};
use crate::timestamp::Timestamp;

/// How a join proves the guest is at the party, when the room asks, and
/// what else the box knows of the one joining.
#[derive(Debug, Clone, Default)]
pub struct JoinProof {
    /// The TV's current join code (what its QR code carries).
    pub token: Option<String>,
    pub pin: Option<String>,
    /// A party screen, not a person.
    pub screen: bool,
    /// The network they join from (`domain::voices::network_of`).
    pub network: String,
}

impl Store {
    pub async fn create_room(
        &self,
        user: Uuid,
        name: Option<String>,
        settings: Settings,
    ) -> Result<Room> {
        self.write(move |tx| {
            let host = users::require(tx, user)?;
            let hosted: i64 = tx
                .prepare_cached("SELECT count(*) FROM rooms WHERE host_user_id = ?1")?
                .query_row([&host.id], |r| r.get(0))?;
            if hosted >= MAX_ROOMS_PER_USER {
                return Err(Error::refuse(Code::TooManyRooms, format!(
                    "You already host {MAX_ROOMS_PER_USER} parties: that is the limit."
                )));
            }
            let host_name = users::display_name(tx, &host)?;
            let name = room_name::parse(name.as_deref(), &host_name)?;
            let id = Uuid::new_v4().to_string();
            let created_at = Timestamp::now().text();
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
                "INSERT INTO rooms (id, code, name, host_user_id, is_active, created_at, settings, secret)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7)",
                params![
                    id,
                    code,
                    name,
                    host.id,
                    created_at,
                    settings.to_stored(),
                    Uuid::new_v4().simple().to_string()
                ],
            )?;
            tx.execute(
                "INSERT INTO room_members (room_id, user_id, member_id, role, joined_at)
                 VALUES (?1, ?2, ?3, 'host', ?4)",
                params![id, host.id, new_member_id(), created_at],
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

    /// Joins (or re-joins) a room, through its gates: banned members never,
    /// a closed room only for its members, and when the host asks for it, a
    /// current join code from the TV or the PIN.
    pub async fn join_room(&self, user: Uuid, code: String, proof: JoinProof) -> Result<Joined> {
        let user = self.user(user).await?;
        let lockouts = self.lockouts.clone();
        // A refusal at the PIN is an answer, not a failed write: the wrong
        // try and any lock-out it starts are logged and committed.
        self.write(move |tx| {
            let room = find(tx, &code)?;
            let standing = standing_of(tx, &room, Some(&user))?;
            if standing == Standing::Member {
                // Joining again changes nothing but where from.
                tx.prepare_cached(
                    "UPDATE room_members SET network = ?3 WHERE room_id = ?1 AND user_id = ?2",
                )?
                .execute(params![room.id, user.id, proof.network])?;
            } else {
                let screen_code_ok = screen_code_ok(tx, &room, proof.token.as_deref())?;
                let facts = gates::Facts {
                    banned: banned(tx, &room, &user, &proof.network)?,
                    open: room.settings.open,
                    must_be_here: room.settings.guests_must_be_here,
                    screen_code_ok,
                    screen: proof.screen,
                    full: is_full(tx, &room)?,
                };
                gates::check(standing, &facts)?;
                let asks = gates::asks_for_pin(room.settings.join_pin.is_some(), screen_code_ok);
                if let Err(refused) = check_pin(tx, &room, &user, &proof, &lockouts, asks)? {
                    return Ok(Err(refused.into()));
                }
                tx.prepare_cached(
                    "INSERT INTO room_members (room_id, user_id, member_id, role, joined_at,
                                               screen, network)
                     VALUES (?1, ?2, ?3, 'guest', ?4, ?5, ?6)
                     ON CONFLICT (room_id, user_id) DO UPDATE
                     SET left_at = NULL, joined_at = excluded.joined_at, role = 'guest',
                         screen = excluded.screen, network = excluded.network",
                )?
                .execute(params![
                    room.id,
                    user.id,
                    new_member_id(),
                    Timestamp::now(),
                    proof.screen,
                    proof.network
                ])?;
            }
            Ok(Ok(Joined {
                room_id: room.id,
                user_id: user.id,
            }))
        })
        .await?
    }

    /// What joining the room takes for this user (if the box knows them)
    /// from this network.
    pub async fn door(
        &self,
        user: Option<Uuid>,
        code: String,
        network: String,
    ) -> Result<JoinDoor> {
        self.read(move |conn| {
            let room = find(conn, &code)?;
            let user = match user {
                Some(id) => users::require(conn, id).ok(),
                None => None,
            };
            let standing = standing_of(conn, &room, user.as_ref())?;
            let stranger = users::User {
                id: String::new(),
                device: None,
            };
            let banned = standing == Standing::Banned
                || banned(conn, &room, user.as_ref().unwrap_or(&stranger), &network)?;
            let s = &room.settings;
            Ok(JoinDoor {
                member: standing == Standing::Member,
                banned,
                open: s.open,
                full: is_full(conn, &room)?,
                needs_pin: s.join_pin.is_some(),
                needs_screen_code: s.guests_must_be_here,
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

    /// The room as it was at `version`, while the box still holds that
    /// snapshot (the latest few).
    pub fn room_at(&self, code: &str, version: i64) -> Option<Arc<RoomSnapshot>> {
        self.rooms.at(&room_code::normalize(code)?, version)
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
            let (room, member) = require_member(conn, &code, &user)?;
            Ok(Member {
                room_id: room.id,
                display_name: users::display_name(conn, &user)?,
                device: user.device.clone().unwrap_or_else(|| user.id.clone()),
                user_id: user.id,
                member_id: member.member_id,
                role: member.role,
                screen: member.screen,
            })
        })
        .await
    }
}

/// Member, banned (their account) or newcomer.
fn standing_of(conn: &Connection, room: &RoomRef, user: Option<&users::User>) -> Result<Standing> {
    let Some(user) = user else {
        return Ok(Standing::Newcomer);
    };
    let row: Option<(Option<String>, Option<String>)> = conn
        .prepare_cached(
            "SELECT left_at, banned_at FROM room_members WHERE room_id = ?1 AND user_id = ?2",
        )?
        .query_row([&room.id, &user.id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        Some((_, Some(_))) => Standing::Banned,
        Some((None, None)) => Standing::Member,
        _ => Standing::Newcomer,
    })
}

/// The guest brought a current code from the party's screen.
fn screen_code_ok(conn: &Connection, room: &RoomRef, token: Option<&str>) -> Result<bool> {
    let Some(token) = token else {
        return Ok(false);
    };
    let secret: String = conn
        .prepare_cached("SELECT secret FROM rooms WHERE id = ?1")?
        .query_row([&room.id], |r| r.get(0))?;
    Ok(join_token::is_valid(
        &secret,
        token,
        Timestamp::now().unix_seconds(),
    ))
}

/// Whether a ban in the room binds this account, its device, or the network
/// it comes from (unless the host lets that network count in full: many
/// guests share it, or it is the box's own machine).
fn banned(conn: &Connection, room: &RoomRef, user: &users::User, network: &str) -> Result<bool> {
    let by_network =
        !voices::is_the_box(network) && !room.settings.shared_networks.iter().any(|n| n == network);
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM room_bans INDEXED BY room_bans_active
             WHERE room_id = ?1 AND lifted_at IS NULL
               AND (user_id = ?2 OR device_id = ?3 OR (?5 AND network = ?4))
             LIMIT 1",
        )?
        .query_row(
            params![room.id, user.id, user.device, network, by_network],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Members' public ids: random, and nothing like the user id.
fn new_member_id() -> String {
    Uuid::new_v4().simple().to_string()[..12].to_string()
}

/// The party has as many people as the host allows (screens are not
/// people; members who left do not count).
fn is_full(conn: &Connection, room: &RoomRef) -> Result<bool> {
    let Some(max) = room.settings.max_guests else {
        return Ok(false);
    };
    let people: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM room_members
             WHERE room_id = ?1 AND left_at IS NULL AND banned_at IS NULL AND screen = 0",
        )?
        .query_row([&room.id], |r| r.get(0))?;
    Ok(people >= i64::from(max))
}

/// The room's PIN, when it has one: missing and wrong say different
/// things; wrong tries count (`domain::lockout`), and too many lock the
/// network, or the whole room's PIN joins, out for a while, in the log.
/// `Ok(Err(..))` is a refusal whose counting must still commit.
fn check_pin(
    tx: &Tx,
    room: &RoomRef,
    user: &users::User,
    proof: &JoinProof,
    lockouts: &Lockouts,
    asks: bool,
) -> Result<std::result::Result<(), Refusal>> {
    let want = room.settings.join_pin.as_deref();
    if !asks {
        return Ok(Ok(()));
    }
    let now = Instant::now();
    if let Some((wait, scope)) = lockouts.wait(&room.id, &proof.network, now) {
        return Ok(Err(gates::locked_out(wait, scope == Scope::Room)));
    }
    match gates::pin(want, proof.pin.as_deref()) {
        gates::Pin::Passes => return Ok(Ok(())),
        gates::Pin::Missing => return Ok(Err(gates::needs_pin())),
        gates::Pin::Wrong => {}
    }
    let Some((wait, scope)) = lockouts.wrong(&room.id, &proof.network, now) else {
        return Ok(Err(gates::wrong_pin(lockouts.tries_left(
            &room.id,
            &proof.network,
            now,
        ))));
    };
    let whom = match scope {
        Scope::Network => proof.network.clone(),
        Scope::Room => "everyone".to_string(),
    };
    audit::record(
        tx,
        &room.id,
        user,
        "was locked out after wrong PINs",
        Some(&whom),
        Some(&format!("wait {}", gates::minutes(wait))),
    )?;
    Ok(Err(gates::locked_out(wait, scope == Scope::Room)))
}

/// A room member, as live updates need them.
#[derive(Debug, Clone)]
pub struct Member {
    pub room_id: String,
    /// Kept inside the box: presence counts people, not tabs.
    pub user_id: String,
    pub member_id: String,
    pub display_name: String,
    pub role: Role,
    /// The device cookie, else the account (see `domain::voices::Voter`).
    pub device: String,
    /// A party screen, not a person.
    pub screen: bool,
}
