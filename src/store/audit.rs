//! The moderation log: who did what to whom, kept with the room.

use rusqlite::{Connection, params};
use uuid::Uuid;

use super::guards::{self, Power};
use super::{Store, Tx, users};
use crate::error::Result;
use crate::model::AuditEntry;
use crate::timestamp::Timestamp;

/// Rows kept per room: the newest (a night of moderation is hundreds).
pub const KEPT: i64 = 5_000;

/// How much of the log one request returns (newest first).
const PAGE: i64 = 200;

/// Notes an action by `actor` in the room's log, in the same transaction.
pub fn record(
    tx: &Tx,
    room_id: &str,
    actor: &users::User,
    action: &str,
    target: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    let name = users::display_name(tx, actor)?;
    insert(tx, room_id, &name, action, target, detail)
}

/// Notes something the room did by itself (e.g. a vote to skip).
pub fn record_system(
    tx: &Tx,
    room_id: &str,
    action: &str,
    target: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    insert(tx, room_id, "the room", action, target, detail)
}

fn insert(
    conn: &Connection,
    room_id: &str,
    actor: &str,
    action: &str,
    target: Option<&str>,
    detail: Option<&str>,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit (room_id, at, actor, action, target, detail) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![room_id, Timestamp::now().text(), actor, action, target, detail])?;
    // The log keeps each room's newest rows: one index step finds the
    // oldest to keep, one range delete drops what is older.
    conn.prepare_cached(
        "DELETE FROM audit WHERE room_id = ?1 AND seq < (
             SELECT seq FROM audit WHERE room_id = ?1 ORDER BY seq DESC LIMIT 1 OFFSET ?2)",
    )?
    .execute(params![room_id, KEPT - 1])?;
    Ok(())
}

impl Store {
    /// The room's moderation log, newest first: host and co-hosts only.
    pub async fn audit(&self, user: Uuid, code: String) -> Result<Vec<AuditEntry>> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, _) = guards::require(
                conn,
                &code,
                &user,
                Power::Moderate("Only the host and co-hosts can read the moderation log."),
            )?;
            let mut stmt = conn.prepare_cached(
                "SELECT at, actor, action, target, detail FROM audit
                 WHERE room_id = ?1 ORDER BY seq DESC LIMIT ?2",
            )?;
            let rows = stmt.query_map(params![room.id, PAGE], |r| {
                Ok(AuditEntry {
                    at: r.get(0)?,
                    actor: r.get(1)?,
                    action: r.get(2)?,
                    target: r.get(3)?,
                    detail: r.get(4)?,
                })
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }
}
