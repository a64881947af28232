//! The room as a player: ends reported by the host's player, pause, resume
//! and seek as room state, and the auto-DJ when the queue runs dry.

use std::time::Duration;

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
    let code = app.bare_room(&host).await;
    app.join(&bea, &code).await;
    assert_error(
        transport(&app, &host, &code, "pause", json!(null)).await,
        StatusCode::CONFLICT,
    )
    .await;
    app.add(&host, &code, "bohemian rhapsody").await;
    let mut phone = connect(&app, &code, &bea).await;

    let detail = assert_error(
        transport(&app, &bea, &code, "pause", json!(null)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(detail.contains("run the player"), "{detail}");
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

/// Ends the playing item as the host's player would; answers what plays now.
async fn play_out(app: &TestApp, host: &Guest, code: &str) -> Value {
    let playing = app.now_playing(host, code).await;
    let item = playing["room_track_id"].as_str().unwrap().to_string();
    let body: Value = ended(app, host, code, &item).await.json().await.unwrap();
    body["now_playing"].clone()
}

/// A box with the test music, scanned, and a quiet room hosted by Anto
/// that Bea joined (the music folder lives as long as its guard).
async fn music_party() -> (tempfile::TempDir, TestApp, Guest, Guest, String) {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    scanned(&app, &host, None).await;
    let code = app.bare_room(&host).await;
    app.join(&bea, &code).await;
    (music, app, host, bea, code)
}

#[tokio::test]
async fn the_auto_dj_fills_a_dry_queue_and_gives_way_to_guests() {
    let (_music, app, host, bea, code) = music_party().await;
    app.add(&bea, &code, "sunrise").await;
    let first = app.now_playing(&host, &code).await;
    assert_eq!(first["title"], "Sunrise Test");
    assert_eq!(first["auto_dj"], false);

    // The queue is dry: the auto-DJ picks from the library, never the
    // track just heard, and marks it as its own.
    let pick = play_out(&app, &host, &code).await;
    app.pause(&host, &code).await;
    assert_eq!(pick["auto_dj"], true, "{pick}");
    assert_eq!(pick["added_by"], "Auto-DJ");
    assert_eq!(pick["has_audio"], true);
    assert_eq!(pick["playable"], true);
    assert_ne!(pick["track_id"], first["track_id"]);

    // A guest's song takes over at the next track (one the auto-DJ did not
    // pick: adding the playing song changes nothing).
    let (query, title) = if pick["title"] == "Flac Attack" {
        ("vorbis vibes", "Vorbis Vibes")
    } else {
        ("flac attack", "Flac Attack")
    };
    app.add(&bea, &code, query).await;
    let next = play_out(&app, &host, &code).await;
    assert_eq!(next["title"], title);
    assert_eq!(next["auto_dj"], false);

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
async fn the_auto_dj_never_repeats_within_the_hour_then_plays_the_longest_rested() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    let library = scanned(&app, &host, None).await["tracks"].as_i64().unwrap();
    let code = app.bare_room(&host).await;
    app.add(&host, &code, "sunrise").await;
    let mut heard = Vec::new();
    let mut playing = app.now_playing(&host, &code).await;
    while heard.len() < library as usize {
        let id = playing["track_id"].as_str().unwrap().to_string();
        assert!(
            !heard.contains(&id),
            "heard twice within the hour: {playing}"
        );
        heard.push(id);
        playing = play_out(&app, &host, &code).await;
    }
    // Everything was heard within the hour: rather than going quiet, the
    // one heard longest ago plays again.
    assert_eq!(
        playing["track_id"].as_str(),
        Some(heard[0].as_str()),
        "{playing}"
    );
    assert_eq!(playing["auto_dj"], true);
}

#[tokio::test]
async fn the_auto_dj_passes_over_what_the_room_turned_down_tonight() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    let library = scanned(&app, &host, None).await["tracks"].as_i64().unwrap();
    let code = app.bare_room(&host).await;
    app.join(&bea, &code).await;
    // Sunrise plays (held); Bea adds Flac Attack and withdraws it; she adds
    // Vorbis Vibes and the host removes it; the room votes to skip Opus
    // Number One.
    app.add(&host, &code, "sunrise").await;
    app.pause(&host, &code).await;
    let queue = app.add(&bea, &code, "flac attack").await;
    let flac = item_id(&queue, "Flac Attack").to_string();
    let path = |id: &str| format!("/tracks/rooms/{code}/tracks/{id}");
    let res = app
        .send(reqwest::Method::DELETE, &path(&flac), Some(&bea), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let queue = app.add(&bea, &code, "ogg orchestra").await;
    let vorbis = item_id(&queue, "Vorbis Vibes").to_string();
    let res = app
        .send(reqwest::Method::DELETE, &path(&vorbis), Some(&host), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    app.add(&bea, &code, "opus").await;
    let opus = play_out(&app, &host, &code).await;
    assert_eq!(opus["title"], "Opus Number One");
    let skip: Value = app
        .post(
            &format!("/rooms/{code}/now-playing/skip"),
            Some(&bea),
            json!(null),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(skip["skipped"], true, "{skip}");

    // The auto-DJ plays what is left, then (everything heard or turned
    // down) the longest rested of what is left: never the three.
    let turned_down = ["Flac Attack", "Vorbis Vibes", "Opus Number One"];
    let mut playing = skip["now_playing"].clone();
    for _ in 0..(2 * library) {
        assert_eq!(playing["auto_dj"], true, "{playing}");
        let title = playing["title"].as_str().unwrap();
        assert!(!turned_down.contains(&title), "the auto-DJ played {title}");
        playing = play_out(&app, &host, &code).await;
    }
}

#[tokio::test]
async fn the_box_starts_the_music_by_itself() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    // The opener plays, Bohemian Rhapsody and Dancing Queen wait. The host
    // takes them all off: the room is quiet.
    for _ in 0..3 {
        app.advance(&host, &code).await;
    }
    assert!(app.now_playing(&host, &code).await.is_null());

    // A refilled queue starts at once, with no press of a button.
    app.add(&bea, &code, "superstition").await;
    assert_eq!(app.now_playing(&bea, &code).await["title"], "Superstition");

    // Removing the playing song starts the next.
    let queue = app.add(&bea, &code, "imagine lennon").await;
    assert_eq!(titles(&queue), ["Imagine"]);
    let playing = app.now_playing(&host, &code).await;
    let id = playing["room_track_id"].as_str().unwrap();
    let res = app
        .send(
            reqwest::Method::DELETE,
            &format!("/tracks/rooms/{code}/tracks/{id}?reason=not%20now"),
            Some(&host),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.now_playing(&bea, &code).await["title"], "Imagine");
}

#[tokio::test]
async fn with_no_player_at_all_the_room_still_moves_on_by_the_clock() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    let code = app.bare_room(&host).await;
    // No page and no speaker plays anything: the 1.5-second songs still
    // end (the box's clock, a grace after their time) and the next starts.
    app.add(&host, &code, "sunrise").await;
    app.add(&host, &code, "flac attack").await;
    wait_until(
        Duration::from_secs(10),
        "Flac Attack by the clock",
        || async { (app.now_playing(&host, &code).await["title"] == "Flac Attack").then_some(()) },
    )
    .await;
}

#[tokio::test]
async fn a_player_that_cannot_play_a_track_moves_the_room_on() {
    let (_music, app, host, bea, code) = music_party().await;
    app.add(&host, &code, "sunrise").await;
    app.pause(&host, &code).await;
    app.add(&host, &code, "flac attack").await;
    let playing = app.now_playing(&host, &code).await;
    let item = playing["room_track_id"].as_str().unwrap().to_string();
    let failed = format!("/rooms/{code}/now-playing/failed");
    let report = json!({ "room_track_id": item, "reason": "decode error" });
    // Guests do not run the player; reasons have a length.
    assert_error(
        app.post(&failed, Some(&bea), report.clone()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_error(
        app.post(
            &failed,
            Some(&host),
            json!({ "room_track_id": item, "reason": "x".repeat(201) }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let body: Value = app
        .post(&failed, Some(&host), report.clone())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["now_playing"]["title"], "Flac Attack");
    // Twice (a second host tab): once.
    let body: Value = app
        .post(&failed, Some(&host), report)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["now_playing"]["title"], "Flac Attack");
    let log = app.audit_log(&host, &code).await;
    assert_eq!(log[0]["action"], "could not play", "{log:?}");
    assert_eq!(log[0]["target"], "Sunrise Test");
    assert_eq!(log[0]["detail"], "decode error");
}

#[tokio::test]
async fn after_a_restart_a_waiting_song_starts_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("party.db");
    let app = spawn_app_on(&db).await;
    let (host, _bea, code) = party_of_two(&app).await;
    app.stop().await;
    // The box went down mid-song; meanwhile the song's time ran out and
    // the songs still wait (as a crash right after the last add would
    // leave them).
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        conn.execute(
            "UPDATE room_tracks SET status = 'played' WHERE status = 'playing'",
            [],
        )
        .unwrap();
    }
    let app = spawn_app_on(&db).await;
    wait_until(
        Duration::from_secs(10),
        "the waiting song to start",
        || async {
            (app.now_playing(&host, &code).await["title"] == "Bohemian Rhapsody").then_some(())
        },
    )
    .await;
    app.stop().await;
}

#[tokio::test]
async fn without_music_the_box_says_it_is_a_demo() {
    let app = spawn_app().await;
    let body: Value = app.get("/box", None).await.json().await.unwrap();
    assert_eq!(body["demo"], true);
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let body: Value = app.get("/box", None).await.json().await.unwrap();
    assert_eq!(body["demo"], false);
}
