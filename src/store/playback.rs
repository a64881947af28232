//! The room as a player: the host's player reports a track's end; the host
//! pauses, resumes and seeks (room state, so every phone's progress bar
//! follows); the auto-DJ fills a dry queue.

use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::{RoomSnapshot, Store};
use super::{Tx, guards};
use crate::domain::player;
use crate::domain::refusal::Refusal;
use crate::domain::settings::Settings;
use crate::error::{Code, Error, Result};
use crate::timestamp::Timestamp;

/// What the host does to the playing track.
#[derive(Debug, Clone, Copy)]
pub enum Transport {
    Pause,
    Resume,
    Seek { position_ms: i64 },
}

impl Store {
    /// What the box's own players play (its speaker, Snapcast, the MPD
    /// server): the playing item that started last, in any room (a box
    /// usually runs one party at a time).
    pub async fn speaker_target(&self) -> Result<Option<SpeakerTarget>> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached(
                    "SELECT r.code, rt.id, t.path, rt.started_at, rt.paused_ms, rt.duration_ms,
                            rt.gain_db, r.settings, t.uri
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
                        uri: r.get(8)?,
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
                let room = guards::moderator_or(tx, &code, &user, not_the_player())?;
                transport_in(tx, &room, action)?;
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }

    /// The box's player was paused, resumed or moved on the player itself
    /// (someone pressed pause on the MPD server's own remote): the room
    /// follows, in the box's name, when `room_track_id` still plays.
    /// Answers the item's new `(started_at, paused_ms)`, if it changed.
    pub async fn transport_by_box(
        &self,
        code: String,
        room_track_id: String,
        action: Transport,
    ) -> Result<Option<(String, Option<i64>)>> {
        self.write(move |tx| {
            let room = guards::find_in(tx, &code)?;
            let playing: Option<String> = tx
                .prepare_cached(
                    "SELECT id FROM room_tracks WHERE room_id = ?1 AND status = 'playing'",
                )?
                .query_row([&room.id], |r| r.get(0))
                .optional()?;
            if playing.as_deref() != Some(room_track_id.as_str()) {
                return Ok(None);
            }
            transport_in(tx, &room, action)?;
            let moved = tx
                .prepare_cached("SELECT started_at, paused_ms FROM room_tracks WHERE id = ?1")?
                .query_row([&room_track_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            Ok(Some(moved))
        })
        .await
    }
}

/// Pauses, resumes or seeks the room's playing item.
fn transport_in(tx: &mut Tx, room: &guards::RoomRef, action: Transport) -> Result<()> {
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
    let position = player::position_ms(
        Timestamp::parse(&started_at),
        paused_ms,
        Timestamp::from_micros(now),
    )
    .min(duration_ms);
    let (started, paused) = match action {
        Transport::Pause => (started_at, Some(paused_ms.unwrap_or(position))),
        Transport::Resume => (Timestamp::from_micros(now - position * 1_000).text(), None),
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
    tx.prepare_cached("UPDATE room_tracks SET started_at = ?2, paused_ms = ?3 WHERE id = ?1")?
        .execute(params![id, started, paused])?;
    tx.touch(&room.id);
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
    pub gain_db: Option<f64>,
    /// The room's rules: crossfade, loudness, quiet hours.
    pub settings: Settings,
    /// The MPD server's URI, for the server's song.
    pub uri: Option<String>,
}

impl SpeakerTarget {
    /// The volume to play at (1 is the file's own level) at `minute` of
    /// the local day: the track's gain while the room normalises, at the
    /// box's volume within the quiet hours' ceiling.
    pub fn volume(&self, minute: u32) -> f64 {
        let gain = match (self.settings.normalize_loudness, self.gain_db) {
            (true, Some(db)) => player::linear(db),
            _ => 1.0,
        };
        gain * self.settings.box_volume(minute)
    }

    /// Where the room is in the item, in ms (paused: where it stopped).
    pub fn position_ms(&self, now: Timestamp) -> i64 {
        player::position_ms(Timestamp::parse(&self.started_at), self.paused_ms, now)
    }
}

/// Who may refuse a guest the player: the player is the host's and the
/// co-hosts' (a guest asks the room to skip instead).
pub const NOT_THE_PLAYER: &str =
    "Only the host and co-hosts run the player: ask them, or vote to skip the song.";

pub fn not_the_player() -> Refusal {
    Refusal::new(Code::NotThePlayer, NOT_THE_PLAYER)
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
            uri: None,
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
        assert!((target(Some(-20.0), quiet.clone()).volume(12 * 60) - 0.1).abs() < 1e-9);
        let half = Settings {
            volume_percent: 50,
            ..quiet
        };
        assert!((target(Some(-20.0), half.clone()).volume(12 * 60) - 0.05).abs() < 1e-9);
        // The lower of the box's volume and the quiet hours' ceiling.
        assert!((target(Some(-20.0), half).volume(23 * 60) - 0.025).abs() < 1e-9);
    }
}
