//! Live frames sized by what changed. A phone gets the room's whole state
//! when it connects, then deltas against what it was last sent: the queue
//! items that left, the ones that are new or changed (whole), and where
//! items go, as few moves as keep the rest in order.
//!
//! Applying a delta (as the web app does): drop `remove`; replace items by
//! id from `upsert` (new ones wait aside); then for each `[id, after]` in
//! `place`, in order, take that item out and put it right after `after`
//! (`null`: first); last, each item's `score` is its place counted from
//! the end (the last scores 1). The result is the new queue, item for
//! item. A score is only a place, so an item that merely moved is not sent
//! again: one vote that lifts one song is one upsert and one place.

use std::collections::{HashMap, HashSet};

use crate::store::RoomSnapshot;

/// What turns `from`'s queue into `to`'s (`queue_delta` over snapshots).
pub fn snapshot_queue_delta(from: &RoomSnapshot, to: &RoomSnapshot) -> Vec<u8> {
    let view = |s: &'_ RoomSnapshot| -> Vec<(usize, String)> {
        s.queue
            .iter()
            .enumerate()
            .map(|(i, item)| (i, item.room_track_id.clone()))
            .collect()
    };
    let (old, new) = (view(from), view(to));
    queue_delta(
        &Queue {
            ids: old.iter().map(|(_, id)| id.as_str()).collect(),
            json: old.iter().map(|(i, _)| from.item_json(*i)).collect(),
        },
        &Queue {
            ids: new.iter().map(|(_, id)| id.as_str()).collect(),
            json: new.iter().map(|(i, _)| to.item_json(*i)).collect(),
        },
    )
}

/// An HTTP answer that is only what changed since the version a phone
/// shows (`?since=`), in the live socket's delta form:
/// `{"type":"delta","base":from,"version":to,"queue":{..}}`, and
/// `"now_playing"` (always, when `with_now_playing`: it is small, and the
/// phone's may be older than its queue).
pub fn answer_delta(from: &RoomSnapshot, to: &RoomSnapshot, with_now_playing: bool) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(b"{\"type\":\"delta\",\"base\":");
    out.extend_from_slice(from.version.to_string().as_bytes());
    out.extend_from_slice(b",\"version\":");
    out.extend_from_slice(to.version.to_string().as_bytes());
    out.extend_from_slice(b",\"queue\":");
    out.extend_from_slice(&snapshot_queue_delta(from, to));
    if with_now_playing {
        out.extend_from_slice(b",\"now_playing\":");
        out.extend_from_slice(&to.now_playing_json);
    }
    out.push(b'}');
    out
}

/// One queue as the delta sees it: ids in order, and each item's JSON.
pub struct Queue<'a> {
    pub ids: Vec<&'a str>,
    pub json: Vec<&'a [u8]>,
}

/// What turns `old` into `new`, as JSON:
/// `{"remove":[ids],"upsert":[items],"place":[[id, after|null]]}`.
pub fn queue_delta(old: &Queue<'_>, new: &Queue<'_>) -> Vec<u8> {
    let old_at: HashMap<&str, usize> = old.ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let new_ids: HashSet<&str> = new.ids.iter().copied().collect();

    let mut out = Vec::with_capacity(256);
    out.extend_from_slice(b"{\"remove\":[");
    let mut first = true;
    for id in old.ids.iter().filter(|id| !new_ids.contains(*id)) {
        comma(&mut out, &mut first);
        string(&mut out, id);
    }
    out.extend_from_slice(b"],\"upsert\":[");
    let mut first = true;
    for (id, json) in new.ids.iter().zip(&new.json) {
        let same = old_at
            .get(id)
            .is_some_and(|&i| same_but_score(old.json[i], json));
        if !same {
            comma(&mut out, &mut first);
            out.extend_from_slice(json);
        }
    }
    out.extend_from_slice(b"],\"place\":[");
    let stays = stable(&new.ids, &old_at);
    let mut first = true;
    for (k, id) in new.ids.iter().enumerate() {
        if stays.contains(k) {
            continue;
        }
        comma(&mut out, &mut first);
        out.push(b'[');
        string(&mut out, id);
        out.push(b',');
        match k.checked_sub(1) {
            Some(p) => string(&mut out, new.ids[p]),
            None => out.extend_from_slice(b"null"),
        }
        out.push(b']');
    }
    out.extend_from_slice(b"]}");
    out
}

/// Positions (in `new`) of the items that keep their place: the longest
/// run of old items still in their old relative order.
fn stable(new: &[&str], old_at: &HashMap<&str, usize>) -> Positions {
    // Longest increasing subsequence of old indices, O(n log n).
    let seq: Vec<(usize, usize)> = new
        .iter()
        .enumerate()
        .filter_map(|(k, id)| old_at.get(id).map(|&i| (k, i)))
        .collect();
    let mut tails: Vec<usize> = Vec::new(); // index into seq
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for (j, &(_, old_index)) in seq.iter().enumerate() {
        let at = tails.partition_point(|&t| seq[t].1 < old_index);
        prev[j] = at.checked_sub(1).map(|p| tails[p]);
        if at == tails.len() {
            tails.push(j);
        } else {
            tails[at] = j;
        }
    }
    let mut keep = vec![false; new.len()];
    let mut cursor = tails.last().copied();
    while let Some(j) = cursor {
        keep[seq[j].0] = true;
        cursor = prev[j];
    }
    Positions(keep)
}

struct Positions(Vec<bool>);

impl Positions {
    fn contains(&self, k: usize) -> bool {
        self.0[k]
    }
}

/// Whether two items' JSON differ at most in their `score`. A JSON string
/// cannot hold an unescaped quote, so `"score":` is only ever the key.
fn same_but_score(a: &[u8], b: &[u8]) -> bool {
    fn split(json: &[u8]) -> (&[u8], &[u8]) {
        const KEY: &[u8] = b"\"score\":";
        match json.windows(KEY.len()).position(|w| w == KEY) {
            Some(at) => {
                let value = at + KEY.len();
                let end = json[value..]
                    .iter()
                    .position(|b| !(b.is_ascii_digit() || *b == b'-'))
                    .map_or(json.len(), |n| value + n);
                (&json[..value], &json[end..])
            }
            None => (json, &[]),
        }
    }
    a.len().abs_diff(b.len()) <= 20 && split(a) == split(b)
}

fn comma(out: &mut Vec<u8>, first: &mut bool) {
    if !*first {
        out.push(b',');
    }
    *first = false;
}

fn string(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(
        serde_json::to_string(s)
            .expect("a string serializes")
            .as_bytes(),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// The client's side, as the module's doc says.
    fn apply(old: &[(String, String)], delta: &[u8]) -> Vec<(String, String)> {
        let d: Value = serde_json::from_slice(delta).unwrap();
        let removed: HashSet<&str> = d["remove"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        let mut aside: HashMap<String, String> = HashMap::new();
        for item in d["upsert"].as_array().unwrap() {
            aside.insert(item["id"].as_str().unwrap().into(), item.to_string());
        }
        let mut list: Vec<(String, String)> = old
            .iter()
            .filter(|(id, _)| !removed.contains(id.as_str()))
            .map(|(id, json)| (id.clone(), aside.remove(id).unwrap_or_else(|| json.clone())))
            .collect();
        for pair in d["place"].as_array().unwrap() {
            let id = pair[0].as_str().unwrap();
            let item = match list.iter().position(|(i, _)| i == id) {
                Some(at) => list.remove(at),
                None => (id.to_string(), aside.remove(id).unwrap()),
            };
            let at = match pair[1].as_str() {
                None => 0,
                Some(after) => list.iter().position(|(i, _)| i == after).unwrap() + 1,
            };
            list.insert(at, item);
        }
        let n = list.len();
        list.iter()
            .enumerate()
            .map(|(i, (id, json))| (id.clone(), rescore(json, (n - i) as i64)))
            .collect()
    }

    fn rescore(json: &str, score: i64) -> String {
        let mut v: Value = serde_json::from_str(json).unwrap();
        v["score"] = score.into();
        v.to_string()
    }

    fn queue(items: &[(String, String)]) -> Queue<'_> {
        Queue {
            ids: items.iter().map(|(id, _)| id.as_str()).collect(),
            json: items.iter().map(|(_, j)| j.as_bytes()).collect(),
        }
    }

    fn item(id: u32, votes: i32) -> (String, String) {
        (
            id.to_string(),
            format!("{{\"id\":\"{id}\",\"votes\":{votes}}}"),
        )
    }

    /// Items as the box writes them: with their score (their place).
    fn scored(items: Vec<(String, String)>) -> Vec<(String, String)> {
        let n = items.len();
        items
            .into_iter()
            .enumerate()
            .map(|(i, (id, json))| (id, rescore(&json, (n - i) as i64)))
            .collect()
    }

    #[test]
    fn one_vote_moving_one_song_is_one_upsert_and_one_place() {
        let old = scored((0..500).map(|i| item(i, 0)).collect());
        let mut new: Vec<_> = (0..500).map(|i| item(i, 0)).collect();
        let voted = new.remove(300);
        new.insert(
            2,
            (
                voted.0.clone(),
                voted.1.replace("\"votes\":0", "\"votes\":1"),
            ),
        );
        let new = scored(new);
        let delta = queue_delta(&queue(&old), &queue(&new));
        let d: Value = serde_json::from_slice(&delta).unwrap();
        assert_eq!(d["remove"].as_array().unwrap().len(), 0);
        assert_eq!(d["upsert"].as_array().unwrap().len(), 1);
        assert_eq!(d["place"], serde_json::json!([["300", "1"]]));
        assert!(delta.len() < 140, "{} bytes", delta.len());
        assert_eq!(apply(&old, &delta), new);
    }

    proptest! {
        /// Whatever the change, the delta rebuilds the new queue exactly.
        #[test]
        fn a_delta_rebuilds_the_new_queue(
            old in prop::collection::vec(0u32..60, 0..40),
            new in prop::collection::vec((0u32..60, 0i32..3), 0..40),
        ) {
            let mut seen = HashSet::new();
            let old = scored(old.into_iter().filter(|i| seen.insert(*i)).map(|i| item(i, 0)).collect());
            let mut seen = HashSet::new();
            let new = scored(new.into_iter().filter(|(i, _)| seen.insert(*i)).map(|(i, v)| item(i, v)).collect());
            let delta = queue_delta(&queue(&old), &queue(&new));
            prop_assert_eq!(apply(&old, &delta), new);
        }
    }
}
