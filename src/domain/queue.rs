//! The order of a room's queue: one pure function of the room's items (with
//! their counted votes), its rules (settings) and tonight's history.
//!
//! In plain words (the README says the same):
//! 1. Votes matter most: among the songs that may go next, the most-voted
//!    goes first.
//! 2. Turns are fair (the `fairness` setting, on by default): a guest who had
//!    a song played while another guest's song was already waiting lets that
//!    song go first. So nobody gets two songs played while someone else's
//!    song waits, however many votes their second song has.
//! 3. On equal votes, the guest who has had fewer songs played tonight goes
//!    first (with fairness on), then the song that has waited longest (early
//!    picks win ties).
//! 4. Keep the mood (the `no_artist_twice` setting, on by default): an artist
//!    does not play twice in a row when another song could go instead.
//! 5. DJ rotation (the `dj_rotation` setting, off by default; turntable.fm
//!    style): instead of 1 to 3, the guests with songs waiting take turns
//!    round the room, each slot going to the one served longest ago (never
//!    served first, then who has waited longest); votes order each guest's
//!    own songs.
//!
//! The order is built one slot at a time, as if the queue played through,
//! so each rule applies to the slots after the ones already decided.

use std::collections::{BTreeMap, HashMap};

/// Microseconds since the epoch; only their order matters here.
pub type Micros = i64;

/// One queued item, as the order sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Net votes that count (see the store for who counts).
    pub votes: i64,
    /// Insertion order, unique per item: the final tie-breaker.
    pub seq: i64,
    /// When it was added.
    pub added_at: Micros,
    /// Who added it (an opaque key, e.g. the member id).
    pub contributor: String,
    /// Their display name, for reasons.
    pub contributor_name: String,
    /// The artist, normalised (see `song::artist_key`).
    pub artist: String,
}

/// A contributor's plays tonight (the playing item counts).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Plays {
    pub count: u32,
    /// When their latest play started.
    pub last: Option<Micros>,
}

/// What already played tonight.
#[derive(Debug, Clone, Default)]
pub struct History {
    pub plays: HashMap<String, Plays>,
    /// The artist playing now (or last played), normalised.
    pub last_artist: Option<String>,
}

/// The room's settings that shape the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    pub fairness: bool,
    pub no_artist_twice: bool,
    pub rotation: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules {
            fairness: true,
            no_artist_twice: true,
            rotation: false,
        }
    }
}

/// One item's place: `index` into the entries given, its score and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    pub index: usize,
    /// Higher plays sooner: the last item scores 1, the first `len`.
    pub score: i64,
    pub reason: String,
}

/// Why an item was passed over for a slot it would otherwise have had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Held {
    /// Its contributor had a song played while another's was waiting.
    Turn,
    /// Its artist had just played.
    Artist,
    /// Another guest's turn in the DJ rotation came first.
    Rotation,
}

/// A contributor's running state while the order is built: real plays,
/// then the slots given to them in this order (virtual plays, later than
/// any real one).
#[derive(Debug, Clone, Copy)]
struct Turns {
    count: u32,
    last: Option<Micros>,
}

/// The queue, best first.
#[expect(
    clippy::too_many_lines,
    reason = "the one exception: one loop over shared state (turns, artist, holds); split, its steps would pass that state back and forth"
)]
pub fn order(entries: &[Entry], history: &History, rules: Rules) -> Vec<Placed> {
    let n = entries.len();
    // Each contributor's items, best first: most votes, then earliest.
    let mut by_contributor: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_contributor.entry(&e.contributor).or_default().push(i);
    }
    for items in by_contributor.values_mut() {
        items.sort_by(|&a, &b| {
            let (a, b) = (&entries[a], &entries[b]);
            b.votes.cmp(&a.votes).then(a.seq.cmp(&b.seq))
        });
    }
    let mut turns: BTreeMap<&str, Turns> = by_contributor
        .keys()
        .map(|&c| {
            let p = history.plays.get(c).copied().unwrap_or_default();
            (
                c,
                Turns {
                    count: p.count,
                    last: p.last,
                },
            )
        })
        .collect();
    let initial_plays: BTreeMap<&str, u32> = turns.iter().map(|(c, t)| (*c, t.count)).collect();
    // Virtual time for slots: after every real play and addition.
    let mut clock = entries
        .iter()
        .map(|e| e.added_at)
        .chain(history.plays.values().filter_map(|p| p.last))
        .max()
        .unwrap_or(0);
    let mut last_artist = history.last_artist.clone();
    let mut held: Vec<Option<Held>> = vec![None; n];
    let mut placed = Vec::with_capacity(n);

    while placed.len() < n {
        // Each contributor offers their best item, avoiding a repeat of the
        // artist just played when they have another.
        let repeats = |i: usize| {
            rules.no_artist_twice && last_artist.as_deref() == Some(entries[i].artist.as_str())
        };
        let offers: Vec<(&str, usize)> = by_contributor
            .iter()
            .filter(|(_, items)| !items.is_empty())
            .map(|(&c, items)| {
                let pick = items
                    .iter()
                    .copied()
                    .find(|&i| !repeats(i))
                    .unwrap_or(items[0]);
                (c, pick)
            })
            .collect();
        // A contributor's best song passed over for its artist is held.
        for &(c, pick) in &offers {
            let best = by_contributor[c][0];
            if pick != best && held[best].is_none() {
                held[best] = Some(Held::Artist);
            }
        }
        // Oldest waiting item per contributor with items left.
        let waiting_since: BTreeMap<&str, Micros> = by_contributor
            .iter()
            .filter(|(_, items)| !items.is_empty())
            .map(|(&c, items)| (c, items.iter().map(|&i| entries[i].added_at).min().unwrap()))
            .collect();
        // A contributor waits their turn when they had a play while someone
        // else was waiting and that someone has not played since. The one
        // whose latest play is oldest is never held, so someone is free.
        let held_for_turn = |c: &str| -> bool {
            if !rules.fairness {
                return false;
            }
            let Some(mine) = turns[c].last else {
                return false;
            };
            waiting_since.iter().any(|(&other, &since)| {
                other != c && since < mine && turns[other].last.is_none_or(|theirs| theirs < mine)
            })
        };
        // Votes, then (with fairness) fewer plays tonight, then earliest.
        let rank = |&(c, i): &(&str, usize)| {
            let e = &entries[i];
            let plays = if rules.fairness { turns[c].count } else { 0 };
            (std::cmp::Reverse(e.votes), plays, e.seq)
        };
        // DJ rotation: the slot is the turn of the guest served longest ago
        // (never served first, then who has waited longest).
        let on_turn = rules.rotation.then(|| {
            offers
                .iter()
                .map(|&(c, _)| c)
                .min_by_key(|&c| (turns[c].last, waiting_since[c], c))
                .expect("someone has a song waiting")
        });
        let free: Vec<(&str, usize)> = offers
            .iter()
            .copied()
            .filter(|&(c, _)| on_turn.map_or(!held_for_turn(c), |turn| c == turn))
            .collect();
        let fresh: Vec<(&str, usize)> =
            free.iter().copied().filter(|&(_, i)| !repeats(i)).collect();
        let pool = if fresh.is_empty() { &free } else { &fresh };
        let (winner, index) = pool
            .iter()
            .copied()
            .min_by_key(rank)
            .expect("the least recently served contributor is always free");
        // Note, for reasons, who would have had this slot on votes alone.
        for &(c, i) in &offers {
            if i != index && held[i].is_none() && rank(&(c, i)) < rank(&(winner, index)) {
                held[i] = Some(if rules.rotation {
                    Held::Rotation
                } else if held_for_turn(c) {
                    Held::Turn
                } else {
                    Held::Artist
                });
            }
        }

        let reason = reason(
            &entries[index],
            held[index],
            turns[winner].count,
            initial_plays[winner],
            last_artist.as_deref(),
            rules.rotation,
        );
        placed.push(Placed {
            index,
            score: (n - placed.len()) as i64,
            reason,
        });
        clock += 1;
        let t = turns.get_mut(winner).expect("every contributor has turns");
        t.count += 1;
        t.last = Some(clock);
        by_contributor
            .get_mut(winner)
            .expect("the winner has items")
            .retain(|&i| i != index);
        last_artist = Some(entries[index].artist.clone());
    }
    placed
}

fn votes_text(votes: i64) -> String {
    match votes {
        0 => "no votes yet".into(),
        1 => "1 vote".into(),
        -1 => "-1 vote".into(),
        v => format!("{v} votes"),
    }
}

fn reason(
    e: &Entry,
    held: Option<Held>,
    plays_before: u32,
    played_tonight: u32,
    last_artist: Option<&str>,
    rotation: bool,
) -> String {
    let votes = votes_text(e.votes);
    let name = &e.contributor_name;
    let why = match held {
        Some(Held::Rotation) => format!("waiting for {name}'s turn in the DJ rotation"),
        Some(Held::Turn) if played_tonight > 0 => format!(
            "waiting: {name} already had {} played",
            songs(played_tonight)
        ),
        Some(Held::Turn) => format!("waiting: {name}'s earlier pick goes first"),
        Some(Held::Artist) if last_artist == Some(e.artist.as_str()) => {
            "waiting: same artist as the song before".into()
        }
        Some(Held::Artist) => "waiting: keeps the same artist from playing twice in a row".into(),
        None if rotation => format!("{name}'s turn in the DJ rotation"),
        None if plays_before == 0 => format!("{name}'s first pick tonight"),
        None if played_tonight == plays_before => {
            format!("{name} had {} played", songs(played_tonight))
        }
        None => format!("{name}'s next pick"),
    };
    format!("{votes} · {why}")
}

fn songs(n: u32) -> String {
    if n == 1 {
        "1 song".into()
    } else {
        format!("{n} songs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(seq: i64, contributor: &str, votes: i64, artist: &str) -> Entry {
        Entry {
            votes,
            seq,
            added_at: seq * 1_000,
            contributor: contributor.into(),
            contributor_name: contributor.into(),
            artist: artist.into(),
        }
    }

    fn seqs(entries: &[Entry], placed: &[Placed]) -> Vec<i64> {
        placed.iter().map(|p| entries[p.index].seq).collect()
    }

    const OFF: Rules = Rules {
        fairness: false,
        no_artist_twice: false,
        rotation: false,
    };

    const ROTATION: Rules = Rules {
        fairness: true,
        no_artist_twice: false,
        rotation: true,
    };

    #[test]
    fn dj_rotation_goes_round_the_room_whatever_the_votes() {
        // Ana floods the queue with loved songs; Bea and Cy have one each.
        let e = vec![
            entry(1, "ana", 9, "x1"),
            entry(2, "ana", 8, "x2"),
            entry(3, "ana", 7, "x3"),
            entry(4, "bea", 0, "x4"),
            entry(5, "cy", -1, "x5"),
        ];
        let placed = order(&e, &History::default(), ROTATION);
        assert_eq!(seqs(&e, &placed), vec![1, 4, 5, 2, 3]);
        assert_eq!(placed[0].reason, "9 votes · ana's turn in the DJ rotation");
        assert_eq!(
            placed[1].reason,
            "no votes yet · bea's turn in the DJ rotation"
        );
        assert_eq!(
            placed[3].reason,
            "8 votes · waiting for ana's turn in the DJ rotation"
        );
        // Whoever was served longest ago goes first: Ana just had a song.
        let mut h = History::default();
        h.plays.insert(
            "ana".into(),
            Plays {
                count: 1,
                last: Some(10_000),
            },
        );
        h.plays.insert(
            "bea".into(),
            Plays {
                count: 1,
                last: Some(5_000),
            },
        );
        let placed = order(&e, &h, ROTATION);
        assert_eq!(seqs(&e, &placed), vec![5, 4, 1, 2, 3]);
    }

    #[test]
    fn most_votes_first_then_earliest() {
        let e = vec![
            entry(3, "a", 1, "x1"),
            entry(5, "b", 2, "x2"),
            entry(1, "c", 1, "x3"),
            entry(0, "d", -1, "x4"),
            entry(4, "e", 2, "x5"),
        ];
        let placed = order(&e, &History::default(), Rules::default());
        assert_eq!(seqs(&e, &placed), vec![4, 5, 1, 3, 0]);
        assert_eq!(
            placed.iter().map(|p| p.score).collect::<Vec<_>>(),
            vec![5, 4, 3, 2, 1]
        );
        assert_eq!(placed[0].reason, "2 votes · e's first pick tonight");
    }

    #[test]
    fn one_guest_flooding_the_queue_takes_turns() {
        // Tom queued three songs first; Bea one, later, with fewer votes.
        let e = vec![
            entry(1, "tom", 3, "a"),
            entry(2, "tom", 3, "b"),
            entry(3, "tom", 3, "c"),
            entry(4, "bea", 0, "d"),
        ];
        let placed = order(&e, &History::default(), Rules::default());
        assert_eq!(seqs(&e, &placed), vec![1, 4, 2, 3]);
        assert_eq!(placed[1].reason, "no votes yet · bea's first pick tonight");
        // Without fairness, votes alone.
        assert_eq!(
            seqs(&e, &order(&e, &History::default(), OFF)),
            vec![1, 2, 3, 4]
        );
    }

    #[test]
    fn a_guest_who_just_had_a_song_played_waits_for_those_already_waiting() {
        let e = vec![entry(1, "bea", 0, "a"), entry(2, "tom", 5, "b")];
        let mut history = History::default();
        history.plays.insert(
            "tom".into(),
            Plays {
                count: 2,
                last: Some(10_000),
            },
        );
        let placed = order(&e, &history, Rules::default());
        assert_eq!(seqs(&e, &placed), vec![1, 2]);
        assert_eq!(
            placed[1].reason,
            "5 votes · waiting: tom already had 2 songs played"
        );
    }

    #[test]
    fn on_equal_votes_the_guest_with_fewer_plays_goes_first() {
        // Both added after everyone's plays, so nobody is held.
        let e = vec![entry(100, "tom", 1, "a"), entry(101, "bea", 1, "b")];
        let mut history = History::default();
        history.plays.insert(
            "tom".into(),
            Plays {
                count: 1,
                last: Some(5),
            },
        );
        assert_eq!(
            seqs(&e, &order(&e, &history, Rules::default())),
            vec![101, 100]
        );
    }

    #[test]
    fn an_artist_does_not_play_twice_in_a_row() {
        let e = vec![entry(1, "a", 3, "queen"), entry(2, "b", 1, "abba")];
        let history = History {
            last_artist: Some("queen".into()),
            ..Default::default()
        };
        let placed = order(&e, &history, Rules::default());
        assert_eq!(seqs(&e, &placed), vec![2, 1]);
        assert_eq!(
            placed[1].reason,
            "3 votes · waiting: keeps the same artist from playing twice in a row"
        );
        // Only one artist left: it plays anyway.
        let only = vec![entry(1, "a", 3, "queen")];
        assert_eq!(order(&only, &history, Rules::default()).len(), 1);
    }

    fn entries() -> impl Strategy<Value = Vec<Entry>> {
        prop::collection::vec((0usize..4, -5i64..6, 0usize..4), 0..24).prop_map(|items| {
            items
                .into_iter()
                .enumerate()
                .map(|(i, (c, v, a))| entry(i as i64, &format!("c{c}"), v, &format!("a{a}")))
                .collect()
        })
    }

    fn histories() -> impl Strategy<Value = History> {
        prop::collection::vec(prop::option::of((0u32..4, -5i64..30)), 4).prop_map(|plays| History {
            plays: plays
                .into_iter()
                .enumerate()
                .filter_map(|(c, p)| {
                    p.map(|(count, last)| {
                        (
                            format!("c{c}"),
                            Plays {
                                count: count + 1,
                                last: Some(last * 1_000),
                            },
                        )
                    })
                })
                .collect(),
            last_artist: None,
        })
    }

    fn rules() -> impl Strategy<Value = Rules> {
        (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(fairness, no_artist_twice, rotation)| Rules {
                fairness,
                no_artist_twice,
                rotation,
            },
        )
    }

    proptest! {
        #[test]
        fn deterministic_whatever_the_input_order(
            e in entries(), h in histories(), r in rules(), rotation in 0usize..24,
        ) {
            let mut shuffled = e.clone();
            if !shuffled.is_empty() {
                let len = shuffled.len();
                shuffled.rotate_left(rotation % len);
                shuffled.reverse();
            }
            prop_assert_eq!(seqs(&e, &order(&e, &h, r)), seqs(&shuffled, &order(&shuffled, &h, r)));
        }

        #[test]
        fn a_total_order_with_scores_counting_down(e in entries(), h in histories(), r in rules()) {
            let placed = order(&e, &h, r);
            let mut seen: Vec<usize> = placed.iter().map(|p| p.index).collect();
            seen.sort();
            prop_assert_eq!(seen, (0..e.len()).collect::<Vec<_>>());
            for pair in placed.windows(2) {
                prop_assert!(pair[0].score > pair[1].score);
            }
            prop_assert!(placed.iter().all(|p| !p.reason.is_empty()));
        }

        #[test]
        fn an_upvote_never_moves_an_item_down(
            e in entries(), h in histories(), fairness in any::<bool>(), pick in 0usize..24,
        ) {
            prop_assume!(!e.is_empty());
            // The artist rule may trade places to keep the mood; votes
            // alone never push an item back.
            let r = Rules { fairness, no_artist_twice: false, rotation: false };
            let pick = pick % e.len();
            let position = |entries: &[Entry]| {
                order(entries, &h, r).iter().position(|p| p.index == pick).unwrap()
            };
            let mut up = e.clone();
            up[pick].votes += 1;
            prop_assert!(position(&up) <= position(&e));
        }

        #[test]
        fn more_votes_first_when_standing_is_otherwise_equal(
            a in -5i64..6, b in -5i64..6, h in histories(),
        ) {
            prop_assume!(a != b);
            // Two guests with the same history, one song each.
            let mut h = h;
            let same = h.plays.get("c0").copied().unwrap_or_default();
            h.plays.insert("c1".into(), same);
            let e = vec![entry(1, "c0", a, "x"), entry(1, "c1", b, "y")];
            let first = order(&e, &h, Rules::default())[0].index;
            prop_assert_eq!(first, if a > b { 0 } else { 1 });
        }

        #[test]
        fn nobody_gets_two_songs_played_while_another_guest_waits(
            e in entries(), h in histories(), no_artist_twice in any::<bool>(),
        ) {
            // Play the queue through, re-ordering after every song, as the
            // room does. From the start, every contributor with a queued
            // song gets one played before anyone else gets a second.
            let r = Rules { fairness: true, no_artist_twice, rotation: false };
            let mut h = h;
            let mut queue = e;
            let mut clock = 1_000_000;
            let waiting: std::collections::BTreeSet<String> =
                queue.iter().map(|x| x.contributor.clone()).collect();
            let mut played_since: BTreeMap<String, u32> = BTreeMap::new();
            let mut served: std::collections::BTreeSet<String> = Default::default();
            while !queue.is_empty() {
                let head = order(&queue, &h, r)[0].index;
                let song = queue.remove(head);
                let c = song.contributor.clone();
                *played_since.entry(c.clone()).or_default() += 1;
                served.insert(c.clone());
                let unserved = waiting.iter().any(|w| !served.contains(w));
                if unserved {
                    prop_assert!(played_since[&c] <= 1, "{c} got a second song while another guest waited");
                }
                clock += 1;
                let p = h.plays.entry(c).or_default();
                p.count += 1;
                p.last = Some(clock);
                h.last_artist = Some(song.artist);
            }
        }

        #[test]
        fn with_dj_rotation_each_song_goes_to_the_guest_served_longest_ago(
            e in entries(), h in histories(), no_artist_twice in any::<bool>(),
        ) {
            // Played through, re-ordered after every song: each time, the
            // head is a song of the guest (with one waiting) whose last
            // play is oldest (never played first; then who waited longest).
            let r = Rules { fairness: true, no_artist_twice, rotation: true };
            let mut h = h;
            let mut queue = e;
            let mut clock = 1_000_000;
            while !queue.is_empty() {
                let waiting: BTreeMap<&str, Micros> = queue.iter().fold(BTreeMap::new(), |mut m, x| {
                    let since = m.entry(x.contributor.as_str()).or_insert(x.added_at);
                    *since = (*since).min(x.added_at);
                    m
                });
                let due = waiting
                    .iter()
                    .min_by_key(|&(c, since)| (h.plays.get(*c).and_then(|p| p.last), *since, *c))
                    .map(|(c, _)| c.to_string())
                    .unwrap();
                let head = order(&queue, &h, r)[0].index;
                let song = queue.remove(head);
                prop_assert_eq!(&song.contributor, &due);
                clock += 1;
                let p = h.plays.entry(song.contributor).or_default();
                p.count += 1;
                p.last = Some(clock);
                h.last_artist = Some(song.artist);
            }
        }
    }
}
