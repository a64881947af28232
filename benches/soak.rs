//! Soak (a benchmark, not a test): 200 guests on live sockets, voting and
//! adding for ten minutes, with 5% of the sockets dropping and reconnecting
//! every minute. Prints RSS at start and end, HTTP latency, errors and lost
//! writes (every acknowledged write checked in the SQLite file at the end).
//!
//! Runs the release binary as its own process, rate limits on, mDNS off, on
//! 127.0.0.1.
//!   cargo bench --bench soak              (600 s)
//!   cargo bench --bench soak -- 60        (a quick one)

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use rand::RngExt;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

use common::{Api, rss_kb, start_box};

const GUESTS: usize = 200;
const DROP_SHARE: f64 = 0.05;

#[derive(Default)]
struct Tally {
    latencies_ms: Vec<f64>,
    errors: usize,
    refused: usize,
    reconnects: usize,
    /// The last acknowledged vote per (guest, item): each guest has one
    /// request in flight at a time, so it is what the file must hold.
    votes: HashMap<(String, String), i64>,
    adds: Vec<String>,
}

fn main() {
    let seconds: u64 = common::numbers(&[600])[0];
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(soak(Duration::from_secs(seconds)));
}

async fn soak(duration: Duration) {
    let the_box = start_box(true).await;
    let pid = the_box.pid;
    let api = Api {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .build()
            .unwrap(),
        base: the_box.url.clone(),
    };
    let host = api.guest("Host").await;
    let code = api.room(&host, "Soak").await;
    api.http
        .patch(format!("{}/rooms/{code}/settings", api.base))
        .header("x-user-id", &host)
        .json(&json!({ "readd_cooldown_minutes": 0, "max_queued_per_guest": 50 }))
        .send()
        .await
        .unwrap();
    // The catalog's tracks, for guests to add.
    let mut tracks = Vec::new();
    for q in ["a", "e", "i", "o", "u", "love", "night", "the"] {
        let hits = api.search(&host, q).await;
        tracks.extend(hits.iter().map(|t| t["id"].as_str().unwrap().to_string()));
    }
    tracks.sort();
    tracks.dedup();
    let tracks = Arc::new(tracks);

    let mut guests = Vec::new();
    for i in 0..GUESTS {
        let g = api.guest(&format!("Guest {i}")).await;
        api.post("/rooms/join", Some(&g), json!({ "code": code }))
            .await;
        guests.push(g);
    }
    let tally: Arc<Mutex<Tally>> = Arc::default();
    let started = Instant::now();
    let deadline = started + duration;
    // Warm: everyone connected, then the first reading.
    let mut tasks = Vec::new();
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<()>(GUESTS);
    for (i, guest) in guests.iter().enumerate() {
        let (guest, code, base, http, tally, tracks, ready) = (
            guest.clone(),
            code.clone(),
            api.base.clone(),
            api.http.clone(),
            tally.clone(),
            tracks.clone(),
            ready_tx.clone(),
        );
        tasks.push(tokio::spawn(async move {
            guest_loop(i, guest, code, base, http, tally, tracks, deadline, ready).await
        }));
    }
    for _ in 0..GUESTS {
        ready_rx.recv().await;
    }
    // Songs play: the host advances every few seconds, so the queue holds
    // steady as at a real party (and memory has no reason to grow).
    let player = {
        let (http, base, host, code) = (
            api.http.clone(),
            api.base.clone(),
            host.clone(),
            code.clone(),
        );
        tokio::spawn(async move {
            while Instant::now() < deadline {
                tokio::time::sleep(Duration::from_secs(3)).await;
                let _ = http
                    .post(format!("{base}/rooms/{code}/advance"))
                    .header("x-user-id", &host)
                    .send()
                    .await;
            }
        })
    };
    // Memory once warm: everyone connected, the queue filled.
    tokio::time::sleep((duration / 5).min(Duration::from_secs(60))).await;
    let rss_start = rss_kb(pid, "VmRSS:");
    for task in tasks {
        task.await.unwrap();
    }
    player.await.unwrap();
    let rss_end = rss_kb(pid, "VmRSS:");
    let peak = rss_kb(pid, "VmHWM:");

    // Every acknowledged write, in the file.
    let tally = std::mem::take(&mut *tally.lock().unwrap());
    let conn = rusqlite::Connection::open(the_box.dir.path().join("bench.db")).unwrap();
    let mut lost = 0;
    let mut vote = conn
        .prepare("SELECT value FROM votes WHERE user_id = ?1 AND room_track_id = ?2")
        .unwrap();
    for ((user, item), value) in &tally.votes {
        if vote.query_row([user, item], |r| r.get::<_, i64>(0)).ok() != Some(*value) {
            lost += 1;
        }
    }
    let mut add = conn
        .prepare("SELECT 1 FROM room_tracks rt JOIN rooms r ON r.id = rt.room_id WHERE r.code = ?1 AND rt.track_id = ?2")
        .unwrap();
    for track in &tally.adds {
        if !add.exists([&code, track]).unwrap() {
            lost += 1;
        }
    }

    let mut l = tally.latencies_ms.clone();
    l.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        l.get(((l.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let growth = (rss_end as f64 / rss_start.max(1) as f64 - 1.0) * 100.0;
    println!();
    println!(
        "Soak: {GUESTS} guests on live sockets for {} s, {}% of sockets reconnecting every minute, a song every 3 s (loopback, {} cores); RSS start = once warm",
        duration.as_secs(),
        (DROP_SHARE * 100.0) as u32,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!();
    println!(
        "| requests | p50 ms | p99 ms | max ms | errors | refused (4xx) | reconnects | writes checked | lost | RSS start MB | RSS end MB | growth | peak MB |"
    );
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {} | {:.2} | {:.2} | {:.2} | {} | {} | {} | {} | {} | {:.1} | {:.1} | {:+.1}% | {:.1} |",
        l.len(),
        pct(0.5),
        pct(0.99),
        l.last().copied().unwrap_or(0.0),
        tally.errors,
        tally.refused,
        tally.reconnects,
        tally.votes.len() + tally.adds.len(),
        lost,
        rss_start as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        growth,
        peak as f64 / 1024.0,
    );
}

#[allow(clippy::too_many_arguments)]
async fn guest_loop(
    index: usize,
    guest: String,
    code: String,
    base: String,
    http: reqwest::Client,
    tally: Arc<Mutex<Tally>>,
    tracks: Arc<Vec<String>>,
    deadline: Instant,
    ready: tokio::sync::mpsc::Sender<()>,
) {
    let ws_url = format!("{}/rooms/{code}/ws", base.replace("http://", "ws://"));
    let connect = || async {
        let mut request = ws_url.as_str().into_client_request().unwrap();
        request
            .headers_mut()
            .insert("x-user-id", guest.parse().unwrap());
        tokio_tungstenite::connect_async(request)
            .await
            .map(|(s, _)| s)
    };
    let mut socket = connect().await.ok();
    let _ = ready.send(()).await;
    // The queue as this phone last saw it, from its socket (read at most
    // once a second: parsing every frame would make this bench measure
    // itself).
    let mut items: Vec<String> = Vec::new();
    let mut last_read = Instant::now() - Duration::from_secs(10);
    // Stagger the guests, then act every 1-3 s.
    let mut next_action = Instant::now() + Duration::from_millis(rand::rng().random_range(0..3000));
    let mut next_drop_check = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let wake = next_action.min(deadline);
        tokio::select! {
            frame = async {
                match socket.as_mut() {
                    Some(s) => s.next().await,
                    None => std::future::pending().await,
                }
            } => {
                match frame {
                    Some(Ok(tokio_tungstenite::tungstenite::Message::Text(text))) => {
                        if last_read.elapsed() < Duration::from_secs(1) {
                            continue;
                        }
                        last_read = Instant::now();
                        if let Ok(frame) = serde_json::from_str::<Value>(&text)
                            && let Some(queue) = frame["queue"].as_array()
                        {
                            items = queue
                                .iter()
                                .filter_map(|i| i["room_track_id"].as_str().map(str::to_string))
                                .collect();
                        }
                    }
                    Some(Ok(_)) => {}
                    _ => {
                        // Dropped by the network (or the box): come back.
                        socket = connect().await.ok();
                        tally.lock().unwrap().reconnects += 1;
                    }
                }
            }
            () = tokio::time::sleep_until(wake.into()) => {
                if Instant::now() >= deadline {
                    break;
                }
                // 5% of phones lose Wi-Fi each minute: the socket goes, then
                // comes back.
                if Instant::now() >= next_drop_check {
                    next_drop_check += Duration::from_secs(60);
                    if rand::rng().random_bool(DROP_SHARE) {
                        drop(socket.take());
                        let away = Duration::from_millis(rand::rng().random_range(100..2000));
                        tokio::time::sleep(away).await;
                        socket = connect().await.ok();
                        tally.lock().unwrap().reconnects += 1;
                    }
                }
                act(index, &guest, &code, &base, &http, &tally, &tracks, &items).await;
                next_action = Instant::now() + Duration::from_millis(rand::rng().random_range(1000..3000));
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn act(
    index: usize,
    guest: &str,
    code: &str,
    base: &str,
    http: &reqwest::Client,
    tally: &Mutex<Tally>,
    tracks: &[String],
    items: &[String],
) {
    let add = items.len() < 10 || rand::rng().random_bool(0.08);
    let (path, body, vote) = if add {
        let track = &tracks[(index * 7 + rand::rng().random_range(0..tracks.len())) % tracks.len()];
        (
            format!("/tracks/rooms/{code}/tracks"),
            json!({ "track_id": track }),
            None,
        )
    } else {
        let item = &items[rand::rng().random_range(0..items.len())];
        let value = if rand::rng().random_bool(0.7) { 1 } else { -1 };
        (
            format!("/votes/rooms/{code}/votes"),
            json!({ "room_track_id": item, "value": value }),
            Some((item.clone(), value)),
        )
    };
    let sent = Instant::now();
    let res = http
        .post(format!("{base}{path}"))
        .header("x-user-id", guest)
        .json(&body)
        .send()
        .await;
    let ms = sent.elapsed().as_secs_f64() * 1000.0;
    let mut t = tally.lock().unwrap();
    t.latencies_ms.push(ms);
    match res {
        Ok(r) if r.status().is_success() => match vote {
            Some((item, value)) => {
                t.votes.insert((guest.to_string(), item), value);
            }
            None => t.adds.push(body["track_id"].as_str().unwrap().to_string()),
        },
        // A song that just started playing, a limit: the box said no.
        Ok(r) if r.status().is_client_error() => t.refused += 1,
        _ => t.errors += 1,
    }
}
