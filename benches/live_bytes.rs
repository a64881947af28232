//! Live traffic benchmark (not a test): what one phone receives while the
//! room votes 20 times a second, with deltas (`?frames=delta`, as the web
//! app asks) and with whole frames (the seed's clients), at 20, 100 and
//! 500 queued songs.
//!
//! Runs the release binary as its own process, mDNS off, on 127.0.0.1.
//!   cargo bench --bench live_bytes             (20, 100, 500 songs)
//!   cargo bench --bench live_bytes -- 50 250

mod common;

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use common::{Api, start_box};

const VOTES_PER_SECOND: u64 = 20;
const WINDOW: Duration = Duration::from_secs(10);

/// Distinct catalog tracks, at least `n`.
async fn tracks(api: &Api, user: &str, n: usize) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    let words = "a e i o u the love you me night day girl man baby heart time life world \
                 b c d f g h k l m n p r s t w y";
    for word in words.split_whitespace() {
        for hit in api.search(user, word).await {
            let id = hit["id"].as_str().unwrap().to_string();
            if seen.insert(id.clone()) {
                out.push(id);
            }
        }
        if out.len() >= n {
            break;
        }
    }
    assert!(
        out.len() >= n,
        "the catalog has {} tracks to search",
        out.len()
    );
    out
}

/// Bytes and frames a socket receives until `until`.
fn listen(
    base: &str,
    code: &str,
    uid: &str,
    deltas: bool,
    bytes: Arc<AtomicU64>,
    frames: Arc<AtomicU64>,
) -> tokio::task::JoinHandle<()> {
    let mode = if deltas { "?frames=delta" } else { "" };
    let url = format!("{}/rooms/{code}/ws{mode}", base.replace("http://", "ws://"));
    let uid = uid.to_string();
    tokio::spawn(async move {
        let request = common::ws_request(&url, &uid);
        let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
        while let Some(Ok(message)) = socket.next().await {
            if let Message::Text(text) = message {
                bytes.fetch_add(text.len() as u64, Ordering::Relaxed);
                frames.fetch_add(1, Ordering::Relaxed);
            }
        }
    })
}

struct Row {
    songs: usize,
    delta_frame: f64,
    delta_rate: f64,
    full_frame: f64,
    full_rate: f64,
}

async fn measure(songs: usize) -> Row {
    let b = start_box(false).await;
    let api = Api {
        http: reqwest::Client::new(),
        base: b.url.clone(),
    };
    let host = api.guest("Host").await;
    let code = api.room(&host, "Bytes").await;
    // One more than the queue: the first plays at once.
    for id in tracks(&api, &host, songs + 1).await.iter().take(songs + 1) {
        api.post(
            &format!("/tracks/rooms/{code}/tracks"),
            Some(&host),
            json!({ "track_id": id }),
        )
        .await;
    }
    let queue: Value = api
        .get(&format!("/tracks/rooms/{code}/queue"), &host, &[])
        .await;
    let items: Vec<String> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["room_track_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(items.len(), songs);
    let counters: Vec<(Arc<AtomicU64>, Arc<AtomicU64>)> =
        (0..2).map(|_| (Arc::default(), Arc::default())).collect();
    let phones: Vec<_> = counters
        .iter()
        .enumerate()
        .map(|(i, (bytes, frames))| {
            listen(&b.url, &code, &host, i == 0, bytes.clone(), frames.clone())
        })
        .collect();
    // Past the first (whole) frame.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for (bytes, frames) in &counters {
        bytes.store(0, Ordering::Relaxed);
        frames.store(0, Ordering::Relaxed);
    }
    let voters: Vec<String> = {
        let mut v = Vec::new();
        for i in 0..20 {
            let g = api.guest(&format!("Voter {i}")).await;
            api.post("/rooms/join", Some(&g), json!({ "code": code }))
                .await;
            v.push(g);
        }
        v
    };
    let started = Instant::now();
    let mut tick = tokio::time::interval(Duration::from_millis(1000 / VOTES_PER_SECOND));
    let mut n = 0usize;
    while started.elapsed() < WINDOW {
        tick.tick().await;
        let voter = &voters[n % voters.len()];
        let item = &items[(n * 7919) % items.len()];
        let value = if (n / voters.len()).is_multiple_of(2) {
            1
        } else {
            -1
        };
        api.post(
            &format!("/votes/rooms/{code}/votes"),
            Some(voter),
            json!({ "room_track_id": item, "value": value }),
        )
        .await;
        n += 1;
    }
    let seconds = started.elapsed().as_secs_f64();
    for p in phones {
        p.abort();
    }
    let rate = |i: usize| counters[i].0.load(Ordering::Relaxed) as f64 / seconds;
    let per_frame = |i: usize| {
        counters[i].0.load(Ordering::Relaxed) as f64
            / counters[i].1.load(Ordering::Relaxed).max(1) as f64
    };
    Row {
        songs,
        delta_frame: per_frame(0),
        delta_rate: rate(0),
        full_frame: per_frame(1),
        full_rate: rate(1),
    }
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = common::numbers(&[20, 100, 500]);
    let mut rows = Vec::new();
    for songs in sizes {
        rows.push(measure(songs).await);
    }
    println!(
        "| queued songs | bytes/frame, deltas | bytes/s per phone, deltas | bytes/frame, whole | bytes/s per phone, whole |"
    );
    println!("|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {:.0} | {:.0} | {:.0} | {:.0} |",
            r.songs, r.delta_frame, r.delta_rate, r.full_frame, r.full_rate
        );
    }
}
