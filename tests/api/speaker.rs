//! The box's own speaker (--speaker), on a device that records what it
//! plays (ALSA's `file` plugin: no sound card needed), and without a device
//! at all.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::library::{music_folder, scanned};
use crate::sound::{CaptureDevice, sounding_parts_rms_db};

#[tokio::test]
async fn the_speaker_plays_the_party_and_moves_it_on_with_no_page_open() {
    let music = music_folder();
    let device = CaptureDevice::new();
    let mut running = start_binary(
        &device.home.path().join("party.db"),
        &device.env(music.path()),
    )
    .await;
    let app = TestApp::of_binary(&running);
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    let code = app.bare_room(&host).await;
    // The first song starts by itself.
    app.add(&host, &code, "sunrise").await;
    app.add(&host, &code, "flac attack").await;
    assert_eq!(app.now_playing(&host, &code).await["title"], "Sunrise Test");

    // The 1.5-second track plays out on the device and the box moves on.
    wait_until(Duration::from_secs(6), "Flac Attack", || async {
        (app.now_playing(&host, &code).await["title"] == "Flac Attack").then_some(())
    })
    .await;

    // Paused, it stays paused: nothing moves on while the host holds it.
    app.pause(&host, &code).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(app.now_playing(&host, &code).await["title"], "Flac Attack");
    app.post(
        &format!("/rooms/{code}/now-playing/resume"),
        Some(&host),
        json!(null),
    )
    .await;
    // Then it plays out, and the auto-DJ takes over.
    wait_until(Duration::from_secs(6), "an auto-DJ pick", || async {
        (app.now_playing(&host, &code).await["auto_dj"] == true).then_some(())
    })
    .await;

    // The songs reached the device as sound (the room's clock alone would
    // have moved on just the same, with nothing written).
    let pid = running.child.id().unwrap();
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    running.child.wait().await.unwrap();
    let parts = sounding_parts_rms_db(&device.wav);
    assert!(
        !parts.is_empty() && parts.iter().all(|db| *db > -40.0),
        "what the speaker played, by sounding part (dBFS): {parts:?}"
    );
}

#[tokio::test]
async fn a_missing_sound_device_is_reported_and_the_box_serves_on() {
    let dir = tempfile::tempdir().unwrap();
    let running = start_binary(
        &dir.path().join("party.db"),
        &[("DT_SPEAKER", "1"), ("DT_SPEAKER_DEVICE", "no-such-card")],
    )
    .await;
    let line = wait_until(Duration::from_secs(10), "the speaker's error", || async {
        running
            .log
            .lock()
            .unwrap()
            .iter()
            .find(|l| l.contains("--speaker:"))
            .cloned()
    })
    .await;
    assert!(line.contains("ERROR"), "{line}");
    assert!(
        line.contains("no sound device named \"no-such-card\""),
        "{line}"
    );
    assert!(line.contains("keeps serving"), "{line}");
    let health: Value = reqwest::get(format!("{}/health", running.base))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health, json!({"ok": true}));
}
