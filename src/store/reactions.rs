//! Reactions on the playing song: kept, budgeted per device and network
//! (`domain::reactions`), and read back for Wrapped. A reaction is not room
//! state: it changes no version, and the live side sends it as an event.

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::{Store, guards};
use crate::domain::player;
use crate::domain::reactions::{self, WINDOW_SECONDS};
use crate::error::{Code, Error, Result};
use crate::model::{LovedMoment, LovedSong, Reaction};
use crate::timestamp::Timestamp;

impl Store {
    /// `user` reacts with `emoji` (already one of `reactions::EMOJI`) to the
    /// playing item `room_track_id`. Answers the reaction and the room's id
    /// (for the live side).
    pub async fn react(
        &self,
        user: Uuid,
        code: String,
        room_track_id: String,
        emoji: &'static str,
        network: String,
    ) -> Result<(String, Reaction)> {
        let user = self.user(user).await?;
        self.write(move |tx| {
            let (room, member) = guards::require_member_in(tx, &code, &user)?;
            if member.screen {
                return Err(Error::refuse(
                    Code::ScreenCannotVote,
                    "A party screen shows reactions; it does not send them.",
                ));
            }
            let playing: Option<(String, Option<i64>, i64)> = tx
                .prepare_cached(
                    "SELECT started_at, paused_ms, duration_ms FROM room_tracks
                     WHERE id = ?1 AND room_id = ?2 AND status = 'playing'",
                )?
                .query_row(params![room_track_id, room.id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                })
                .optional()?;
            let Some((started_at, paused_ms, duration_ms)) = playing else {
                return Err(Error::refuse(
                    Code::SongEnded,
                    "That song is not playing any more: react to the one playing now.",
                ));
            };
            let now = Timestamp::now();
            let since = now.plus_micros(-WINDOW_SECONDS * 1_000_000).text();
            let device = user.device.clone().unwrap_or_else(|| user.id.clone());
            let recent = |column: &str, value: &str| -> Result<usize> {
                let sql = format!(
                    "SELECT count(*) FROM reactions
                     WHERE room_id = ?1 AND {column} = ?2 AND created_at > ?3"
                );
                Ok(tx
                    .prepare_cached(&sql)?
                    .query_row(params![room.id, value, since], |r| r.get::<_, i64>(0))?
                    as usize)
            };
            reactions::may_react(
                room.settings.cap(),
                &network,
                recent("device_id", &device)?,
                recent("network", &network)?,
            )?;
            let position_ms = player::position_ms(Timestamp::parse(&started_at), paused_ms, now)
                .clamp(0, duration_ms);
            tx.prepare_cached(
                "INSERT INTO reactions (room_id, room_track_id, user_id, device_id, network,
                                        emoji, position_ms, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![
                room.id,
                room_track_id,
                user.id,
                device,
                network,
                emoji,
                position_ms,
                now.text()
            ])?;
            Ok((
                room.id,
                Reaction {
                    room_track_id,
                    emoji: emoji.to_string(),
                    position_ms,
                    created_at: now.text(),
                },
            ))
        })
        .await
    }
}

/// One song's reactions, in the order they came.
struct SongReactions {
    id: String,
    title: String,
    artist: String,
    added_by: Option<String>,
    /// Emoji and how far into the song.
    sent: Vec<(String, i64)>,
}

/// The song with the most reactions (ties to the one that played first),
/// and the busiest stretch of any song.
pub fn loved(conn: &Connection, room_id: &str) -> Result<(Option<LovedSong>, Option<LovedMoment>)> {
    let mut songs: Vec<SongReactions> = Vec::new();
    let mut rows = conn.prepare(
        "SELECT rt.id, rt.title, rt.artist,
                CASE WHEN rt.auto_dj THEN NULL ELSE rt.added_by_name END,
                x.emoji, x.position_ms
         FROM reactions x JOIN room_tracks rt ON rt.id = x.room_track_id
         WHERE x.room_id = ?1
         ORDER BY rt.started_at, rt.seq, x.seq",
    )?;
    let mut rows = rows.query([room_id])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        let sent = (r.get(4)?, r.get(5)?);
        match songs.last_mut() {
            Some(last) if last.id == id => last.sent.push(sent),
            _ => songs.push(SongReactions {
                id,
                title: r.get(1)?,
                artist: r.get(2)?,
                added_by: r.get(3)?,
                sent: vec![sent],
            }),
        }
    }
    let mut song: Option<LovedSong> = None;
    let mut moment: Option<LovedMoment> = None;
    for s in songs {
        let favourite = reactions::favourite(s.sent.iter().map(|(e, _)| e.as_str()));
        if song
            .as_ref()
            .is_none_or(|best| s.sent.len() > best.reactions)
        {
            song = Some(LovedSong {
                title: s.title.clone(),
                artist: s.artist.clone(),
                added_by: s.added_by.clone(),
                reactions: s.sent.len(),
                emoji: favourite.unwrap_or_default().to_string(),
            });
        }
        let positions: Vec<i64> = s.sent.iter().map(|(_, at)| *at).collect();
        if let Some(best) = reactions::busiest(&positions)
            && moment.as_ref().is_none_or(|m| best.reactions > m.reactions)
        {
            let within = s
                .sent
                .iter()
                .filter(|(_, at)| (best.at_ms..best.at_ms + reactions::MOMENT_MS).contains(at))
                .map(|(e, _)| e.as_str());
            moment = Some(LovedMoment {
                title: s.title,
                artist: s.artist,
                position_ms: best.at_ms,
                reactions: best.reactions,
                emoji: reactions::favourite(within).unwrap_or_default().to_string(),
            });
        }
    }
    Ok((song, moment))
}
