//! The room as a player, in rules: what may play, what plays next, when the
//! room moves on by itself, how loud. Pure: the store and both players (the
//! host's page and `--speaker`) follow these.

use crate::timestamp::Timestamp;

/// A track without audio runs on the clock; one with audio ends when its
/// player says so, and at the latest this long after its time is up (a
/// player that stalled, or no player at all), so the room is never stuck.
pub const AUDIO_END_GRACE_MS: i64 = 3_000;

/// Longest crossfade a host may set.
pub const MAX_CROSSFADE_SECONDS: u32 = 12;

/// Gains are kept within this range (dB): a near-silent file is not
/// blown up into noise, a clipped master is not muted.
pub const MIN_GAIN_DB: f64 = -24.0;
pub const MAX_GAIN_DB: f64 = 12.0;

/// The loudness every track is brought to (LUFS): ReplayGain 2's reference.
pub const REFERENCE_LUFS: f64 = -18.0;

/// How the box can produce sound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audio {
    /// Music folders (or another audio source): only playable tracks are
    /// offered, added and played.
    Sources,
    /// No audio at all: every song runs on the clock, silent (demo mode).
    Demo,
}

impl Audio {
    /// Sources: music folders, or an MPD server.
    pub fn from_sources(folders: usize, mpd: bool) -> Audio {
        if folders > 0 || mpd {
            Audio::Sources
        } else {
            Audio::Demo
        }
    }

    /// Whether a track may be searched for, added and played.
    pub fn offers(self, playable: bool) -> bool {
        playable || self == Audio::Demo
    }
}

/// What the refusal of an unplayable track says.
pub fn unplayable_detail(title: &str) -> String {
    format!(
        "“{title}” has no audio on this box (it is from the built-in catalog): pick a song from the host's music."
    )
}

/// Which of the queue (best first) starts when the room moves on: the best
/// that may play. `playable[i]` says whether item `i` has audio.
pub fn next_to_play(playable: &[bool], audio: Audio) -> Option<usize> {
    playable.iter().position(|&p| audio.offers(p))
}

/// Where the room is in an item, in ms since its start: where the host
/// paused it, else the time since it started (a seek moves `started`).
/// Never before its start; a position past its end is the clock's to act
/// on.
pub fn position_ms(started: Timestamp, paused_ms: Option<i64>, now: Timestamp) -> i64 {
    paused_ms
        .unwrap_or_else(|| now.micros_since(started) / 1_000)
        .max(0)
}

/// When (ms into the item) the room moves on by itself: at the end of its
/// time, less the crossfade (the next song fades in over the last
/// seconds); an item with audio gets a grace for its player to report
/// first. The crossfade never takes more than half of a short track.
pub fn moves_on_at_ms(duration_ms: i64, crossfade_ms: i64, has_audio: bool) -> i64 {
    let fade = crossfade_ms.clamp(0, duration_ms / 2);
    let grace = if has_audio { AUDIO_END_GRACE_MS } else { 0 };
    duration_ms - fade + grace
}

/// The gain (dB) that brings a track measured at `lufs` to the reference,
/// within the allowed range.
pub fn gain_for_loudness(lufs: f64) -> Option<f64> {
    lufs.is_finite()
        .then(|| (REFERENCE_LUFS - lufs).clamp(MIN_GAIN_DB, MAX_GAIN_DB))
}

/// A gain from tags: ReplayGain's track gain ("-6.20 dB"), else Opus's
/// R128 track gain (Q7.8 fixed point, relative to -23 LUFS, hence +5 dB to
/// the ReplayGain reference).
pub fn gain_from_tags(replay_gain: Option<&str>, r128: Option<&str>) -> Option<f64> {
    let rg = replay_gain.and_then(|s| {
        let number = s
            .trim()
            .trim_end_matches(|c: char| c.is_alphabetic() || c == ' ');
        number.trim().parse::<f64>().ok()
    });
    let r128 = r128
        .and_then(|s| s.trim().parse::<i32>().ok())
        .map(|q| f64::from(q) / 256.0 + 5.0);
    rg.or(r128)
        .filter(|g| g.is_finite())
        .map(|g| g.clamp(MIN_GAIN_DB, MAX_GAIN_DB))
}

/// The linear factor for a gain in dB.
pub fn linear(gain_db: f64) -> f64 {
    10f64.powf(gain_db / 20.0)
}

/// Quiet hours: from `from` until `until` (minutes after local midnight;
/// `until` before `from` runs past midnight) the volume is at most
/// `ceiling_percent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub from: u32,
    pub until: u32,
    pub ceiling_percent: u32,
}

/// The volume ceiling (0 to 1) at `minute` of the local day.
pub fn volume_ceiling(quiet: Option<QuietHours>, minute: u32) -> f64 {
    let Some(q) = quiet else { return 1.0 };
    let inside = if q.from <= q.until {
        (q.from..q.until).contains(&minute)
    } else {
        minute >= q.from || minute < q.until
    };
    if inside {
        f64::from(q.ceiling_percent.min(100)) / 100.0
    } else {
        1.0
    }
}

/// "22:30" as minutes after midnight.
pub fn parse_clock(text: &str) -> Option<u32> {
    let (h, m) = text.trim().split_once(':')?;
    if h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn demo_mode_offers_everything_sources_only_the_playable() {
        assert!(Audio::Demo.offers(false));
        assert!(!Audio::Sources.offers(false));
        assert!(Audio::Sources.offers(true));
        assert_eq!(Audio::from_sources(0, false), Audio::Demo);
        assert_eq!(Audio::from_sources(0, true), Audio::Sources);
        assert_eq!(Audio::from_sources(2, false), Audio::Sources);
        assert_eq!(next_to_play(&[false, true, true], Audio::Sources), Some(1));
        assert_eq!(next_to_play(&[false, true], Audio::Demo), Some(0));
        assert_eq!(next_to_play(&[false, false], Audio::Sources), None);
        assert_eq!(next_to_play(&[], Audio::Demo), None);
    }

    #[test]
    fn the_room_moves_on_at_the_end_less_the_crossfade() {
        assert_eq!(moves_on_at_ms(200_000, 0, false), 200_000);
        assert_eq!(moves_on_at_ms(200_000, 5_000, false), 195_000);
        assert_eq!(moves_on_at_ms(200_000, 5_000, true), 198_000);
        // A 4-second jingle fades for 2 seconds at most.
        assert_eq!(moves_on_at_ms(4_000, 12_000, false), 2_000);
    }

    #[test]
    fn gains_from_tags_and_measurements() {
        assert_eq!(gain_from_tags(Some("-6.20 dB"), None), Some(-6.2));
        assert_eq!(gain_from_tags(Some("+1.5 dB"), Some("0")), Some(1.5));
        assert_eq!(gain_from_tags(Some("junk"), Some("-1280")), Some(0.0));
        assert_eq!(gain_from_tags(None, None), None);
        assert_eq!(gain_from_tags(Some("-90 dB"), None), Some(MIN_GAIN_DB));
        assert_eq!(gain_for_loudness(-8.0), Some(-10.0));
        assert_eq!(gain_for_loudness(-28.0), Some(10.0));
        assert_eq!(gain_for_loudness(f64::NEG_INFINITY), None);
        assert!((linear(-20.0) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn quiet_hours_run_past_midnight() {
        let q = Some(QuietHours {
            from: parse_clock("22:30").unwrap(),
            until: parse_clock("07:00").unwrap(),
            ceiling_percent: 30,
        });
        assert_eq!(volume_ceiling(q, 23 * 60), 0.3);
        assert_eq!(volume_ceiling(q, 3 * 60), 0.3);
        assert_eq!(volume_ceiling(q, 7 * 60), 1.0);
        assert_eq!(volume_ceiling(q, 22 * 60), 1.0);
        assert_eq!(volume_ceiling(None, 23 * 60), 1.0);
        assert_eq!(parse_clock("7:05"), Some(425));
        assert_eq!(parse_clock("24:00"), None);
        assert_eq!(parse_clock("12:5"), None);
        assert_eq!(parse_clock("x"), None);
    }

    proptest! {
        /// Two tracks normalised from any loudness within range play at
        /// the same level: their loudness plus their gain agree.
        #[test]
        fn normalised_tracks_meet_at_the_reference(a in -41.0f64..5.0, b in -41.0f64..5.0) {
            let (ga, gb) = (gain_for_loudness(a).unwrap(), gain_for_loudness(b).unwrap());
            prop_assume!((MIN_GAIN_DB..MAX_GAIN_DB).contains(&ga) && (MIN_GAIN_DB..MAX_GAIN_DB).contains(&gb));
            prop_assert!(((a + ga) - (b + gb)).abs() < 1e-9);
        }

        /// The room always moves on, and never before half the track.
        #[test]
        fn an_item_always_ends(d in 0i64..1_000_000, f in -5_000i64..20_000, audio: bool) {
            let at = moves_on_at_ms(d, f, audio);
            prop_assert!(at >= d - d / 2);
            prop_assert!(at <= d + AUDIO_END_GRACE_MS);
        }

        /// The ceiling is the setting inside quiet hours, full outside.
        #[test]
        fn the_ceiling_is_the_setting_or_full(from in 0u32..1440, until in 0u32..1440, pct in 0u32..=100, m in 0u32..1440) {
            let c = volume_ceiling(Some(QuietHours { from, until, ceiling_percent: pct }), m);
            prop_assert!(c == 1.0 || c == f64::from(pct) / 100.0);
        }
    }
}
