//! What makes two tracks "the same song": another version of a song (live,
//! remastered, a radio edit, mono...) is the same song for duplicates and
//! the re-add cooldown, and an artist is the same artist with or without
//! their featured guests. And what a file name says of its song ("03. ABBA
//! - Dancing Queen").

/// Words that mark a version of a song rather than another song.
const VERSION_WORDS: &[&str] = &[
    "live",
    "remaster",
    "remastered",
    "radio edit",
    "edit",
    "single version",
    "album version",
    "version",
    "mono",
    "stereo",
    "acoustic",
    "demo",
    "explicit",
    "clean",
    "extended",
    "deluxe",
    "bonus track",
    "original mix",
];

/// The song's identity: its title without version marks, and its artist.
pub fn key(title: &str, artist: &str) -> String {
    format!("{}|{}", title_key(title), artist_key(artist))
}

/// The artist without featured guests, case and punctuation.
pub fn artist_key(artist: &str) -> String {
    let lower = artist.to_lowercase();
    let main = ["feat.", "feat ", "ft.", "featuring "]
        .iter()
        .filter_map(|sep| lower.find(sep))
        .min()
        .map_or(lower.as_str(), |at| &lower[..at]);
    words(main)
}

fn title_key(title: &str) -> String {
    let lower = title.to_lowercase();
    let mut kept = String::with_capacity(lower.len());
    // Bracketed parts naming a version go: "Song (Live at Wembley)".
    let mut rest = lower.as_str();
    while let Some(open) = rest.find(['(', '[']) {
        kept.push_str(&rest[..open]);
        let close = rest[open..].find([')', ']']).map(|c| open + c);
        let inner = &rest[open + 1..close.unwrap_or(rest.len())];
        if !names_a_version(inner) {
            kept.push(' ');
            kept.push_str(inner);
            kept.push(' ');
        }
        rest = close.map_or("", |c| &rest[c + 1..]);
    }
    kept.push_str(rest);
    // So does a dashed suffix: "Song - 2011 Remaster", "Song - Radio Edit".
    let kept = match kept.rfind(" - ") {
        Some(dash) if names_a_version(&kept[dash + 3..]) => kept[..dash].to_string(),
        _ => kept,
    };
    words(&kept)
}

fn names_a_version(part: &str) -> bool {
    let part = words(part);
    VERSION_WORDS.iter().any(|w| {
        part == *w
            || part.starts_with(&format!("{w} "))
            || part.ends_with(&format!(" {w}"))
            || part.contains(&format!(" {w} "))
    })
}

/// Letters and digits only, words separated by one space.
fn words(s: &str) -> String {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Title and artist from a file name: "Artist - Title", "01 - Title",
/// "01. Artist - Title", "01 Title", "Title". Track numbers and underscores
/// go; "50 Cent - Candy Shop" keeps its artist.
pub fn title_artist_from_name(stem: &str) -> (String, Option<String>) {
    // "07_Title": a number glued by an underscore is a track number too.
    let digits = stem.len() - stem.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let stem = match stem[digits..].strip_prefix('_') {
        Some(rest) if (1..=3).contains(&digits) && !rest.is_empty() => rest,
        _ => stem,
    };
    let cleaned = stem.replace('_', " ");
    let mut parts: Vec<&str> = cleaned.split(" - ").map(str::trim).collect();
    if parts.len() > 1 && parts[0].chars().all(|c| c.is_ascii_digit()) {
        parts.remove(0);
    }
    // "03. ABBA" or "03) ABBA": a number with its own punctuation.
    let first = parts[0];
    let digits = first.len() - first.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if (1..=3).contains(&digits) {
        let rest = &first[digits..];
        let numbered = rest.starts_with(['.', ')'])
            // "01 Intro" as the whole name: a number, then the title.
            || (parts.len() == 1 && rest.starts_with(' '));
        if numbered {
            let rest = rest.trim_start_matches(['.', ')', ' ', '-']);
            if !rest.is_empty() {
                parts[0] = rest;
            }
        }
    }
    let parts: Vec<&str> = parts.into_iter().filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [] => ("Untitled".into(), None),
        [title] => (title.to_string(), None),
        [artist, title @ ..] => (title.join(" - "), Some(artist.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_give_title_and_artist() {
        let cases = [
            (
                "Queen - Bohemian Rhapsody",
                ("Bohemian Rhapsody", Some("Queen")),
            ),
            ("01 - Intro", ("Intro", None)),
            ("03. ABBA - Dancing Queen", ("Dancing Queen", Some("ABBA"))),
            (
                "07_Daft_Punk - One_More_Time",
                ("One More Time", Some("Daft Punk")),
            ),
            ("just a title", ("just a title", None)),
            ("1999", ("1999", None)),
            ("50 Cent - Candy Shop", ("Candy Shop", Some("50 Cent"))),
            ("01 Intro", ("Intro", None)),
            ("2 - Blur - Song 2", ("Song 2", Some("Blur"))),
            ("", ("Untitled", None)),
        ];
        for (stem, (title, artist)) in cases {
            let (t, a) = title_artist_from_name(stem);
            assert_eq!((t.as_str(), a.as_deref()), (title, artist), "{stem:?}");
        }
    }

    #[test]
    fn versions_of_a_song_are_the_same_song() {
        let song = key("Bohemian Rhapsody", "Queen");
        for title in [
            "Bohemian Rhapsody (Live Aid)",
            "Bohemian Rhapsody - Remastered 2011",
            "Bohemian Rhapsody [Radio Edit]",
            "bohemian rhapsody (Live at Wembley '86)",
            "Bohemian Rhapsody - Mono Version",
            "BOHEMIAN RHAPSODY!",
        ] {
            assert_eq!(key(title, "Queen"), song, "{title}");
        }
    }

    #[test]
    fn other_songs_stay_other_songs() {
        let song = key("Bohemian Rhapsody", "Queen");
        assert_ne!(key("Bohemian Rhapsody", "Panic! at the Disco"), song);
        assert_ne!(key("Radio Ga Ga", "Queen"), song);
        // A bracket that is part of the title is kept.
        assert_ne!(key("Song (Part 2)", "X"), key("Song", "X"));
        assert_ne!(key("Live Forever", "Oasis"), key("Forever", "Oasis"));
    }

    #[test]
    fn featured_artists_are_the_same_artist() {
        assert_eq!(
            artist_key("Daft Punk feat. Pharrell Williams"),
            artist_key("Daft Punk")
        );
        assert_eq!(artist_key("Calvin Harris ft. Rihanna"), "calvin harris");
        assert_eq!(artist_key("Simon & Garfunkel"), "simon garfunkel");
        assert_eq!(artist_key("  ABBA "), "abba");
    }

    #[test]
    fn odd_input_never_panics() {
        for t in ["(", ")", "[(]", "a - ", " - live", "((live)", "é (Live)"] {
            let _ = key(t, t);
        }
        assert_eq!(key("é (Live)", "x"), key("É", "X"));
    }
}
