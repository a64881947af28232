use std::sync::Arc;

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::guards;
use super::{RoomSnapshot, Store, Tx, advance, audit, users};
use crate::domain::admission::{self, Admission};
use crate::domain::counting;
use crate::domain::settings::GuestAdds;
use crate::domain::song;
use crate::domain::vote::Vote;
use crate::error::{Code, Error, Result};
use crate::timestamp::Timestamp;

impl Store {
    /// Adds a track to the room's queue, unless it (or another version of
    /// it) is already queued or playing; answers the queue either way.
    /// Refused: a guest over the room's limit, a song that played within
    /// the cooldown, an explicit track when the room hides them.
    pub async fn add_track(
        &self,
        user: Uuid,
        code: String,
        track_id: String,
    ) -> Result<Arc<RoomSnapshot>> {
        let user = self.user(user).await?;
        let code = self
            .write(move |tx| {
                tx.keeps_votes_standing();
                let (room, member) = guards::require_member_in(tx, &code, &user)?;
                if member.role.bound_by_guest_limits() {
                    let listed = room.settings.guest_adds != GuestAdds::Playlists
                        || super::listed::in_room_playlists(tx, &room.id, &track_id)?;
                    admission::guest_may_add(room.settings.guest_adds, listed)?;
                }
                if enqueue(
                    tx,
                    &room,
                    &user,
                    member.role.bound_by_guest_limits(),
                    &track_id,
                )? == Admission::Add
                {
                    // The first song of a quiet room starts at once.
                    advance::start_if_idle(tx, &room)?;
                }
                Ok(code)
            })
            .await?;
        self.room(&code).await
    }

    /// Records the user's vote on a queued item, replacing any earlier one.
    /// Whether it counts: a second account on the same device does not, nor
    /// a voice beyond its network's share (`domain::voices`, held until the
    /// host lets that network count); a guest who just joined counts after
    /// the room's delay.
    pub async fn vote(
        &self,
        user: Uuid,
        code: String,
        room_track_id: String,
        vote: Vote,
        network: String,
    ) -> Result<Arc<RoomSnapshot>> {
        let user = self.user(user).await?;
        if let Some(room) = self.standing_vote(&user, &code, &room_track_id, vote) {
            return Ok(room);
        }
        let voter = user.id.clone();
        let (code, item, counted, epoch) = self
            .write(move |tx| {
                tx.keeps_votes_standing();
                let epoch = tx.standing_epoch();
                let (room, member) = guards::require_member_in(tx, &code, &user)?;
                counting::may_vote(vote, &room.settings)?;
                let at = Timestamp::now();
                let counts_from = counting::counts_from(
                    Timestamp::parse(&member.joined_at),
                    room.settings.new_guest_vote_delay_seconds,
                    member.role.bound_by_guest_limits(),
                )
                .max(at);
                let device_taken = match &user.device {
                    None => false,
                    Some(device) => other_device_vote(tx, &room_track_id, device, &user.id)?,
                };
                let network_full = !device_taken && {
                    let counted = network_votes(tx, &room_track_id, &network, &user.id)?;
                    !room.settings.cap().has_room(&network, counted)
                };
                let counting::Weight { counted, held } =
                    counting::weigh(device_taken, network_full);
                // One statement on the common path: the vote lands only on
                // an item queued in this room; a repeated vote changes nothing.
                let changed = tx
                    .prepare_cached(
                        "INSERT INTO votes (room_track_id, user_id, value, created_at,
                                            room_id, device_id, counted, counts_from, network, held)
                         SELECT id, ?2, ?3, ?4, ?5, ?6, ?8, ?7, ?9, ?10
                         FROM room_tracks
                         WHERE id = ?1 AND room_id = ?5 AND status = 'queued'
                         ON CONFLICT (room_track_id, user_id)
                         DO UPDATE SET value = excluded.value,
                                       created_at = excluded.created_at,
                                       counted = excluded.counted,
                                       network = excluded.network,
                                       held = excluded.held,
                                       -- From when it counts changes only when whether it
                                       -- counts does (back after a kick).
                                       counts_from = iif(counted = excluded.counted, counts_from,
                                                         excluded.counts_from)
                         WHERE value != excluded.value OR counted != excluded.counted
                               OR held != excluded.held",
                    )?
                    .execute(params![
                        room_track_id,
                        user.id,
                        vote.value(),
                        at,
                        room.id,
                        user.device,
                        counts_from,
                        counted,
                        network,
                        held
                    ])?;
                if changed > 0 {
                    tx.touch(&room.id);
                } else if !queued_as_committed(tx, &code, &room_track_id) {
                    still_queued(tx, &room.id, &room_track_id)?;
                }
                Ok((code, room_track_id, counted, epoch))
            })
            .await?;
        if counted {
            self.standing.record(epoch, &item, &voter, vote.value());
        }
        self.room(&code).await
    }

    /// The room as it is, when this exact vote already stands (a repeat):
    /// it would change nothing, so it needs no write. The room's latest
    /// snapshot must still show the item waiting and allow the vote.
    fn standing_vote(
        &self,
        user: &users::User,
        code: &str,
        room_track_id: &str,
        vote: Vote,
    ) -> Option<Arc<RoomSnapshot>> {
        if !self.standing.stands(room_track_id, &user.id, vote.value()) {
            return None;
        }
        let room = self
            .rooms
            .get(&crate::domain::room_code::normalize(code)?)?;
        let waiting = room.queue.iter().any(|i| i.room_track_id == room_track_id);
        let allowed = vote == Vote::Up || room.settings.allow_downvotes;
        (waiting && allowed).then_some(room)
    }

    /// Withdraws a queued item: its guest may, moderators may remove any
    /// (with an optional reason). Soft: the row stays, marked removed.
    /// Answers the queue and who added it (to tell them).
    pub async fn remove_item(
        &self,
        user: Uuid,
        code: String,
        room_track_id: String,
        reason: Option<String>,
    ) -> Result<(Arc<RoomSnapshot>, Removed)> {
        let user = self.user(user).await?;
        let (code, removed) = self
            .write(move |tx| {
                let (room, member) = guards::require_member_in(tx, &code, &user)?;
                let item: Option<(String, String, String)> = tx
                    .prepare_cached(
                        "SELECT added_by, status, title FROM room_tracks WHERE id = ?1 AND room_id = ?2",
                    )?
                    .query_row([&room_track_id, &room.id], |r| {
                        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
                    })
                    .optional()?;
                let Some((added_by, status, title)) = item else {
                    return Err(Error::refuse(Code::NotInQueue, "That song is not in this party's queue."));
                };
                let own = added_by == user.id;
                if status == "removed" {
                    return Err(Error::refuse(Code::AlreadyRemoved, "That song was already removed."));
                }
                if !own && !member.role.moderates() {
                    return Err(Error::refuse(Code::NotYourSong,
                        "You can only withdraw your own songs. Vote it down instead!",
                    ));
                }
                let playing = match status.as_str() {
                    "queued" => false,
                    // The host and co-hosts may take off what plays (the next starts).
                    "playing" if member.role.moderates() => true,
                    "playing" => {
                        return Err(Error::refuse(Code::SongPlaying,
                            "That song is playing now: ask the room to skip it instead."
                        ));
                    }
                    _ => {
                        return Err(Error::refuse(Code::SongPlayed,
                            "That song has played: only waiting songs can be removed."
                        ));
                    }
                };
                if playing {
                    advance::take_off(tx, &room, &room_track_id, &user.id, reason.as_deref())?;
                } else {
                    advance::mark_removed(tx, &room_track_id, &user.id, reason.as_deref())?;
                }
                if own {
                    audit::record(tx, &room.id, &user, "withdrew their song", Some(&title), None)?;
                } else {
                    audit::record(tx, &room.id, &user, "removed a song", Some(&title), reason.as_deref())?;
                }
                tx.touch(&room.id);
                let by = users::display_name(tx, &user)?;
                Ok((
                    code,
                    Removed {
                        added_by: (!own).then_some(added_by),
                        title,
                        by,
                        reason,
                    },
                ))
            })
            .await?;
        Ok((self.room(&code).await?, removed))
    }
}

/// What a removal did, so the guest whose song it was can be told.
#[derive(Debug, Clone)]
pub struct Removed {
    /// The user who added it, when someone else removed it.
    pub added_by: Option<String>,
    pub title: String,
    pub by: String,
    pub reason: Option<String>,
}

/// Whether the item is queued in the room as last committed and unchanged
/// since (so a repeated vote needs no query to know it is fine).
/// Puts `track_id` in the room's queue, added by `user`, if the room's
/// rules take it (`bound`: the guest's own limits apply); answers whether
/// it is a new item or was there already (any version of it). The caller
/// starts a quiet room.
pub(super) fn enqueue(
    tx: &mut Tx,
    room: &guards::RoomRef,
    user: &users::User,
    bound: bool,
    track_id: &str,
) -> Result<Admission> {
    let track: Option<(String, String, Option<bool>, bool)> = tx
        .prepare_cached(
            "SELECT title, artist, explicit, source != 'builtin' FROM tracks
             WHERE id = ?1 AND available = 1",
        )?
        .query_row([track_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?;
    let Some((title, artist, explicit, playable)) = track else {
        return Err(Error::refuse(
            Code::TrackNotFound,
            "That song is not in the catalog.",
        ));
    };
    let song_key = song::key(&title, &artist);
    let facts = admission::Facts {
        title: &title,
        playable,
        explicit,
        audio: tx.audio,
        settings: &room.settings,
        already_live: song_is_live(tx, &room.id, &song_key)?,
        minutes_since_played: minutes_since_played(tx, &room.id, &song_key)?,
        queued_in_room: queued_in_room(tx, &room.id)?,
        yours_waiting: match bound {
            true => Some(waiting_of(tx, &room.id, &user.id)?),
            false => None,
        },
    };
    if admission::check(&facts)? == Admission::AlreadyThere {
        return Ok(Admission::AlreadyThere);
    }
    // The partial unique index keeps a track live once per room.
    let added = tx
        .prepare_cached(
            "INSERT INTO room_tracks (id, room_id, track_id, added_by, status, created_at,
                                      title, artist, album, duration_ms, added_by_name,
                                      song_key, artist_key, has_audio, gain_db, source)
             SELECT ?1, ?2, t.id, u.id, 'queued', ?5,
                    t.title, t.artist, t.album, t.duration_ms, u.display_name, ?6, ?7,
                    t.source != 'builtin', t.gain_db, t.source
             FROM tracks t, users u
             WHERE t.id = ?3 AND u.id = ?4
             ON CONFLICT DO NOTHING",
        )?
        .execute(params![
            Uuid::new_v4().to_string(),
            room.id,
            track_id,
            user.id,
            Timestamp::now().text(),
            song_key,
            song::artist_key(&artist),
        ])?;
    if added == 0 {
        return Ok(Admission::AlreadyThere);
    }
    tx.touch(&room.id);
    Ok(Admission::Add)
}

fn queued_as_committed(tx: &Tx, code: &str, room_track_id: &str) -> bool {
    crate::domain::room_code::normalize(code)
        .and_then(|code| tx.room_with_unchanged_queue(&code))
        .is_some_and(|room| room.queue.iter().any(|i| i.room_track_id == room_track_id))
}

/// A vote that changed nothing: the same vote again, or a reason to
/// refuse it (the item is not in this room's queue, or has left it).
fn still_queued(tx: &Tx, room_id: &str, room_track_id: &str) -> Result<()> {
    let status: Option<String> = tx
        .prepare_cached("SELECT status FROM room_tracks WHERE id = ?1 AND room_id = ?2")?
        .query_row([room_track_id, room_id], |r| r.get(0))
        .optional()?;
    match status.as_deref() {
        None | Some("removed") => Err(Error::refuse(
            Code::NotInQueue,
            "That song is not in this party's queue.",
        )),
        Some("queued") => Ok(()),
        Some(_) => Err(Error::refuse(
            Code::LeftQueue,
            "That song has left the queue (it is playing or has played): votes count only while it waits.",
        )),
    }
}

/// Another account on this device has a counted vote on the item.
fn other_device_vote(tx: &Tx, room_track_id: &str, device: &str, user_id: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT 1 FROM votes INDEXED BY votes_by_device
             WHERE room_track_id = ?1 AND device_id = ?2 AND user_id != ?3 AND counted = 1",
        )?
        .query_row([room_track_id, device, user_id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Counted votes on the item from the network's other voices.
fn network_votes(tx: &Tx, room_track_id: &str, network: &str, user_id: &str) -> Result<usize> {
    let n: i64 = tx
        .prepare_cached(
            "SELECT count(*) FROM votes INDEXED BY votes_by_network
             WHERE room_track_id = ?1 AND network = ?2 AND user_id != ?3 AND counted = 1",
        )?
        .query_row([room_track_id, network, user_id], |r| r.get(0))?;
    Ok(n as usize)
}

/// Another version of the song is waiting or playing in the room.
fn song_is_live(tx: &Tx, room_id: &str, song_key: &str) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "SELECT 1 FROM room_tracks
             WHERE room_id = ?1 AND song_key = ?2 AND status IN ('queued', 'playing')",
        )?
        .query_row([room_id, song_key], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whole minutes since the song (any version) last started in the room.
fn minutes_since_played(tx: &Tx, room_id: &str, song_key: &str) -> Result<Option<i64>> {
    let last: Option<Timestamp> = tx
        .prepare_cached(
            "SELECT max(started_at) FROM room_tracks
             WHERE room_id = ?1 AND song_key = ?2 AND started_at IS NOT NULL",
        )?
        .query_row([room_id, song_key], |r| r.get(0))?;
    Ok(last.map(|last| Timestamp::now().micros_since(last) / 60_000_000))
}

fn queued_in_room(tx: &Tx, room_id: &str) -> Result<i64> {
    Ok(tx
        .prepare_cached(
            "SELECT count(*) FROM room_tracks WHERE room_id = ?1 AND status = 'queued'",
        )?
        .query_row([room_id], |r| r.get(0))?)
}

/// The user's songs waiting in the room.
fn waiting_of(tx: &Tx, room_id: &str, user_id: &str) -> Result<i64> {
    Ok(tx
        .prepare_cached(
            "SELECT count(*) FROM room_tracks
             WHERE room_id = ?1 AND added_by = ?2 AND status = 'queued'",
        )?
        .query_row([room_id, user_id], |r| r.get(0))?)
}
