//! The room as a player: ends reported by the host's player, pause, resume
//! and seek as room state, and the auto-DJ when the queue runs dry.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::library::{box_with_music, music_folder, scanned};

async fn ended(app: &TestApp, user: &Guest, code: &str, item: &str) -> reqwest::Response {
    app.post(
        &format!("/rooms/{code}/now-playing/ended"),
        Some(user),
        json!({ "room_track_id": item }),
    )
    .await
}

async fn transport(
    app: &TestApp,
    user: &Guest,
    code: &str,
    action: &str,
    body: Value,
) -> reqwest::Response {
    app.post(
        &format!("/rooms/{code}/now-playing/{action}"),
        Some(user),
        body,
    )
    .await
}

/// Milliseconds from the item's `started_at` to now.
fn position_ms(item: &Value) -> i64 {
    let started = time::OffsetDateTime::parse(
        item["started_at"].as_str().unwrap(),
        &time::format_description::well_known::Rfc3339,
    )
    .unwrap();
    ((time::OffsetDateTime::now_utc() - started).whole_milliseconds()) as i64
}

#[tokio::test]
async fn a_reported_end_moves_the_room_on_once() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    app.advance(&host, &code).await;
    let first = app.now_playing(&host, &code).await;
    assert_eq!(first["title"], "Bohemian Rhapsody");
    let first = first["room_track_id"].as_str().unwrap().to_string();

    // Guests' phones do not run the player.
    assert_error(
        ended(&app, &bea, &code, &first).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // Two host tabs report the same end: one advance.
    let (a, b) = tokio::join!(
        ended(&app, &host, &code, &first),
        ended(&app, &host, &code, &first)
    );
    assert_eq!((a.status(), b.status()), (StatusCode::OK, StatusCode::OK));
    let body: Value = a.json().await.unwrap();
    assert_eq!(body["now_playing"]["title"], "Dancing Queen");
    assert_eq!(
        app.now_playing(&host, &code).await["title"],
        "Dancing Queen"
    );
    // An end reported late (or for anything else) changes nothing.
    ended(&app, &host, &code, &first).await;
    ended(&app, &host, &code, "no-such-item").await;
    assert_eq!(
        app.now_playing(&host, &code).await["title"],
        "Dancing Queen"
    );

    // Past the end, without music: nothing plays (as the seed answers).
    let second = app.now_playing(&host, &code).await["room_track_id"]
        .as_str()
        .unwrap()
        .to_string();
    let body: Value = ended(&app, &host, &code, &second)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body, json!({"now_playing": null, "queue": []}));
}

#[tokio::test]
async fn pause_resume_and_seek_are_the_rooms_and_reach_every_phone() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    let code = app.room(&host).await;
    app.join(&bea, &code).await;
    assert_error(
        transport(&app, &host, &code, "pause", json!(null)).await,
        StatusCode::CONFLICT,
    )
    .await;
    app.add(&host, &code, "bohemian rhapsody").await;
    app.advance(&host, &code).await;
    let mut phone = connect(&app, &code, &bea).await;

    assert_error(
        transport(&app, &bea, &code, "pause", json!(null)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let paused: Value = transport(&app, &host, &code, "pause", json!(null))
        .await
        .json()
        .await
        .unwrap();
    let at = paused["paused_ms"].as_i64().expect("paused");
    assert!((0..2_000).contains(&at), "{at}");
    let frame = frame_where(&mut phone, |f| f["now_playing"]["paused_ms"].is_i64()).await;
    assert_eq!(frame["now_playing"]["paused_ms"], at);

    // Seeking while paused moves the paused position.
    let res = transport(&app, &host, &code, "seek", json!({"position_ms": 60_000})).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.now_playing(&bea, &code).await["paused_ms"], 60_000);
    for bad in [
        json!({"position_ms": -1}),
        json!({"position_ms": 99_999_999}),
        json!({"position_ms": "x"}),
    ] {
        assert_error(
            transport(&app, &host, &code, "seek", bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }

    // Resuming plays on from there: now - started_at is the position.
    let playing: Value = transport(&app, &host, &code, "resume", json!(null))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(playing["paused_ms"], Value::Null);
    let pos = position_ms(&playing);
    assert!((60_000..62_000).contains(&pos), "{pos}");
    frame_where(&mut phone, |f| f["now_playing"]["paused_ms"].is_null()).await;

    // Seeking while playing moves the start.
    let playing: Value = transport(&app, &host, &code, "seek", json!({"position_ms": 1_000}))
        .await
        .json()
        .await
        .unwrap();
    let pos = position_ms(&playing);
    assert!((1_000..3_000).contains(&pos), "{pos}");
}

#[tokio::test]
async fn the_auto_dj_fills_a_dry_queue_and_gives_way_to_guests() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    scanned(&app, &host, None).await;
    let code = app.room(&host).await;
    app.join(&bea, &code).await;
    app.add(&bea, &code, "sunrise").await;
    app.advance(&host, &code).await;
    let first = app.now_playing(&host, &code).await;
    assert_eq!(first["auto_dj"], false);

    // The queue is dry: the auto-DJ picks from the library, never the
    // track just heard, and marks it as its own.
    let body: Value = ended(&app, &host, &code, first["room_track_id"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    let pick = &body["now_playing"];
    assert_eq!(pick["auto_dj"], true, "{body}");
    assert_eq!(pick["added_by"], "Auto-DJ");
    assert_eq!(pick["has_audio"], true);
    assert_ne!(pick["track_id"], first["track_id"]);

    // A guest's song takes over at the next track.
    app.add(&bea, &code, "bohemian rhapsody").await;
    let body: Value = ended(&app, &host, &code, pick["room_track_id"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["now_playing"]["title"], "Bohemian Rhapsody");
    assert_eq!(body["now_playing"]["auto_dj"], false);

    // Auto-DJ picks are nobody's turn: Bea's next song is not held back
    // for the host, and Wrapped does not count them as the host's picks.
    let wrapped: Value = app
        .get(&format!("/rooms/{code}/wrapped"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = wrapped["top_contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["display_name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Bea"], "{wrapped}");
}

#[tokio::test]
async fn the_auto_dj_never_plays_a_track_twice_within_the_hour() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    let library = scanned(&app, &host, None).await["tracks"].as_i64().unwrap();
    let code = app.room(&host).await;
    app.add(&host, &code, "sunrise").await;
    app.advance(&host, &code).await;
    let mut heard = HashSet::new();
    let mut playing = app.now_playing(&host, &code).await;
    while !playing.is_null() {
        assert!(
            heard.insert(playing["track_id"].to_string()),
            "heard twice: {playing}"
        );
        let item = playing["room_track_id"].as_str().unwrap().to_string();
        let body: Value = ended(&app, &host, &code, &item).await.json().await.unwrap();
        playing = body["now_playing"].clone();
    }
    // Every track once, then silence rather than a repeat.
    assert_eq!(heard.len() as i64, library);
}
