use std::collections::HashSet;
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
}

/// Ids the box has issued and seen since start. Users are never deleted, so
/// a hit is always right; a miss asks SQLite.
#[derive(Default)]
pub struct UserCache {
    known: RwLock<HashSet<Uuid>>,
}

impl UserCache {
    fn contains(&self, id: Uuid) -> bool {
        self.known.read().expect("user cache lock").contains(&id)
    }

    fn insert(&self, id: Uuid) {
        self.known.write().expect("user cache lock").insert(id);
    }
}

impl Store {
    pub async fn create_guest(&self, display_name: String) -> Result<Guest> {
        let id = Uuid::new_v4();
        let guest = self
            .write(move |tx| {
                tx.execute(
                    "INSERT INTO users (id, display_name, created_at) VALUES (?1, ?2, ?3)",
                    params![id.to_string(), display_name, now()],
                )?;
                Ok(Guest {
                    user_id: id.to_string(),
                    display_name,
                })
            })
            .await?;
        self.users.insert(id);
        Ok(guest)
    }

    /// The user with this id, or 401. Served from memory once seen.
    pub async fn user(&self, id: Uuid) -> Result<User> {
        if !self.users.contains(id) {
            self.read(move |conn| require(conn, id)).await?;
            self.users.insert(id);
        }
        Ok(User { id: id.to_string() })
    }
}

/// The user with this id, or 401: an id the box never issued is no identity.
pub fn require(conn: &Connection, id: Uuid) -> Result<User> {
    let id = id.to_string();
    let known = conn
        .prepare_cached("SELECT 1 FROM users WHERE id = ?1")?
        .query_row([&id], |_| Ok(()))
        .optional()?;
    match known {
        Some(()) => Ok(User { id }),
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
