//! Songs as the MPD server describes them, and finding them there.

use mpd_client::protocol::command::Command as RawCommand;

use super::{Mpd, MpdError};
use crate::domain::song;
use crate::limits::{MAX_COVER_BYTES, MPD_SEARCH_TIMEOUT, OUTPUT_TIMEOUT};
pub use crate::model::MpdSong;
use crate::model::Page;
use crate::model::Track;
use crate::store::Store;

/// The songs in a response (`search`, `listplaylistinfo`...): each starts
/// at its `file` line. Directories and playlists are passed over, and so
/// is a song without a length (a radio stream cannot be queued: the room
/// needs to know when it ends).
pub fn parse<'a>(fields: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<MpdSong> {
    let mut songs = Vec::new();
    let mut current: Option<Partial> = None;
    for (key, value) in fields {
        match key {
            "file" => {
                songs.extend(current.take().and_then(Partial::finish));
                current = Some(Partial {
                    uri: value.to_string(),
                    ..Partial::default()
                });
            }
            "directory" | "playlist" => {
                songs.extend(current.take().and_then(Partial::finish));
            }
            _ => {
                if let Some(song) = &mut current {
                    song.field(key, value);
                }
            }
        }
    }
    songs.extend(current.and_then(Partial::finish));
    songs
}

#[derive(Default)]
struct Partial {
    uri: String,
    title: Option<String>,
    artist: Option<String>,
    album: Option<String>,
    year: Option<i64>,
    seconds: Option<f64>,
}

impl Partial {
    fn field(&mut self, key: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        match key {
            // The first of several (MPD repeats a tag per value).
            "Title" => {
                self.title.get_or_insert_with(|| value.to_string());
            }
            "Artist" => {
                self.artist.get_or_insert_with(|| value.to_string());
            }
            "AlbumArtist" if self.artist.is_none() => {
                self.artist = Some(value.to_string());
            }
            "Album" => {
                self.album.get_or_insert_with(|| value.to_string());
            }
            "Date" => self.year = value.get(..4).and_then(|y| y.parse().ok()),
            // `duration` is exact (MPD 0.20+); `Time` is whole seconds.
            "duration" => self.seconds = value.parse().ok(),
            "Time" if self.seconds.is_none() => self.seconds = value.parse().ok(),
            _ => {}
        }
    }

    fn finish(self) -> Option<MpdSong> {
        let duration_ms = (self.seconds? * 1000.0).round() as i64;
        if duration_ms <= 0 || self.uri.is_empty() {
            return None;
        }
        // Untagged: the file name says what it can ("Artist - Title").
        let (title, artist) = match (self.title, self.artist) {
            (Some(title), Some(artist)) => (title, artist),
            (title, artist) => {
                let name = self.uri.rsplit(['/', ':']).next().unwrap_or(&self.uri);
                let stem = name.rsplit_once('.').map_or(name, |(stem, _)| stem);
                let (guess_title, guess_artist) = song::title_artist_from_name(stem);
                (
                    title.unwrap_or(guess_title),
                    artist
                        .or(guess_artist)
                        .unwrap_or_else(|| "Unknown artist".into()),
                )
            }
        };
        Some(MpdSong {
            uri: self.uri,
            title,
            artist,
            album: self.album,
            year: self.year,
            duration_ms,
        })
    }
}

/// The `search` for what a guest typed: every word must match some tag
/// (MPD's case-insensitive `any`), in the form both MPD and Mopidy's MPD
/// frontend take; a window asks a server that takes one (MPD 0.20+) for
/// only the page wanted, so a streaming backend's huge result stays fast.
/// `None` when the query holds no word.
pub fn search_command(query: &str, page: Page, windowed: bool) -> Option<RawCommand> {
    let words: Vec<&str> = query.split_whitespace().take(8).collect();
    if words.is_empty() {
        return None;
    }
    let mut command = RawCommand::new("search");
    for word in words {
        command.add_argument("any").ok()?;
        command.add_argument(word).ok()?;
    }
    if windowed {
        command.add_argument("window").ok()?;
        command
            .add_argument(format!("{}:{}", page.start(), page.end()))
            .ok()?;
    }
    Some(command)
}

impl Mpd {
    /// The server's songs for what a guest typed, put in the catalog (to
    /// be added by id) and answered as tracks. A server that is down or
    /// slow leaves them out: search answers with the box's own songs.
    pub async fn search_into(&self, store: &Store, query: &str, page: Page) -> Vec<Track> {
        let songs = match tokio::time::timeout(MPD_SEARCH_TIMEOUT, self.search(query, page)).await {
            Ok(Ok(songs)) => songs,
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "mpd search");
                return Vec::new();
            }
            Err(_) => {
                tracing::warn!("the MPD server took too long to search; answering without it");
                return Vec::new();
            }
        };
        store.remember_mpd_songs(songs).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "cannot keep the MPD server's songs");
            Vec::new()
        })
    }

    /// The cover of the song at `uri` as the server finds it (embedded,
    /// else a `cover.jpg` beside it), with its type; `None` when it has
    /// none, is too large, or the server does not answer in time.
    pub async fn cover(&self, uri: &str) -> Option<(Vec<u8>, String)> {
        let client = self.inner.client.read().expect("not poisoned").clone()?;
        let found = tokio::time::timeout(OUTPUT_TIMEOUT, client.album_art(uri)).await;
        let (bytes, mime) = found.ok()?.ok()??;
        if bytes.len() > MAX_COVER_BYTES {
            return None;
        }
        let mime = mime.unwrap_or_else(|| sniff_image(&bytes).to_string());
        Some((bytes.to_vec(), mime))
    }

    /// Up to `n` of the server's songs from a random place in its
    /// database, for the auto-DJ to pick from before guests search (MPD
    /// 0.21 and later; Mopidy's catalog is met through search and
    /// playlists).
    pub async fn sample(&self, n: usize) -> Result<Vec<MpdSong>, MpdError> {
        if !self.speaks(0, 21) {
            return Ok(Vec::new());
        }
        let every = "(file != '')";
        let count = self
            .command(RawCommand::new("count").argument(every))
            .await?;
        let songs: usize = count
            .find("songs")
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        let start = rand::random_range(0..=songs.saturating_sub(n));
        let frame = self
            .command(
                RawCommand::new("find")
                    .argument(every)
                    .argument("window")
                    .argument(format!("{start}:{}", start + n)),
            )
            .await?;
        Ok(parse(&frame))
    }

    /// Up to `limit` songs matching what a guest typed.
    /// A page of the songs matching what a guest typed.
    pub async fn search(&self, query: &str, page: Page) -> Result<Vec<MpdSong>, MpdError> {
        let windowed = self.speaks(0, 20);
        let Some(command) = search_command(query, page, windowed) else {
            return Ok(Vec::new());
        };
        let frame = self.command(command).await?;
        let songs = parse(&frame);
        // A server without windows answered every match: the page of them.
        let skip = if windowed { 0 } else { page.start() };
        Ok(songs.into_iter().skip(skip).take(page.size).collect())
    }
}

/// An image's type from its first bytes (MPD's `albumart` does not say).
fn sniff_image(bytes: &[u8]) -> &'static str {
    match bytes {
        [0x89, b'P', b'N', b'G', ..] => "image/png",
        [b'G', b'I', b'F', ..] => "image/gif",
        [
            b'R',
            b'I',
            b'F',
            b'F',
            _,
            _,
            _,
            _,
            b'W',
            b'E',
            b'B',
            b'P',
            ..,
        ] => "image/webp",
        _ => "image/jpeg",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(text: &str) -> Vec<(&str, &str)> {
        text.lines().map(|l| l.split_once(": ").unwrap()).collect()
    }

    #[test]
    fn songs_are_read_from_a_search_response() {
        let songs = parse(frame(
            "file: sunrise.mp3\nArtist: The Fixtures\nArtist: Guest\nTitle: Sunrise Test\n\
             Album: Loopback\nDate: 2024-05-01\nTime: 2\nduration: 1.567\n\
             directory: somewhere\n\
             file: http://radio.example/stream\nTitle: A Radio\n\
             file: 03 - Nameless Band - Untagged Song.wav\nTime: 2",
        ));
        assert_eq!(
            songs,
            vec![
                MpdSong {
                    uri: "sunrise.mp3".into(),
                    title: "Sunrise Test".into(),
                    artist: "The Fixtures".into(),
                    album: Some("Loopback".into()),
                    year: Some(2024),
                    duration_ms: 1567,
                },
                MpdSong {
                    uri: "03 - Nameless Band - Untagged Song.wav".into(),
                    title: "Untagged Song".into(),
                    artist: "Nameless Band".into(),
                    album: None,
                    year: None,
                    duration_ms: 2000,
                },
            ]
        );
    }

    #[test]
    fn a_search_quotes_every_word_and_windows_where_it_can() {
        let page = Page {
            number: 1,
            size: 50,
        };
        let cmd = search_command("bad \"bun", page, true).unwrap();
        assert_eq!(
            format!("{cmd:?}"),
            format!(
                "{:?}",
                RawCommand::new("search")
                    .argument("any")
                    .argument("bad")
                    .argument("any")
                    .argument("\"bun")
                    .argument("window")
                    .argument("50:100")
            )
        );
        assert!(search_command("   ", page, true).is_none());
    }

    #[test]
    fn a_cover_is_typed_by_its_first_bytes() {
        assert_eq!(sniff_image(b"\x89PNG\r\n"), "image/png");
        assert_eq!(sniff_image(b"GIF89a"), "image/gif");
        assert_eq!(sniff_image(b"RIFF1234WEBPVP8"), "image/webp");
        assert_eq!(sniff_image(b"\xff\xd8\xff"), "image/jpeg");
    }

    #[test]
    fn the_same_uri_keeps_its_id() {
        assert_eq!(
            MpdSong::track_id("local:track:a.mp3"),
            MpdSong::track_id("local:track:a.mp3")
        );
        assert_ne!(
            MpdSong::track_id("local:track:a.mp3"),
            MpdSong::track_id("local:track:b.mp3")
        );
    }
}
