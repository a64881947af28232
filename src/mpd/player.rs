//! The MPD server as the party's player. The room decides what plays and
//! where; the server's queue holds just the playing song and the next one
//! (so MPD changes songs gaplessly). When the server leaves the box's song
//! (it ended, could not be played, or someone pressed next on it) the
//! room moves on, once; the host's pause and seek go to the server, and a
//! pause or resume pressed on the server comes back to the room; after a
//! lost connection the box puts the room's song back where the room is.

use std::time::Instant;

use mpd_client::protocol::command::Command as RawCommand;
use tokio_util::sync::CancellationToken;

use super::{Mpd, MpdError};
use crate::limits::{AUTO_DJ_SAMPLE, MPD_POLL, MPD_SEEK_TOLERANCE_MS, MPD_SETTLE};
use crate::store::{MpdTarget, Store, Transport};
use crate::timestamp::Timestamp;

/// Plays the party on the server until `shutdown`.
pub fn start(mpd: Mpd, store: Store, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut follower = Follower::default();
        let mut sampled = false;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = mpd.changed() => {}
                _ = tokio::time::sleep(MPD_POLL) => {}
            }
            // Once a connection: songs for the auto-DJ before anyone searched.
            let connected = mpd.link().connected;
            if connected && !sampled {
                sampled = true;
                match mpd.sample(AUTO_DJ_SAMPLE).await {
                    Ok(songs) => {
                        if let Err(e) = store.remember_mpd_songs(songs).await {
                            tracing::warn!(error = %e, "cannot keep the MPD server's songs");
                        }
                    }
                    Err(e) => tracing::debug!(error = %e, "mpd sample"),
                }
            }
            sampled &= connected;
            if let Err(e) = follower.step(&mpd, &store).await {
                match e {
                    Step::Mpd(MpdError::Disconnected) => {}
                    Step::Mpd(e) => tracing::debug!(error = %e, "mpd player: the server refused"),
                    Step::Store(e) => {
                        tracing::warn!(error = %e, "mpd player: cannot read what plays")
                    }
                }
            }
        }
    })
}

enum Step {
    Mpd(MpdError),
    Store(crate::error::Error),
}

impl From<MpdError> for Step {
    fn from(e: MpdError) -> Self {
        Step::Mpd(e)
    }
}

impl From<crate::error::Error> for Step {
    fn from(e: crate::error::Error) -> Self {
        Step::Store(e)
    }
}

/// What the box put on the server.
#[derive(Default)]
struct Follower {
    mine: Option<Placed>,
    /// The volume last set (quiet hours), to set it only when it changes.
    volume: Option<u32>,
}

struct Placed {
    room_track_id: String,
    song_id: u64,
    /// The room's item as last applied (a change is the host's seek or
    /// resume).
    started_at: String,
    paused_ms: Option<i64>,
    /// Paused, as the box last set it or saw it set on the server.
    paused: bool,
    /// When the box told the server to pause or play, until the server
    /// is seen doing it: meanwhile a difference is not the server's own.
    sent: Option<Instant>,
    /// The next item placed after it: its room id and the server's id.
    next: Option<(String, u64)>,
    /// The room was told that the server left this song.
    reported: bool,
}

impl Follower {
    async fn step(&mut self, mpd: &Mpd, store: &Store) -> Result<(), Step> {
        if !mpd.link().connected {
            // Whatever was on the server is put back when it returns.
            self.mine = None;
            self.volume = None;
            return Ok(());
        }
        let target = store.mpd_target().await?;
        let status = Status::read(mpd).await?;
        let Some(target) = target else {
            mpd.set_playing(false);
            if self.mine.take().is_some() {
                mpd.command(RawCommand::new("stop")).await?;
                mpd.command(RawCommand::new("clear")).await?;
            }
            return Ok(());
        };
        let same = self
            .mine
            .as_ref()
            .is_some_and(|m| m.room_track_id == target.room_track_id);
        if same {
            self.follow(mpd, store, &target, &status).await?;
        } else if !self.adopt_next(mpd, &target, &status).await? {
            self.place(mpd, store, &target).await?;
        }
        self.place_next(mpd, &target, &status).await?;
        self.set_volume(mpd, &target).await;
        mpd.set_playing(self.mine.is_some() && status.state == State::Play);
        Ok(())
    }

    /// The server still on the room's song: keep it where the room is;
    /// left it (ended, failed): the room moves on, once.
    async fn follow(
        &mut self,
        mpd: &Mpd,
        store: &Store,
        target: &MpdTarget,
        status: &Status,
    ) -> Result<(), Step> {
        let mine = self.mine.as_mut().expect("following a placed song");
        let on_it = status.song_id == Some(mine.song_id) && status.state != State::Stop;
        if !on_it {
            if !mine.reported {
                mine.reported = true;
                let (code, item) = (target.code.clone(), target.room_track_id.clone());
                // An error since the box placed it (it clears them) that
                // names the song, or came before the song's end: the server
                // could not play it (and went on to the next, or stopped).
                let named =
                    target.uri.rsplit(['/', ':']).next().is_some_and(|name| {
                        status.error.as_deref().is_some_and(|e| e.contains(name))
                    });
                let early = target.position_ms(Timestamp::now())
                    < target.duration_ms - MPD_SEEK_TOLERANCE_MS;
                match &status.error {
                    Some(reason) if named || early => {
                        let reason = format!("the MPD server could not play it: {reason}");
                        let _ = mpd.command(RawCommand::new("clearerror")).await;
                        store.failed(None, code, item, reason).await?;
                    }
                    _ => store.ended_by_box(code, item).await?,
                }
            }
            return Ok(());
        }
        let server_paused = status.state == State::Pause;
        if server_paused == mine.paused && mine.sent.is_some() {
            // The server did what it was told.
            mine.sent = None;
        }
        let moved = mine.started_at != target.started_at || mine.paused_ms != target.paused_ms;
        if moved {
            // The host paused, resumed or seeks: the server follows.
            mine.started_at = target.started_at.clone();
            mine.paused_ms = target.paused_ms;
            mine.paused = target.paused_ms.is_some();
            let position = target.position_ms(Timestamp::now());
            if (status.elapsed_ms - position).abs() > MPD_SEEK_TOLERANCE_MS {
                mpd.command(RawCommand::new("seekcur").argument(seconds(position)))
                    .await?;
                // A seek may set a paused server playing (Mopidy does).
                if mine.paused {
                    return send_pause(mpd, mine).await;
                }
            }
            if server_paused != mine.paused {
                return send_pause(mpd, mine).await;
            }
        } else if server_paused != mine.paused {
            match mine.sent {
                // Told, not done yet (Mopidy's pipeline takes a moment).
                Some(at) if at.elapsed() < MPD_SETTLE => {}
                // Told, and it let it pass (a command too early): again.
                Some(_) => return send_pause(mpd, mine).await,
                // Paused or resumed on the server itself (its own remote,
                // a Volumio page): the room follows, for every phone.
                None => {
                    mine.paused = server_paused;
                    let action = if server_paused {
                        Transport::Pause
                    } else {
                        Transport::Resume
                    };
                    let (code, item) = (target.code.clone(), target.room_track_id.clone());
                    // The room's change is the server's own: nothing to
                    // send back.
                    if let Some((started_at, paused_ms)) =
                        store.transport_by_box(code, item, action).await?
                    {
                        mine.started_at = started_at;
                        mine.paused_ms = paused_ms;
                    }
                }
            }
        }
        Ok(())
    }

    /// The server moved on to the next song the box placed, and the room
    /// picked that one too: it plays on, with no gap.
    async fn adopt_next(
        &mut self,
        mpd: &Mpd,
        target: &MpdTarget,
        status: &Status,
    ) -> Result<bool, Step> {
        let Some((next_item, next_id)) = self.mine.as_ref().and_then(|m| m.next.clone()) else {
            return Ok(false);
        };
        if next_item != target.room_track_id
            || status.song_id != Some(next_id)
            || status.state == State::Stop
        {
            return Ok(false);
        }
        // What played before goes from the server's queue.
        if let Some(old) = self.mine.as_ref().map(|m| m.song_id) {
            let _ = mpd
                .command(RawCommand::new("deleteid").argument(old.to_string()))
                .await;
        }
        // As the server plays it: a room already paused (or moved) by the
        // host is then a change the next look applies to the server.
        let paused = status.state == State::Pause;
        self.mine = Some(Placed {
            room_track_id: target.room_track_id.clone(),
            song_id: next_id,
            started_at: target.started_at.clone(),
            paused_ms: None,
            paused,
            sent: None,
            next: None,
            reported: false,
        });
        Ok(true)
    }

    /// Puts the room's song on the server, where the room is in it.
    async fn place(&mut self, mpd: &Mpd, store: &Store, target: &MpdTarget) -> Result<(), Step> {
        self.mine = None;
        let _ = mpd.command(RawCommand::new("clearerror")).await;
        mpd.command(RawCommand::new("clear")).await?;
        let id = match add(mpd, &target.uri).await {
            Ok(id) => id,
            Err(MpdError::Refused(reason)) => {
                let reason = format!("the MPD server does not have it: {reason}");
                store
                    .failed(
                        None,
                        target.code.clone(),
                        target.room_track_id.clone(),
                        reason,
                    )
                    .await?;
                return Ok(());
            }
            Err(e) => return Err(e.into()),
        };
        // Played, then held and moved where the room is: a server may start
        // playing on a seek (Mopidy does), so the pause comes last.
        mpd.command(RawCommand::new("playid").argument(id.to_string()))
            .await?;
        let position = target.position_ms(Timestamp::now());
        if position > MPD_SEEK_TOLERANCE_MS {
            mpd.command(RawCommand::new("seekcur").argument(seconds(position)))
                .await?;
        }
        if target.paused_ms.is_some() {
            mpd.command(RawCommand::new("pause").argument("1")).await?;
        }
        self.mine = Some(Placed {
            room_track_id: target.room_track_id.clone(),
            song_id: id,
            started_at: target.started_at.clone(),
            paused_ms: target.paused_ms,
            paused: target.paused_ms.is_some(),
            sent: Some(Instant::now()),
            next: None,
            reported: false,
        });
        Ok(())
    }

    /// Keeps the room's next song after the playing one on the server
    /// (votes may change which it is), once the playing one is heard.
    async fn place_next(
        &mut self,
        mpd: &Mpd,
        target: &MpdTarget,
        status: &Status,
    ) -> Result<(), Step> {
        let Some(mine) = self.mine.as_mut() else {
            return Ok(());
        };
        // Only once the song is heard playing: a song the server cannot
        // play then stops it with its error (with a next, MPD would go on
        // to it and forget the error).
        let heard = status.song_id == Some(mine.song_id)
            && status.state == State::Play
            && status.elapsed_ms > 0;
        if mine.reported || (mine.next.is_none() && !heard) {
            return Ok(());
        }
        let wanted = target.next.as_ref().map(|(item, _)| item);
        if mine.next.as_ref().map(|(item, _)| item) == wanted {
            return Ok(());
        }
        if let Some((_, old)) = mine.next.take() {
            let _ = mpd
                .command(RawCommand::new("deleteid").argument(old.to_string()))
                .await;
        }
        if let Some((item, uri)) = &target.next {
            // A song the server lacks is found out when it is due.
            if let Ok(id) = add(mpd, uri).await {
                mine.next = Some((item.clone(), id));
            }
        }
        Ok(())
    }

    /// The room's volume for the box, within quiet hours' ceiling.
    async fn set_volume(&mut self, mpd: &Mpd, target: &MpdTarget) {
        let level = target.settings.box_volume(crate::timestamp::local_minute());
        let volume = (level * 100.0).round().clamp(0.0, 100.0) as u32;
        if self.volume != Some(volume) {
            // A server without a mixer refuses: it plays at its own level.
            let _ = mpd
                .command(RawCommand::new("setvol").argument(volume.to_string()))
                .await;
            self.volume = Some(volume);
        }
    }
}

/// Tells the server to pause or play as the box holds it (`paused`).
async fn send_pause(mpd: &Mpd, placed: &mut Placed) -> Result<(), Step> {
    let pause = if placed.paused { "1" } else { "0" };
    mpd.command(RawCommand::new("pause").argument(pause))
        .await?;
    placed.sent = Some(Instant::now());
    Ok(())
}

/// Adds `uri` at the end of the server's queue; answers its id there.
async fn add(mpd: &Mpd, uri: &str) -> Result<u64, MpdError> {
    let frame = mpd.command(RawCommand::new("addid").argument(uri)).await?;
    frame
        .find("Id")
        .and_then(|id| id.parse().ok())
        .ok_or_else(|| MpdError::Refused("no id for the added song".into()))
}

/// Seconds, as MPD takes a position ("12.345").
fn seconds(ms: i64) -> String {
    format!("{:.3}", ms.max(0) as f64 / 1000.0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Play,
    Pause,
    Stop,
}

/// What the server says it is doing (`status`), read by hand: servers
/// differ in the fields they send (Mopidy's volume may be -1).
#[derive(Debug)]
struct Status {
    state: State,
    song_id: Option<u64>,
    elapsed_ms: i64,
    error: Option<String>,
}

impl Status {
    async fn read(mpd: &Mpd) -> Result<Status, MpdError> {
        let frame = mpd.command(RawCommand::new("status")).await?;
        Ok(Status::from_fields(frame.fields()))
    }

    fn from_fields<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Status {
        let mut status = Status {
            state: State::Stop,
            song_id: None,
            elapsed_ms: 0,
            error: None,
        };
        for (key, value) in fields {
            match key {
                "state" => {
                    status.state = match value {
                        "play" => State::Play,
                        "pause" => State::Pause,
                        _ => State::Stop,
                    }
                }
                "songid" => status.song_id = value.parse().ok(),
                "elapsed" => {
                    status.elapsed_ms = value.parse::<f64>().map_or(0, |s| (s * 1000.0) as i64);
                }
                "error" => status.error = Some(value.to_string()),
                _ => {}
            }
        }
        status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_read_from_its_fields() {
        let status = Status::from_fields([
            ("volume", "-1"),
            ("state", "stop"),
            ("song", "1"),
            ("songid", "2"),
            ("elapsed", "1.250"),
            ("error", "Failed to decode x"),
        ]);
        assert_eq!(status.state, State::Stop);
        assert_eq!(status.song_id, Some(2));
        assert_eq!(status.elapsed_ms, 1250);
        assert_eq!(status.error.as_deref(), Some("Failed to decode x"));
    }

    #[test]
    fn positions_are_sent_in_seconds() {
        assert_eq!(seconds(12_345), "12.345");
        assert_eq!(seconds(-5), "0.000");
    }
}
