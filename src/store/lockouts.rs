//! Wrong PINs remembered, per room and network and per room
//! (`domain::lockout`). In memory: a restart forgets them, which costs a
//! guesser nothing they could not get by waiting, and keeps SQLite out of
//! every wrong try.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::domain::lockout::{PER_NETWORK, PER_ROOM, Tries};

/// Who a lock-out shuts out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One network's guesses.
    Network,
    /// Everyone's PIN joins to the room.
    Room,
}

#[derive(Default)]
pub struct Lockouts {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_network: HashMap<(String, String), Tries>,
    by_room: HashMap<String, Tries>,
    wrong_since_prune: u32,
}

/// Past this many wrong tries, forget the guessers with nothing to remember.
const PRUNE_EVERY: u32 = 1024;

impl Lockouts {
    /// How long this network must wait before trying the room's PIN again.
    pub fn wait(&self, room: &str, network: &str, now: Instant) -> Option<(Duration, Scope)> {
        let inner = self.inner.lock().expect("lockouts lock");
        let by_network = inner
            .by_network
            .get(&(room.to_string(), network.to_string()))
            .and_then(|t| t.wait(now))
            .map(|d| (d, Scope::Network));
        let by_room = inner
            .by_room
            .get(room)
            .and_then(|t| t.wait(now))
            .map(|d| (d, Scope::Room));
        by_network
            .into_iter()
            .chain(by_room)
            .max_by_key(|(d, _)| *d)
    }

    /// Counts a wrong PIN; answers the lock-out it started, if any.
    pub fn wrong(&self, room: &str, network: &str, now: Instant) -> Option<(Duration, Scope)> {
        let mut inner = self.inner.lock().expect("lockouts lock");
        inner.wrong_since_prune += 1;
        if inner.wrong_since_prune >= PRUNE_EVERY {
            inner.wrong_since_prune = 0;
            inner
                .by_network
                .retain(|_, t| !t.forgettable(now, PER_NETWORK));
            inner.by_room.retain(|_, t| !t.forgettable(now, PER_ROOM));
        }
        let by_network = inner
            .by_network
            .entry((room.to_string(), network.to_string()))
            .or_default()
            .wrong(now, PER_NETWORK)
            .map(|d| (d, Scope::Network));
        let by_room = inner
            .by_room
            .entry(room.to_string())
            .or_default()
            .wrong(now, PER_ROOM)
            .map(|d| (d, Scope::Room));
        by_room.or(by_network)
    }

    /// Wrong tries this network has left before it waits.
    pub fn tries_left(&self, room: &str, network: &str, now: Instant) -> u32 {
        let inner = self.inner.lock().expect("lockouts lock");
        let used = inner
            .by_network
            .get(&(room.to_string(), network.to_string()))
            .map_or(0, |t| t.wrong_in_window(now, PER_NETWORK));
        PER_NETWORK.max_wrong.saturating_sub(used)
    }
}
