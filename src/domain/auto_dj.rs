//! What the auto-DJ plays when the queue runs dry: the crowd's favourite
//! from earlier tonight first, never a track heard within the hour, never
//! one the room turned down tonight (removed, withdrawn, voted to skip, or
//! unplayable). When no favourite may play, the store picks at random among
//! the tracks not heard within the hour; when every one was, the one heard
//! longest ago plays rather than nothing.

/// How long a track rests before the auto-DJ may play it again.
pub const REST_MICROS: i64 = 60 * 60 * 1_000_000;

/// How far back "tonight" goes: what the room turned down this long ago is
/// forgiven.
pub const TONIGHT_MICROS: i64 = 12 * REST_MICROS;

/// A track played earlier tonight, with the most net votes it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Played {
    pub votes: i64,
    /// When it last started (microseconds since the epoch).
    pub last_started: i64,
    /// The room removed, withdrew, skipped or could not play it tonight.
    pub turned_down: bool,
}

/// Whether a track that last started at `last_started` may play at `now`.
pub fn rested(last_started: i64, now: i64) -> bool {
    now.saturating_sub(last_started) >= REST_MICROS
}

/// The encore: the most up-voted track of tonight that has rested, ties to
/// the one heard longest ago, then the earlier in the list. `None` when no
/// rested track had a net up-vote.
pub fn encore(played: &[Played], now: i64) -> Option<usize> {
    played
        .iter()
        .enumerate()
        .filter(|(_, p)| p.votes > 0 && !p.turned_down && rested(p.last_started, now))
        .min_by_key(|(i, p)| (std::cmp::Reverse(p.votes), p.last_started, *i))
        .map(|(i, _)| i)
}

/// The fallback when everything was heard within the hour: the track heard
/// longest ago that the room did not turn down.
pub fn longest_rested(played: &[Played]) -> Option<usize> {
    played
        .iter()
        .enumerate()
        .filter(|(_, p)| !p.turned_down)
        .min_by_key(|(i, p)| (p.last_started, *i))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const HOUR: i64 = REST_MICROS;

    #[test]
    fn the_favourite_that_rested_plays() {
        let now = 10 * HOUR;
        let played = [
            Played {
                votes: 9,
                last_started: now - HOUR / 2,
                turned_down: false,
            }, // too soon
            Played {
                votes: 3,
                last_started: now - 2 * HOUR,
                turned_down: false,
            },
            Played {
                votes: 5,
                last_started: now - 3 * HOUR,
                turned_down: false,
            },
            Played {
                votes: 0,
                last_started: now - 4 * HOUR,
                turned_down: false,
            }, // nobody cared
        ];
        assert_eq!(encore(&played, now), Some(2));
        assert_eq!(encore(&played[..1], now), None);
        assert_eq!(encore(&played[3..], now), None);
        assert_eq!(encore(&[], now), None);
    }

    #[test]
    fn what_the_room_turned_down_never_comes_back_tonight() {
        let now = 10 * HOUR;
        let played = [
            Played {
                votes: 9,
                last_started: now - 3 * HOUR,
                turned_down: true,
            },
            Played {
                votes: 1,
                last_started: now - 2 * HOUR,
                turned_down: false,
            },
        ];
        assert_eq!(encore(&played, now), Some(1));
        assert_eq!(longest_rested(&played), Some(1));
        assert_eq!(longest_rested(&played[..1]), None);
    }

    #[test]
    fn ties_go_to_the_one_heard_longest_ago() {
        let now = 10 * HOUR;
        let played = [
            Played {
                votes: 2,
                last_started: now - 2 * HOUR,
                turned_down: false,
            },
            Played {
                votes: 2,
                last_started: now - 5 * HOUR,
                turned_down: false,
            },
        ];
        assert_eq!(encore(&played, now), Some(1));
    }

    proptest! {
        /// Never a track heard within the hour, never one without a net
        /// up-vote, and nothing rested has more votes than the pick.
        #[test]
        fn the_encore_is_rested_and_the_best_rested(
            raw in proptest::collection::vec((-5i64..10, 0i64..4 * 60, any::<bool>()), 0..30),
        ) {
            let now = 100 * HOUR;
            let played: Vec<Played> = raw
                .iter()
                .map(|&(votes, minutes_ago, turned_down)| Played { votes, last_started: now - minutes_ago * 60_000_000, turned_down })
                .collect();
            match encore(&played, now) {
                Some(i) => {
                    prop_assert!(rested(played[i].last_started, now));
                    prop_assert!(played[i].votes > 0);
                    prop_assert!(!played[i].turned_down);
                    for p in played.iter().filter(|p| rested(p.last_started, now) && !p.turned_down) {
                        prop_assert!(p.votes <= played[i].votes);
                    }
                }
                None => prop_assert!(played
                    .iter()
                    .all(|p| p.votes <= 0 || p.turned_down || !rested(p.last_started, now))),
            }
            // The fallback never plays what the room turned down, and
            // plays something whenever anything else is left.
            match longest_rested(&played) {
                Some(i) => {
                    prop_assert!(!played[i].turned_down);
                    prop_assert!(played.iter().filter(|p| !p.turned_down).all(|p| p.last_started >= played[i].last_started));
                }
                None => prop_assert!(played.iter().all(|p| p.turned_down)),
            }
        }
    }
}
