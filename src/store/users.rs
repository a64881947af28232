use std::collections::HashMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{Store, now};
use crate::error::{Error, Result};
use crate::model::Guest;

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
}

fn clock_secs() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs()
}

impl UserCache {
    fn get(&self, id: Uuid) -> Option<User> {
        let known = self.known.read().expect("user cache lock");
        known.get(&id).map(|k| {
            k.seen.store(clock_secs(), Ordering::Relaxed);
            User {
                id: id.to_string(),
                device: k.device.clone(),
            }
        })
    }

    fn insert(&self, id: Uuid, device: Option<String>) {
        self.known.write().expect("user cache lock").insert(
            id,
            Known {
                device,
                seen: AtomicU64::new(clock_secs()),
            },
        );
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
                tx.execute(
                    "INSERT INTO users (id, display_name, created_at, device_id) VALUES (?1, ?2, ?3, ?4)",
                    params![id.to_string(), display_name, now(), stored_device],
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

    /// The user with this id, or 401. Served from memory once seen.
    pub async fn user(&self, id: Uuid) -> Result<User> {
        if let Some(user) = self.users.get(id) {
            return Ok(user);
        }
        let user = self.read(move |conn| require(conn, id)).await?;
        self.users.insert(id, user.device.clone());
        Ok(user)
    }
}

/// The user with this id, or 401: an id the box never issued is no identity.
pub fn require(conn: &Connection, id: Uuid) -> Result<User> {
    let id = id.to_string();
    let known = conn
        .prepare_cached("SELECT device_id FROM users WHERE id = ?1")?
        .query_row([&id], |r| r.get(0))
        .optional()?;
    match known {
        Some(device) => Ok(User { id, device }),
        None => Err(Error::Unauthorized(
            "This box does not know you (it may have been reset). Join again as a guest.".into(),
        )),
    }
}

pub fn display_name(conn: &Connection, user: &User) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT display_name FROM users WHERE id = ?1")?
        .query_row([&user.id], |r| r.get(0))?)
}
