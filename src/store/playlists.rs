//! Playlists loaded into a party: read and matched against the catalog
//! (`playlists::matching`) on a reader, then kept (and, when asked, queued)
//! in one write. Curated parties let guests add only their songs.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::guards::{self, Power};
use super::{RoomSnapshot, Store, Tx, advance, audit, catalog, queue, users};
use crate::domain::admission::Admission;
use crate::error::{Code, Error, Result};
use crate::model::{LoadedPlaylist, PlaylistDetail, PlaylistView};
use crate::playlists::matching::{Catalog, CatalogTrack};
use crate::playlists::read::Entry;
use crate::timestamp::Timestamp;

/// Entries that matched nothing, listed at most (the host reads them).
const UNMATCHED_LISTED: usize = 100;

/// A playlist to load: its name, where it came from, what it names.
pub struct PlaylistLoad {
    pub name: String,
    /// Its path in a music folder (relative), or `None` for an upload.
    pub file: Option<String>,
    /// The folder relative paths in it are read from.
    pub base: Option<PathBuf>,
    pub entries: Vec<Entry>,
    /// Also put its songs in the queue, in its order.
    pub queue: bool,
}

const WHY_MODERATORS: &str = "Only the host and co-hosts load playlists.";

impl Store {
    /// Loads a playlist into the party (host and co-hosts).
    pub async fn load_playlist(
        &self,
        user: Uuid,
        code: String,
        load: PlaylistLoad,
    ) -> Result<(Arc<RoomSnapshot>, LoadedPlaylist)> {
        let user = self.user(user).await?;
        let check = (code.clone(), user.clone());
        // Matching reads the whole catalog: on a reader, not the writer.
        let entries = load.entries;
        let base = load.base;
        let matched: Vec<(String, Option<String>)> = self
            .read(move |conn| {
                guards::require(conn, &check.0, &check.1, Power::Moderate(WHY_MODERATORS))?;
                let catalog = catalog_of(conn)?;
                Ok(entries
                    .iter()
                    .map(|e| {
                        (
                            e.label(),
                            catalog.find(e, base.as_deref()).map(str::to_string),
                        )
                    })
                    .collect())
            })
            .await?;
        let matched = Matched {
            name: load.name,
            file: load.file,
            queue: load.queue,
            entries: matched,
        };
        let (code, loaded) = self
            .write(move |tx| {
                let (room, _) =
                    guards::require_in(tx, &code, &user, Power::Moderate(WHY_MODERATORS))?;
                Ok((code, keep(tx, &room, &user, &matched)?))
            })
            .await?;
        Ok((self.room(&code).await?, loaded))
    }

    /// The party's playlists (any member).
    pub async fn playlists(&self, user: Uuid, code: String) -> Result<Vec<PlaylistView>> {
        let user = self.user(user).await?;
        self.read(move |conn| {
            let (room, _) = guards::require_member(conn, &code, &user)?;
            Ok(conn
                .prepare_cached(
                    "SELECT p.id, p.name, count(e.position), count(e.track_id)
                     FROM room_playlists p LEFT JOIN room_playlist_entries e ON e.playlist_id = p.id
                     WHERE p.room_id = ?1 GROUP BY p.id ORDER BY p.created_at, p.id",
                )?
                .query_map([&room.id], |r| {
                    Ok(PlaylistView {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        entries: r.get::<_, i64>(2)? as usize,
                        matched: r.get::<_, i64>(3)? as usize,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    /// One playlist's songs, each marked with its place in the party (any
    /// member), and for the host and co-hosts what matched nothing.
    pub async fn playlist(&self, user: Uuid, code: String, id: String) -> Result<PlaylistDetail> {
        let user = self.user(user).await?;
        let snapshot = self.room(&code).await?;
        self.read(move |conn| {
            let (room, member) = guards::require_member(conn, &code, &user)?;
            let name: String = conn
                .prepare_cached("SELECT name FROM room_playlists WHERE id = ?1 AND room_id = ?2")?
                .query_row([&id, &room.id], |r| r.get(0))
                .optional()?
                .ok_or_else(not_found)?;
            let mut hits: Vec<crate::model::SearchHit> = conn
                .prepare_cached(
                    "SELECT t.id, t.title, t.artist, t.album, t.year, t.duration_ms, t.source
                     FROM room_playlist_entries e JOIN tracks t ON t.id = e.track_id
                     WHERE e.playlist_id = ?1 AND t.available = 1
                     ORDER BY e.position",
                )?
                .query_map([&id], catalog::track)?
                .map(|t| {
                    t.map(|track| crate::model::SearchHit {
                        track,
                        did_you_mean: None,
                        in_room: None,
                    })
                })
                .collect::<rusqlite::Result<_>>()?;
            // A song listed twice shows once.
            let mut seen = HashSet::new();
            hits.retain(|h| seen.insert(h.track.id.clone()));
            catalog::mark_in_room(conn, &snapshot, &mut hits)?;
            let unmatched = match member.role.moderates() {
                true => Some(
                    conn.prepare_cached(
                        "SELECT entry FROM room_playlist_entries
                         WHERE playlist_id = ?1 AND track_id IS NULL ORDER BY position LIMIT ?2",
                    )?
                    .query_map(params![id, UNMATCHED_LISTED as i64], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?,
                ),
                false => None,
            };
            Ok(PlaylistDetail {
                id,
                name,
                tracks: hits,
                unmatched,
            })
        })
        .await
    }

    /// Takes a playlist out of the party (host and co-hosts); its songs
    /// already queued stay.
    pub async fn remove_playlist(&self, user: Uuid, code: String, id: String) -> Result<()> {
        let user = self.user(user).await?;
        self.write(move |tx| {
            let (room, _) = guards::require_in(tx, &code, &user, Power::Moderate(WHY_MODERATORS))?;
            let name: String = tx
                .prepare_cached("SELECT name FROM room_playlists WHERE id = ?1 AND room_id = ?2")?
                .query_row([&id, &room.id], |r| r.get(0))
                .optional()?
                .ok_or_else(not_found)?;
            tx.prepare_cached("DELETE FROM room_playlist_entries WHERE playlist_id = ?1")?
                .execute([&id])?;
            tx.prepare_cached("DELETE FROM room_playlists WHERE id = ?1")?
                .execute([&id])?;
            tx.touch(&room.id);
            audit::record(
                tx,
                &room.id,
                &user,
                "removed the playlist",
                Some(&name),
                None,
            )
        })
        .await
    }
}

/// A playlist read and matched, to keep: each entry's label and track.
struct Matched {
    name: String,
    file: Option<String>,
    queue: bool,
    entries: Vec<(String, Option<String>)>,
}

/// Keeps a matched playlist in the room (and queues it when asked).
fn keep(
    tx: &mut Tx,
    room: &guards::RoomRef,
    user: &users::User,
    m: &Matched,
) -> Result<LoadedPlaylist> {
    let id = Uuid::new_v4().to_string();
    tx.prepare_cached(
        "INSERT INTO room_playlists (id, room_id, name, source, added_by, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        id,
        room.id,
        m.name,
        m.file.as_deref().unwrap_or("upload"),
        user.id,
        Timestamp::now().text()
    ])?;
    {
        let mut insert = tx.prepare_cached(
            "INSERT INTO room_playlist_entries (playlist_id, position, entry, track_id)
             VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (position, (label, track)) in m.entries.iter().enumerate() {
            insert.execute(params![id, position as i64, label, track])?;
        }
    }
    let found = m.entries.iter().filter(|(_, t)| t.is_some()).count();
    let queued = match m.queue {
        true => queue_all(
            tx,
            room,
            user,
            m.entries.iter().filter_map(|(_, t)| t.as_deref()),
        )?,
        false => 0,
    };
    // Guests in a curated party see what they may add now.
    tx.touch(&room.id);
    audit::record(
        tx,
        &room.id,
        user,
        "loaded the playlist",
        Some(&m.name),
        Some(&format!(
            "{found} of {} songs found, {queued} queued",
            m.entries.len()
        )),
    )?;
    Ok(LoadedPlaylist {
        id,
        name: m.name.clone(),
        entries: m.entries.len(),
        matched: found,
        unmatched: m
            .entries
            .iter()
            .filter(|(_, t)| t.is_none())
            .map(|(label, _)| label.clone())
            .take(UNMATCHED_LISTED)
            .collect(),
        queued,
    })
}

fn not_found() -> Error {
    Error::refuse(
        Code::PlaylistNotFound,
        "That playlist is not in this party (any more).",
    )
}

/// Every available track, files first (a file beats the built-in catalog's
/// entry for the same song).
fn catalog_of(conn: &Connection) -> Result<Catalog> {
    let tracks = conn
        .prepare(
            // An MPD song's "path" is its URI there.
            "SELECT id, COALESCE(path, uri), title, artist FROM tracks WHERE available = 1
             ORDER BY source != 'builtin' DESC, seq",
        )?
        .query_map([], |r| {
            Ok(CatalogTrack {
                id: r.get(0)?,
                path: r.get(1)?,
                title: r.get(2)?,
                artist: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(Catalog::new(tracks))
}

/// Queues the tracks in order, by the room's rules for the host (a song
/// the room refuses, one the box cannot play, or one already there, is
/// passed over); answers how many were added.
fn queue_all<'a>(
    tx: &mut Tx,
    room: &guards::RoomRef,
    user: &users::User,
    tracks: impl Iterator<Item = &'a str>,
) -> Result<usize> {
    let mut added = 0;
    for track in tracks {
        match queue::enqueue(tx, room, user, false, track) {
            Ok(Admission::Add) => added += 1,
            Ok(Admission::AlreadyThere) => {}
            Err(Error::Refused(_)) => {}
            Err(e) => return Err(e),
        }
    }
    if added > 0 {
        advance::start_if_idle(tx, room)?;
    }
    Ok(added)
}
