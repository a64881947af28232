//! Lyrics for the TV's karaoke view: LRC text (a `.lrc` file beside the
//! song, or LRC embedded in its tags), an ID3 `SYLT` frame's timed lines,
//! or plain text shown unsynced. Files come from the host's folders, but
//! may come from anywhere before that: parsing is total, and bounded.

use serde::Serialize;
use utoipa::ToSchema;

/// Lines kept at most (a song has dozens; a file with more is not lyrics).
pub const MAX_LINES: usize = 2_000;
/// Characters kept of a line.
pub const MAX_LINE_CHARS: usize = 300;
/// Bytes of lyrics text read at most (an `.lrc` file, a tag).
pub const MAX_BYTES: u64 = 256 * 1024;

/// One line: when it starts (ms into the song; `null` when unsynced), and
/// its words (empty for an instrumental break).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Line {
    pub at_ms: Option<i64>,
    pub text: String,
}

/// A song's lyrics. Synced lines come in time order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Lyrics {
    /// Every line has its time: the TV highlights the current one.
    pub synced: bool,
    pub lines: Vec<Line>,
}

/// Lyrics from text: LRC when any line carries a time tag, else plain
/// lines. `None` when there are no words at all.
pub fn from_text(text: &str) -> Option<Lyrics> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut offset_ms = 0i64;
    let mut timed: Vec<Line> = Vec::new();
    let mut plain: Vec<Line> = Vec::new();
    for raw in text.lines().take(MAX_LINES * 4) {
        let (times, rest) = time_tags(raw.trim(), &mut offset_ms);
        let words = clean(rest);
        if times.is_empty() {
            // A metadata tag (`[ar:Artist]`) is no line of the song.
            if !is_metadata(raw.trim()) {
                plain.push(Line {
                    at_ms: None,
                    text: words,
                });
            }
        } else {
            timed.extend(times.into_iter().map(|at| Line {
                at_ms: Some(at),
                text: words.clone(),
            }));
        }
    }
    if !timed.is_empty() {
        for line in &mut timed {
            line.at_ms = line.at_ms.map(|at| (at - offset_ms).max(0));
        }
        return synced(timed);
    }
    // Plain text: blank lines at either end say nothing; runs of them
    // inside keep one (a verse break).
    let mut lines: Vec<Line> = Vec::new();
    for line in plain {
        let blank = line.text.is_empty();
        if blank && lines.last().is_none_or(|l| l.text.is_empty()) {
            continue;
        }
        lines.push(line);
    }
    while lines.last().is_some_and(|l| l.text.is_empty()) {
        lines.pop();
    }
    lines.truncate(MAX_LINES);
    (!lines.is_empty()).then_some(Lyrics {
        synced: false,
        lines,
    })
}

/// Lyrics from timed lines (an ID3 `SYLT` frame, in ms).
pub fn from_timed(lines: impl IntoIterator<Item = (i64, String)>) -> Option<Lyrics> {
    synced(
        lines
            .into_iter()
            .take(MAX_LINES * 4)
            .map(|(at, text)| Line {
                at_ms: Some(at.max(0)),
                text: clean(&text),
            })
            .collect(),
    )
}

fn synced(mut lines: Vec<Line>) -> Option<Lyrics> {
    // Stable: lines with one time keep the file's order.
    lines.sort_by_key(|l| l.at_ms);
    lines.truncate(MAX_LINES);
    lines.iter().any(|l| !l.text.is_empty()).then_some(Lyrics {
        synced: true,
        lines,
    })
}

/// The line playing at `position_ms`: the last one started, if any.
pub fn line_at(lines: &[Line], position_ms: i64) -> Option<usize> {
    let started = lines.partition_point(|l| l.at_ms.is_some_and(|at| at <= position_ms));
    started.checked_sub(1)
}

/// The leading `[mm:ss.xx]` tags of a line, in ms, and the rest. An
/// `[offset:±ms]` tag sets `offset_ms`.
fn time_tags<'a>(mut line: &'a str, offset_ms: &mut i64) -> (Vec<i64>, &'a str) {
    let mut times = Vec::new();
    while let Some(inner) = line.strip_prefix('[') {
        let Some(end) = inner.find(']') else { break };
        let tag = &inner[..end];
        if let Some(at) = timestamp(tag) {
            times.push(at);
        } else if let Some(value) = tag.strip_prefix("offset:") {
            if let Ok(ms) = value.trim().parse::<i64>() {
                *offset_ms = ms.clamp(-3_600_000, 3_600_000);
            }
            break;
        } else {
            break;
        }
        line = &inner[end + 1..];
    }
    (times, line)
}

/// `mm:ss`, `mm:ss.x`, `mm:ss.xx` or `mm:ss.xxx` (also `:` before the
/// fraction, as some tools write), in ms.
fn timestamp(tag: &str) -> Option<i64> {
    let (minutes, rest) = tag.split_once(':')?;
    let (seconds, fraction) = match rest.split_once(['.', ':']) {
        Some((s, f)) => (s, Some(f)),
        None => (rest, None),
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(minutes, 4) || !digits(seconds, 2) || fraction.is_some_and(|f| !digits(f, 3)) {
        return None;
    }
    let seconds: i64 = seconds.parse().ok()?;
    if seconds >= 60 {
        return None;
    }
    let fraction_ms = match fraction {
        None => 0,
        Some(f) => f.parse::<i64>().ok()? * 10i64.pow(3 - f.len() as u32),
    };
    Some(minutes.parse::<i64>().ok()? * 60_000 + seconds * 1_000 + fraction_ms)
}

/// `[ar:Artist]`, `[ti:Title]`, `[length: 3:20]`... and `#` comments.
fn is_metadata(line: &str) -> bool {
    line.starts_with('#')
        || line
            .strip_prefix('[')
            .and_then(|l| l.strip_suffix(']'))
            .is_some_and(|tag| {
                tag.split_once(':').is_some_and(|(key, _)| {
                    !key.is_empty()
                        && key.len() <= 8
                        && key.chars().all(|c| c.is_ascii_alphabetic())
                })
            })
}

/// A line's words: enhanced-LRC word times (`<00:12.34>`) and control
/// characters out, spaces trimmed, at most `MAX_LINE_CHARS`.
fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(MAX_LINE_CHARS * 4));
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('>') {
            Some(close) if timestamp(&after[..close]).is_some() => rest = &after[close + 1..],
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    let words: String = out
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    words.chars().take(MAX_LINE_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn texts(l: &Lyrics) -> Vec<(Option<i64>, &str)> {
        l.lines.iter().map(|l| (l.at_ms, l.text.as_str())).collect()
    }

    #[test]
    fn lrc_lines_come_in_time_order_with_metadata_left_out() {
        let lrc = "\u{feff}[ti:Sunrise]\r\n[ar:The Fixtures]\r\n[length: 0:30]\r\n\
                   [00:01.50]First light\r\n[00:04.2]Over the hill\r\n\
                   [00:10.00][00:20.000]Here comes the sun\r\n[00:15]\r\n[00:07.25]<00:07.25>Word <00:08.00>by word\r\n";
        let lyrics = from_text(lrc).unwrap();
        assert!(lyrics.synced);
        assert_eq!(
            texts(&lyrics),
            vec![
                (Some(1_500), "First light"),
                (Some(4_200), "Over the hill"),
                (Some(7_250), "Word by word"),
                (Some(10_000), "Here comes the sun"),
                (Some(15_000), ""),
                (Some(20_000), "Here comes the sun"),
            ]
        );
    }

    #[test]
    fn an_offset_moves_every_line() {
        let lyrics =
            from_text("[offset:+500]\n[00:02.00]Sooner\n[00:00.20]Never before zero").unwrap();
        assert_eq!(
            texts(&lyrics),
            vec![(Some(0), "Never before zero"), (Some(1_500), "Sooner")]
        );
        let later = from_text("[offset:-250]\n[00:02.00]Later").unwrap();
        assert_eq!(later.lines[0].at_ms, Some(2_250));
    }

    #[test]
    fn plain_text_is_unsynced_with_verse_breaks_kept_once() {
        let lyrics = from_text("\n\nVerse one\nline two\n\n\n\nChorus <b>loud</b>\n\n").unwrap();
        assert!(!lyrics.synced);
        assert_eq!(
            texts(&lyrics),
            vec![
                (None, "Verse one"),
                (None, "line two"),
                (None, ""),
                (None, "Chorus <b>loud</b>"),
            ]
        );
        assert_eq!(from_text("  \n\n[ar:Nobody]\n"), None);
        assert_eq!(
            from_text("[00:01.00]\n[00:02.00]"),
            None,
            "times without words"
        );
    }

    #[test]
    fn malformed_tags_are_words_not_times() {
        for bad in [
            "[1:60.00]x",
            "[aa:bb]x",
            "[00:01.0000]x",
            "[:01]x",
            "[00:01",
        ] {
            let lyrics = from_text(bad).unwrap();
            assert!(!lyrics.synced, "{bad}");
        }
    }

    #[test]
    fn the_current_line_is_the_last_started() {
        let lyrics = from_text("[00:01.00]a\n[00:03.00]b\n[00:05.00]c").unwrap();
        let lines = &lyrics.lines;
        assert_eq!(line_at(lines, 0), None);
        assert_eq!(line_at(lines, 999), None);
        assert_eq!(line_at(lines, 1_000), Some(0));
        assert_eq!(line_at(lines, 4_999), Some(1));
        assert_eq!(line_at(lines, 60_000), Some(2));
    }

    #[test]
    fn sylt_lines_are_synced_and_sorted() {
        let lyrics = from_timed([(3_000, "two".into()), (1_000, " one\u{7} ".into())]).unwrap();
        assert_eq!(
            texts(&lyrics),
            vec![(Some(1_000), "one"), (Some(3_000), "two")]
        );
        assert_eq!(from_timed([(1_000, " ".into())]), None);
    }

    #[test]
    fn a_huge_file_is_cut_to_size() {
        let long = format!("[00:01.00]{}\n", "la ".repeat(1_000)).repeat(MAX_LINES + 50);
        let lyrics = from_text(&long).unwrap();
        assert_eq!(lyrics.lines.len(), MAX_LINES);
        assert!(
            lyrics
                .lines
                .iter()
                .all(|l| l.text.chars().count() <= MAX_LINE_CHARS)
        );
    }

    proptest! {
        #[test]
        fn any_text_parses_to_ordered_bounded_lines(text in ".{0,2000}") {
            if let Some(lyrics) = from_text(&text) {
                prop_assert!(lyrics.lines.len() <= MAX_LINES);
                prop_assert!(lyrics.lines.iter().all(|l| l.text.chars().count() <= MAX_LINE_CHARS));
                prop_assert!(lyrics.lines.iter().all(|l| l.at_ms.is_some() == lyrics.synced));
                prop_assert!(lyrics.lines.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
                prop_assert!(lyrics.lines.iter().all(|l| !l.text.chars().any(char::is_control)));
            }
        }

        #[test]
        fn written_times_read_back(times in prop::collection::vec(0i64..5_999_990, 1..40)) {
            let lrc: String = times
                .iter()
                .map(|t| format!("[{:02}:{:02}.{:02}]line {t}\n", t / 60_000, t / 1_000 % 60, t % 1_000 / 10))
                .collect();
            let lyrics = from_text(&lrc).unwrap();
            let mut want: Vec<i64> = times.iter().map(|t| t / 10 * 10).collect();
            want.sort_unstable();
            let got: Vec<i64> = lyrics.lines.iter().map(|l| l.at_ms.unwrap()).collect();
            prop_assert_eq!(got, want);
        }
    }
}
