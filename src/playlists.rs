//! Playlist files: read (`read`) and matched to the catalog (`matching`)
//! for curated parties, and the night's set list written out as M3U8 (for players
//! and MPD), XSPF (for players that find songs by their details) and CSV
//! (for a spreadsheet).
//!
//! Everything in them came from guests or from file tags, so each format is
//! written defensively: no line breaks that could start a new M3U entry, no
//! characters XML forbids, no cell a spreadsheet would run as a formula.

pub mod matching;
pub mod read;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::model::PlayedSong;

/// The formats the night can be downloaded in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumString, strum::IntoStaticStr)]
#[strum(serialize_all = "lowercase")]
pub enum Format {
    M3u8,
    Xspf,
    Csv,
}

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::M3u8 => "audio/x-mpegurl; charset=utf-8",
            Format::Xspf => "application/xspf+xml; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        self.into()
    }

    pub fn write(self, list: &SetList) -> String {
        match self {
            Format::M3u8 => m3u8(list),
            Format::Xspf => xspf(list),
            Format::Csv => csv(list),
        }
    }
}

/// What a playlist file holds: the party's name and what it played.
#[derive(Debug, Clone)]
pub struct SetList {
    pub name: String,
    pub songs: Vec<PlayedSong>,
}

/// One line of text: control characters (line breaks above all) become
/// spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn seconds(ms: i64) -> i64 {
    (ms + 500) / 1000
}

/// Extended M3U in UTF-8. Entries are the files' paths relative to their
/// music folder, so the list works saved in that folder (and as an MPD
/// playlist); a song the box has no file for is a comment, so the list
/// still tells the whole night.
pub fn m3u8(list: &SetList) -> String {
    let mut out = format!("#EXTM3U\n#PLAYLIST:{}\n", one_line(&list.name));
    for song in &list.songs {
        let shown = format!("{} - {}", one_line(&song.artist), one_line(&song.title));
        match &song.file {
            Some(file) => {
                out += &format!("#EXTINF:{},{shown}\n", seconds(song.duration_ms));
                if let Some(album) = &song.album {
                    out += &format!("#EXTALB:{}\n", one_line(album));
                }
                out += &one_line(file);
                out.push('\n');
            }
            None => out += &format!("# Not a file on this box: {shown}\n"),
        }
    }
    out
}

/// XML 1.0 text: the characters it cannot hold at all (most control
/// characters, even escaped) are left out; quick-xml escapes the rest.
fn xml_text(text: &str) -> String {
    text.chars()
        .filter(|&c| matches!(c, '\t' | '\n' | '\r') || !c.is_control())
        .collect()
}

/// What a URI path segment may hold as it is (RFC 3986's unreserved).
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A relative path as a relative URI (XSPF's `location`), each segment
/// percent-encoded; an MPD server's URI (`local:track:…`: a scheme, and
/// no spaces, which a URI never holds) as it is.
fn file_uri(path: &str) -> String {
    let uri = !path.contains(char::is_whitespace);
    let scheme = uri
        && path.split_once(':').is_some_and(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
    if scheme {
        return path.to_string();
    }
    path.split('/')
        .map(|segment| percent_encoding::utf8_percent_encode(segment, UNRESERVED).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// XSPF 1: every song with its title, artist, album and length, so a
/// player can find it by those; the file as a relative location when the
/// box has one.
pub fn xspf(list: &SetList) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    let text = |s: &str| BytesText::new(&xml_text(s)).into_owned();
    // Writing into memory cannot fail.
    let written: std::io::Result<()> = (|| {
        writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        writer
            .create_element("playlist")
            .with_attribute(("version", "1"))
            .with_attribute(("xmlns", "http://xspf.org/ns/0/"))
            .write_inner_content(|w| {
                w.create_element("title")
                    .write_text_content(text(&list.name))?;
                w.create_element("trackList").write_inner_content(|w| {
                    for song in &list.songs {
                        w.create_element("track").write_inner_content(|w| {
                            if let Some(file) = &song.file {
                                w.create_element("location")
                                    .write_text_content(text(&file_uri(file)))?;
                            }
                            w.create_element("title")
                                .write_text_content(text(&song.title))?;
                            w.create_element("creator")
                                .write_text_content(text(&song.artist))?;
                            if let Some(album) = &song.album {
                                w.create_element("album").write_text_content(text(album))?;
                            }
                            w.create_element("duration")
                                .write_text_content(text(&song.duration_ms.to_string()))?;
                            w.create_element("annotation")
                                .write_text_content(text(&annotation(song)))?;
                            Ok(())
                        })?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
        Ok(())
    })();
    written.expect("writing XML into memory");
    let mut out = String::from_utf8(writer.into_inner()).expect("XML from UTF-8 text");
    out.push('\n');
    out
}

/// Who added it and how the room liked it, in words.
fn annotation(song: &PlayedSong) -> String {
    let by = match &song.added_by {
        Some(name) => format!("Added by {name}"),
        None => "Picked by the auto-DJ".to_string(),
    };
    let skipped = if song.skipped { ", voted off" } else { "" };
    format!(
        "{by}; {} votes; played at {}{skipped}",
        song.votes, song.played_at
    )
}

/// A cell a spreadsheet would take for a formula (`=`, `+`, `-`, `@`, or a
/// tab or return first) gets a leading apostrophe (OWASP's advice for CSV
/// injection): a guest named `=HYPERLINK(...)` stays a name.
fn cell(text: &str) -> String {
    let text = one_line(text);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text
    }
}

/// CSV with a header row, one song per row, in the order they played.
pub fn csv(list: &SetList) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let rows: csv::Result<()> = (|| {
        writer.write_record([
            "played_at",
            "title",
            "artist",
            "album",
            "duration_s",
            "added_by",
            "votes",
            "skipped",
        ])?;
        for song in &list.songs {
            writer.write_record([
                song.played_at.clone(),
                cell(&song.title),
                cell(&song.artist),
                cell(song.album.as_deref().unwrap_or("")),
                seconds(song.duration_ms).to_string(),
                cell(song.added_by.as_deref().unwrap_or("auto-DJ")),
                song.votes.to_string(),
                if song.skipped { "yes" } else { "no" }.to_string(),
            ])?;
        }
        Ok(())
    })();
    rows.expect("writing CSV into memory");
    String::from_utf8(writer.into_inner().expect("flushing CSV into memory"))
        .expect("CSV from UTF-8 text")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn song(title: &str, file: Option<&str>) -> PlayedSong {
        PlayedSong {
            uri: None,
            title: title.to_string(),
            artist: "Kraftwerk".to_string(),
            album: Some("Autobahn".to_string()),
            duration_ms: 354_400,
            added_by: Some("Ana".to_string()),
            votes: 3,
            played_at: "2026-12-06T21:00:00.000Z".to_string(),
            skipped: false,
            file: file.map(str::to_string),
        }
    }

    fn night(songs: Vec<PlayedSong>) -> SetList {
        SetList {
            name: "Ana's 30th".to_string(),
            songs,
        }
    }

    #[test]
    fn m3u8_lists_files_with_their_details_and_the_rest_as_comments() {
        let list = night(vec![
            song("Autobahn", Some("Kraftwerk/Autobahn/01 Autobahn.flac")),
            song("Radioactivity", None),
        ]);
        assert_eq!(
            m3u8(&list),
            "#EXTM3U\n#PLAYLIST:Ana's 30th\n\
             #EXTINF:354,Kraftwerk - Autobahn\n#EXTALB:Autobahn\nKraftwerk/Autobahn/01 Autobahn.flac\n\
             # Not a file on this box: Kraftwerk - Radioactivity\n"
        );
    }

    #[test]
    fn an_mpd_uri_is_a_location_as_it_is_and_a_path_is_encoded() {
        assert_eq!(
            file_uri("local:track:Some%20Album/a.mp3"),
            "local:track:Some%20Album/a.mp3"
        );
        assert_eq!(
            file_uri("spotify:track:4uLU6hMCjMI75M1A2tKUQC"),
            "spotify:track:4uLU6hMCjMI75M1A2tKUQC"
        );
        assert_eq!(
            file_uri("Artist: Live/01 Song.mp3"),
            "Artist%3A%20Live/01%20Song.mp3"
        );
    }

    #[test]
    fn a_line_break_in_a_title_cannot_add_an_entry() {
        let list = night(vec![song(
            "Intro\n/etc/passwd\r\n#EXTINF:1,x",
            Some("a.mp3"),
        )]);
        let text = m3u8(&list);
        let entries: Vec<_> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(entries, ["a.mp3"]);
    }

    #[test]
    fn xspf_escapes_text_and_drops_what_xml_cannot_hold() {
        let mut odd = song(
            "Rock & Roll <Part 2> \u{1}\u{8}",
            Some("AC/DC/Rock & Roll #1.mp3"),
        );
        odd.added_by = None;
        let text = xspf(&night(vec![odd, song("Radioactivity", None)]));
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
        assert!(
            text.contains("<title>Rock &amp; Roll &lt;Part 2&gt; </title>"),
            "{text}"
        );
        assert!(
            text.contains("<location>AC/DC/Rock%20%26%20Roll%20%231.mp3</location>"),
            "{text}"
        );
        assert!(text.contains("<duration>354400</duration>"));
        assert!(text.contains("Picked by the auto-DJ; 3 votes"));
        // The song with no file has no location, the rest of it is there.
        assert_eq!(text.matches("<track>").count(), 2);
        assert_eq!(text.matches("<location>").count(), 1);
        assert!(!text.contains('\u{1}'));
    }

    #[test]
    fn csv_quotes_what_needs_it_and_defuses_formulas() {
        let mut evil = song("Hello, \"World\"", None);
        evil.added_by = Some("=HYPERLINK(\"http://x\")".to_string());
        evil.skipped = true;
        let text = csv(&night(vec![evil]));
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("played_at,title,artist,album,duration_s,added_by,votes,skipped")
        );
        assert_eq!(
            lines.next(),
            Some(
                "2026-12-06T21:00:00.000Z,\"Hello, \"\"World\"\"\",Kraftwerk,Autobahn,354,\
                 \"'=HYPERLINK(\"\"http://x\"\")\",3,yes"
            )
        );
        assert_eq!(lines.next(), None);
    }

    #[test]
    fn formats_are_named_as_their_extensions() {
        for format in [Format::M3u8, Format::Xspf, Format::Csv] {
            assert_eq!(format.extension().parse::<Format>().unwrap(), format);
        }
        assert!("pls".parse::<Format>().is_err());
    }
}
