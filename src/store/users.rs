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

impl Store {
    pub async fn create_guest(&self, display_name: String) -> Result<Guest> {
        self.write(move |conn| {
            let id = Uuid::new_v4().to_string();
            conn.execute(
                "INSERT INTO users (id, display_name, created_at) VALUES (?1, ?2, ?3)",
                params![id, display_name, now()],
            )?;
            Ok(Guest {
                user_id: id,
                display_name,
            })
        })
        .await
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
