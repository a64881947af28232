//! Guessing a room's PIN: wrong tries are counted, and too many in a while
//! lock the guesser out for a wait that doubles with each lock-out. The
//! box keeps one count per room and network (a phone guessing), and one per
//! room (many phones guessing together). Times come in as arguments, so
//! the rules are tested without waiting.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How many wrong tries, in how long, lock out for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    pub max_wrong: u32,
    pub window: Duration,
    /// The first lock-out; each next one doubles, up to `longest_wait`.
    pub first_wait: Duration,
    pub longest_wait: Duration,
}

/// One network guessing one room's PIN: 5 wrong in 10 minutes, then a
/// minute's wait, doubling up to an hour.
pub const PER_NETWORK: Policy = Policy {
    max_wrong: 5,
    window: Duration::from_secs(10 * 60),
    first_wait: Duration::from_secs(60),
    longest_wait: Duration::from_secs(60 * 60),
};

/// Everyone guessing one room's PIN together (many addresses): 100 wrong in
/// 10 minutes close PIN joins for 10 minutes, doubling up to an hour. The
/// TV's QR code still lets guests in meanwhile.
pub const PER_ROOM: Policy = Policy {
    max_wrong: 100,
    window: Duration::from_secs(10 * 60),
    first_wait: Duration::from_secs(10 * 60),
    longest_wait: Duration::from_secs(60 * 60),
};

/// The wrong tries of one guesser.
#[derive(Debug, Clone, Default)]
pub struct Tries {
    /// The latest wrong tries (at most `max_wrong`): a sliding window.
    recent: VecDeque<Instant>,
    /// Lock-outs so far (each doubles the wait); forgotten after a quiet
    /// `longest_wait`.
    lockouts: u32,
    locked_until: Option<Instant>,
}

impl Tries {
    /// How long the guesser must still wait, if locked out.
    pub fn wait(&self, now: Instant) -> Option<Duration> {
        self.locked_until
            .and_then(|until| until.checked_duration_since(now))
            .filter(|d| !d.is_zero())
    }

    /// Counts a wrong try; answers the wait when this try locked them out.
    pub fn wrong(&mut self, now: Instant, policy: Policy) -> Option<Duration> {
        // A long quiet since the last lock-out starts the doubling over.
        if let Some(until) = self.locked_until
            && now.saturating_duration_since(until) >= policy.longest_wait
        {
            self.lockouts = 0;
        }
        let max = policy.max_wrong.max(1) as usize;
        self.recent.push_back(now);
        while self.recent.len() > max {
            self.recent.pop_front();
        }
        let oldest = self.recent.front().copied().unwrap_or(now);
        if self.recent.len() < max || now.saturating_duration_since(oldest) >= policy.window {
            return None;
        }
        let wait = policy
            .first_wait
            .saturating_mul(1u32 << self.lockouts.min(16))
            .min(policy.longest_wait);
        self.lockouts += 1;
        self.locked_until = Some(now + wait);
        self.recent.clear();
        Some(wait)
    }

    /// Wrong tries within the window before `now`.
    pub fn wrong_in_window(&self, now: Instant, policy: Policy) -> u32 {
        self.recent
            .iter()
            .filter(|t| now.saturating_duration_since(**t) < policy.window)
            .count() as u32
    }

    /// Nothing worth remembering any more: no lock-out running or to double.
    pub fn forgettable(&self, now: Instant, policy: Policy) -> bool {
        let since = |t: Option<Instant>| {
            t.is_none_or(|t| now.saturating_duration_since(t) >= policy.longest_wait)
        };
        since(self.locked_until) && since(self.recent.back().copied())
    }
}

/// Compares a secret the guest typed with the real one without leaking,
/// through timing, how much of it was right.
pub fn same_secret(given: &str, real: &str) -> bool {
    use subtle::ConstantTimeEq;
    given.as_bytes().ct_eq(real.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn five_wrong_lock_a_minute_then_the_wait_doubles_up_to_an_hour() {
        let t0 = Instant::now();
        let mut tries = Tries::default();
        let mut now = t0;
        let mut waits = Vec::new();
        for _ in 0..9 {
            for i in 1..=5 {
                assert_eq!(tries.wait(now), None);
                let locked = tries.wrong(now, PER_NETWORK);
                assert_eq!(locked.is_some(), i == 5);
                if let Some(wait) = locked {
                    waits.push(wait.as_secs());
                    assert_eq!(tries.wait(now), Some(wait));
                    now += wait;
                }
            }
        }
        assert_eq!(waits, [60, 120, 240, 480, 960, 1920, 3600, 3600, 3600]);
        // An hour of quiet after the last wait ends starts over.
        now += Duration::from_secs(3600);
        for _ in 0..4 {
            assert_eq!(tries.wrong(now, PER_NETWORK), None);
        }
        assert_eq!(tries.wrong(now, PER_NETWORK), Some(Duration::from_secs(60)));
    }

    #[test]
    fn wrong_tries_spread_over_more_than_the_window_never_lock() {
        let mut now = Instant::now();
        let mut tries = Tries::default();
        for _ in 0..50 {
            assert_eq!(tries.wrong(now, PER_NETWORK), None);
            now += Duration::from_secs(10 * 60 / 4 + 1);
        }
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("1234", "1234"));
        assert!(!same_secret("123", "1234"));
        assert!(!same_secret("12345", "1234"));
        assert!(!same_secret("1235", "1234"));
    }

    proptest! {
        /// However the tries come, between two lock-outs no window-long
        /// stretch holds more than `max_wrong` wrong tries that were heard
        /// (not refused), and each lock-out is at least a minute.
        #[test]
        fn no_window_holds_more_than_five_guesses(gaps in prop::collection::vec(0u64..400, 1..300)) {
            let mut now = Instant::now();
            let mut tries = Tries::default();
            let mut heard: Vec<Instant> = Vec::new();
            for gap in gaps {
                now += Duration::from_secs(gap);
                if tries.wait(now).is_some() {
                    continue;
                }
                heard.push(now);
                let in_window = heard
                    .iter()
                    .filter(|t| now.saturating_duration_since(**t) < PER_NETWORK.window)
                    .count();
                prop_assert!(in_window <= PER_NETWORK.max_wrong as usize);
                if let Some(wait) = tries.wrong(now, PER_NETWORK) {
                    prop_assert!(wait >= PER_NETWORK.first_wait);
                    heard.clear();
                }
            }
        }
    }
}
