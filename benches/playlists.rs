//! Playlist benchmark (not a test): how long the host waits for a playlist
//! to load into a party (read, every entry matched against the whole
//! catalog, kept in one write), through the real box (release build, HTTP
//! on loopback), on a generated music library of 10,000 files: entries
//! found by their relative path, by a path written on another computer
//! (its last folders), by tags alone (EXTINF), and by an XSPF's title and
//! creator; then a curated party's search. Prints a table: entries, found,
//! and the load's p50 and max in ms over 10 loads (each into a party of
//! its own).
//!
//!   cargo bench --bench playlists [-- files entries]

mod common;

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{Api, generate, start_box_with};

const ROUNDS: usize = 10;

#[tokio::main]
async fn main() {
    let sizes = common::numbers(&[10_000, 500]);
    let (files, entries) = (sizes[0], sizes.get(1).copied().unwrap_or(500));
    let music = tempfile::tempdir().unwrap();
    generate(music.path(), files);
    let library = start_box_with(false, &[OsStr::new("--music"), music.path().as_os_str()]).await;
    let api = Api {
        http: reqwest::Client::new(),
        base: library.url.clone(),
    };
    let host = api.guest("Bench host").await;
    common::scanned(&api, &host, files).await;
    // Every (files / entries)-th file, so the list spans the library.
    let picks: Vec<usize> = (0..entries).map(|k| k * files / entries).collect();
    let path = |i: usize| {
        format!(
            "Artist {:03}/Album {:03}/{:02} Track {i}.mp3",
            i / 1000,
            i / 100,
            i % 100 + 1
        )
    };
    let relative: String = picks.iter().map(|&i| format!("../{}\n", path(i))).collect();
    let elsewhere: String = picks
        .iter()
        .map(|&i| format!("D:\\Rips\\{}\n", path(i).replace('/', "\\")))
        .collect();
    let tags: String = std::iter::once("#EXTM3U\n".to_string())
        .chain(picks.iter().map(|&i| {
            format!(
                "#EXTINF:2,Bench Artist {} - Generated Song {i}\nsong-{i}.mp3\n",
                i / 1000
            )
        }))
        .collect();
    let xspf = format!(
        "<?xml version=\"1.0\"?><playlist version=\"1\" xmlns=\"http://xspf.org/ns/0/\"><trackList>{}</trackList></playlist>",
        picks
            .iter()
            .map(|&i| format!("<track><title>Generated Song {i}</title><creator>Bench Artist {}</creator></track>", i / 1000))
            .collect::<String>()
    );
    // A folder playlist reads relative paths from its own folder.
    std::fs::create_dir_all(music.path().join("Playlists")).unwrap();
    std::fs::write(music.path().join("Playlists/Bench.m3u8"), &relative).unwrap();

    let mut rows = Vec::new();
    for (kind, body) in [
        (
            "relative paths (folder file)",
            json!({ "file": "Playlists/Bench.m3u8" }),
        ),
        (
            "paths from another computer",
            json!({ "name": "Bench.m3u8", "content": elsewhere }),
        ),
        (
            "EXTINF artist - title",
            json!({ "name": "Bench.m3u8", "content": tags }),
        ),
        (
            "XSPF title + creator",
            json!({ "name": "Bench.xspf", "content": xspf }),
        ),
        (
            "relative paths, queued",
            json!({ "file": "Playlists/Bench.m3u8", "queue": true }),
        ),
    ] {
        let mut times = Vec::with_capacity(ROUNDS);
        let mut found = 0;
        for round in 0..ROUNDS {
            // A host has a few parties at most: one host a party.
            let host = api.guest(&format!("Host {round}")).await;
            let code = api.room(&host, &format!("Bench {round}")).await;
            let started = Instant::now();
            let loaded: Value = api
                .post(
                    &format!("/rooms/{code}/playlists"),
                    Some(&host),
                    body.clone(),
                )
                .await
                .json()
                .await
                .unwrap();
            times.push(started.elapsed());
            found = loaded["matched"].as_u64().unwrap_or(0);
        }
        times.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        rows.push(format!(
            "| {kind} | {entries} | {found} | {:.1} | {:.1} |",
            ms(times[ROUNDS / 2]),
            ms(times[ROUNDS - 1])
        ));
    }

    // A curated party: a guest's search keeps what the playlists list.
    let host = api.guest("Curator").await;
    let code = api.room(&host, "Curated").await;
    api.post(
        &format!("/rooms/{code}/playlists"),
        Some(&host),
        json!({ "file": "Playlists/Bench.m3u8" }),
    )
    .await;
    api.http
        .patch(format!("{}/rooms/{code}/settings", api.base))
        .header("x-user-id", &host)
        .json(&json!({ "guest_adds": "playlists" }))
        .send()
        .await
        .unwrap();
    let guest = api.guest("Bench guest").await;
    api.post("/rooms/join", Some(&guest), json!({ "code": code }))
        .await;
    let mut times = Vec::with_capacity(200);
    let mut hits = 0;
    for _ in 0..200 {
        let started = Instant::now();
        let answer = api
            .get(
                "/tracks/search",
                &guest,
                &[("artist_or_title", "generated song"), ("room", &code)],
            )
            .await;
        times.push(started.elapsed());
        hits = answer.as_array().map_or(0, Vec::len);
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;

    println!();
    println!(
        "Loading a playlist into a party, {files}-file library, {ROUNDS} loads each ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| entries found by | entries | found | p50 ms | max ms |");
    println!("|---|---:|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
    println!();
    println!(
        "A curated party's guest searching \"generated song\" (200 searches): {hits} hits, p50 {:.2} ms, p99 {:.2} ms",
        ms(times[100]),
        ms(times[198])
    );
}
