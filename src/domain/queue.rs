//! The order of a room's queue.
//!
//! For now the seed's rule: most votes first; among equals, the one added
//! first. A later issue replaces it with fair scoring; whatever the rule, it
//! stays in this one function.

use std::cmp::Ordering;

/// What the ordering looks at for one queued item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    /// Net votes: ups minus downs.
    pub votes: i64,
    /// Insertion sequence: strictly increasing per item, so it breaks every
    /// tie and the order is total even when two items share a timestamp.
    pub seq: i64,
}

/// The item's score as shown to clients: for now, its net votes.
pub fn score(s: &Standing) -> i64 {
    s.votes
}

/// Best first: higher score, then earlier addition.
pub fn compare(a: &Standing, b: &Standing) -> Ordering {
    score(b).cmp(&score(a)).then(a.seq.cmp(&b.seq))
}

/// Sorts items best first, given how to read each one's standing.
pub fn order<T>(items: &mut [T], standing: impl Fn(&T) -> Standing) {
    items.sort_by(|a, b| compare(&standing(a), &standing(b)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn s(votes: i64, seq: i64) -> Standing {
        Standing { votes, seq }
    }

    #[test]
    fn more_votes_first_then_earliest() {
        let mut items = vec![s(1, 3), s(2, 5), s(1, 1), s(-1, 0), s(2, 4)];
        order(&mut items, |x| *x);
        assert_eq!(items, vec![s(2, 4), s(2, 5), s(1, 1), s(1, 3), s(-1, 0)]);
    }

    #[test]
    fn score_is_net_votes() {
        assert_eq!(score(&s(-3, 9)), -3);
    }

    fn standings() -> impl Strategy<Value = Vec<Standing>> {
        // Unique seqs, as the database guarantees.
        prop::collection::vec(-20i64..20, 0..40).prop_map(|votes| {
            votes
                .into_iter()
                .enumerate()
                .map(|(i, v)| s(v, i as i64))
                .collect()
        })
    }

    proptest! {
        #[test]
        fn order_is_deterministic_whatever_the_input_order(
            items in standings(),
            rotation in 0usize..40,
        ) {
            let mut a = items.clone();
            let mut b = items;
            if !b.is_empty() {
                let len = b.len();
                b.rotate_left(rotation % len);
                b.reverse();
            }
            order(&mut a, |x| *x);
            order(&mut b, |x| *x);
            prop_assert_eq!(a, b);
        }

        #[test]
        fn sorted_queue_is_best_first(items in standings()) {
            let mut items = items;
            order(&mut items, |x| *x);
            for pair in items.windows(2) {
                prop_assert!(pair[0].votes > pair[1].votes
                    || (pair[0].votes == pair[1].votes && pair[0].seq < pair[1].seq));
            }
        }

        #[test]
        fn an_upvote_never_moves_an_item_down(items in standings(), pick in 0usize..40) {
            prop_assume!(!items.is_empty());
            let pick = pick % items.len();
            let target = items[pick].seq;
            let position = |list: &[Standing]| list.iter().position(|x| x.seq == target).unwrap();
            let mut before = items.clone();
            order(&mut before, |x| *x);
            let mut after = items;
            after[pick].votes += 1;
            order(&mut after, |x| *x);
            prop_assert!(position(&after) <= position(&before));
        }
    }
}
