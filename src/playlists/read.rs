//! Playlist files read: M3U and M3U8, PLS and XSPF, into entries the box
//! then matches against its catalog (`matching`). They come from a host's
//! folders or an upload, written by any player: reading is total, bounded,
//! and says plainly when a file is no playlist at all.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Entries read at most (a night is a few hundred songs).
pub const MAX_ENTRIES: usize = 5_000;

/// One song a playlist names: where its file is, and what it says of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Entry {
    /// A path (relative to the playlist, or absolute) or a URL, as written
    /// (`file://` URLs decoded into paths).
    pub location: Option<String>,
    pub title: Option<String>,
    pub artist: Option<String>,
}

impl Entry {
    /// An entry from its parts (tests write them out).
    #[cfg(test)]
    pub fn of(location: Option<&str>, artist: Option<&str>, title: Option<&str>) -> Entry {
        Entry {
            location: location.map(Into::into),
            artist: artist.map(Into::into),
            title: title.map(Into::into),
        }
    }

    /// How the entry reads to a host ("Artist - Title", else its location).
    pub fn label(&self) -> String {
        match (&self.artist, &self.title, &self.location) {
            (Some(a), Some(t), _) => format!("{a} - {t}"),
            (None, Some(t), _) => t.clone(),
            (_, None, Some(l)) => l.clone(),
            _ => "(an empty entry)".into(),
        }
    }
}

/// The file formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    M3u,
    Pls,
    Xspf,
}

/// Whether a file name is a playlist's.
pub fn kind_of_name(name: &str) -> Option<Kind> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "m3u" | "m3u8" => Some(Kind::M3u),
        "pls" => Some(Kind::Pls),
        "xspf" => Some(Kind::Xspf),
        _ => None,
    }
}

/// What a text is, by its name when it has a playlist's, else by its look.
fn kind_of(name: Option<&str>, text: &str) -> Kind {
    if let Some(kind) = name.and_then(kind_of_name) {
        return kind;
    }
    let start = text.trim_start().to_ascii_lowercase();
    // Markup is XSPF or nothing the box reads (an HTML page saved by mistake).
    if start.starts_with('<') {
        Kind::Xspf
    } else if start.starts_with("[playlist]") {
        Kind::Pls
    } else {
        Kind::M3u
    }
}

/// The songs a playlist file names, in order; `Err` says why it is not a
/// playlist the box can read.
pub fn read(name: Option<&str>, text: &str) -> Result<Vec<Entry>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('\0') {
        return Err("That is not a playlist file: M3U, M3U8, PLS or XSPF.".into());
    }
    let entries = match kind_of(name, text) {
        Kind::M3u => m3u(text),
        Kind::Pls => pls(text)?,
        Kind::Xspf => xspf(text)?,
    };
    if entries.is_empty() {
        return Err("That playlist names no songs.".into());
    }
    Ok(entries)
}

/// `#EXTINF:seconds,Artist - Title` then the file, one per line.
fn m3u(text: &str) -> Vec<Entry> {
    let mut entries = Vec::new();
    let mut pending: Option<Entry> = None;
    for line in text.lines().map(str::trim) {
        if entries.len() >= MAX_ENTRIES {
            break;
        }
        if let Some(info) = line.strip_prefix("#EXTINF:") {
            // After the duration (and any attributes), the comma, the name.
            let name = info.split_once(',').map_or("", |(_, n)| n.trim());
            let (artist, title) = artist_title(name);
            pending = Some(Entry {
                location: None,
                title,
                artist,
            });
        } else if line.is_empty() || line.starts_with('#') {
            continue;
        } else {
            let mut entry = pending.take().unwrap_or_default();
            entry.location = Some(location(line));
            entries.push(entry);
        }
    }
    entries
}

/// `[playlist]`, then `File1=`, `Title1=`... numbered, in any order.
fn pls(text: &str) -> Result<Vec<Entry>, String> {
    if !text
        .lines()
        .any(|l| l.trim().eq_ignore_ascii_case("[playlist]"))
    {
        return Err("That PLS file has no [playlist] section.".into());
    }
    let mut numbered: std::collections::BTreeMap<u32, Entry> = Default::default();
    for line in text.lines().map(str::trim) {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        let (field, number) =
            key.split_at(key.find(|c: char| c.is_ascii_digit()).unwrap_or(key.len()));
        let Ok(number) = number.parse::<u32>() else {
            continue;
        };
        if numbered.len() >= MAX_ENTRIES && !numbered.contains_key(&number) {
            continue;
        }
        let entry = numbered.entry(number).or_default();
        match field {
            "file" => entry.location = Some(location(value)),
            "title" => {
                let (artist, title) = artist_title(value);
                entry.artist = entry.artist.take().or(artist);
                entry.title = title;
            }
            _ => {}
        }
    }
    Ok(numbered
        .into_values()
        .filter(|e| e.location.is_some() || e.title.is_some())
        .collect())
}

/// `<track><location>`, `<title>`, `<creator>` inside `<trackList>`.
fn xspf(text: &str) -> Result<Vec<Entry>, String> {
    let mut reader = Reader::from_str(text);
    let mut entries = Vec::new();
    let mut track: Option<Entry> = None;
    // The element whose text is being read, and its text so far (text and
    // entity references come as separate events).
    let mut field: Option<String> = None;
    let mut buf = String::new();
    let mut saw_playlist = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("That XSPF file is not valid XML ({e})."))?;
        match event {
            Event::Start(tag) => {
                let name = tag.local_name().as_ref().to_ascii_lowercase();
                match name.as_str() {
                    "playlist" => saw_playlist = true,
                    "track" => track = Some(Entry::default()),
                    _ => {}
                }
                field = Some(name);
                buf.clear();
            }
            Event::Text(t) => buf.push_str(&t.xml10_content()),
            Event::CData(t) => buf.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    buf.push(c);
                } else if let Some(s) =
                    quick_xml::escape::resolve_predefined_entity(&r.xml10_content())
                {
                    buf.push_str(s);
                }
            }
            Event::End(tag) => {
                let name = tag.local_name().as_ref().to_ascii_lowercase();
                let value = Some(buf.trim().to_string()).filter(|v| !v.is_empty());
                match (name.as_str(), track.as_mut()) {
                    ("track", _) => {
                        if let Some(t) = track.take()
                            && (t.location.is_some() || t.title.is_some())
                        {
                            entries.push(t);
                            if entries.len() >= MAX_ENTRIES {
                                break;
                            }
                        }
                    }
                    ("location", Some(t)) if field.as_deref() == Some("location") => {
                        t.location = t.location.take().or(value.map(|v| location(&v)));
                    }
                    ("title", Some(t)) if field.as_deref() == Some("title") => t.title = value,
                    ("creator", Some(t)) if field.as_deref() == Some("creator") => t.artist = value,
                    _ => {}
                }
                field = None;
                buf.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !saw_playlist {
        return Err("That XML file is not an XSPF playlist.".into());
    }
    Ok(entries)
}

/// "Artist - Title" into its parts; a name without " - " is a title.
fn artist_title(name: &str) -> (Option<String>, Option<String>) {
    let some = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    match name.split_once(" - ") {
        Some((artist, title)) => (some(artist), some(title)),
        None => (None, some(name)),
    }
}

/// A location as a path where it is one: `file://` URLs decoded, Windows
/// separators turned.
fn location(text: &str) -> String {
    let text = text.trim();
    if let Some(path) = text
        .strip_prefix("file://localhost")
        .or_else(|| text.strip_prefix("file://"))
    {
        return percent_encoding::percent_decode_str(path)
            .decode_utf8_lossy()
            .replace('\\', "/");
    }
    if text.contains("://") {
        return text.to_string();
    }
    text.replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(location: Option<&str>, artist: Option<&str>, title: Option<&str>) -> Entry {
        Entry::of(location, artist, title)
    }

    #[test]
    fn m3u_with_and_without_extinf() {
        let text = "\u{feff}#EXTM3U\r\n#EXTINF:215,Queen - Bohemian Rhapsody\r\nQueen\\A Night\\01 Bohemian.flac\r\n\r\n# a comment\r\nfile:///music/ABBA/Dancing%20Queen.mp3\r\nhttp://radio.example/stream\r\n#EXTINF:-1 tvg-id=\"x\",Only A Title\r\nsong.ogg\n";
        assert_eq!(
            read(Some("night.m3u8"), text).unwrap(),
            vec![
                entry(
                    Some("Queen/A Night/01 Bohemian.flac"),
                    Some("Queen"),
                    Some("Bohemian Rhapsody")
                ),
                entry(Some("/music/ABBA/Dancing Queen.mp3"), None, None),
                entry(Some("http://radio.example/stream"), None, None),
                entry(Some("song.ogg"), None, Some("Only A Title")),
            ]
        );
    }

    #[test]
    fn pls_entries_in_their_numbers_order() {
        let text = "[playlist]\nFile2=b.mp3\nTitle2=Bee - Second\nFile1=C:\\Music\\a.mp3\nNumberOfEntries=2\nVersion=2\n";
        assert_eq!(
            read(Some("x.pls"), text).unwrap(),
            vec![
                entry(Some("C:/Music/a.mp3"), None, None),
                entry(Some("b.mp3"), Some("Bee"), Some("Second")),
            ]
        );
        assert!(
            read(Some("x.pls"), "File1=a.mp3")
                .unwrap_err()
                .contains("[playlist]")
        );
    }

    #[test]
    fn xspf_tracks_with_escapes() {
        let text = r#"<?xml version="1.0" encoding="UTF-8"?>
<playlist version="1" xmlns="http://xspf.org/ns/0/">
  <title>Wedding</title>
  <trackList>
    <track><location>file:///m/Ben%20E.%20King/Stand%20By%20Me.flac</location><title>Stand By Me</title><creator>Ben E. King</creator></track>
    <track><title>Rock &amp; Roll</title><creator>Led Zeppelin</creator></track>
    <track></track>
  </trackList>
</playlist>"#;
        assert_eq!(
            read(None, text).unwrap(),
            vec![
                entry(
                    Some("/m/Ben E. King/Stand By Me.flac"),
                    Some("Ben E. King"),
                    Some("Stand By Me")
                ),
                entry(None, Some("Led Zeppelin"), Some("Rock & Roll")),
            ]
        );
    }

    #[test]
    fn what_is_no_playlist_says_so() {
        assert!(read(Some("a.xspf"), "<playlist><trackList><track>").is_err());
        assert!(
            read(Some("a.xspf"), "<html><body>hi</body></html>")
                .unwrap_err()
                .contains("not an XSPF")
        );
        assert!(
            read(Some("a.m3u"), "#EXTM3U\n# nothing\n")
                .unwrap_err()
                .contains("no songs")
        );
        assert!(
            read(Some("a.m3u"), "ID3\u{3}\0\0\0binary")
                .unwrap_err()
                .contains("not a playlist")
        );
        assert_eq!(kind_of_name("Mix.M3U8"), Some(Kind::M3u));
        assert_eq!(kind_of_name("song.mp3"), None);
    }

    #[test]
    fn a_huge_file_is_cut_to_size() {
        let text = "a.mp3\n".repeat(MAX_ENTRIES + 10);
        assert_eq!(read(None, &text).unwrap().len(), MAX_ENTRIES);
    }

    proptest! {
        #[test]
        fn any_text_reads_or_is_refused_never_panics(text in ".{0,500}", kind in 0..4usize) {
            let name = ["a.m3u", "a.pls", "a.xspf", "upload"][kind];
            if let Ok(entries) = read(Some(name), &text) {
                prop_assert!(!entries.is_empty() && entries.len() <= MAX_ENTRIES);
            }
        }
    }
}
