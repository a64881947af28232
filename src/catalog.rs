//! Where tracks come from. For now one source: the built-in catalog, a list
//! of real songs compiled into the binary so a new box is useful at once.
//! Its songs are `model::Track`s with no audio on the box (`playable`
//! false); the host's music folders are the other source (`library`).

use uuid::Uuid;

use crate::model::Track;

/// `artist \t title \t album \t year \t m:ss`, one song a line.
const BUILTIN_TSV: &str = include_str!("../assets/catalog.tsv");

/// Namespace for the built-in tracks' ids: an id is derived from artist and
/// title, so it stays the same across restarts and catalog updates.
const BUILTIN_NAMESPACE: Uuid = Uuid::from_u128(0x6d1f_0b7a_54c2_4e8e_9d35_1f2a_7c3b_9e01);

/// The built-in catalog. The file is part of the source, so a malformed line
/// is a bug caught by this module's tests, not a runtime condition.
pub fn builtin() -> Vec<Track> {
    BUILTIN_TSV
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|line| parse_line(line).unwrap_or_else(|| panic!("bad catalog line: {line}")))
        .collect()
}

fn parse_line(line: &str) -> Option<Track> {
    let mut fields = line.split('\t').map(str::trim);
    let artist = fields.next().filter(|s| !s.is_empty())?;
    let title = fields.next().filter(|s| !s.is_empty())?;
    let album = fields.next().filter(|s| !s.is_empty());
    let year = fields.next()?.parse().ok();
    let duration_ms = parse_duration(fields.next()?)?;
    if fields.next().is_some() {
        return None;
    }
    let key = format!("{artist}\u{1f}{title}");
    Some(Track {
        id: Uuid::new_v5(&BUILTIN_NAMESPACE, key.as_bytes()).to_string(),
        title: title.to_string(),
        artist: artist.to_string(),
        album: album.map(str::to_string),
        year,
        duration_ms,
        playable: false,
        source: "builtin".into(),
    })
}

/// "m:ss" to milliseconds.
fn parse_duration(text: &str) -> Option<i64> {
    let (m, s) = text.split_once(':')?;
    let (m, s): (i64, i64) = (m.parse().ok()?, s.parse().ok()?);
    (s < 60 && s.to_string().len() <= 2 && m * 60 + s > 0).then_some((m * 60 + s) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn builtin_catalog_is_big_and_well_formed() {
        let tracks = builtin();
        assert!(tracks.len() >= 500, "only {} tracks", tracks.len());
        let ids: HashSet<_> = tracks.iter().map(|t| &t.id).collect();
        assert_eq!(ids.len(), tracks.len(), "duplicate artist + title");
        for t in &tracks {
            assert!(
                (60_000..=1_800_000).contains(&t.duration_ms),
                "{} - {}: {} ms",
                t.artist,
                t.title,
                t.duration_ms
            );
            let year = t.year.expect("every built-in song has a year");
            assert!((1950..=2026).contains(&year), "{} - {}", t.artist, t.title);
            assert!(t.album.is_some(), "{} - {}", t.artist, t.title);
        }
    }

    #[test]
    fn builtin_catalog_spans_the_decades() {
        let tracks = builtin();
        for decade in (1960..=2020).step_by(10) {
            let n = tracks
                .iter()
                .filter(|t| (decade..decade + 10).contains(&t.year.unwrap()))
                .count();
            assert!(n >= 20, "only {n} songs from the {decade}s");
        }
    }

    #[test]
    fn ids_are_stable() {
        let a = parse_line("Bad Bunny\tTití Me Preguntó\tUn Verano Sin Ti\t2022\t4:03").unwrap();
        let b = parse_line("Bad Bunny\tTití Me Preguntó\tOther\t2023\t4:04").unwrap();
        assert_eq!(a.id, b.id);
        assert_eq!(a.duration_ms, 243_000);
    }

    #[test]
    fn durations_parse_strictly() {
        assert_eq!(parse_duration("3:05"), Some(185_000));
        assert_eq!(parse_duration("0:00"), None);
        assert_eq!(parse_duration("3:75"), None);
        assert_eq!(parse_duration("abc"), None);
    }
}
