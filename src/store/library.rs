//! The catalog's file tracks: what scans write and what playback reads.

use std::collections::HashMap;
use std::path::PathBuf;

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::Store;
use crate::error::{Code, Error, Result};

/// A file's size and modification time: unchanged stamps mean an
/// unchanged file, so a rescan reads nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    pub size: i64,
    pub mtime_ms: i64,
}

/// A file's track, ready for the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct FileTrack {
    pub id: String,
    pub path: String,
    pub title: String,
    pub artist: String,
    pub album: Option<String>,
    pub year: Option<i64>,
    pub track_no: Option<i64>,
    pub duration_ms: i64,
    pub has_cover: bool,
    /// The gain its ReplayGain / R128 tags give, if any (else the box
    /// measures its loudness after the scan).
    pub gain_db: Option<f64>,
    pub stamp: Stamp,
}

/// Where a track's audio is, for playing it.
pub struct TrackFile {
    /// `None` for a track from the built-in catalog (metadata only).
    pub path: Option<PathBuf>,
    pub has_cover: bool,
    pub title: String,
    pub artist: String,
    /// The MPD server's URI, for a song from it.
    pub uri: Option<String>,
}

impl Store {
    /// Every file track's path and stamp, as last read.
    pub async fn library_stamps(&self) -> Result<HashMap<String, Stamp>> {
        self.read(|conn| {
            let mut stmt = conn.prepare(
                "SELECT path, file_size, file_mtime_ms FROM tracks
                 WHERE source = 'file' AND available = 1 AND path IS NOT NULL",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    Stamp {
                        size: r.get(1)?,
                        mtime_ms: r.get(2)?,
                    },
                ))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    /// Playable tracks from the music folders.
    pub async fn library_tracks(&self) -> Result<i64> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT count(*) FROM tracks WHERE source = 'file' AND available = 1",
                )?
                .query_row([], |r| r.get(0))?)
        })
        .await
    }

    /// Adds or updates file tracks, in one transaction.
    pub async fn upsert_files(&self, tracks: Vec<FileTrack>) -> Result<()> {
        if tracks.is_empty() {
            return Ok(());
        }
        self.write(move |tx| {
            let mut upsert = tx.prepare_cached(
                // A changed file keeps no old loudness: its tags' gain, or
                // none until the loudness pass measures it.
                "INSERT INTO tracks (id, title, artist, album, year, duration_ms, source,
                                     path, file_size, file_mtime_ms, track_no, has_cover, available,
                                     gain_db, gain_source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'file', ?7, ?8, ?9, ?10, ?11, 1,
                         ?12, iif(?12 IS NULL, NULL, 'tag'))
                 ON CONFLICT (id) DO UPDATE SET
                    title = excluded.title, artist = excluded.artist, album = excluded.album,
                    year = excluded.year, duration_ms = excluded.duration_ms,
                    path = excluded.path, file_size = excluded.file_size,
                    file_mtime_ms = excluded.file_mtime_ms, track_no = excluded.track_no,
                    has_cover = excluded.has_cover, available = 1,
                    gain_db = excluded.gain_db, gain_source = excluded.gain_source",
            )?;
            for t in &tracks {
                upsert.execute(params![
                    t.id,
                    t.title,
                    t.artist,
                    t.album,
                    t.year,
                    t.duration_ms,
                    t.path,
                    t.stamp.size,
                    t.stamp.mtime_ms,
                    t.track_no,
                    t.has_cover,
                    t.gain_db
                ])?;
            }
            Ok(())
        })
        .await
    }

    /// File tracks whose loudness is not known yet (at most `limit`).
    pub async fn tracks_to_measure(&self, limit: usize) -> Result<Vec<(String, PathBuf)>> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, path FROM tracks INDEXED BY tracks_to_measure
                 WHERE gain_source IS NULL AND source = 'file' AND available = 1
                   AND path IS NOT NULL
                 ORDER BY seq LIMIT ?1",
            )?;
            let rows = stmt.query_map([limit as i64], |r| {
                Ok((r.get(0)?, PathBuf::from(r.get::<_, String>(1)?)))
            })?;
            Ok(rows.collect::<rusqlite::Result<_>>()?)
        })
        .await
    }

    /// How many file tracks still wait for their loudness.
    pub async fn loudness_pending(&self) -> Result<i64> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT count(*) FROM tracks INDEXED BY tracks_to_measure
                     WHERE gain_source IS NULL AND source = 'file' AND available = 1",
                )?
                .query_row([], |r| r.get(0))?)
        })
        .await
    }

    /// Stores measured gains (`None`: the file could not be measured, and
    /// is not tried again while unchanged). Items queued or playing get
    /// the gain too, and their rooms' players hear of it.
    pub async fn set_gains(&self, gains: Vec<(String, Option<f64>)>) -> Result<()> {
        self.write(move |tx| {
            let mut update = tx.prepare_cached(
                "UPDATE tracks SET gain_db = ?2, gain_source = iif(?2 IS NULL, 'unmeasurable', 'measured')
                 WHERE id = ?1",
            )?;
            let mut live_rooms = tx.prepare_cached(
                "SELECT DISTINCT room_id FROM room_tracks
                 WHERE track_id = ?1 AND status IN ('queued', 'playing')",
            )?;
            let mut rooms = Vec::new();
            for (id, gain) in &gains {
                update.execute(params![id, gain])?;
                for room in live_rooms.query_map([id], |r| r.get::<_, String>(0))? {
                    rooms.push(room?);
                }
            }
            drop((update, live_rooms));
            for room in rooms {
                tx.touch(&room);
            }
            Ok(())
        })
        .await
    }

    /// Files gone from disk leave the catalog: deleted when no room ever
    /// queued them, else hidden (the rooms keep their history).
    pub async fn forget_files(&self, paths: Vec<String>) -> Result<()> {
        self.write(move |tx| {
            let mut delete = tx.prepare_cached(
                "DELETE FROM tracks WHERE path = ?1 AND source = 'file'
                 AND NOT EXISTS (SELECT 1 FROM room_tracks WHERE track_id = tracks.id)",
            )?;
            let mut hide = tx.prepare_cached(
                "UPDATE tracks SET available = 0 WHERE path = ?1 AND source = 'file'",
            )?;
            // Rooms waiting for or playing a gone file show it unplayable.
            let mut live_rooms = tx.prepare_cached(
                "SELECT DISTINCT rt.room_id FROM room_tracks rt JOIN tracks t ON t.id = rt.track_id
                 WHERE t.path = ?1 AND rt.status IN ('queued', 'playing')",
            )?;
            let mut rooms = Vec::new();
            for path in &paths {
                for room in live_rooms.query_map([path], |r| r.get::<_, String>(0))? {
                    rooms.push(room?);
                }
                if delete.execute([path])? == 0 {
                    hide.execute([path])?;
                }
            }
            drop((delete, hide, live_rooms));
            for room in rooms {
                tx.touch(&room);
            }
            Ok(())
        })
        .await
    }

    /// Shows or hides the built-in catalog (the host may run on their own
    /// music only).
    pub async fn use_builtin_catalog(&self, on: bool) -> Result<()> {
        self.write(move |tx| {
            tx.execute(
                "UPDATE tracks SET available = ?1 WHERE source = 'builtin' AND available != ?1",
                [on],
            )?;
            Ok(())
        })
        .await
    }

    /// Whether the user hosts at least one party.
    pub async fn hosts_a_party(&self, user: Uuid) -> Result<bool> {
        let user = self.user(user).await?;
        self.read(move |conn| {
            Ok(conn
                .prepare_cached("SELECT 1 FROM rooms WHERE host_user_id = ?1 LIMIT 1")?
                .query_row([&user.id], |_| Ok(()))
                .optional()?
                .is_some())
        })
        .await
    }

    /// A track's audio file, for a member of a room where it is queued,
    /// playing or played (the music is the party's, not the internet's:
    /// making a room of one's own does not open the whole library).
    /// 401 unknown user, 403 not so, 404 no such track.
    pub async fn track_audio(&self, user: Uuid, track_id: String) -> Result<TrackFile> {
        let user = self.user(user).await?;
        self.read(move |conn| {
            let track = track(conn, &track_id)?;
            if track.path.is_none() {
                // The built-in catalog's: nothing to hear anyway.
                return Ok(track);
            }
            let heard = conn
                .prepare_cached(
                    "SELECT 1 FROM room_tracks rt
                     JOIN room_members m ON m.room_id = rt.room_id
                     WHERE rt.track_id = ?2 AND rt.status IN ('queued', 'playing', 'played')
                       AND m.user_id = ?1 AND m.left_at IS NULL
                     LIMIT 1",
                )?
                .query_row([&user.id, &track_id], |_| Ok(()))
                .optional()?
                .is_some();
            if !heard {
                return Err(Error::refuse(
                    Code::NotInYourParty,
                    "That song is not in a party you are in: add it to the queue first.",
                ));
            }
            Ok(track)
        })
        .await
    }

    /// A track's file (for its cover), for a user who is a member of some
    /// room (search shows covers before anything is added). 401 unknown
    /// user, 403 no room, 404 no such track.
    pub async fn track_file(&self, user: Uuid, track_id: String) -> Result<TrackFile> {
        let user = self.user(user).await?;
        self.read(move |conn| {
            let member = conn
                .prepare_cached(
                    "SELECT 1 FROM room_members WHERE user_id = ?1 AND left_at IS NULL LIMIT 1",
                )?
                .query_row([&user.id], |_| Ok(()))
                .optional()?
                .is_some();
            if !member {
                return Err(Error::refuse(
                    Code::NotAMember,
                    "Join a party first: its music is for its guests.",
                ));
            }
            track(conn, &track_id)
        })
        .await
    }
}

fn track(conn: &Connection, track_id: &str) -> Result<TrackFile> {
    let track = conn
        .prepare_cached("SELECT path, has_cover, title, artist, uri FROM tracks WHERE id = ?1")?
        .query_row([track_id], |r| {
            Ok((
                r.get::<_, Option<String>>(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
            ))
        })
        .optional()?;
    match track {
        None => Err(Error::refuse(
            Code::TrackNotFound,
            "That song is not in the catalog.",
        )),
        Some((path, has_cover, title, artist, uri)) => Ok(TrackFile {
            path: path.map(PathBuf::from),
            has_cover,
            title,
            artist,
            uri,
        }),
    }
}
