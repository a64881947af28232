use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::Store;
use crate::error::{Code, Error, Result};
use crate::model::Guest;
use crate::timestamp::Timestamp;

/// The user behind a request, once the store has checked they exist.
#[derive(Debug, Clone)]
pub struct User {
    pub id: String,
    /// The device the account was made on, when the box could tell.
    pub device: Option<String>,
}

/// Users the box has issued and seen lately, with their device. Users are
/// never deleted, so a hit is always right; a miss asks SQLite. Users not
/// seen for a while leave (`forget_unseen`).
#[derive(Default)]
pub struct UserCache {
    known: RwLock<HashMap<Uuid, Known>>,
}

struct Known {
    device: Option<String>,
    /// Seconds since the cache began, when last asked for.
    seen: AtomicU64,
    /// ...and when `last_seen_at` was last written for it.
    stamped: AtomicU64,
}

/// An id unused this long expires (ids are credentials).
pub const EXPIRES_AFTER: time::Duration = time::Duration::days(30);
/// `last_seen_at` is written at most this often per user.
const STAMP_EVERY_SECS: u64 = 24 * 60 * 60;

fn clock_secs() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs()
}

impl UserCache {
    /// The user, and whether their `last_seen_at` is due a new stamp.
    fn get(&self, id: Uuid) -> Option<(User, bool)> {
        let known = self.known.read().expect("user cache lock");
        known.get(&id).map(|k| {
            let now = clock_secs();
            k.seen.store(now, Ordering::Relaxed);
            let stamped = k.stamped.load(Ordering::Relaxed);
            let due = now.saturating_sub(stamped) >= STAMP_EVERY_SECS
                && k.stamped
                    .compare_exchange(stamped, now, Ordering::Relaxed, Ordering::Relaxed)
                    .is_ok();
            let user = User {
                id: id.to_string(),
                device: k.device.clone(),
            };
            (user, due)
        })
    }

    fn insert(&self, id: Uuid, device: Option<String>) {
        let now = clock_secs();
        self.known.write().expect("user cache lock").insert(
            id,
            Known {
                device,
                seen: AtomicU64::new(now),
                stamped: AtomicU64::new(now),
            },
        );
    }

    fn remove(&self, id: Uuid) {
        self.known.write().expect("user cache lock").remove(&id);
    }

    /// Lets go of users not seen for `unseen`; answers how many left.
    pub fn forget_unseen(&self, unseen: std::time::Duration) -> usize {
        let now = clock_secs();
        let mut known = self.known.write().expect("user cache lock");
        let before = known.len();
        known.retain(|_, k| now.saturating_sub(k.seen.load(Ordering::Relaxed)) < unseen.as_secs());
        before - known.len()
    }
}

impl Store {
    pub async fn create_guest(
        &self,
        display_name: String,
        device: Option<String>,
    ) -> Result<Guest> {
        let id = Uuid::new_v4();
        let stored_device = device.clone();
        let guest = self
            .write(move |tx| {
                let at = Timestamp::now().text();
                tx.execute(
                    "INSERT INTO users (id, display_name, created_at, device_id, last_seen_at)
                     VALUES (?1, ?2, ?3, ?4, ?3)",
                    params![id.to_string(), display_name, at, stored_device],
                )?;
                Ok(Guest {
                    user_id: id.to_string(),
                    display_name,
                })
            })
            .await?;
        self.users.insert(id, device);
        Ok(guest)
    }

    /// Gives the user a new name: their waiting and playing songs say it,
    /// and every party they are in shows it at once.
    pub async fn rename(&self, id: Uuid, display_name: String) -> Result<Guest> {
        let user = self.user(id).await?;
        self.write(move |tx| {
            tx.prepare_cached("UPDATE users SET display_name = ?2 WHERE id = ?1")?
                .execute(params![user.id, display_name])?;
            tx.prepare_cached(
                "UPDATE room_tracks SET added_by_name = ?2
                 WHERE added_by = ?1 AND status IN ('queued', 'playing')",
            )?
            .execute(params![user.id, display_name])?;
            let rooms: Vec<String> = tx
                .prepare_cached(
                    "SELECT room_id FROM room_members WHERE user_id = ?1 AND left_at IS NULL",
                )?
                .query_map([&user.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for room in rooms {
                tx.touch(&room);
            }
            Ok(Guest {
                user_id: user.id,
                display_name,
            })
        })
        .await
    }

    /// The user with this id, or 401 (unknown, logged out, or unused for
    /// 30 days). Served from memory once seen; the day's use is noted.
    pub async fn user(&self, id: Uuid) -> Result<User> {
        if let Some((user, due)) = self.users.get(id) {
            if due {
                self.stamp(user.id.clone());
            }
            return Ok(user);
        }
        let user = self.read(move |conn| require(conn, id)).await?;
        self.users.insert(id, user.device.clone());
        self.stamp(user.id.clone());
        Ok(user)
    }

    /// Notes that the user was seen (in the background: a request never
    /// waits for it).
    fn stamp(&self, user_id: String) {
        let store = self.clone();
        tokio::spawn(async move {
            let _ = store
                .write(move |tx| {
                    tx.prepare_cached("UPDATE users SET last_seen_at = ?2 WHERE id = ?1")?
                        .execute(params![user_id, Timestamp::now().text()])?;
                    Ok(())
                })
                .await;
        });
    }

    /// Logging out: the id is no credential any more.
    pub async fn revoke(&self, id: Uuid) -> Result<()> {
        self.users.remove(id);
        self.write(move |tx| {
            tx.prepare_cached(
                "UPDATE users SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            )?
            .execute(params![id.to_string(), Timestamp::now().text()])?;
            Ok(())
        })
        .await?;
        self.users.remove(id);
        Ok(())
    }
}

/// The user with this id, or 401: an id the box never issued is no identity.
pub fn require(conn: &Connection, id: Uuid) -> Result<User> {
    let id = id.to_string();
    let known: Option<(Option<String>, Option<String>, Option<String>)> = conn
        .prepare_cached("SELECT device_id, revoked_at, last_seen_at FROM users WHERE id = ?1")?
        .query_row([&id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let expired_before = Timestamp::now()
        .plus_micros(-(EXPIRES_AFTER.whole_microseconds() as i64))
        .text();
    match known {
        Some((_, Some(_), _)) => Err(Error::refuse(
            Code::LoggedOut,
            "You logged out with this id: join again as a guest.",
        )),
        // Timestamps are fixed-width UTC text: they compare as text.
        Some((_, None, Some(seen))) if seen < expired_before => Err(Error::refuse(
            Code::IdentityExpired,
            "This id was not used for 30 days and has expired: join again as a guest.",
        )),
        Some((device, None, _)) => Ok(User { id, device }),
        None => Err(Error::refuse(
            Code::UnknownIdentity,
            "This box does not know you (it may have been reset). Join again as a guest.",
        )),
    }
}

pub fn display_name(conn: &Connection, user: &User) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT display_name FROM users WHERE id = ?1")?
        .query_row([&user.id], |r| r.get(0))?)
}
