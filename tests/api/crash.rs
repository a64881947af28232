//! Pulled plugs: members vote and add while the real binary is killed at
//! random moments, many times over, on the same file: by SIGKILL (the page
//! cache survives), and by a power cut (the disk loses every write that was
//! not fsynced: `lossy_disk`). Every write the box acknowledged (a 2xx) must
//! be there after each cut, the tallies must agree with the votes, and
//! SQLite's integrity check must pass.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::RngExt;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Running, start_binary};
use crate::lossy_disk::LossyDisk;
use crate::skip::cannot_run;

/// Kill-and-restart rounds (bounded for CI; `CRASH_ROUNDS` for more).
const DEFAULT_ROUNDS: usize = 8;
const GUESTS: usize = 24;

/// What the box acknowledged: votes (user, item, value) and adds (track).
#[derive(Default)]
struct Acked {
    votes: Vec<(String, String, i64)>,
    adds: Vec<String>,
}

/// `Err` when the box is gone (the load stops), `Ok(None)` when it said no,
/// `Ok(Some(body))` when it acknowledged the write.
async fn call(
    client: &reqwest::Client,
    base: &str,
    user: &str,
    path: &str,
    body: Value,
) -> Result<Option<Value>, ()> {
    let res = client
        .post(format!("{base}{path}"))
        .header("X-User-ID", user)
        .json(&body)
        .send()
        .await
        .map_err(|_| ())?;
    if res.status() != StatusCode::OK && res.status() != StatusCode::CREATED {
        return Ok(None);
    }
    // A body cut off by the kill is no acknowledgement.
    res.json().await.map(Some).map_err(|_| ())
}

/// How the plug is pulled.
enum Plug {
    /// SIGKILL: the box dies; what it wrote is in the page cache.
    Process(tempfile::TempDir),
    /// The disk's power goes first, then the box.
    Power(LossyDisk),
}

impl Plug {
    /// Where the box keeps its file.
    fn box_db(&self) -> std::path::PathBuf {
        match self {
            Plug::Process(dir) => dir.path().join("crash.db"),
            Plug::Power(disk) => disk.mount.join("crash.db"),
        }
    }

    /// What is on the disk once the plug is pulled.
    fn disk_db(&self) -> std::path::PathBuf {
        match self {
            Plug::Process(dir) => dir.path().join("crash.db"),
            Plug::Power(disk) => disk.backing.join("crash.db"),
        }
    }

    async fn pull(&mut self, running: &mut Running) {
        if let Plug::Power(disk) = self {
            disk.cut_power();
        }
        running.child.start_kill().unwrap();
        running.child.wait().await.unwrap();
    }

    fn restore(&mut self) {
        if let Plug::Power(disk) = self {
            disk.power_on().unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_sigkill() {
    pulled_plugs(Plug::Process(tempfile::tempdir().unwrap()), "SIGKILL").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_writes_survive_a_power_cut() {
    match LossyDisk::mount() {
        Ok(disk) => pulled_plugs(Plug::Power(disk), "power cut").await,
        Err(why) => cannot_run("crash::acknowledged_writes_survive_a_power_cut", &why),
    }
}

async fn pulled_plugs(mut plug: Plug, what: &str) {
    let rounds = std::env::var("CRASH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let db = plug.box_db();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();

    // The party: a host, a room that takes many songs, guests.
    let mut running = start_binary(&db, &[("DT_NO_RATE_LIMITS", "1")]).await;
    let base = running.base.clone();
    let guest = |name: String| {
        let client = client.clone();
        let base = base.clone();
        async move {
            let res: Value = client
                .post(format!("{base}/auth/guest"))
                .json(&json!({ "display_name": name }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            res["user_id"].as_str().unwrap().to_string()
        }
    };
    let host = guest("Host".into()).await;
    let room = call(
        &client,
        &base,
        &host,
        "/rooms",
        json!({ "name": "Crash party" }),
    )
    .await
    .unwrap()
    .unwrap();
    let code = room["code"].as_str().unwrap().to_string();
    let room_id = room["id"].as_str().unwrap().to_string();
    client
        .patch(format!("{base}/rooms/{code}/settings"))
        .header("X-User-ID", &host)
        .json(&json!({ "readd_cooldown_minutes": 0, "fairness": false }))
        .send()
        .await
        .unwrap();
    let mut guests = Vec::new();
    for i in 0..GUESTS {
        let g = guest(format!("Guest {i}")).await;
        call(&client, &base, &g, "/rooms/join", json!({ "code": code }))
            .await
            .unwrap()
            .unwrap();
        guests.push(g);
    }
    // Distinct catalog tracks for the host to add, round after round.
    let mut tracks: Vec<String> = Vec::new();
    for q in [
        "love", "the", "you", "me", "night", "girl", "dance", "heart",
    ] {
        let hits: Vec<Value> = client
            .get(format!("{base}/tracks/search"))
            .query(&[("artist_or_title", q)])
            .header("X-User-ID", &host)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for t in hits {
            let id = t["id"].as_str().unwrap().to_string();
            if !tracks.contains(&id) {
                tracks.push(id);
            }
        }
    }
    let tracks = Arc::new(Mutex::new(tracks));
    // Each (guest, item) pair is voted once, ever: so an acknowledged vote
    // can only be found with its own value.
    let used: Arc<Mutex<HashSet<(usize, String)>>> = Arc::default();

    let mut checked = 0usize;
    let mut lost = Vec::new();
    for round in 0..rounds {
        let base = running.base.clone();
        let items: Vec<String> = client
            .get(format!("{base}/tracks/rooms/{code}/queue"))
            .header("X-User-ID", &host)
            .send()
            .await
            .unwrap()
            .json::<Vec<Value>>()
            .await
            .unwrap()
            .iter()
            .map(|i| i["room_track_id"].as_str().unwrap().to_string())
            .collect();
        let acked = Arc::new(Mutex::new(Acked::default()));
        let mut load = Vec::new();
        // The host adds songs...
        {
            let (client, base, host, code, tracks, acked) = (
                client.clone(),
                base.clone(),
                host.clone(),
                code.clone(),
                tracks.clone(),
                acked.clone(),
            );
            load.push(tokio::spawn(async move {
                loop {
                    let Some(track) = tracks.lock().unwrap().pop() else {
                        break;
                    };
                    let path = format!("/tracks/rooms/{code}/tracks");
                    match call(&client, &base, &host, &path, json!({ "track_id": track })).await {
                        Ok(Some(_)) => acked.lock().unwrap().adds.push(track),
                        Ok(None) => {}
                        Err(()) => break,
                    }
                }
            }));
        }
        // ...while every guest votes on what is queued.
        for (g, user) in guests.iter().enumerate() {
            let (client, base, user, code, items, used, acked) = (
                client.clone(),
                base.clone(),
                user.clone(),
                code.clone(),
                items.clone(),
                used.clone(),
                acked.clone(),
            );
            load.push(tokio::spawn(async move {
                for item in items {
                    if !used.lock().unwrap().insert((g, item.clone())) {
                        continue;
                    }
                    let value = if rand::rng().random_bool(0.5) { 1 } else { -1 };
                    let path = format!("/votes/rooms/{code}/votes");
                    let body = json!({ "room_track_id": item, "value": value });
                    match call(&client, &base, &user, &path, body).await {
                        Ok(Some(_)) => {
                            acked
                                .lock()
                                .unwrap()
                                .votes
                                .push((user.clone(), item, value))
                        }
                        Ok(None) => {}
                        Err(()) => break,
                    }
                }
            }));
        }
        // Pull the plug at a random moment.
        let delay = rand::rng().random_range(150..700);
        tokio::time::sleep(Duration::from_millis(delay)).await;
        plug.pull(&mut running).await;
        for task in load {
            let _ = task.await;
        }

        // What the file holds, as a phone would find it after the restart.
        let acked = std::mem::take(&mut *acked.lock().unwrap());
        {
            let conn = rusqlite::Connection::open(plug.disk_db()).unwrap();
            let integrity: String = conn
                .query_row("PRAGMA integrity_check", [], |r| r.get(0))
                .unwrap();
            assert_eq!(integrity, "ok", "round {round}");
            let mut vote = conn
                .prepare("SELECT value FROM votes WHERE user_id = ?1 AND room_track_id = ?2")
                .unwrap();
            for (user, item, value) in &acked.votes {
                let stored: Option<i64> = vote.query_row([user, item], |r| r.get(0)).ok();
                if stored != Some(*value) {
                    lost.push(format!(
                        "vote {value} by {user} on {item}: found {stored:?}"
                    ));
                }
            }
            let mut add = conn
                .prepare("SELECT 1 FROM room_tracks WHERE room_id = ?1 AND track_id = ?2")
                .unwrap();
            for track in &acked.adds {
                if !add.exists([&room_id, track]).unwrap() {
                    lost.push(format!("add of {track}"));
                }
            }
            // Nothing half-written: every tally agrees with its votes.
            let disagreeing: i64 = conn
                .query_row(
                    "SELECT count(*) FROM room_tracks rt
                     WHERE rt.votes != (SELECT coalesce(sum(value * counted), 0)
                                        FROM votes v WHERE v.room_track_id = rt.id)",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(disagreeing, 0, "round {round}: tallies disagree with votes");
        }
        checked += acked.votes.len() + acked.adds.len();
        plug.restore();
        running = start_binary(&db, &[("DT_NO_RATE_LIMITS", "1")]).await;
        let health = client
            .get(format!("{}/health", running.base))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), StatusCode::OK);
    }
    running.child.start_kill().unwrap();
    println!(
        "crash test ({what}): {rounds} rounds, {checked} acknowledged writes checked, {} lost",
        lost.len()
    );
    assert!(
        checked > rounds * 10,
        "the load did little: {checked} writes"
    );
    assert!(lost.is_empty(), "acknowledged writes lost: {lost:#?}");
}
