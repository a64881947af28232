//! Music library scan benchmark (not a test): 10,000 generated, tagged mp3
//! files (the test fixture, each retagged with its own title, artist,
//! album and track number by lofty), scanned by the real box (release
//! build) cold, its loudness measured (the pass after the scan: each file
//! decoded whole, EBU R128), then rescanned with nothing changed. Prints a
//! table: files, seconds, files per second, and the box's peak RSS.
//!
//!   cargo bench --bench library_scan [-- files]

mod common;

use std::ffi::OsStr;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::{Api, generate, rss_kb, start_box_with};

#[tokio::main]
async fn main() {
    let files: usize = common::numbers(&[10_000])[0];
    let music = tempfile::tempdir().unwrap();
    let made = Instant::now();
    generate(music.path(), files);
    eprintln!(
        "generated {files} tagged files in {:.1} s",
        made.elapsed().as_secs_f64()
    );

    // Cold means from disk: drop the page cache when allowed (root).
    let dropped = std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok();
    let started = Instant::now();
    let boxed = start_box_with(false, &[OsStr::new("--music"), music.path().as_os_str()]).await;
    let pid = boxed.pid;
    let api = Api {
        http: reqwest::Client::new(),
        base: boxed.url.clone(),
    };
    let host = api.guest("Bench host").await;
    api.room(&host, "Bench").await;
    let cold = wait_for_scan(&api, &host, None).await;
    let cold_secs = started.elapsed().as_secs_f64();
    assert_eq!(cold["tracks"], files as i64, "{cold}");
    let cold_rss = rss_kb(pid, "VmHWM");

    // The loudness pass starts when the scan is done.
    let measuring = std::time::Instant::now();
    loop {
        let status = api.get("/library", &host, &[]).await;
        if status["loudness_pending"] == 0 && status["measuring"] == false {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let loudness_secs = measuring.elapsed().as_secs_f64();
    let loudness_rss = rss_kb(pid, "VmHWM");

    let asked = Instant::now();
    api.post("/library/rescan", Some(&host), json!({})).await;
    let again = wait_for_scan(&api, &host, cold["last_scan_at"].as_str()).await;
    let rescan_secs = asked.elapsed().as_secs_f64();
    assert_eq!(again["tracks"], files as i64);
    let peak = rss_kb(pid, "VmHWM");

    println!();
    println!(
        "Music library scan, {files} tagged mp3 files ({} cores; page cache {} before the cold scan)",
        num_cpus(),
        if dropped {
            "dropped"
        } else {
            "NOT dropped (not root)"
        }
    );
    println!();
    println!("| scan | files | seconds | files/s | box peak RSS MB |");
    println!("|---|---:|---:|---:|---:|");
    println!(
        "| cold (box start to scan done) | {files} | {cold_secs:.2} | {:.0} | {:.1} |",
        files as f64 / cold_secs,
        cold_rss as f64 / 1024.0
    );
    println!(
        "| loudness pass (after the cold scan) | {files} | {loudness_secs:.2} | {:.0} | {:.1} |",
        files as f64 / loudness_secs,
        loudness_rss as f64 / 1024.0
    );
    println!(
        "| rescan, nothing changed | {files} | {rescan_secs:.2} | {:.0} | {:.1} |",
        files as f64 / rescan_secs,
        peak as f64 / 1024.0
    );
}

/// Polls `GET /library` until a scan newer than `since` has finished.
async fn wait_for_scan(api: &Api, user: &str, since: Option<&str>) -> Value {
    loop {
        let status = api.get("/library", user, &[]).await;
        let done = status["scanning"] == false
            && status["last_scan_at"]
                .as_str()
                .is_some_and(|at| since.is_none_or(|s| at > s));
        if done {
            return status;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}
