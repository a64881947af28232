//! The room as a player: the host's player reports a track's end; the host
//! pauses, resumes and seeks (room state, so every phone's progress bar
//! follows); the auto-DJ fills a dry queue.

use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::rooms::{self, RoomRef};
use super::{RoomSnapshot, Store, Tx, now_micros, snapshot};
use crate::domain::auto_dj::{self, Played};
use crate::domain::song;
use crate::error::{Error, Result};

/// The auto-DJ's name on the items it picks.
pub const AUTO_DJ: &str = "Auto-DJ";

/// What the host does to the playing track.
#[derive(Debug, Clone, Copy)]
pub enum Transport {
    Pause,
    Resume,
    Seek { position_ms: i64 },
}

impl Store {
    /// The host's player says `room_track_id` played to its end: the room
    /// moves on, once. A report for an item no longer playing (a second
    /// host tab, a late retry) changes nothing.
    pub async fn ended(
        &self,
        user: Uuid,
        code: String,
        room_track_id: String,
    ) -> Result<Arc<RoomSnapshot>> {
        let user = self.user(user).await?;
        let code = self
            .write(move |tx| {
                let room = moderator_room(tx, &code, &user)?;
                end_if_playing(tx, &room, &room_track_id)?;
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }

    /// The box's own speaker played `room_track_id` to its end (or its
    /// time is up): like `ended`, in the box's own name.
    pub async fn ended_by_box(&self, code: String, room_track_id: String) -> Result<()> {
        self.write(move |tx| {
            let room = rooms::find_in(tx, &code)?;
            end_if_playing(tx, &room, &room_track_id)
        })
        .await
    }

    /// What the box's own speaker plays: the playing item that started
    /// last, in any room (a box usually runs one party at a time).
    pub async fn speaker_target(&self) -> Result<Option<SpeakerTarget>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT r.code, rt.id, t.path, rt.started_at, rt.paused_ms, rt.duration_ms
                     FROM room_tracks rt
                     JOIN rooms r ON r.id = rt.room_id
                     JOIN tracks t ON t.id = rt.track_id
                     WHERE rt.status = 'playing' AND rt.started_at IS NOT NULL
                     ORDER BY rt.started_at DESC LIMIT 1",
                )?
                .query_row([], |r| {
                    Ok(SpeakerTarget {
                        code: r.get(0)?,
                        room_track_id: r.get(1)?,
                        path: r.get::<_, Option<String>>(2)?.map(Into::into),
                        started_at: r.get(3)?,
                        paused_ms: r.get(4)?,
                        duration_ms: r.get(5)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    /// Pauses, resumes or seeks the playing track (host and co-hosts).
    pub async fn transport(
        &self,
        user: Uuid,
        code: String,
        action: Transport,
    ) -> Result<Arc<RoomSnapshot>> {
        let user = self.user(user).await?;
        let code = self
            .write(move |tx| {
                let room = moderator_room(tx, &code, &user)?;
                let playing: Option<(String, String, i64, Option<i64>)> = tx
                    .prepare_cached(
                        "SELECT id, started_at, duration_ms, paused_ms FROM room_tracks
                         WHERE room_id = ?1 AND status = 'playing'",
                    )?
                    .query_row([&room.id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                    })
                    .optional()?;
                let Some((id, started_at, duration_ms, paused_ms)) = playing else {
                    return Err(Error::Conflict("Nothing is playing.".into()));
                };
                let now = now_micros();
                let position = paused_ms
                    .unwrap_or_else(|| (now - snapshot::micros(&started_at)) / 1_000)
                    .clamp(0, duration_ms);
                let (started, paused) = match action {
                    Transport::Pause => (started_at, Some(paused_ms.unwrap_or(position))),
                    Transport::Resume => (super::format_micros(now - position * 1_000), None),
                    Transport::Seek { position_ms } => {
                        if !(0..=duration_ms).contains(&position_ms) {
                            return Err(Error::unprocessable(format!(
                                "Seek within the track: 0 to {duration_ms} ms."
                            )));
                        }
                        match paused_ms {
                            Some(_) => (started_at, Some(position_ms)),
                            None => (super::format_micros(now - position_ms * 1_000), None),
                        }
                    }
                };
                tx.prepare_cached(
                    "UPDATE room_tracks SET started_at = ?2, paused_ms = ?3 WHERE id = ?1",
                )?
                .execute(params![id, started, paused])?;
                tx.touch(&room.id);
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }
}

/// Moves the room on if `room_track_id` is still the one playing.
fn end_if_playing(tx: &mut Tx, room: &RoomRef, room_track_id: &str) -> Result<()> {
    let playing: Option<String> = tx
        .prepare_cached("SELECT id FROM room_tracks WHERE room_id = ?1 AND status = 'playing'")?
        .query_row([&room.id], |r| r.get(0))
        .optional()?;
    if playing.as_deref() == Some(room_track_id) {
        super::queue::advance_in(tx, room, false)?;
    }
    Ok(())
}

/// The item the box's speaker should be playing, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeakerTarget {
    pub code: String,
    pub room_track_id: String,
    /// `None`: no audio for it (the built-in catalog); it ends by the clock.
    pub path: Option<std::path::PathBuf>,
    pub started_at: String,
    pub paused_ms: Option<i64>,
    pub duration_ms: i64,
}

impl SpeakerTarget {
    /// Where the room is in the item, in ms (paused: where it stopped).
    pub fn position_ms(&self, now_micros: i64) -> i64 {
        self.paused_ms
            .unwrap_or_else(|| (now_micros - snapshot::micros(&self.started_at)) / 1_000)
            .max(0)
    }
}

fn moderator_room(tx: &Tx, code: &str, user: &super::users::User) -> Result<RoomRef> {
    let (room, member) = rooms::membership_in(tx, code, user)?;
    if !member.is_some_and(|m| m.role.moderates()) {
        return Err(Error::forbidden(super::NOT_THE_HOST));
    }
    Ok(room)
}

/// When the queue is dry and the box has music files: the track the
/// auto-DJ plays next (tonight's rested favourite, else a random track not
/// heard within the hour), or `None`.
pub fn auto_dj_pick(tx: &Tx, room: &RoomRef) -> Result<Option<String>> {
    let now = now_micros();
    let mut stmt = tx.prepare_cached(
        "SELECT rt.track_id, max(rt.votes), max(rt.started_at)
         FROM room_tracks rt JOIN tracks t ON t.id = rt.track_id
         WHERE rt.room_id = ?1 AND rt.started_at IS NOT NULL
           AND t.source = 'file' AND t.available = 1
         GROUP BY rt.track_id",
    )?;
    let rows: Vec<(String, i64, String)> = stmt
        .query_map([&room.id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let played: Vec<Played> = rows
        .iter()
        .map(|(_, votes, started)| Played {
            votes: *votes,
            last_started: snapshot::micros(started),
        })
        .collect();
    if let Some(i) = auto_dj::encore(&played, now) {
        return Ok(Some(rows[i].0.clone()));
    }
    let hour_ago = super::format_micros(now - auto_dj::REST_MICROS);
    Ok(tx
        .prepare_cached(
            "SELECT id FROM tracks
             WHERE source = 'file' AND available = 1
               AND id NOT IN (SELECT track_id FROM room_tracks
                              WHERE room_id = ?1 AND started_at > ?2)
             ORDER BY random() LIMIT 1",
        )?
        .query_row(params![room.id, hour_ago], |r| r.get(0))
        .optional()?)
}

/// Starts the auto-DJ's pick as the playing item, in the host's name
/// (shown as the auto-DJ; it never counts as the host's own pick).
pub fn start_auto_dj(tx: &Tx, room: &RoomRef, track_id: &str, at: &str) -> Result<()> {
    let (title, artist): (String, String) = tx
        .prepare_cached("SELECT title, artist FROM tracks WHERE id = ?1")?
        .query_row([track_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    tx.prepare_cached(
        "INSERT INTO room_tracks (id, room_id, track_id, added_by, status, created_at, started_at,
                                  title, artist, album, duration_ms, added_by_name,
                                  song_key, artist_key, has_audio, auto_dj)
         SELECT ?1, r.id, t.id, r.host_user_id, 'playing', ?3, ?3,
                t.title, t.artist, t.album, t.duration_ms, ?4, ?6, ?7, 1, 1
         FROM rooms r, tracks t WHERE r.id = ?2 AND t.id = ?5",
    )?
    .execute(params![
        Uuid::new_v4().to_string(),
        room.id,
        at,
        AUTO_DJ,
        track_id,
        song::key(&title, &artist),
        song::artist_key(&artist)
    ])?;
    Ok(())
}
