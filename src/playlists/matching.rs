//! Which catalog track a playlist entry means. Playlists are written on
//! other machines, so a path rarely matches as it is: an entry is found by
//! its path (exact, then by its last folders and file name), else by its
//! artist and title (any version of the song, as `domain::song` says),
//! else by the title alone when only one song has it.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::read::Entry;
use crate::domain::song::{self, title_artist_from_name};

/// A track as matching needs it.
#[derive(Debug, Clone)]
pub struct CatalogTrack {
    pub id: String,
    /// Its file's path, for tracks from the music folders.
    pub path: Option<String>,
    pub title: String,
    pub artist: String,
}

/// The catalog, indexed for matching. Tracks given first win a tie (the
/// store gives files before the built-in catalog's entries).
#[derive(Debug, Default)]
pub struct Catalog {
    by_path: HashMap<String, String>,
    /// File name (lower case) → each file's folders, innermost first
    /// (lower case), and its id.
    by_file_name: HashMap<String, Vec<(Vec<String>, String)>>,
    by_song: HashMap<String, String>,
    /// Title key → ids (a title alone matches when only one song has it).
    by_title: HashMap<String, Vec<String>>,
}

impl Catalog {
    pub fn new(tracks: impl IntoIterator<Item = CatalogTrack>) -> Self {
        let mut c = Catalog::default();
        for t in tracks {
            if let Some(path) = &t.path {
                c.by_path
                    .entry(path.clone())
                    .or_insert_with(|| t.id.clone());
                let mut parts = components(path);
                if let Some(name) = parts.pop() {
                    parts.reverse();
                    c.by_file_name
                        .entry(name)
                        .or_default()
                        .push((parts, t.id.clone()));
                }
            }
            c.by_song
                .entry(song::key(&t.title, &t.artist))
                .or_insert_with(|| t.id.clone());
            let titles = c.by_title.entry(song::key(&t.title, "")).or_default();
            let same_song = titles
                .iter()
                .any(|id| c.by_song.get(&song::key(&t.title, &t.artist)) == Some(id));
            if !same_song {
                titles.push(t.id);
            }
        }
        c
    }

    /// The track `entry` names, reading relative paths from `base` (the
    /// playlist's folder, when it is in one).
    pub fn find(&self, entry: &Entry, base: Option<&Path>) -> Option<&str> {
        let path = entry.location.as_deref().filter(|l| !l.contains("://"));
        if let Some(path) = path {
            if let Some(id) = self.by_exact_path(path, base) {
                return Some(id);
            }
            if let Some(id) = self.by_path_end(path) {
                return Some(id);
            }
        }
        let from_name = path
            .and_then(|p| Path::new(p).file_stem())
            .map(|s| title_artist_from_name(&s.to_string_lossy()));
        let title = entry
            .title
            .clone()
            .or_else(|| from_name.as_ref().map(|(t, _)| t.clone()))?;
        let artist = entry
            .artist
            .clone()
            .or_else(|| from_name.and_then(|(_, a)| a));
        if let Some(artist) = artist
            && let Some(id) = self.by_song.get(&song::key(&title, &artist))
        {
            return Some(id);
        }
        match self.by_title.get(&song::key(&title, "")).map(Vec::as_slice) {
            Some([only]) => Some(only),
            _ => None,
        }
    }

    fn by_exact_path(&self, path: &str, base: Option<&Path>) -> Option<&str> {
        let path = Path::new(path);
        let full = match base {
            Some(base) if path.is_relative() => normalize(&base.join(path)),
            _ => normalize(path),
        };
        self.by_path
            .get(&*full.to_string_lossy())
            .map(String::as_str)
    }

    /// The file of that name whose folders match the most of the entry's,
    /// if one matches more than any other.
    fn by_path_end(&self, path: &str) -> Option<&str> {
        let mut parts = components(path);
        let name = parts.pop()?;
        parts.reverse();
        let candidates = self.by_file_name.get(&name)?;
        let score = |folders: &[String]| {
            folders
                .iter()
                .zip(&parts)
                .take_while(|(a, b)| a == b)
                .count()
        };
        let best = candidates.iter().map(|(f, _)| score(f)).max()?;
        let mut at_best = candidates.iter().filter(|(f, _)| score(f) == best);
        let (_, id) = at_best.next()?;
        at_best.next().is_none().then_some(id.as_str())
    }
}

/// A path's parts, in lower case.
fn components(path: &str) -> Vec<String> {
    path.split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .map(str::to_lowercase)
        .collect()
}

/// `a/./b/../c` as `a/c`, without asking the disk.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let file = |id: &str, path: &str, title: &str, artist: &str| CatalogTrack {
            id: id.into(),
            path: Some(path.into()),
            title: title.into(),
            artist: artist.into(),
        };
        let builtin = |id: &str, title: &str, artist: &str| CatalogTrack {
            id: id.into(),
            path: None,
            title: title.into(),
            artist: artist.into(),
        };
        Catalog::new([
            file(
                "f1",
                "/music/Queen/A Night/01 Bohemian.flac",
                "Bohemian Rhapsody",
                "Queen",
            ),
            file(
                "f2",
                "/music/Live/Queen/01 Bohemian.flac",
                "Bohemian Rhapsody (Live)",
                "Queen",
            ),
            file(
                "f3",
                "/music/ABBA/Dancing Queen.mp3",
                "Dancing Queen",
                "ABBA",
            ),
            file(
                "f4",
                "/music/misc/Ben E. King - Stand By Me.ogg",
                "Stand By Me",
                "Ben E. King",
            ),
            builtin("b1", "Dancing Queen", "ABBA"),
            builtin("b2", "Superstition", "Stevie Wonder"),
            builtin("b3", "Intro", "Band One"),
            builtin("b4", "Intro", "Band Two"),
        ])
    }

    fn entry(location: Option<&str>, artist: Option<&str>, title: Option<&str>) -> Entry {
        Entry::of(location, artist, title)
    }

    #[test]
    fn paths_match_exactly_relatively_or_by_their_end() {
        let c = catalog();
        let base = Path::new("/music/Playlists");
        assert_eq!(
            c.find(
                &entry(Some("../Queen/A Night/01 Bohemian.flac"), None, None),
                Some(base)
            ),
            Some("f1")
        );
        assert_eq!(
            c.find(
                &entry(Some("/music/ABBA/Dancing Queen.mp3"), None, None),
                None
            ),
            Some("f3")
        );
        // Written on Windows, in another folder: its last folders decide.
        assert_eq!(
            c.find(
                &entry(Some("D:/Rips/Live/Queen/01 BOHEMIAN.flac"), None, None),
                None
            ),
            Some("f2")
        );
        assert_eq!(
            c.find(
                &entry(Some("C:/x/A Night/01 Bohemian.flac"), None, None),
                None
            ),
            Some("f1")
        );
        // Two files named alike and no folder to tell them apart: by tags
        // then, and here there are none.
        assert_eq!(
            c.find(&entry(Some("01 Bohemian.flac"), None, None), None),
            None
        );
    }

    #[test]
    fn tags_and_file_names_match_any_version_files_first() {
        let c = catalog();
        assert_eq!(
            c.find(
                &entry(None, Some("ABBA"), Some("Dancing Queen (Remastered)")),
                None
            ),
            Some("f3")
        );
        assert_eq!(
            c.find(
                &entry(None, Some("Stevie Wonder"), Some("Superstition")),
                None
            ),
            Some("b2")
        );
        assert_eq!(
            c.find(
                &entry(Some("/elsewhere/Ben E. King - Stand By Me.mp3"), None, None),
                None
            ),
            Some("f4")
        );
        // A title alone: when one song has it.
        assert_eq!(
            c.find(&entry(None, None, Some("superstition")), None),
            Some("b2")
        );
        assert_eq!(c.find(&entry(None, None, Some("Intro")), None), None);
        assert_eq!(
            c.find(&entry(Some("http://radio/stream"), None, None), None),
            None
        );
        assert_eq!(
            c.find(&entry(None, Some("Nobody"), Some("Nothing")), None),
            None
        );
    }
}
