//! What the benchmarks share: the real box as its own process (release
//! build, mDNS off, loopback only), a small API client, memory readings.
#![allow(dead_code)]

use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

pub struct BoxProcess {
    pub child: Child,
    pub url: String,
    pub dir: tempfile::TempDir,
}

impl Drop for BoxProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the box; `limits`: keep the rate limits on (as at a party).
pub async fn start_box(limits: bool) -> BoxProcess {
    start_box_with(limits, &[]).await
}

/// Starts the box with extra flags.
pub async fn start_box_with(limits: bool, args: &[&std::ffi::OsStr]) -> BoxProcess {
    let dir = tempfile::tempdir().unwrap();
    let port_file = dir.path().join("port");
    let mut child = Command::new(env!("CARGO_BIN_EXE_democratic-tunes"))
        .args(args)
        .args(["--bind", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("bench.db"))
        .arg("--port-file")
        .arg(&port_file)
        .env("DT_NO_MDNS", "1")
        .env("DT_NO_RATE_LIMITS", if limits { "0" } else { "1" })
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = tokio::process::ChildStderr::from_std(child.stderr.take().unwrap()).unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let url = format!("http://{}", address_from(&port_file).await);
    assert!(url.starts_with("http://127.0.0.1:"), "loopback only: {url}");
    // Keep draining the log so the box never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    BoxProcess { child, url, dir }
}

/// Where a box started with `--port-file PATH` listens, once it accepts
/// connections (it writes the file whole, ending in a newline).
pub async fn address_from(port_file: &std::path::Path) -> String {
    for _ in 0..600 {
        if let Ok(text) = std::fs::read_to_string(port_file)
            && text.ends_with('\n')
        {
            return text.trim().to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no box wrote {} within 30 s", port_file.display());
}

pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

impl Api {
    pub async fn post(&self, path: &str, uid: Option<&str>, body: Value) -> reqwest::Response {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(uid) = uid {
            request = request.header("x-user-id", uid);
        }
        let response = request.send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response
    }

    /// `GET path` (with `query`) as `user`: the JSON answer.
    pub async fn get(&self, path: &str, user: &str, query: &[(&str, &str)]) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .query(query)
            .header("x-user-id", user)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Catalog tracks matching `query` (best first), as `user` searches.
    pub async fn search(&self, user: &str, query: &str) -> Vec<Value> {
        let hits = self
            .get("/tracks/search", user, &[("artist_or_title", query)])
            .await;
        serde_json::from_value(hits).unwrap()
    }

    /// A new room hosted by `host`: its code.
    pub async fn room(&self, host: &str, name: &str) -> String {
        let room: Value = self
            .post("/rooms", Some(host), json!({ "name": name }))
            .await
            .json()
            .await
            .unwrap();
        room["code"].as_str().unwrap().to_string()
    }

    pub async fn guest(&self, name: &str) -> String {
        let guest: Value = self
            .post("/auth/guest", None, json!({ "display_name": name }))
            .await
            .json()
            .await
            .unwrap();
        guest["user_id"].as_str().unwrap().to_string()
    }
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

/// A WebSocket request for `url` as `uid` (the header, as a non-browser
/// client sends it; ids never go in URLs).
pub fn ws_request(
    url: &str,
    uid: &str,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("x-user-id", uid.parse().unwrap());
    request
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
