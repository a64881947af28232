//! A song's lyrics from disk: a `.lrc` file beside it (same name), or the
//! lyrics in its tags (an ID3 `SYLT` frame's timed lines, else lyrics
//! text, which may itself be LRC). Synced lyrics win over plain ones.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use lofty::config::ParseOptions;
use lofty::file::{AudioFile, TaggedFileExt};
use lofty::id3::v2::{Frame, SyncTextContentType, SynchronizedTextFrame, TimestampFormat};
use lofty::mpeg::MpegFile;
use lofty::probe::Probe;
use lofty::tag::ItemKey;

use crate::domain::lyrics::{self, Lyrics, MAX_BYTES};

/// The lyrics for the audio file at `audio` (already confined to a music
/// folder). `confine` answers where a file really is when it is inside a
/// music folder: a `.lrc` symlinked to elsewhere is not read.
pub fn read(audio: &Path, confine: impl Fn(&Path) -> Option<PathBuf>) -> Option<Lyrics> {
    let mut plain = None;
    for found in [
        beside(audio, &confine),
        embedded_timed(audio),
        embedded_text(audio),
    ]
    .into_iter()
    .flatten()
    {
        if found.synced {
            return Some(found);
        }
        plain.get_or_insert(found);
    }
    plain
}

/// `Song.lrc` (or `.LRC`) beside `Song.mp3`.
fn beside(audio: &Path, confine: impl Fn(&Path) -> Option<PathBuf>) -> Option<Lyrics> {
    ["lrc", "LRC"].iter().find_map(|ext| {
        let path = confine(&audio.with_extension(ext))?;
        let mut bytes = Vec::new();
        File::open(path)
            .ok()?
            .take(MAX_BYTES)
            .read_to_end(&mut bytes)
            .ok()?;
        lyrics::from_text(&String::from_utf8_lossy(&bytes))
    })
}

/// An MP3's ID3v2 `SYLT` lyrics, in milliseconds (MPEG-frame times are
/// rare and need the frame rate: left out).
fn embedded_timed(audio: &Path) -> Option<Lyrics> {
    if !audio
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mp3"))
    {
        return None;
    }
    let mut file = File::open(audio).ok()?;
    let mpeg = MpegFile::read_from(&mut file, ParseOptions::new()).ok()?;
    let tag = mpeg.id3v2()?;
    tag.into_iter().find_map(|frame| {
        let Frame::Binary(binary) = frame else {
            return None;
        };
        if binary.id().as_str() != "SYLT" {
            return None;
        }
        let sylt = SynchronizedTextFrame::parse(&binary.data, binary.flags()).ok()?;
        if sylt.timestamp_format != TimestampFormat::MS
            || !matches!(
                sylt.content_type,
                SyncTextContentType::Lyrics | SyncTextContentType::TextTranscription
            )
        {
            return None;
        }
        lyrics::from_timed(
            sylt.content
                .into_iter()
                .map(|(at, text)| (i64::from(at), text)),
        )
    })
}

/// Lyrics text in any tag (ID3 `USLT`, Vorbis `LYRICS`, MP4 `©lyr`...).
fn embedded_text(audio: &Path) -> Option<Lyrics> {
    let tagged = Probe::open(audio)
        .ok()?
        .guess_file_type()
        .ok()?
        .read()
        .ok()?;
    let mut plain = None;
    for tag in tagged.tags() {
        for key in [ItemKey::Lyrics, ItemKey::UnsyncLyrics] {
            let Some(text) = tag.get_string(key) else {
                continue;
            };
            let text: String = text.chars().take(MAX_BYTES as usize).collect();
            match lyrics::from_text(&text) {
                Some(found) if found.synced => return Some(found),
                Some(found) => {
                    plain.get_or_insert(found);
                }
                None => {}
            }
        }
    }
    plain
}
