//! Which votes and skip asks count, and from when. One place for the rule;
//! the SQL that follows it says so where it stands:
//!
//! - a vote counts (`votes.counted`) unless another account on the same
//!   device voted on the item first, or its network already has its share
//!   of voices on it (then it is `held` until the host lets that network
//!   count in full: `store::networks`);
//! - a counted vote weighs from `counts_from`: a guest who just joined
//!   waits the room's delay, the host and co-hosts count at once
//!   (`store::snapshot` leaves out votes not due yet, and the writer
//!   reloads the room when one comes due);
//! - the tally on each queue item is the sum of counted votes' values (the
//!   `votes_tally_*` triggers of `V5__fair_party.sql`); a kicked member's
//!   votes stop counting (`store::moderation`);
//! - a skip ask counts when it comes from a person here (never a screen)
//!   whose voice counts, and voices are counted by `domain::voices`.

use std::collections::HashSet;

use super::refusal::{Code, Refusal, Verdict};
use super::settings::Settings;
use super::voices::{self, Present};
use super::vote::Vote;
use crate::timestamp::Timestamp;

/// When a member's voice starts to count: a guest who joined at
/// `joined_at` waits the room's `delay_seconds`; the host and co-hosts
/// (`waits: false`) count at once.
pub fn counts_from(joined_at: Timestamp, delay_seconds: u32, waits: bool) -> Timestamp {
    if waits {
        joined_at.plus_micros(i64::from(delay_seconds) * 1_000_000)
    } else {
        Timestamp::EARLIEST
    }
}

/// Whether the room takes this vote at all.
pub fn may_vote(vote: Vote, settings: &Settings) -> Verdict {
    if vote == Vote::Down && !settings.allow_downvotes {
        return Err(Refusal::new(
            Code::DownvotesOff,
            "Down-votes are off at this party: up-vote what you love instead.",
        ));
    }
    Ok(())
}

/// How a vote counts, from what the store found about the item's other
/// votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Weight {
    /// It is in the tally (from `counts_from`).
    pub counted: bool,
    /// Its network had its share: kept, waiting for the host.
    pub held: bool,
}

/// `device_taken`: another account on this device has a counted vote on
/// the item (this one is kept, shown as the voter's, and never counts).
/// `network_full`: the voter's network has its share of counted voices on
/// the item (`voices::Cap`).
pub fn weigh(device_taken: bool, network_full: bool) -> Weight {
    Weight {
        counted: !device_taken && !network_full,
        held: !device_taken && network_full,
    }
}

/// Why one of a member's votes does not count yet, as `/me` tells them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// Held: the network has its share of voices.
    Network,
    /// Another account on this device voted first.
    Device,
    /// The guest just joined: it counts from `counts_from`.
    New,
}

impl Waiting {
    pub fn of(counted: bool, held: bool, due_later: bool) -> Option<Waiting> {
        match (counted, held, due_later) {
            (_, true, _) => Some(Waiting::Network),
            (false, false, _) => Some(Waiting::Device),
            (true, false, true) => Some(Waiting::New),
            (true, false, false) => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Waiting::Network => "network",
            Waiting::Device => "device",
            Waiting::New => "new",
        }
    }
}

/// Whether a member may ask to skip now: a screen never; a guest who just
/// joined once their voice counts.
pub fn may_ask_to_skip(screen: bool, counts_from: Timestamp, now: Timestamp) -> Verdict {
    if screen {
        return Err(Refusal::new(
            Code::ScreenCannotVote,
            "A party screen follows the room; it does not vote.",
        ));
    }
    let wait = counts_from.micros_since(now);
    if wait > 0 {
        let seconds = (wait + 999_999) / 1_000_000;
        return Err(Refusal::new(
            Code::JustJoined,
            format!("You just joined: your voice counts in {seconds} s."),
        )
        .with("seconds", seconds));
    }
    Ok(())
}

/// Where a skip stands: voices that asked, voices here, voices needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkipTally {
    pub asked: usize,
    pub here: usize,
    pub needed: usize,
}

impl SkipTally {
    /// Only people here count (screens do not), each device on a network
    /// once, each network up to its share.
    pub fn of(present: &[Present], askers: &HashSet<String>, settings: &Settings) -> SkipTally {
        let people: Vec<&Present> = present.iter().filter(|p| !p.screen).collect();
        let cap = settings.cap();
        let here = voices::count(people.iter().map(|p| &p.voter), cap);
        let asked = voices::count(
            people
                .iter()
                .filter(|p| askers.contains(&p.user_id))
                .map(|p| &p.voter),
            cap,
        );
        SkipTally {
            asked,
            here,
            needed: settings.skips_needed(here),
        }
    }

    pub fn skips(&self) -> bool {
        self.asked >= self.needed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::voices::Voter;
    use proptest::prelude::*;

    #[test]
    fn hosts_count_at_once_and_guests_after_the_delay() {
        let joined = Timestamp::from_micros(5_000_000);
        assert_eq!(
            counts_from(joined, 10, true),
            Timestamp::from_micros(15_000_000)
        );
        assert_eq!(counts_from(joined, 0, true), joined);
        assert_eq!(counts_from(joined, 10, false), Timestamp::EARLIEST);
    }

    #[test]
    fn down_votes_only_where_the_host_allows_them() {
        let off = Settings {
            allow_downvotes: false,
            ..Settings::default()
        };
        assert!(may_vote(Vote::Up, &off).is_ok());
        assert_eq!(
            may_vote(Vote::Down, &off).unwrap_err().code,
            Code::DownvotesOff
        );
        assert!(may_vote(Vote::Down, &Settings::default()).is_ok());
    }

    #[test]
    fn a_vote_is_counted_held_or_neither() {
        assert_eq!(
            weigh(false, false),
            Weight {
                counted: true,
                held: false
            }
        );
        assert_eq!(
            weigh(false, true),
            Weight {
                counted: false,
                held: true
            }
        );
        // The device rule comes first: such a vote is never held.
        assert_eq!(
            weigh(true, true),
            Weight {
                counted: false,
                held: false
            }
        );
    }

    #[test]
    fn me_says_why_a_vote_waits() {
        assert_eq!(Waiting::of(false, true, false), Some(Waiting::Network));
        assert_eq!(Waiting::of(false, false, true), Some(Waiting::Device));
        assert_eq!(Waiting::of(true, false, true), Some(Waiting::New));
        assert_eq!(Waiting::of(true, false, false), None);
    }

    #[test]
    fn a_new_guest_waits_to_ask_and_a_screen_never_asks() {
        let now = Timestamp::from_micros(10_000_000);
        let refused = may_ask_to_skip(false, now.plus_micros(2_500_000), now).unwrap_err();
        assert_eq!(refused.code, Code::JustJoined);
        assert_eq!(refused.params["seconds"], 3);
        assert!(may_ask_to_skip(false, now, now).is_ok());
        assert_eq!(
            may_ask_to_skip(true, Timestamp::EARLIEST, now)
                .unwrap_err()
                .code,
            Code::ScreenCannotVote
        );
    }

    fn person(id: &str, network: &str, device: &str, screen: bool) -> Present {
        Present {
            user_id: id.into(),
            voter: Voter {
                network: network.into(),
                device: device.into(),
            },
            screen,
        }
    }

    #[test]
    fn thirty_tabs_on_one_phone_are_one_voice() {
        let mut present: Vec<Present> = (0..30)
            .map(|i| person(&format!("tab{i}"), "10.0.0.9", "phone", false))
            .collect();
        for i in 0..5 {
            present.push(person(
                &format!("friend{i}"),
                &format!("10.0.0.{}", 20 + i),
                &format!("d{i}"),
                false,
            ));
        }
        present.push(person("tv", "10.0.0.2", "tv", true));
        let tabs: HashSet<String> = (0..30).map(|i| format!("tab{i}")).collect();
        let tally = SkipTally::of(&present, &tabs, &Settings::default());
        assert_eq!(tally.here, 6);
        assert_eq!(tally.asked, 1);
        assert!(!tally.skips());
    }

    proptest! {
        /// Asks never outnumber voices here, and everyone asking skips.
        #[test]
        fn asks_are_a_share_of_voices_here(
            people in proptest::collection::vec((0u8..4, 0u8..6, any::<bool>(), any::<bool>()), 0..40),
        ) {
            let present: Vec<Present> = people.iter().enumerate()
                .map(|(i, (net, dev, screen, _))| person(&format!("u{i}"), &format!("10.0.0.{net}"), &format!("d{net}.{dev}"), *screen))
                .collect();
            let askers: HashSet<String> = people.iter().enumerate()
                .filter(|(_, p)| p.3).map(|(i, _)| format!("u{i}")).collect();
            let s = Settings::default();
            let tally = SkipTally::of(&present, &askers, &s);
            prop_assert!(tally.asked <= tally.here);
            let everyone: HashSet<String> = (0..people.len()).map(|i| format!("u{i}")).collect();
            let all = SkipTally::of(&present, &everyone, &s);
            prop_assert!(all.here == 0 || all.skips());
        }
    }
}
