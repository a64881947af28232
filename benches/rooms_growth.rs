//! Growth benchmark (not a test): parties made and abandoned, then the
//! box's memory and database. Each party: a host makes it, a guest joins,
//! both look at it, nobody comes back. With idle rooms let go (the box's
//! rule, after 12 h; here after 1 s) memory stays flat; kept, it grows.
//!
//! Runs the release binary as its own process, mDNS off, on 127.0.0.1.
//!   cargo bench --bench rooms_growth            (2,000 and 10,000 rooms)
//!   cargo bench --bench rooms_growth -- 500 1000

mod common;

use std::time::Duration;

use futures_util::{StreamExt, stream};
use serde_json::json;

use common::{Api, BoxProcess, rss_kb, start_box_with};

/// Parties made at once (clients on loopback).
const CONCURRENCY: usize = 16;

async fn abandon_parties(api: &Api, n: usize) {
    stream::iter(0..n)
        .for_each_concurrent(CONCURRENCY, |i| async move {
            let host = api.guest(&format!("Host {i}")).await;
            let code = api.room(&host, "Abandoned").await;
            let guest = api.guest(&format!("Guest {i}")).await;
            api.post("/rooms/join", Some(&guest), json!({ "code": code }))
                .await;
            api.get(&format!("/rooms/{code}"), &guest, &[]).await;
            api.get(&format!("/tracks/rooms/{code}/queue"), &host, &[])
                .await;
        })
        .await;
}

fn db_mb(b: &BoxProcess) -> f64 {
    ["bench.db", "bench.db-wal"]
        .iter()
        .filter_map(|f| std::fs::metadata(b.dir.path().join(f)).ok())
        .map(|m| m.len() as f64)
        .sum::<f64>()
        / 1e6
}

/// RSS (MB) and database size (MB) after each count of rooms.
async fn run(counts: &[usize], idle_secs: Option<u64>) -> Vec<(f64, f64)> {
    let idle = idle_secs.map(|s| s.to_string());
    let args: Vec<&std::ffi::OsStr> = match &idle {
        Some(s) => vec!["--room-idle-secs".as_ref(), s.as_ref()],
        None => Vec::new(),
    };
    let b = start_box_with(false, &args).await;
    let api = Api {
        http: reqwest::Client::new(),
        base: b.url.clone(),
    };
    let mut made = 0;
    let mut out = Vec::new();
    for &n in counts {
        abandon_parties(&api, n - made).await;
        made = n;
        // Two sweeps' time (the clock looks every second at this setting).
        tokio::time::sleep(Duration::from_secs(3)).await;
        out.push((rss_kb(b.pid, "VmRSS") as f64 / 1024.0, db_mb(&b)));
    }
    out
}

#[tokio::main]
async fn main() {
    let mut counts: Vec<usize> = common::numbers(&[2_000, 10_000]);
    counts.sort_unstable();
    let let_go = run(&counts, Some(1)).await;
    let kept = run(&counts, None).await;
    println!("| rooms made | RSS MB, idle rooms leave | RSS MB, kept | DB MB |");
    println!("|---:|---:|---:|---:|");
    for (i, n) in counts.iter().enumerate() {
        println!(
            "| {n} | {:.1} | {:.1} | {:.1} |",
            let_go[i].0, kept[i].0, let_go[i].1
        );
    }
}
