//! A full disk and a read-only one: the box answers writes with 503 and a
//! `detail`, keeps serving reads, and recovers by itself when space (or
//! write access) returns. The read-only disk is `lossy_disk`'s. The database
//! lives on a small tmpfs the test mounts (root only; see `support/skip.rs`
//! for what happens elsewhere).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;
use crate::lossy_disk::LossyDisk;
use crate::skip::cannot_run;

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

/// Writes zeros until the file system says it is full.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let _ = file.flush();
}

#[tokio::test]
async fn a_full_disk_is_a_503_reads_go_on_and_the_box_recovers() {
    let dir = tempfile::tempdir().unwrap();
    let Some(_tmpfs) = Tmpfs::mount(dir.path(), "8m") else {
        cannot_run(
            "disk_full::a_full_disk_is_a_503_reads_go_on_and_the_box_recovers",
            "cannot mount a tmpfs here (needs root)",
        );
        return;
    };
    let app = spawn_app_on(&dir.path().join("party.db")).await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    app.add(&host, &code, "superstition").await;

    let filler = dir.path().join("filler");
    fill(&filler);
    // Writes now fail once SQLite needs a page it cannot have.
    let mut refused = None;
    for i in 0..2000 {
        let res = app
            .post(
                "/auth/guest",
                None,
                json!({ "display_name": format!("Guest {i}") }),
            )
            .await;
        match res.status() {
            StatusCode::CREATED => continue,
            status => {
                refused = Some((status, res.text().await.unwrap()));
                break;
            }
        }
    }
    let (status, body) = refused.expect("a write is refused on a full disk");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("detail"), "{body}");
    // Reads go on.
    assert_eq!(app.queue(&host, &code).await.len(), 1);
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);

    // Space returns: so do writes, with nothing to restart.
    std::fs::remove_file(&filler).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let res = app
            .post("/auth/guest", None, json!({ "display_name": "Back" }))
            .await;
        if res.status() == StatusCode::CREATED {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the box did not recover: {}",
            res.status()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let queue = app.add(&host, &code, "bohemian rhapsody").await;
    assert_eq!(queue.len(), 2);
    app.stop().await;
}

#[tokio::test]
async fn a_read_only_disk_is_a_503_reads_go_on_and_the_box_recovers() {
    let disk = match LossyDisk::mount() {
        Ok(disk) => disk,
        Err(why) => {
            return cannot_run(
                "disk_full::a_read_only_disk_is_a_503_reads_go_on_and_the_box_recovers",
                &why,
            );
        }
    };
    let app = spawn_app_on(&disk.mount.join("party.db")).await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let queue = app.add(&host, &code, "superstition").await;
    let track = app.track_id(&host, "bohemian rhapsody").await;

    // The kernel remounts the disk read-only (after an error, say).
    disk.read_only(true);
    let add_path = format!("/tracks/rooms/{code}/tracks");
    let add = || app.post(&add_path, Some(&host), json!({ "track_id": track }));
    let detail = assert_error(add().await, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(detail.contains("read-only"), "{detail}");
    let res = app
        .post("/auth/guest", None, json!({ "display_name": "Late" }))
        .await;
    assert_error(res, StatusCode::SERVICE_UNAVAILABLE).await;
    // Reads go on, and show nothing half-done.
    assert_eq!(app.queue(&host, &code).await, queue);
    assert!(!app.search(&host, "bohemian").await.is_empty());
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);

    // Writable again: so is the box, with nothing to restart.
    disk.read_only(false);
    let res = add().await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.queue(&host, &code).await.len(), 2);
    app.stop().await;
}
