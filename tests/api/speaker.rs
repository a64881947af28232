//! The box's own speaker (--speaker), on ALSA's null device (it takes the
//! sound and discards it, so no sound card is needed), and without a
//! device at all.

use std::time::Duration;

use serde_json::{Value, json};

use crate::helpers::*;
use crate::library::{music_folder, scanned};

#[tokio::test]
async fn the_speaker_plays_the_party_and_moves_it_on_with_no_page_open() {
    let music = music_folder();
    let dir = music.path().to_path_buf();
    let app = spawn_app_configured(move |c| {
        c.music = vec![dir];
        c.speaker = true;
        c.speaker_device = Some("null".into());
    })
    .await;
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
