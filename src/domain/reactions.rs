//! Reactions: a guest taps an emoji on the song that is playing, and the
//! party's screen shows it rising. A handful of emoji (a screen full of
//! arbitrary text would be a second chat, moderated by nobody), a budget
//! per voice so one phone cannot flood the screen, and the night's
//! most-loved song and moment for Wrapped.

use std::collections::HashMap;

use super::refusal::{Code, Refusal, Verdict};
use super::voices::Cap;

/// What a guest may send, in the order the phone shows them.
pub const EMOJI: [&str; 8] = ["🔥", "❤️", "💃", "🙌", "😂", "🤯", "👏", "🎉"];

/// How many reactions one voice (a device) may send within `WINDOW_SECONDS`.
/// Enough to tap along with a drop; a held-down finger gets refused.
pub const PER_VOICE: usize = 5;
/// The budget's window.
pub const WINDOW_SECONDS: i64 = 10;
/// The most-loved moment is the busiest stretch of a song this long.
pub const MOMENT_MS: i64 = 15_000;

/// One of `EMOJI`, as sent. A heart without its emoji selector (`❤`, as
/// some keyboards type it) is the same heart.
pub fn parse(text: &str) -> Verdict<&'static str> {
    let text = if text == "\u{2764}" { "❤️" } else { text };
    EMOJI.iter().copied().find(|e| *e == text).ok_or_else(|| {
        Refusal::new(
            Code::InvalidReaction,
            format!("React with one of {}.", EMOJI.join(" ")),
        )
    })
}

/// Whether one more reaction may go out, given how many this device and
/// this network sent within the window. A network carries as many voices'
/// budgets as it has voices (`voices::Cap`), so thirty private tabs on one
/// phone share a few budgets, not thirty.
pub fn may_react(cap: Cap<'_>, network: &str, by_device: usize, by_network: usize) -> Verdict {
    let network_budget = cap.limit(network).saturating_mul(PER_VOICE);
    if by_device >= PER_VOICE || by_network >= network_budget {
        return Err(Refusal::new(
            Code::ReactingTooFast,
            format!(
                "Easy there: {PER_VOICE} reactions every {WINDOW_SECONDS} seconds, so everyone's show on the screen."
            ),
        )
        .with("count", PER_VOICE)
        .with("seconds", WINDOW_SECONDS));
    }
    Ok(())
}

/// A song's busiest stretch: where it starts (ms into the song) and how
/// many reactions fell within `MOMENT_MS` of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub at_ms: i64,
    pub reactions: usize,
}

/// The busiest `MOMENT_MS` stretch among reactions at `positions` (ms into
/// one song, any order): it starts at a reaction, the earliest of the
/// busiest.
pub fn busiest(positions: &[i64]) -> Option<Moment> {
    let mut sorted = positions.to_vec();
    sorted.sort_unstable();
    let mut best: Option<Moment> = None;
    let mut end = 0;
    for (start, &at) in sorted.iter().enumerate() {
        while end < sorted.len() && sorted[end] < at + MOMENT_MS {
            end += 1;
        }
        let reactions = end - start;
        if best.is_none_or(|b| reactions > b.reactions) {
            best = Some(Moment {
                at_ms: at,
                reactions,
            });
        }
    }
    best
}

/// The emoji sent most among `sent`, ties to the one `EMOJI` lists first.
pub fn favourite<'a>(sent: impl IntoIterator<Item = &'a str>) -> Option<&'static str> {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for e in sent {
        *counts.entry(e).or_default() += 1;
    }
    EMOJI
        .iter()
        .copied()
        .filter(|e| counts.contains_key(e))
        .max_by(|a, b| {
            counts[a]
                .cmp(&counts[b])
                .then_with(|| rank(b).cmp(&rank(a)))
        })
}

fn rank(emoji: &str) -> usize {
    EMOJI.iter().position(|e| *e == emoji).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const OPEN: Cap<'static> = Cap {
        per_network: 3,
        allowed: &[],
    };

    #[test]
    fn only_the_listed_emoji_are_reactions() {
        for e in EMOJI {
            assert_eq!(parse(e).unwrap(), e);
        }
        assert_eq!(parse("\u{2764}").unwrap(), "❤️");
        for bad in ["", "🔥🔥", "hello", "<script>", "🍆", " 🔥"] {
            assert_eq!(parse(bad).unwrap_err().code, Code::InvalidReaction, "{bad}");
        }
    }

    #[test]
    fn a_device_gets_its_budget_and_a_network_a_few_devices_worth() {
        assert!(may_react(OPEN, "10.0.0.7", PER_VOICE - 1, 0).is_ok());
        let refused = may_react(OPEN, "10.0.0.7", PER_VOICE, PER_VOICE).unwrap_err();
        assert_eq!(refused.code, Code::ReactingTooFast);
        // Thirty private tabs on one phone: three voices' worth, no more.
        assert!(may_react(OPEN, "10.0.0.7", 0, 3 * PER_VOICE - 1).is_ok());
        assert!(may_react(OPEN, "10.0.0.7", 0, 3 * PER_VOICE).is_err());
        // A network the host lets count in full, and the box's own machine.
        let shared = ["10.0.0.9".to_string()];
        let cap = Cap {
            per_network: 3,
            allowed: &shared,
        };
        assert!(may_react(cap, "10.0.0.9", 0, 1000).is_ok());
        assert!(may_react(cap, "127.0.0.1", 0, 1000).is_ok());
        assert!(may_react(cap, "127.0.0.1", PER_VOICE, 0).is_err());
    }

    #[test]
    fn the_busiest_moment_is_the_densest_stretch() {
        assert_eq!(busiest(&[]), None);
        assert_eq!(
            busiest(&[1_000]),
            Some(Moment {
                at_ms: 1_000,
                reactions: 1
            })
        );
        // Three at the drop beat two at the start.
        let moment = busiest(&[60_000, 500, 61_000, 2_000, 74_999]).unwrap();
        assert_eq!(
            moment,
            Moment {
                at_ms: 60_000,
                reactions: 3
            }
        );
        // 15 s later is the next stretch.
        assert_eq!(busiest(&[0, 15_000]).unwrap().reactions, 1);
    }

    #[test]
    fn the_favourite_is_the_most_sent_ties_to_the_first_listed() {
        assert_eq!(favourite([]), None);
        assert_eq!(favourite(["🎉", "😂", "🎉"]), Some("🎉"));
        assert_eq!(favourite(["🎉", "🔥"]), Some("🔥"));
    }

    proptest! {
        #[test]
        fn no_stretch_holds_more_than_the_busiest(positions in prop::collection::vec(0i64..600_000, 0..60)) {
            let Some(best) = busiest(&positions) else {
                prop_assert!(positions.is_empty());
                return Ok(());
            };
            let within = |start: i64| positions.iter().filter(|p| (start..start + MOMENT_MS).contains(p)).count();
            prop_assert_eq!(within(best.at_ms), best.reactions);
            prop_assert!(positions.contains(&best.at_ms));
            // Any stretch, starting anywhere, holds no more.
            for start in (0..600_000).step_by(2_500).chain(positions.iter().copied()) {
                prop_assert!(within(start) <= best.reactions);
            }
        }
    }
}
