//! Audio files on disk: which files count, and what a file says about
//! itself (tags, duration, cover), read with lofty.

use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use lofty::file::{AudioFile, TaggedFileExt};
use lofty::picture::{MimeType, PictureType};
use lofty::probe::Probe;
use lofty::tag::{Accessor, ItemKey};
use uuid::Uuid;

use crate::domain::player;
use crate::domain::song::title_artist_from_name;
use crate::store::{FileTrack, Stamp};

/// Namespace for file tracks' ids: an id is derived from the file's path,
/// so it stays the same across rescans (and a moved file is a new track).
const FILES_NAMESPACE: Uuid = Uuid::from_u128(0x3a7c_91d2_0f4b_4c6e_8b1a_5d2e_6f90_c4a7);

/// Extensions the box plays, with the Content-Type browsers expect.
const AUDIO_TYPES: &[(&str, &str)] = &[
    ("mp3", "audio/mpeg"),
    ("flac", "audio/flac"),
    ("ogg", "audio/ogg"),
    ("oga", "audio/ogg"),
    ("opus", "audio/ogg"),
    ("m4a", "audio/mp4"),
    ("mp4", "audio/mp4"),
    ("aac", "audio/aac"),
    ("wav", "audio/wav"),
];

/// The Content-Type for an audio file, or `None` when the box does not
/// play files of this kind.
pub fn content_type(path: &Path) -> Option<&'static str> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    AUDIO_TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map(|(_, mime)| *mime)
}

/// The stamp of a file, from its metadata.
pub fn stamp_of(meta: &std::fs::Metadata) -> Stamp {
    let mtime_ms = meta
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_millis() as i64);
    Stamp {
        size: meta.len() as i64,
        mtime_ms,
    }
}

/// An audio file found by a walk.
#[derive(Debug, Clone)]
pub struct Found {
    pub path: PathBuf,
    pub stamp: Stamp,
}

/// The id a file's track has, from its path.
pub fn track_id(path: &str) -> String {
    Uuid::new_v5(&FILES_NAMESPACE, path.as_bytes()).to_string()
}

/// Reads a file's tags and duration. Untagged files get their title and
/// artist from the file name. An error is a file the box cannot play.
pub fn read(found: &Found) -> Result<FileTrack, String> {
    let probe = Probe::open(&found.path)
        .map_err(|e| e.to_string())?
        .guess_file_type()
        .map_err(|e| e.to_string())?;
    let tagged = probe.read().map_err(|e| e.to_string())?;
    let duration_ms = tagged.properties().duration().as_millis() as i64;
    if duration_ms <= 0 {
        return Err("no audio in it (zero length)".into());
    }
    let tag = tagged.primary_tag().or_else(|| tagged.first_tag());
    let text = |v: Option<std::borrow::Cow<'_, str>>| {
        v.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
    };
    let stem = found
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (name_title, name_artist) = title_artist_from_name(&stem);
    let path = found.path.to_string_lossy().into_owned();
    Ok(FileTrack {
        id: track_id(&path),
        title: tag.and_then(|t| text(t.title())).unwrap_or(name_title),
        artist: tag
            .and_then(|t| text(t.artist()))
            .or(name_artist)
            .unwrap_or_else(|| "Unknown artist".into()),
        album: tag.and_then(|t| text(t.album())),
        year: tag.and_then(year).map(i64::from),
        track_no: tag.and_then(|t| t.track()).map(i64::from),
        duration_ms,
        has_cover: tag.is_some_and(|t| !t.pictures().is_empty()),
        gain_db: tagged.tags().iter().find_map(|t| {
            player::gain_from_tags(
                t.get_string(ItemKey::ReplayGainTrackGain),
                t.get_string(ItemKey::R128TrackGain),
            )
        }),
        path,
        stamp: found.stamp,
    })
}

fn year(tag: &lofty::tag::Tag) -> Option<u32> {
    // Dates come as "1999", "1999-04-01" or "1999-04-01T..."; the year leads.
    [
        ItemKey::Year,
        ItemKey::RecordingDate,
        ItemKey::OriginalReleaseDate,
    ]
    .into_iter()
    .filter_map(|key| tag.get_string(key))
    .find_map(|s| s.trim().get(..4)?.parse().ok())
    .filter(|y| (1000..=9999).contains(y))
}

/// The front cover embedded in a file (else its first picture): bytes and
/// Content-Type.
pub fn cover(path: &Path) -> Option<(Vec<u8>, &'static str)> {
    let tagged = Probe::open(path)
        .ok()?
        .guess_file_type()
        .ok()?
        .read()
        .ok()?;
    let pictures: Vec<_> = tagged.tags().iter().flat_map(|t| t.pictures()).collect();
    let picture = pictures
        .iter()
        .find(|p| p.pic_type() == PictureType::CoverFront)
        .or_else(|| pictures.first())?;
    let mime = match picture.mime_type() {
        Some(MimeType::Png) => "image/png",
        Some(MimeType::Gif) => "image/gif",
        Some(MimeType::Bmp) => "image/bmp",
        Some(MimeType::Tiff) => "image/tiff",
        _ => "image/jpeg",
    };
    Some((picture.data().to_vec(), mime))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_known_audio_kinds_count() {
        assert_eq!(content_type(Path::new("a/b.MP3")), Some("audio/mpeg"));
        assert_eq!(content_type(Path::new("x.opus")), Some("audio/ogg"));
        assert_eq!(content_type(Path::new("x.m4a")), Some("audio/mp4"));
        assert_eq!(content_type(Path::new("cover.jpg")), None);
        assert_eq!(content_type(Path::new("README")), None);
    }

    #[test]
    fn ids_follow_paths() {
        assert_eq!(track_id("/m/a.mp3"), track_id("/m/a.mp3"));
        assert_ne!(track_id("/m/a.mp3"), track_id("/m/b.mp3"));
    }
}
