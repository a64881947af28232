//! Live fan-out benchmark (not a test): N WebSocket clients in one room on
//! loopback, one voter. For each vote, the delay from the vote's HTTP
//! response to each client receiving the new state; and the box's memory.
//!
//! Runs the release binary as its own process, mDNS off, on 127.0.0.1.
//!   cargo bench --bench ws_fanout            (N = 100, 500, 1000)
//!   cargo bench --bench ws_fanout -- 50 200  (other Ns)

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use common::{Api, rss_kb, start_box};

const VOTES: usize = 20;
const VOTE_SPACING: Duration = Duration::from_millis(150);

/// When each client received each room version.
type Arrivals = Arc<Mutex<Vec<Vec<(i64, Instant)>>>>;

/// The version a frame carries, read from its fixed prefix.
fn frame_version(text: &str) -> Option<i64> {
    let rest = text.strip_prefix("{\"type\":\"snapshot\",\"version\":")?;
    rest[..rest.find(',')?].parse().ok()
}

struct Row {
    clients: usize,
    samples: usize,
    p50: f64,
    p99: f64,
    max: f64,
    missed: usize,
    rss_mb: f64,
    idle_rss_mb: f64,
}

async fn run(clients: usize) -> Row {
    // One voter as fast as the box answers: over any party's limits.
    let the_box = start_box(false).await;
    let pid = the_box.pid;
    let api = Api {
        http: reqwest::Client::new(),
        base: the_box.url.clone(),
    };
    let host = api.guest("Host").await;
    let code = api.room(&host, "Bench").await;
    let mut items = Vec::new();
    for query in ["queen", "abba", "prince"] {
        let hits = api.search(&host, query).await;
        for hit in hits.iter().take(7) {
            let queue: Vec<Value> = api
                .post(
                    &format!("/tracks/rooms/{code}/tracks"),
                    Some(&host),
                    json!({ "track_id": hit["id"] }),
                )
                .await
                .json()
                .await
                .unwrap();
            items = queue
                .iter()
                .map(|i| i["room_track_id"].as_str().unwrap().to_string())
                .collect();
        }
    }
    let idle_rss_mb = rss_kb(pid, "VmRSS:") as f64 / 1024.0;

    // N members, each with a socket that records when each version arrives.
    let ws_base = the_box.url.replacen("http://", "ws://", 1);
    let arrivals: Arrivals = Arc::new(Mutex::new(vec![Vec::new(); clients]));
    let mut ready = Vec::new();
    for i in 0..clients {
        let uid = api.guest(&format!("Guest {i}")).await;
        api.post("/rooms/join", Some(&uid), json!({ "code": code }))
            .await;
        let url = format!("{ws_base}/rooms/{code}/ws");
        let (socket, _) = tokio_tungstenite::connect_async(common::ws_request(&url, &uid))
            .await
            .expect("socket opens");
        let arrivals = arrivals.clone();
        let (tx, rx) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let (_, mut stream) = socket.split();
            let mut tx = Some(tx);
            while let Some(Ok(message)) = stream.next().await {
                if let Message::Text(text) = message
                    && let Some(version) = frame_version(&text)
                {
                    let now = Instant::now();
                    arrivals.lock().unwrap()[i].push((version, now));
                    if let Some(tx) = tx.take() {
                        let _ = tx.send(());
                    }
                }
            }
        });
        ready.push(rx);
    }
    for rx in ready {
        rx.await.unwrap();
    }
    // Let presence updates for the joins settle.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let voter = api.guest("Voter").await;
    api.post("/rooms/join", Some(&voter), json!({ "code": code }))
        .await;
    let mut votes = Vec::new();
    for round in 0..VOTES {
        let item = &items[round % items.len()];
        let value = if (round / items.len()) % 2 == 0 {
            1
        } else {
            -1
        };
        let response = api
            .post(
                &format!("/votes/rooms/{code}/votes"),
                Some(&voter),
                json!({ "room_track_id": item, "value": value }),
            )
            .await;
        let answered = Instant::now();
        let version: i64 = response.headers()["x-room-version"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        votes.push((version, answered));
        tokio::time::sleep(VOTE_SPACING).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let rss_mb = rss_kb(pid, "VmRSS:") as f64 / 1024.0;

    let arrivals = arrivals.lock().unwrap();
    let mut delays = Vec::new();
    let mut missed = 0;
    for (version, answered) in &votes {
        for client in arrivals.iter() {
            match client.iter().find(|(v, _)| v >= version) {
                // A push can beat the HTTP answer to the voter: that is 0.
                Some((_, at)) => {
                    delays.push(at.saturating_duration_since(*answered).as_secs_f64() * 1e3)
                }
                None => missed += 1,
            }
        }
    }
    delays.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pick = |q: f64| delays[((delays.len() - 1) as f64 * q).round() as usize];
    Row {
        clients,
        samples: delays.len(),
        p50: pick(0.5),
        p99: pick(0.99),
        max: *delays.last().unwrap(),
        missed,
        rss_mb,
        idle_rss_mb,
    }
}

fn main() {
    let sizes: Vec<usize> = common::numbers(&[100, 500, 1000]);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let mut rows = Vec::new();
    for n in sizes {
        eprintln!("{n} clients...");
        rows.push(runtime.block_on(run(n)));
    }
    println!(
        "\nLive fan-out on loopback: one room, one voter, {VOTES} votes {} ms apart; delay from the vote's HTTP answer to each client holding the new state ({} cores, clients and box share them)\n",
        VOTE_SPACING.as_millis(),
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!(
        "| clients | deliveries | p50 ms | p99 ms | max ms | missed | box RSS MB (idle → with clients) |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for r in rows {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {} | {:.1} → {:.1} |",
            r.clients, r.samples, r.p50, r.p99, r.max, r.missed, r.idle_rss_mb, r.rss_mb
        );
    }
}
