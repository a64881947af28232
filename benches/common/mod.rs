//! What the benchmarks share: the real box as its own process (release
//! build, mDNS off, loopback only) and its client, both the API tests' own
//! (`tests/api/helpers.rs`: one Rust client for tests and benchmarks);
//! memory readings; a generated music library.
#![allow(dead_code)]

#[path = "../../tests/api/helpers.rs"]
mod helpers;

#[allow(unused_imports, reason = "each benchmark uses some")]
pub use helpers::{Api, Running, start_binary_with, ws_request};

pub struct BoxProcess {
    pub running: Running,
    pub pid: u32,
    pub url: String,
    pub dir: tempfile::TempDir,
}

/// Starts the box; `limits`: keep the rate limits on (as at a party).
pub async fn start_box(limits: bool) -> BoxProcess {
    start_box_with(limits, &[]).await
}

/// Starts the box with extra flags (release build, mDNS off, loopback).
pub async fn start_box_with(limits: bool, args: &[&std::ffi::OsStr]) -> BoxProcess {
    let dir = tempfile::tempdir().unwrap();
    let limits = [("DT_NO_RATE_LIMITS", if limits { "0" } else { "1" })];
    let running = start_binary_with(&dir.path().join("bench.db"), args, &limits).await;
    assert!(
        running.base.starts_with("http://127.0.0.1:"),
        "loopback only"
    );
    BoxProcess {
        pid: running.child.id().expect("the box runs"),
        url: running.base.clone(),
        running,
        dir,
    }
}

/// The numbers given after `--` (`cargo bench --bench X -- 100 500`),
/// else `defaults`.
pub fn numbers<T: std::str::FromStr + Clone>(defaults: &[T]) -> Vec<T> {
    let given: Vec<T> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    if given.is_empty() {
        defaults.to_vec()
    } else {
        given
    }
}

/// Waits until the box's music folders are scanned and hold `tracks`.
pub async fn scanned(api: &Api, user: &str, tracks: usize) {
    loop {
        let status = api.get("/library", user, &[]).await;
        if status["scanning"] == false && status["tracks"] == tracks as i64 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// `rounds` searches with `params`, one at a time: the hits the last
/// answered, and the answer's p50 and p99 in ms.
pub async fn time_searches(
    api: &Api,
    user: &str,
    params: &[(&str, &str)],
    rounds: usize,
) -> (usize, f64, f64) {
    let mut times = Vec::with_capacity(rounds);
    let mut hits = 0;
    for _ in 0..rounds {
        let started = std::time::Instant::now();
        let answer: serde_json::Value = api.get("/tracks/search", user, params).await;
        times.push(started.elapsed());
        hits = answer.as_array().map_or(0, Vec::len);
    }
    times.sort();
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    (hits, ms(times[rounds / 2]), ms(times[rounds * 99 / 100]))
}

/// A field of /proc/<pid>/status, in kB (VmRSS, VmHWM).
pub fn rss_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

const FIXTURE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/music/sunrise.mp3"
);

/// Copies the fixture `n` times into album folders of 100, each copy with
/// its own tags.
pub fn generate(dir: &std::path::Path, n: usize) {
    use lofty::config::WriteOptions;
    use lofty::file::TaggedFileExt;
    use lofty::tag::{Accessor, TagExt};
    for i in 0..n {
        let album = dir.join(format!("Artist {:03}/Album {:03}", i / 1000, i / 100));
        std::fs::create_dir_all(&album).unwrap();
        let path = album.join(format!("{:02} Track {i}.mp3", i % 100 + 1));
        std::fs::copy(FIXTURE, &path).unwrap();
        let mut file = lofty::read_from_path(&path).unwrap();
        let tag = file.primary_tag_mut().unwrap();
        tag.set_title(format!("Generated Song {i}"));
        tag.set_artist(format!("Bench Artist {}", i / 1000));
        tag.set_album(format!("Bench Album {}", i / 100));
        tag.set_track((i % 100 + 1) as u32);
        tag.save_to_path(&path, WriteOptions::default()).unwrap();
    }
}

/// Prints the search timing table: `rows` from `time_searches`, `count`
/// searches each.
pub fn print_search_table(count: usize, rows: &[String]) {
    println!();
    println!(
        "Search, {count} searches each, one at a time ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();
    println!("| catalog | query | kind | hits | p50 ms | p99 ms |");
    println!("|---|---|---|---:|---:|---:|");
    for row in rows {
        println!("{row}");
    }
}
