//! The MPD server's songs in the catalog, and what its player should play.

use rusqlite::{OptionalExtension, params};

use super::Store;
use super::guards::{self, Power};
use crate::domain::settings::Settings;
use crate::error::Result;
use crate::model::{MpdSong, Track};
use crate::timestamp::Timestamp;

impl Store {
    /// Puts songs the server answered into the catalog (new ones added,
    /// changed ones updated), so they have ids to add and vote on; answers
    /// them as tracks, in the same order.
    pub async fn remember_mpd_songs(&self, songs: Vec<MpdSong>) -> Result<Vec<Track>> {
        if songs.is_empty() {
            return Ok(Vec::new());
        }
        self.write(move |tx| {
            let mut upsert = tx.prepare_cached(
                "INSERT INTO tracks (id, title, artist, album, year, duration_ms, source, uri)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'mpd', ?7)
                 ON CONFLICT (id) DO UPDATE SET
                    title = excluded.title, artist = excluded.artist, album = excluded.album,
                    year = excluded.year, duration_ms = excluded.duration_ms, available = 1
                 WHERE (title, artist, album, year, duration_ms, available)
                    IS NOT (excluded.title, excluded.artist, excluded.album,
                            excluded.year, excluded.duration_ms, 1)",
            )?;
            let mut tracks = Vec::with_capacity(songs.len());
            for song in songs {
                let id = MpdSong::track_id(&song.uri);
                upsert.execute(params![
                    id,
                    song.title,
                    song.artist,
                    song.album,
                    song.year,
                    song.duration_ms,
                    song.uri
                ])?;
                tracks.push(Track {
                    id,
                    title: song.title,
                    artist: song.artist,
                    album: song.album,
                    year: song.year,
                    duration_ms: song.duration_ms,
                    playable: true,
                    source: "mpd".into(),
                });
            }
            Ok(tracks)
        })
        .await
    }

    /// Offers the MPD server's songs (those the box met before) only while
    /// the box plays through one: a box started without `--mpd` cannot
    /// play them.
    pub async fn offer_mpd_songs(&self, offered: bool) -> Result<()> {
        self.write(move |tx| {
            tx.prepare_cached(
                "UPDATE tracks SET available = ?1 WHERE source = 'mpd' AND available != ?1",
            )?
            .execute([offered])?;
            Ok(())
        })
        .await
    }

    /// Tonight's songs in the order they played (host and co-hosts), each
    /// with its URI on the MPD server (`None`: not the server's); and the
    /// party's name.
    pub async fn played_on_mpd(
        &self,
        user: uuid::Uuid,
        code: String,
    ) -> Result<(String, Vec<Option<String>>)> {
        let user = self.user(user).await?;
        self.read(move |conn| {
            let (room, _) = guards::require(
                conn,
                &code,
                &user,
                Power::Moderate("Only the host and co-hosts save the night's playlist."),
            )?;
            let name: String =
                conn.query_row("SELECT name FROM rooms WHERE id = ?1", [&room.id], |r| {
                    r.get(0)
                })?;
            let uris = conn
                .prepare_cached(
                    "SELECT t.uri FROM room_tracks rt JOIN tracks t ON t.id = rt.track_id
                     WHERE rt.room_id = ?1 AND rt.started_at IS NOT NULL AND rt.failed = 0
                     ORDER BY rt.started_at, rt.seq",
                )?
                .query_map([&room.id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            Ok((name, uris))
        })
        .await
    }

    /// What the MPD server should play: the playing item that started
    /// last (as for the box's speaker), when it is the server's song, and
    /// what comes after it for a gapless change.
    pub async fn mpd_target(&self) -> Result<Option<MpdTarget>> {
        let Some(playing) = self.speaker_target().await? else {
            return Ok(None);
        };
        let Some(uri) = playing.uri else {
            return Ok(None);
        };
        let code = playing.code;
        // The room's order decides what is next: the best waiting item.
        let room = self.room(&code).await?;
        let next = room.queue.first().filter(|item| item.source == "mpd");
        let next = match next {
            Some(item) => {
                let id = item.track_id.clone();
                let uri: Option<String> = self
                    .read(move |conn| {
                        Ok(conn
                            .prepare_cached("SELECT uri FROM tracks WHERE id = ?1")?
                            .query_row([id], |r| r.get(0))
                            .optional()?
                            .flatten())
                    })
                    .await?;
                uri.map(|uri| (item.room_track_id.clone(), uri))
            }
            None => None,
        };
        Ok(Some(MpdTarget {
            code,
            room_track_id: playing.room_track_id,
            uri,
            started_at: playing.started_at,
            paused_ms: playing.paused_ms,
            duration_ms: playing.duration_ms,
            settings: playing.settings,
            next,
        }))
    }
}

/// The song the MPD server should be playing, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct MpdTarget {
    pub code: String,
    pub room_track_id: String,
    pub uri: String,
    pub started_at: String,
    pub paused_ms: Option<i64>,
    pub duration_ms: i64,
    /// The room's rules (quiet hours' volume).
    pub settings: Settings,
    /// The item that comes next and its URI, when it is the server's too.
    pub next: Option<(String, String)>,
}

impl MpdTarget {
    /// Where the room is in the item, in ms (paused: where it stopped).
    pub fn position_ms(&self, now: Timestamp) -> i64 {
        crate::domain::player::position_ms(Timestamp::parse(&self.started_at), self.paused_ms, now)
    }
}
