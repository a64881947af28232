//! The box playing through a real MPD server (`--mpd`): search, add,
//! auto-start, the end of a song, pause and seek, a song the server cannot
//! play, and the server killed and restarted mid-party.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::mpd_server::MpdServer;
use crate::skip::cannot_run;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/music");

/// MPD's music folder: the fixtures, and a 20-second song (sox) to kill
/// the server in the middle of.
pub fn mpd_music() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    tone(
        &dir.path().join("gone.flac"),
        "Gone Tomorrow",
        "Doomed Band",
        2,
    );
    tone(
        &dir.path().join("long.flac"),
        "Long Song",
        "The Fixtures",
        20,
    );
    dir
}

/// A tagged FLAC of a tone, `seconds` long (sox).
fn tone(path: &std::path::Path, title: &str, artist: &str, seconds: u32) {
    let made = std::process::Command::new("sox")
        .args(["-n", "-r", "22050", "-c", "1", "--comment"])
        .arg(format!("TITLE={title}"))
        .arg("--add-comment")
        .arg(format!("ARTIST={artist}"))
        .arg(path)
        .args(["synth", &seconds.to_string(), "sine", "440", "vol", "0.3"])
        .status()
        .unwrap();
    assert!(made.success());
}

async fn search_hit(app: &TestApp, user: &Guest, query: &str) -> Value {
    let hits = app.search(user, query).await;
    assert!(!hits.is_empty(), "nothing found for {query:?}");
    hits[0].clone()
}

async fn add_id(app: &TestApp, user: &Guest, code: &str, track_id: &str) {
    let res = app
        .post(
            &format!("/tracks/rooms/{code}/tracks"),
            Some(user),
            json!({ "track_id": track_id }),
        )
        .await;
    let status = res.status();
    assert_eq!(status, StatusCode::OK, "{}", res.text().await.unwrap());
}

async fn title_playing(app: &TestApp, user: &Guest, code: &str) -> String {
    app.now_playing(user, code).await["title"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn mpd_output(app: &TestApp) -> Value {
    let info: Value = app.get("/box", None).await.json().await.unwrap();
    info["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == "mpd")
        .cloned()
        .expect("an mpd output")
}

#[tokio::test]
async fn a_party_plays_through_a_real_mpd_server() {
    let music = mpd_music();
    let mut mpd = match MpdServer::start(music.path()) {
        Ok(mpd) => mpd,
        Err(why) => return cannot_run("mpd::a_party_plays_through_a_real_mpd_server", &why),
    };
    let dir = tempfile::tempdir().unwrap();
    let running = start_binary(&dir.path().join("party.db"), &[("DT_MPD", &mpd.address())]).await;
    let app = TestApp::of_binary(&running);
    let host = app.guest("Anto").await;
    let code = app.bare_room(&host).await;
    wait_until(Duration::from_secs(10), "the box to reach mpd", || async {
        (mpd_output(&app).await["connected"] == true).then_some(())
    })
    .await;

    // Search asks the server; its songs are tagged with their source.
    let sunrise = search_hit(&app, &host, "sunrise").await;
    assert_eq!(sunrise["title"], "Sunrise Test");
    assert_eq!(sunrise["artist"], "The Fixtures");
    assert_eq!(sunrise["source"], "mpd");
    assert_eq!(sunrise["playable"], true);
    // The built-in catalog's silent songs are not offered beside it.
    assert!(app.search(&host, "bohemian rhapsody").await.is_empty());
    let flac = search_hit(&app, &host, "flac attack").await;
    let gone = search_hit(&app, &host, "gone tomorrow").await;
    let aac = search_hit(&app, &host, "advanced audio").await;
    let long = search_hit(&app, &host, "long song").await;
    let vorbis = search_hit(&app, &host, "vorbis").await;
    assert_eq!(long["duration_ms"], 20_000);

    // The first song starts by itself, on the server.
    add_id(&app, &host, &code, sunrise["id"].as_str().unwrap()).await;
    add_id(&app, &host, &code, flac["id"].as_str().unwrap()).await;
    assert_eq!(title_playing(&app, &host, &code).await, "Sunrise Test");
    mpd.wait("mpd to play sunrise", |s| {
        s.field("currentsong", "file").as_deref() == Some("sunrise.mp3")
            && s.field("status", "state").as_deref() == Some("play")
    });
    // The next song waits on the server's queue, for a gapless change.
    mpd.wait("the next song queued on mpd", |s| {
        s.command("playlistinfo").contains("file: flac-attack.flac")
    });

    // The server plays it out, and the room moves on (once) to the next.
    wait_until(Duration::from_secs(8), "Flac Attack", || async {
        (title_playing(&app, &host, &code).await == "Flac Attack").then_some(())
    })
    .await;
    mpd.wait("mpd to play flac attack", |s| {
        s.field("currentsong", "file").as_deref() == Some("flac-attack.flac")
    });

    // The host pauses: the server pauses, and the song stays.
    app.pause(&host, &code).await;
    mpd.wait("mpd to pause", |s| {
        s.field("status", "state").as_deref() == Some("pause")
    });
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(title_playing(&app, &host, &code).await, "Flac Attack");
    // A song the server will not find, queued while paused.
    add_id(&app, &host, &code, gone["id"].as_str().unwrap()).await;
    add_id(&app, &host, &code, aac["id"].as_str().unwrap()).await;
    std::fs::remove_file(music.path().join("gone.flac")).unwrap();
    let resumed = app
        .post(
            &format!("/rooms/{code}/now-playing/resume"),
            Some(&host),
            json!(null),
        )
        .await;
    assert_eq!(resumed.status(), StatusCode::OK);
    mpd.wait("mpd to play again", |s| {
        s.field("status", "state").as_deref() == Some("play")
    });

    // The missing song is skipped, logged, and the room moves on to the
    // next.
    wait_until(Duration::from_secs(10), "Advanced Audio", || async {
        (title_playing(&app, &host, &code).await == "Advanced Audio").then_some(())
    })
    .await;
    let log = app.audit_log(&host, &code).await;
    let failed = log
        .iter()
        .find(|e| e["action"] == "could not play")
        .expect("the failure logged");
    assert_eq!(failed["target"], "Gone Tomorrow");
    assert!(
        failed["detail"].as_str().unwrap().contains("MPD server"),
        "{failed}"
    );

    // A long song: the host seeks in it, and the server follows.
    add_id(&app, &host, &code, long["id"].as_str().unwrap()).await;
    wait_until(Duration::from_secs(8), "Long Song", || async {
        (title_playing(&app, &host, &code).await == "Long Song").then_some(())
    })
    .await;
    let seek = app
        .post(
            &format!("/rooms/{code}/now-playing/seek"),
            Some(&host),
            json!({ "position_ms": 9_000 }),
        )
        .await;
    assert_eq!(seek.status(), StatusCode::OK);
    mpd.wait("mpd to seek", |s| {
        s.field("status", "elapsed")
            .and_then(|e| e.parse::<f64>().ok())
            .is_some_and(|e| (9.0..12.0).contains(&e))
    });

    // The server dies mid-song: the host's page says so, the party keeps
    // its queue.
    add_id(&app, &host, &code, vorbis["id"].as_str().unwrap()).await;
    mpd.kill();
    wait_until(Duration::from_secs(5), "the link down", || async {
        let out = mpd_output(&app).await;
        (out["connected"] == false && out["error"].is_string()).then_some(())
    })
    .await;
    assert_eq!(title_playing(&app, &host, &code).await, "Long Song");
    assert_eq!(app.queue(&host, &code).await.len(), 1);

    // Back: the box reconnects and puts the song back where the room is.
    tokio::time::sleep(Duration::from_secs(1)).await;
    mpd.restart();
    mpd.wait("mpd to play the long song again, where the room is", |s| {
        s.field("currentsong", "file").as_deref() == Some("long.flac")
            && s.field("status", "state").as_deref() == Some("play")
            && s.field("status", "elapsed")
                .and_then(|e| e.parse::<f64>().ok())
                .is_some_and(|e| e >= 10.0)
    });
    assert_eq!(mpd_output(&app).await["connected"], true);
    assert_eq!(title_playing(&app, &host, &code).await, "Long Song");
    assert_eq!(app.queue(&host, &code).await.len(), 1);
}
