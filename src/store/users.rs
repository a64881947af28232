use std::collections::HashMap;
use std::sync::RwLock;

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

/// Users the box has issued and seen since start, with their device. Users
/// are never deleted, so a hit is always right; a miss asks SQLite.
#[derive(Default)]
pub struct UserCache {
    known: RwLock<HashMap<Uuid, Option<String>>>,
}

impl UserCache {
    fn get(&self, id: Uuid) -> Option<User> {
        let known = self.known.read().expect("user cache lock");
        known.get(&id).map(|device| User {
            id: id.to_string(),
            device: device.clone(),
        })
    }

    fn insert(&self, id: Uuid, device: Option<String>) {
        self.known
            .write()
            .expect("user cache lock")
            .insert(id, device);
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
