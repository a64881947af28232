//! What a party's playlists list: the songs guests of a curated party may
//! add (`store::playlists` loads them; adding and search ask here).

use std::collections::HashSet;

use rusqlite::{Connection, OptionalExtension};

use crate::error::Result;

/// Whether a track is in one of the room's playlists.
pub(super) fn in_room_playlists(conn: &Connection, room_id: &str, track_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM room_playlist_entries e JOIN room_playlists p ON p.id = e.playlist_id
             WHERE p.room_id = ?1 AND e.track_id = ?2 LIMIT 1",
        )?
        .query_row([room_id, track_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Every track in the room's playlists.
pub(super) fn room_playlist_tracks(conn: &Connection, room_id: &str) -> Result<HashSet<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT DISTINCT e.track_id FROM room_playlist_entries e
             JOIN room_playlists p ON p.id = e.playlist_id
             WHERE p.room_id = ?1 AND e.track_id IS NOT NULL",
        )?
        .query_map([room_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}
