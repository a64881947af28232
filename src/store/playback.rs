//! The room as a player: the host's player reports a track's end; the host
//! pauses, resumes and seeks (room state, so every phone's progress bar
//! follows); the auto-DJ fills a dry queue.

use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::rooms::{self, RoomRef};
use super::{RoomSnapshot, Store, Tx, snapshot};
use crate::domain::auto_dj::{self, Played};
use crate::domain::settings::Settings;
use crate::domain::{player, song};
use crate::error::{Code, Error, Result};
use crate::timestamp::Timestamp;

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

    /// A player could not play `room_track_id` (its file is gone, or it
    /// cannot be decoded): logged, kept in the moderation log, marked so
    /// the auto-DJ passes over it tonight, and the room moves on. A report
    /// for an item no longer playing changes nothing. `user`: the host's
    /// or a co-host's page; `None`: the box's own speaker.
    pub async fn failed(
        &self,
        user: Option<Uuid>,
        code: String,
        room_track_id: String,
        reason: String,
    ) -> Result<Arc<RoomSnapshot>> {
        let user = match user {
            Some(user) => Some(self.user(user).await?),
            None => None,
        };
        let code = self
            .write(move |tx| {
                let room = match &user {
                    Some(user) => moderator_room(tx, &code, user)?,
                    None => rooms::find_in(tx, &code)?,
                };
                let title: Option<String> = tx
                    .prepare_cached(
                        "SELECT title FROM room_tracks WHERE id = ?1 AND room_id = ?2 AND status = 'playing'",
                    )?
                    .query_row([&room_track_id, &room.id], |r| r.get(0))
                    .optional()?;
                if let Some(title) = title {
                    tracing::warn!(%title, %reason, "a player could not play a track; moving on");
                    tx.prepare_cached("UPDATE room_tracks SET failed = 1 WHERE id = ?1")?
                        .execute([&room_track_id])?;
                    super::audit::record_system(tx, &room.id, "could not play", Some(&title), Some(&reason))?;
                    super::queue::advance_in(tx, &room, false)?;
                }
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }

    /// What the room clock acts on now: playing items whose time is up, and
    /// (with `idle`) rooms where nothing plays but something waits.
    pub async fn clock_due(&self, idle: bool) -> Result<Vec<ClockDue>> {
        let demo = self.audio() == player::Audio::Demo;
        self.read(move |conn| {
            let now = Timestamp::now().micros();
            let mut due = Vec::new();
            let mut stmt = conn.prepare_cached(
                "SELECT r.code, r.settings, rt.id, rt.started_at, rt.duration_ms, rt.has_audio
                 FROM room_tracks rt INDEXED BY room_tracks_playing
                 JOIN rooms r ON r.id = rt.room_id
                 WHERE rt.status = 'playing' AND rt.paused_ms IS NULL AND r.is_active = 1",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let settings = Settings::from_stored(&r.get::<_, String>(1)?);
                let started = r.get::<_, Timestamp>(3)?.micros();
                let ends = player::moves_on_at_ms(r.get(4)?, settings.crossfade_ms(), r.get(5)?);
                if (now - started) / 1_000 >= ends {
                    due.push(ClockDue::End {
                        code: r.get(0)?,
                        room_track_id: r.get(2)?,
                    });
                }
            }
            if idle {
                let mut stmt = conn.prepare_cached(
                    // Only what may play: with music, a silent song left in
                    // a queue (from a demo) starts nothing.
                    "SELECT r.code FROM rooms r
                     WHERE r.is_active = 1
                       AND EXISTS (SELECT 1 FROM room_tracks q
                                   WHERE q.room_id = r.id AND q.status = 'queued'
                                     AND (q.has_audio = 1 OR ?1))
                       AND NOT EXISTS (SELECT 1 FROM room_tracks p INDEXED BY room_tracks_playing
                                       WHERE p.room_id = r.id AND p.status = 'playing')",
                )?;
                let codes = stmt.query_map([demo], |r| r.get(0))?;
                for code in codes {
                    due.push(ClockDue::Start { code: code? });
                }
            }
            Ok(due)
        })
        .await
    }

    /// The room clock: starts the next item in a room where nothing plays.
    pub async fn start_if_idle(&self, code: String) -> Result<()> {
        self.write(move |tx| {
            let room = rooms::find_in(tx, &code)?;
            start_if_idle(tx, &room)
        })
        .await
    }

    /// What the box's own speaker plays: the playing item that started
    /// last, in any room (a box usually runs one party at a time).
    pub async fn speaker_target(&self) -> Result<Option<SpeakerTarget>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT r.code, rt.id, t.path, rt.started_at, rt.paused_ms, rt.duration_ms,
                            rt.gain_db, r.settings
                     FROM room_tracks rt INDEXED BY room_tracks_playing
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
                        gain_db: r.get(6)?,
                        settings: Settings::from_stored(&r.get::<_, String>(7)?),
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
                    return Err(Error::refuse(Code::NothingPlaying, "Nothing is playing."));
                };
                let now = Timestamp::now().micros();
                let position = paused_ms
                    .unwrap_or_else(|| (now - Timestamp::parse(&started_at).micros()) / 1_000)
                    .clamp(0, duration_ms);
                let (started, paused) = match action {
                    Transport::Pause => (started_at, Some(paused_ms.unwrap_or(position))),
                    Transport::Resume => {
                        (Timestamp::from_micros(now - position * 1_000).text(), None)
                    }
                    Transport::Seek { position_ms } => {
                        if !(0..=duration_ms).contains(&position_ms) {
                            return Err(Error::refuse(
                                Code::SeekOutOfRange,
                                format!("Seek within the track: 0 to {duration_ms} ms."),
                            ));
                        }
                        match paused_ms {
                            Some(_) => (started_at, Some(position_ms)),
                            None => (
                                Timestamp::from_micros(now - position_ms * 1_000).text(),
                                None,
                            ),
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

/// What the room clock found to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClockDue {
    /// The item's time is up (no player reported its end): move on.
    End { code: String, room_track_id: String },
    /// Nothing plays and something waits: start it.
    Start { code: String },
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
    pub gain_db: Option<f64>,
    /// The room's rules: crossfade, loudness, quiet hours.
    pub settings: Settings,
}

impl SpeakerTarget {
    /// The volume to play at (1 is the file's own level) at `minute` of
    /// the local day: the track's gain while the room normalises, within
    /// the quiet hours' ceiling.
    pub fn volume(&self, minute: u32) -> f64 {
        let gain = match (self.settings.normalize_loudness, self.gain_db) {
            (true, Some(db)) => player::linear(db),
            _ => 1.0,
        };
        gain * player::volume_ceiling(self.settings.quiet_hours(), minute)
    }

    /// Where the room is in the item, in ms (paused: where it stopped).
    pub fn position_ms(&self, now_micros: i64) -> i64 {
        self.paused_ms
            .unwrap_or_else(|| (now_micros - Timestamp::parse(&self.started_at).micros()) / 1_000)
            .max(0)
    }
}

/// Who may refuse a guest the player: the player is the host's and the
/// co-hosts' (a guest asks the room to skip instead).
pub const NOT_THE_PLAYER: &str =
    "Only the host and co-hosts run the player: ask them, or vote to skip the song.";

fn moderator_room(tx: &Tx, code: &str, user: &super::users::User) -> Result<RoomRef> {
    let (room, member) = rooms::membership_in(tx, code, user)?;
    if !member.is_some_and(|m| m.role.moderates()) {
        return Err(Error::refuse(Code::NotThePlayer, NOT_THE_PLAYER));
    }
    Ok(room)
}

/// Starts what plays next in `room`, at `at`: the best queued item the box
/// may play, else (the queue dry, the box has music) the auto-DJ's pick.
/// The caller has ended what played. Answers whether something started.
pub fn start_next(tx: &Tx, room: &RoomRef, at: &str) -> Result<bool> {
    // The current order, as this transaction sees it.
    let queue = snapshot::load(tx, &room.id)?
        .map(|s| s.queue)
        .unwrap_or_default();
    let playable: Vec<bool> = queue.iter().map(|i| i.playable).collect();
    if let Some(i) = player::next_to_play(&playable, tx.audio) {
        tx.prepare_cached(
            "UPDATE room_tracks SET status = 'playing', started_at = ?2 WHERE id = ?1",
        )?
        .execute(params![queue[i].room_track_id, at])?;
        return Ok(true);
    }
    match auto_dj_pick(tx, room)? {
        // Never silent: the queue is dry, the box has music.
        Some(track) => start_auto_dj(tx, room, &track, at).map(|()| true),
        None => Ok(false),
    }
}

/// Starts the next item when nothing plays and one may: the box, not a
/// page, keeps the music going (first add, a refilled queue, the playing
/// song removed, a restart).
pub fn start_if_idle(tx: &mut Tx, room: &RoomRef) -> Result<()> {
    let playing = tx
        .prepare_cached("SELECT 1 FROM room_tracks WHERE room_id = ?1 AND status = 'playing'")?
        .query_row([&room.id], |_| Ok(()))
        .optional()?
        .is_some();
    // Nothing to start (no music at all) changes nothing: no new version.
    if !playing && start_next(tx, room, &Timestamp::now().text())? {
        tx.touch(&room.id);
    }
    Ok(())
}

/// When the queue is dry and the box has music files: the track the
/// auto-DJ plays next, or `None` (no music, or all of it turned down
/// tonight). Never a track the room removed, withdrew, voted to skip or
/// could not play tonight; among the rest tonight's rested favourite, else
/// a random track not heard within the hour, else the one heard longest ago.
pub fn auto_dj_pick(tx: &Tx, room: &RoomRef) -> Result<Option<String>> {
    let now = Timestamp::now().micros();
    let tonight = Timestamp::from_micros(now - auto_dj::TONIGHT_MICROS);
    let mut stmt = tx.prepare_cached(
        "SELECT rt.track_id, max(rt.votes), max(rt.started_at),
                EXISTS (SELECT 1 FROM room_tracks d INDEXED BY room_tracks_turned_down
                        WHERE d.room_id = rt.room_id AND d.track_id = rt.track_id
                          AND (d.status = 'removed' OR d.skipped = 1 OR d.failed = 1)
                          AND d.created_at > ?2)
         FROM room_tracks rt JOIN tracks t ON t.id = rt.track_id
         WHERE rt.room_id = ?1 AND rt.started_at IS NOT NULL
           AND t.source = 'file' AND t.available = 1
         GROUP BY rt.track_id",
    )?;
    let rows: Vec<(String, i64, String, bool)> = stmt
        .query_map(params![room.id, tonight], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let played: Vec<Played> = rows
        .iter()
        .map(|(_, votes, started, turned_down)| Played {
            votes: *votes,
            last_started: Timestamp::parse(started).micros(),
            turned_down: *turned_down,
        })
        .collect();
    if let Some(i) = auto_dj::encore(&played, now) {
        return Ok(Some(rows[i].0.clone()));
    }
    let hour_ago = Timestamp::from_micros(now - auto_dj::REST_MICROS);
    let fresh = tx
        .prepare_cached(
            "SELECT id FROM tracks
             WHERE source = 'file' AND available = 1
               AND id NOT IN (SELECT track_id FROM room_tracks
                              WHERE room_id = ?1 AND (started_at > ?2 OR (created_at > ?3
                                    AND (status = 'removed' OR skipped = 1 OR failed = 1))))
             ORDER BY random() LIMIT 1",
        )?
        .query_row(params![room.id, hour_ago, tonight], |r| r.get(0))
        .optional()?;
    if fresh.is_some() {
        return Ok(fresh);
    }
    // Everything was heard within the hour: the one heard longest ago.
    Ok(auto_dj::longest_rested(&played).map(|i| rows[i].0.clone()))
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
                                  song_key, artist_key, has_audio, auto_dj, gain_db)
         SELECT ?1, r.id, t.id, r.host_user_id, 'playing', ?3, ?3,
                t.title, t.artist, t.album, t.duration_ms, ?4, ?6, ?7, 1, 1, t.gain_db
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

#[cfg(test)]
mod tests {
    use super::*;

    fn target(gain_db: Option<f64>, settings: Settings) -> SpeakerTarget {
        SpeakerTarget {
            code: "ABCDEF".into(),
            room_track_id: "rt".into(),
            path: None,
            started_at: String::new(),
            paused_ms: None,
            duration_ms: 1_000,
            gain_db,
            settings,
        }
    }

    /// The speaker plays at the track's gain while the room normalises,
    /// within the quiet hours' ceiling.
    #[test]
    fn the_speakers_volume_is_the_gain_within_the_ceiling() {
        let normal = Settings::default();
        assert!((target(Some(-20.0), normal.clone()).volume(600) - 0.1).abs() < 1e-9);
        assert_eq!(target(None, normal.clone()).volume(600), 1.0);
        let raw = Settings {
            normalize_loudness: false,
            ..normal.clone()
        };
        assert_eq!(target(Some(-20.0), raw).volume(600), 1.0);
        let quiet = Settings {
            quiet_from: Some("22:00".into()),
            quiet_until: Some("07:00".into()),
            quiet_volume_percent: 25,
            ..normal
        };
        assert!((target(Some(-20.0), quiet.clone()).volume(23 * 60) - 0.025).abs() < 1e-9);
        assert!((target(Some(-20.0), quiet).volume(12 * 60) - 0.1).abs() < 1e-9);
    }
}
