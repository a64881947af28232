//! The MPD benchmark (not a test): a box playing through a real MPD
//! server (Debian's `mpd`, a `null` output) with a 10,000-song library.
//! How long a guest waits for search through the server (and, beside it,
//! for the same songs as the box's own music folder), how soon a song
//! added to a quiet room plays on the server, and how soon the box is back
//! after the server restarts. Prints a table.
//!
//!   cargo bench --bench mpd [-- songs]

mod common;

#[path = "../tests/api/mpd_server.rs"]
#[allow(dead_code)]
mod mpd_server;

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{Api, generate, start_box_with};
use mpd_server::MpdServer;

const SEARCHES: usize = 200;
const STARTS: usize = 20;
const RESTARTS: usize = 5;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let songs: usize = common::numbers(&[10_000])[0];
    let music = tempfile::tempdir().unwrap();
    generate(music.path(), songs);
    let mut mpd = MpdServer::start(music.path()).expect("Debian's mpd (scripts/test-deps)");
    let address = mpd.address();
    let mut rows = Vec::new();

    let on_mpd = start_box_with(false, &[OsStr::new("--mpd"), OsStr::new(&address)]).await;
    let api = Api {
        http: reqwest::Client::new(),
        base: on_mpd.url.clone(),
    };
    let host = api.guest("Bench host").await;
    wait_for_link(&api).await;
    let label = format!("MPD ({songs})");
    for (kind, query, page) in [
        ("one hit", "generated song 4242", "0"),
        ("50 of many", "bench artist", "0"),
        ("page 6 of many", "bench artist", "5"),
        ("nothing", "qxzvkwj", "0"),
    ] {
        rows.push(search(&api, &host, &label, kind, query, page).await);
    }

    // The same songs as the box's own folder, for comparison.
    let own = start_box_with(false, &[OsStr::new("--music"), music.path().as_os_str()]).await;
    let own_api = Api {
        http: reqwest::Client::new(),
        base: own.url.clone(),
    };
    let own_host = own_api.guest("Bench host").await;
    common::scanned(&own_api, &own_host, songs).await;
    let own_label = format!("music folder ({songs})");
    for (kind, query, page) in [
        ("one hit", "generated song 4242", "0"),
        ("50 of many", "bench artist", "0"),
        ("page 6 of many", "bench artist", "5"),
        ("nothing", "qxzvkwj", "0"),
    ] {
        rows.push(search(&own_api, &own_host, &own_label, kind, query, page).await);
    }
    drop(own);

    common::print_search_table(SEARCHES, &rows);

    // A quiet room: the time from the add's answer to the server playing
    // the song (the room starts it at once; the box's player places it).
    let server = mpd.client();
    let mut starts = Vec::new();
    for i in 0..STARTS {
        let code = api.room(&host, &format!("Start {i}")).await;
        let hit = &api
            .search(&host, &format!("generated song {}", 100 + i))
            .await[0];
        let file = hit_file(&server, hit["title"].as_str().unwrap());
        let added = Instant::now();
        let res = api
            .post(
                &format!("/tracks/rooms/{code}/tracks"),
                Some(&host),
                json!({ "track_id": hit["id"] }),
            )
            .await;
        assert!(res.status().is_success());
        loop {
            if server.field("currentsong", "file").as_deref() == Some(file.as_str())
                && server.field("status", "state").as_deref() == Some("play")
            {
                break;
            }
            assert!(added.elapsed() < Duration::from_secs(10), "never played");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        starts.push(added.elapsed());
        let res = api
            .post(&format!("/rooms/{code}/advance"), Some(&host), json!(null))
            .await;
        assert!(res.status().is_success());
    }

    // The server restarts: the time from it listening again to the box's
    // link up (the box retries with backoff from 0.5 s).
    let mut backs = Vec::new();
    for _ in 0..RESTARTS {
        mpd.kill();
        loop {
            if link(&api).await["connected"] == false {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        mpd.restart();
        let listening = Instant::now();
        wait_for_link(&api).await;
        backs.push(listening.elapsed());
    }

    println!();
    println!("| on the MPD server | rounds | p50 ms | max ms |");
    println!("|---|---:|---:|---:|");
    for (what, mut times) in [
        ("added to a quiet room → playing on the server", starts),
        ("server back after 1 s down → box connected", backs),
    ] {
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "| {what} | {} | {:.0} | {:.0} |",
            times.len(),
            ms(times[times.len() / 2]),
            ms(*times.last().unwrap())
        );
    }
}

async fn link(api: &Api) -> Value {
    let info: Value = api
        .http
        .get(format!("{}/box", api.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    info["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "mpd")
        .cloned()
        .unwrap()
}

async fn wait_for_link(api: &Api) {
    let started = Instant::now();
    while link(api).await["connected"] != true {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "no link to mpd"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// The server's file for the song titled `title`.
fn hit_file(server: &mpd_server::MpdClient, title: &str) -> String {
    server
        .field(&format!("find title \"{title}\""), "file")
        .expect("the song on the server")
}

async fn search(
    api: &Api,
    user: &str,
    catalog: &str,
    kind: &str,
    query: &str,
    page: &str,
) -> String {
    let params = [("artist_or_title", query), ("page", page)];
    let (hits, p50, p99) = common::time_searches(api, user, &params, SEARCHES).await;
    format!("| {catalog} | {query} (page {page}) | {kind} | {hits} | {p50:.2} | {p99:.2} |")
}
