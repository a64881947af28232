//! How a room moves on, and the only place it does: a song ends (the
//! host's player, the box's speaker or the room clock), fails, is skipped
//! by the host or by the room's asks, or a quiet room gets its first song;
//! then the best waiting song (`domain::player`) or the auto-DJ's pick
//! (`domain::auto_dj`) starts.

use std::collections::HashSet;
use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::guards::{self, RoomRef};
use super::playback::not_the_player;
use super::{RoomSnapshot, Store, Tx, audit, snapshot};
use crate::domain::auto_dj::{self, Played};
use crate::domain::counting::{self, SkipTally};
use crate::domain::refusal::Refusal;
use crate::domain::settings::Settings;
use crate::domain::voices::Present;
use crate::domain::{player, song};
use crate::error::{Code, Error, Result};
use crate::seed::NOT_THE_HOST;
use crate::timestamp::Timestamp;

/// The auto-DJ's name on the items it picks.
pub const AUTO_DJ: &str = "Auto-DJ";

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
                let room = guards::moderator_or(tx, &code, &user, not_the_player())?;
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
            let room = guards::find_in(tx, &code)?;
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
                    Some(user) => guards::moderator_or(tx, &code, user, not_the_player())?,
                    None => guards::find_in(tx, &code)?,
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
                    audit::record_system(tx, &room.id, "could not play", Some(&title), Some(&reason))?;
                    advance_in(tx, &room, false)?;
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
            let now = Timestamp::now();
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
                let position = player::position_ms(r.get(3)?, None, now);
                let ends = player::moves_on_at_ms(r.get(4)?, settings.crossfade_ms(), r.get(5)?);
                if position >= ends {
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
            let room = guards::find_in(tx, &code)?;
            start_if_idle(tx, &room)
        })
        .await
    }

    /// Host and co-hosts: the playing item is done; the best queued item
    /// starts.
    pub async fn advance(&self, user: Uuid, code: String) -> Result<Arc<RoomSnapshot>> {
        let user = self.user(user).await?;
        let code = self
            .write(move |tx| {
                let room = guards::moderator_or(
                    tx,
                    &code,
                    &user,
                    Refusal::new(Code::ModeratorsOnly, NOT_THE_HOST),
                )?;
                advance_in(tx, &room, false)?;
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }

    /// A member asks to skip the playing track; when enough of the voices
    /// here (`present`: the live connections, the asker included, counted
    /// by `domain::voices`) have asked, it is skipped. Only asks of people
    /// here count, never a screen's; a guest who just joined waits the
    /// room's delay, as for votes.
    pub async fn ask_to_skip(
        &self,
        user: Uuid,
        code: String,
        present: Vec<Present>,
    ) -> Result<(Arc<RoomSnapshot>, usize, usize, bool)> {
        let user = self.user(user).await?;
        let (code, votes, needed, skipped) = self
            .write(move |tx| {
                let (room, member) = guards::require_member_in(tx, &code, &user)?;
                let counts_from = counting::counts_from(
                    Timestamp::parse(&member.joined_at),
                    room.settings.new_guest_vote_delay_seconds,
                    member.role.bound_by_guest_limits(),
                );
                counting::may_ask_to_skip(member.screen, counts_from, Timestamp::now())?;
                let playing: Option<String> = tx
                    .prepare_cached(
                        "SELECT id FROM room_tracks WHERE room_id = ?1 AND status = 'playing'",
                    )?
                    .query_row([&room.id], |r| r.get(0))
                    .optional()?;
                let Some(playing) = playing else {
                    return Err(Error::refuse(Code::NothingPlaying, "Nothing is playing, so there is nothing to skip."));
                };
                let added = tx
                    .prepare_cached(
                        "INSERT INTO skip_votes (room_track_id, user_id, created_at) VALUES (?1, ?2, ?3)
                         ON CONFLICT DO NOTHING",
                    )?
                    .execute(params![playing, user.id, Timestamp::now().text()])?;
                let askers: HashSet<String> = tx
                    .prepare_cached("SELECT user_id FROM skip_votes WHERE room_track_id = ?1")?
                    .query_map([&playing], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                let tally = SkipTally::of(&present, &askers, &room.settings);
                let skipped = added > 0 && tally.skips();
                if skipped {
                    advance_in(tx, &room, true)?;
                    audit::record_system(
                        tx,
                        &room.id,
                        // Reads "the room voted to skip “X”" in the log.
                        "voted to skip",
                        Some(&title_of(tx, &playing)?),
                        Some(&format!("{} of {} asked", tally.asked, tally.here)),
                    )?;
                } else if added > 0 {
                    tx.touch(&room.id);
                }
                Ok((code, tally.asked, tally.needed, skipped))
            })
            .await?;
        Ok((self.room(&code).await?, votes, needed, skipped))
    }
}

/// Ends the playing item and starts the best queued one, in `tx`.
pub(super) fn advance_in(tx: &mut Tx, room: &RoomRef, skipped: bool) -> Result<()> {
    let at = Timestamp::now().text();
    tx.prepare_cached(
        "UPDATE room_tracks SET status = 'played', ended_at = ?2, skipped = ?3
         WHERE room_id = ?1 AND status = 'playing'",
    )?
    .execute(params![room.id, at, skipped])?;
    start_next(tx, room, &at)?;
    // What played ended, whether or not anything follows.
    tx.touch(&room.id);
    Ok(())
}

/// A moderator takes the playing item off (removed, with their reason):
/// the next starts.
pub(super) fn take_off(
    tx: &mut Tx,
    room: &RoomRef,
    room_track_id: &str,
    by: &str,
    reason: Option<&str>,
) -> Result<()> {
    mark_removed(tx, room_track_id, by, reason)?;
    start_if_idle(tx, room)
}

/// Marks an item removed (by whom, why): it leaves the queue (or stops
/// playing, see `take_off`), kept for the night's history.
pub(super) fn mark_removed(
    tx: &Tx,
    room_track_id: &str,
    by: &str,
    reason: Option<&str>,
) -> Result<()> {
    tx.prepare_cached(
        "UPDATE room_tracks SET status = 'removed', removed_at = ?2, removed_by = ?3,
                removed_reason = ?4, ended_at = iif(status = 'playing', ?2, ended_at)
         WHERE id = ?1",
    )?
    .execute(params![room_track_id, Timestamp::now(), by, reason])?;
    Ok(())
}

/// Moves the room on if `room_track_id` is still the one playing.
fn end_if_playing(tx: &mut Tx, room: &RoomRef, room_track_id: &str) -> Result<()> {
    let playing: Option<String> = tx
        .prepare_cached("SELECT id FROM room_tracks WHERE room_id = ?1 AND status = 'playing'")?
        .query_row([&room.id], |r| r.get(0))
        .optional()?;
    if playing.as_deref() == Some(room_track_id) {
        advance_in(tx, room, false)?;
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

fn title_of(tx: &Tx, room_track_id: &str) -> Result<String> {
    Ok(tx
        .prepare_cached("SELECT title FROM room_tracks WHERE id = ?1")?
        .query_row([room_track_id], |r| r.get(0))?)
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
/// a random song not heard within the hour (in any version), else the one
/// heard longest ago.
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
           AND t.source != 'builtin' AND t.available = 1
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
    // Resting, by song: heard within the hour or turned down tonight. Another
    // version of what just played (live, remastered) rests with it.
    let hour_ago = Timestamp::from_micros(now - auto_dj::REST_MICROS);
    let resting: HashSet<String> = tx
        .prepare_cached(
            "SELECT song_key FROM room_tracks
             WHERE room_id = ?1 AND (started_at > ?2 OR (created_at > ?3
                   AND (status = 'removed' OR skipped = 1 OR failed = 1)))",
        )?
        .query_map(params![room.id, hour_ago, tonight], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut candidates = tx.prepare_cached(
        "SELECT id, title, artist FROM tracks WHERE source != 'builtin' AND available = 1
         ORDER BY random() LIMIT 500",
    )?;
    let mut found = candidates.query([])?;
    while let Some(row) = found.next()? {
        let (title, artist): (String, String) = (row.get(1)?, row.get(2)?);
        if !resting.contains(&song::key(&title, &artist)) {
            return Ok(Some(row.get(0)?));
        }
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
                                  song_key, artist_key, has_audio, auto_dj, gain_db, source)
         SELECT ?1, r.id, t.id, r.host_user_id, 'playing', ?3, ?3,
                t.title, t.artist, t.album, t.duration_ms, ?4, ?6, ?7, 1, 1, t.gain_db, t.source
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
