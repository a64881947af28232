//! What the auto-DJ plays when the queue runs dry: the crowd's favourite
//! from earlier tonight first, never a track heard within the hour. (When
//! no favourite may play, the store picks at random among the rest.)

/// How long a track rests before the auto-DJ may play it again.
pub const REST_MICROS: i64 = 60 * 60 * 1_000_000;

/// A track played earlier tonight, with the most net votes it had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Played {
    pub votes: i64,
    /// When it last started (microseconds since the epoch).
    pub last_started: i64,
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
        .filter(|(_, p)| p.votes > 0 && rested(p.last_started, now))
        .min_by_key(|(i, p)| (std::cmp::Reverse(p.votes), p.last_started, *i))
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
            }, // too soon
            Played {
                votes: 3,
                last_started: now - 2 * HOUR,
            },
            Played {
                votes: 5,
                last_started: now - 3 * HOUR,
            },
            Played {
                votes: 0,
                last_started: now - 4 * HOUR,
            }, // nobody cared
        ];
        assert_eq!(encore(&played, now), Some(2));
        assert_eq!(encore(&played[..1], now), None);
        assert_eq!(encore(&played[3..], now), None);
        assert_eq!(encore(&[], now), None);
    }

    #[test]
    fn ties_go_to_the_one_heard_longest_ago() {
        let now = 10 * HOUR;
        let played = [
            Played {
                votes: 2,
                last_started: now - 2 * HOUR,
            },
            Played {
                votes: 2,
                last_started: now - 5 * HOUR,
            },
        ];
        assert_eq!(encore(&played, now), Some(1));
    }

    proptest! {
        /// Never a track heard within the hour, never one without a net
        /// up-vote, and nothing rested has more votes than the pick.
        #[test]
        fn the_encore_is_rested_and_the_best_rested(
            raw in proptest::collection::vec((-5i64..10, 0i64..4 * 60), 0..30),
        ) {
            let now = 100 * HOUR;
            let played: Vec<Played> = raw
                .iter()
                .map(|&(votes, minutes_ago)| Played { votes, last_started: now - minutes_ago * 60_000_000 })
                .collect();
            match encore(&played, now) {
                Some(i) => {
                    prop_assert!(rested(played[i].last_started, now));
                    prop_assert!(played[i].votes > 0);
                    for p in played.iter().filter(|p| rested(p.last_started, now)) {
                        prop_assert!(p.votes <= played[i].votes);
                    }
                }
                None => prop_assert!(played
                    .iter()
                    .all(|p| p.votes <= 0 || !rested(p.last_started, now))),
            }
        }
    }
}
