//! Votes known to stand in SQLite exactly as cast, so casting one again (a
//! double tap, a phone retrying over flaky Wi-Fi) is answered from memory:
//! the write would change nothing, so skipping it loses nothing.
//!
//! An entry is recorded only after the vote's transaction committed, and
//! only for a vote that counts. Any write other than a vote or an addition
//! (a kick, a ban, a settings change, an advance, a join...) may change
//! whether a repeat would still be a no-op, so it starts a new epoch and
//! forgets every entry; an entry from an older epoch is never recorded.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::limits::MAX_STANDING_VOTES;

#[derive(Default)]
pub struct StandingVotes {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    epoch: u64,
    /// (room_track_id, user_id) → the vote's value.
    votes: HashMap<(String, String), i64>,
}

impl StandingVotes {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // The map is only a shortcut: after a panic elsewhere it is still
        // consistent (every change is one insert or one clear).
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current epoch, read by a vote inside its write job.
    pub fn epoch(&self) -> u64 {
        self.lock().epoch
    }

    /// Something other than a vote or an addition was written: forget all.
    pub fn invalidate(&self) {
        let mut inner = self.lock();
        inner.epoch += 1;
        inner.votes.clear();
    }

    /// A committed, counted vote, seen by its job in `epoch`.
    pub fn record(&self, epoch: u64, room_track_id: &str, user_id: &str, value: i64) {
        let mut inner = self.lock();
        if inner.epoch != epoch {
            return;
        }
        if inner.votes.len() >= MAX_STANDING_VOTES {
            inner.votes.clear();
        }
        inner
            .votes
            .insert((room_track_id.to_string(), user_id.to_string()), value);
    }

    /// Whether this exact vote already stands.
    pub fn stands(&self, room_track_id: &str, user_id: &str, value: i64) -> bool {
        let inner = self.lock();
        // Borrowed lookup without building owned keys would need a custom
        // key type; two short allocations are cheap next to a write.
        inner
            .votes
            .get(&(room_track_id.to_string(), user_id.to_string()))
            == Some(&value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_vote_stands_with_its_value_only() {
        let s = StandingVotes::default();
        s.record(s.epoch(), "item", "user", 1);
        assert!(s.stands("item", "user", 1));
        assert!(!s.stands("item", "user", -1));
        assert!(!s.stands("item", "other", 1));
    }

    #[test]
    fn invalidation_forgets_and_refuses_records_from_before() {
        let s = StandingVotes::default();
        let seen = s.epoch();
        s.record(seen, "a", "u", 1);
        s.invalidate();
        assert!(!s.stands("a", "u", 1));
        // A vote whose job ran before the invalidation commits after it.
        s.record(seen, "b", "u", 1);
        assert!(!s.stands("b", "u", 1));
        s.record(s.epoch(), "b", "u", 1);
        assert!(s.stands("b", "u", 1));
    }
}
