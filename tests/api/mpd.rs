//! The box playing through a real MPD server (`--mpd`): search, add,
//! auto-start, the end of a song, pause and seek, a song the server cannot
//! play, and the server killed and restarted mid-party.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;
use crate::mpd_server::{MopidyServer, MpdClient, MpdServer};
use crate::skip::cannot_run;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/music");

/// The server's music folder: the fixtures, a song to take away before it
/// plays, and two 20-second songs (sox) to seek in and to kill the server
/// in the middle of.
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
        10,
    );
    tone(
        &dir.path().join("long.flac"),
        "Long Song",
        "The Fixtures",
        20,
    );
    tone(
        &dir.path().join("later.flac"),
        "Later Song",
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

/// Waits until the box reaches its MPD server.
async fn reached(app: &TestApp) {
    wait_until(
        Duration::from_secs(10),
        "the box to reach the server",
        || async { (box_output(app, "mpd").await["connected"] == true).then_some(()) },
    )
    .await;
}

/// A box playing through the server at `address`, with a bare room; waits
/// until the box reaches the server.
async fn party_on(address: &str) -> (tempfile::TempDir, Running, Guest, String) {
    let dir = tempfile::tempdir().unwrap();
    let running = start_binary(&dir.path().join("party.db"), &[("DT_MPD", address)]).await;
    let app = TestApp::of_binary(&running);
    let host = app.guest("Anto").await;
    let code = app.bare_room(&host).await;
    reached(&app).await;
    (dir, running, host, code)
}

/// The party flow any MPD server must carry: search tags its songs, the
/// first added starts by itself on the server with the next queued there,
/// the server plays it out and the room moves on, the host pauses and
/// resumes, and seeks in a long song. `uri` names a file as the server
/// does; `covers`: the server serves covers.
async fn the_party_flow(
    app: &TestApp,
    host: &Guest,
    code: &str,
    server: &MpdClient,
    uri: impl Fn(&str) -> String,
    covers: bool,
) {
    let sunrise = search_hit(app, host, "sunrise").await;
    assert_eq!(sunrise["title"], "Sunrise Test");
    assert_eq!(sunrise["artist"], "The Fixtures");
    assert_eq!(sunrise["source"], "mpd");
    assert_eq!(sunrise["playable"], true);
    // The built-in catalog's silent songs are not offered beside it.
    assert!(app.search(host, "bohemian rhapsody").await.is_empty());
    let flac = search_hit(app, host, "flac attack").await;
    let long = search_hit(app, host, "long song").await;

    // The first song starts by itself, on the server.
    add_id(app, host, code, sunrise["id"].as_str().unwrap()).await;
    // Its cover is the one the server finds in its file (a PNG), where the
    // server serves covers (MPD does; Mopidy-MPD does not); a song without
    // one gets the placeholder.
    let cover = |id: Value| async move {
        let res = app
            .get(
                &format!("/tracks/{}/cover", id.as_str().unwrap()),
                Some(host),
            )
            .await;
        let kind = res.headers()["content-type"].to_str().unwrap().to_string();
        (kind, res.bytes().await.unwrap())
    };
    let (kind, bytes) = cover(sunrise["id"].clone()).await;
    if covers {
        assert!(
            kind == "image/png" && bytes.starts_with(b"\x89PNG"),
            "{kind}"
        );
    } else {
        assert_eq!(kind, "image/svg+xml");
    }
    assert_eq!(cover(long["id"].clone()).await.0, "image/svg+xml");
    add_id(app, host, code, flac["id"].as_str().unwrap()).await;
    assert_eq!(title_playing(app, host, code).await, "Sunrise Test");
    let (sunrise_uri, flac_uri) = (uri("sunrise.mp3"), uri("flac-attack.flac"));
    server.wait("the server to play sunrise", |s| {
        s.field("currentsong", "file") == Some(sunrise_uri.clone())
            && s.field("status", "state").as_deref() == Some("play")
    });
    // The next song waits on the server's queue, for a gapless change.
    server.wait("the next song queued on the server", |s| {
        s.command("playlistinfo")
            .contains(&format!("file: {flac_uri}"))
    });

    // The server plays it out, and the room moves on (once) to the next.
    wait_until(Duration::from_secs(10), "Flac Attack", || async {
        (title_playing(app, host, code).await == "Flac Attack").then_some(())
    })
    .await;
    server.wait("the server to play flac attack", |s| {
        s.field("currentsong", "file") == Some(flac_uri.clone())
    });

    // The box's volume is the server's.
    let res = app
        .send(
            reqwest::Method::PATCH,
            &format!("/rooms/{code}/settings"),
            Some(host),
            Some(json!({ "volume_percent": 40 })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    server.wait("the server's volume at 40", |s| {
        s.field("status", "volume").as_deref() == Some("40")
    });

    // A long song: the host pauses it, and seeks in it; the server follows.
    add_id(app, host, code, long["id"].as_str().unwrap()).await;
    wait_until(Duration::from_secs(10), "Long Song", || async {
        (title_playing(app, host, code).await == "Long Song").then_some(())
    })
    .await;
    app.pause(host, code).await;
    server.wait("the server to pause", |s| {
        s.field("status", "state").as_deref() == Some("pause")
    });
    let seek = app
        .post(
            &format!("/rooms/{code}/now-playing/seek"),
            Some(host),
            json!({ "position_ms": 9_000 }),
        )
        .await;
    assert_eq!(seek.status(), StatusCode::OK);
    let resumed = app
        .post(
            &format!("/rooms/{code}/now-playing/resume"),
            Some(host),
            json!(null),
        )
        .await;
    assert_eq!(resumed.status(), StatusCode::OK);
    server.wait("the server to play on from 0:09", |s| {
        s.field("status", "state").as_deref() == Some("play")
            && s.field("status", "elapsed")
                .and_then(|e| e.parse::<f64>().ok())
                .is_some_and(|e| (9.0..12.0).contains(&e))
    });
    assert_eq!(title_playing(app, host, code).await, "Long Song");

    // Paused on the server itself (its own remote): the room pauses, for
    // every phone, and plays on with it. (A change within a moment of the
    // box's own command is taken for the server still doing it.)
    tokio::time::sleep(Duration::from_secs(2)).await;
    server.command("pause 1");
    wait_until(Duration::from_secs(10), "the room paused", || async {
        app.now_playing(host, code).await["paused_ms"]
            .is_i64()
            .then_some(())
    })
    .await;
    server.command("pause 0");
    wait_until(
        Duration::from_secs(10),
        "the room playing again",
        || async {
            app.now_playing(host, code).await["paused_ms"]
                .is_null()
                .then_some(())
        },
    )
    .await;
    assert_eq!(server.field("status", "state").as_deref(), Some("play"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_party_plays_through_a_real_mpd_server() {
    let music = mpd_music();
    let mut mpd = match MpdServer::start(music.path()) {
        Ok(mpd) => mpd,
        Err(why) => return cannot_run("mpd::a_party_plays_through_a_real_mpd_server", &why),
    };
    let (_dir, running, host, code) = party_on(&mpd.address()).await;
    let app = TestApp::of_binary(&running);
    let server = mpd.client();
    the_party_flow(&app, &host, &code, &server, |file| file.to_string(), true).await;

    // A song the server will not find when it is due: skipped, logged, and
    // the room moves on to the next.
    let gone = search_hit(&app, &host, "gone tomorrow").await;
    let aac = search_hit(&app, &host, "advanced audio").await;
    let vorbis = search_hit(&app, &host, "vorbis").await;
    add_id(&app, &host, &code, gone["id"].as_str().unwrap()).await;
    add_id(&app, &host, &code, aac["id"].as_str().unwrap()).await;
    std::fs::remove_file(music.path().join("gone.flac")).unwrap();
    app.advance(&host, &code).await;
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

    // The server dies mid-song: the host's page says so, the party keeps
    // its queue.
    let later = search_hit(&app, &host, "later song").await;
    add_id(&app, &host, &code, later["id"].as_str().unwrap()).await;
    add_id(&app, &host, &code, vorbis["id"].as_str().unwrap()).await;
    wait_until(Duration::from_secs(8), "Later Song", || async {
        (title_playing(&app, &host, &code).await == "Later Song").then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    mpd.kill();
    wait_until(Duration::from_secs(5), "the link down", || async {
        let out = box_output(&app, "mpd").await;
        (out["connected"] == false && out["error"].is_string()).then_some(())
    })
    .await;
    assert_eq!(title_playing(&app, &host, &code).await, "Later Song");
    assert_eq!(app.queue(&host, &code).await.len(), 1);

    // Back: the box reconnects and puts the song back where the room is.
    tokio::time::sleep(Duration::from_secs(2)).await;
    mpd.restart();
    server.wait("the song again, where the room is", |s| {
        s.field("currentsong", "file").as_deref() == Some("later.flac")
            && s.field("status", "state").as_deref() == Some("play")
            && s.field("status", "elapsed")
                .and_then(|e| e.parse::<f64>().ok())
                .is_some_and(|e| e >= 4.0)
    });
    assert_eq!(box_output(&app, "mpd").await["connected"], true);
    assert_eq!(title_playing(&app, &host, &code).await, "Later Song");
    assert_eq!(app.queue(&host, &code).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_party_plays_through_mopidy() {
    let music = mpd_music();
    let mopidy = match MopidyServer::start(music.path()) {
        Ok(mopidy) => mopidy,
        Err(why) => return cannot_run("mpd::a_party_plays_through_mopidy", &why),
    };
    let (_dir, running, host, code) = party_on(&mopidy.address()).await;
    let app = TestApp::of_binary(&running);
    let uri = |file: &str| format!("local:track:{file}");
    the_party_flow(&app, &host, &code, &mopidy.client(), uri, false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_playlists_fill_a_party_and_the_night_is_saved_there() {
    let music = mpd_music();
    let mpd = match MpdServer::start(music.path()) {
        Ok(mpd) => mpd,
        Err(why) => {
            return cannot_run(
                "mpd::the_servers_playlists_fill_a_party_and_the_night_is_saved_there",
                &why,
            );
        }
    };
    let server = mpd.client();
    for uri in [
        "sunrise.mp3",
        "flac-attack.flac",
        "http://127.0.0.1:9/radio",
    ] {
        let added = server.command(&format!("playlistadd \"Warm-up\" \"{uri}\""));
        assert!(!added.starts_with("ACK"), "{added}");
    }
    let (_dir, running, host, code) = party_on(&mpd.address()).await;
    let app = TestApp::of_binary(&running);

    // The server's stored playlists are listed beside the folders' files.
    let listed: Value = app
        .get("/library/playlists", Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        listed,
        json!([{ "file": "Warm-up", "name": "Warm-up", "source": "mpd" }])
    );
    // Loaded and queued: its songs (a radio stream has no length, so it
    // cannot be queued) play through the server.
    let res = app
        .post(
            &format!("/rooms/{code}/playlists"),
            Some(&host),
            json!({ "mpd_playlist": "Warm-up", "queue": true }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let loaded: Value = res.json().await.unwrap();
    assert_eq!(loaded["matched"], 2, "{loaded}");
    assert_eq!(loaded["queued"], 2, "{loaded}");
    let missing = app
        .post(
            &format!("/rooms/{code}/playlists"),
            Some(&host),
            json!({ "mpd_playlist": "No such list" }),
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    server.wait("the server to play the warm-up", |s| {
        s.field("currentsong", "file").as_deref() == Some("sunrise.mp3")
    });
    wait_until(
        Duration::from_secs(10),
        "both warm-up songs played",
        || async {
            let played: Value = app
                .get(&format!("/rooms/{code}/played"), Some(&host))
                .await
                .json()
                .await
                .unwrap();
            (played.as_array().unwrap().len() >= 2).then_some(())
        },
    )
    .await;

    // The queue ran dry: the auto-DJ picks from the server's songs, which
    // the box took from its database when it connected (nobody searched
    // for them).
    let picked = wait_until(Duration::from_secs(10), "an auto-DJ pick", || async {
        let playing = app.now_playing(&host, &code).await;
        (playing["auto_dj"] == true).then_some(playing)
    })
    .await;
    assert_eq!(picked["source"], "mpd", "{picked}");
    let title = picked["title"].as_str().unwrap();
    assert!(
        !["Sunrise Test", "Flac Attack"].contains(&title),
        "{title} again"
    );

    // The set list names the server's songs by their URI there.
    let m3u8 = app
        .get(&format!("/rooms/{code}/played?format=m3u8"), Some(&host))
        .await
        .text()
        .await
        .unwrap();
    assert!(m3u8.contains("\nsunrise.mp3\n"), "{m3u8}");
    assert!(m3u8.contains("\nflac-attack.flac\n"), "{m3u8}");

    // A guest cannot save it; a name MPD cannot take changes nothing.
    let bea = app.guest("Bea").await;
    app.join(&bea, &code).await;
    let save = |who: Guest, body: Value| {
        let app = &app;
        let code = &code;
        async move {
            app.post(
                &format!("/rooms/{code}/played/mpd-playlist"),
                Some(&who),
                body,
            )
            .await
        }
    };
    assert_eq!(
        save(bea.clone(), json!({ "name": "Mine" })).await.status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        save(host.clone(), json!({ "name": "a/b" })).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Saved: read back from the server, in the order it played.
    let res = save(host.clone(), json!({ "name": "Tonight" })).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let saved: Value = res.json().await.unwrap();
    assert_eq!(saved["name"], "Tonight");
    assert_eq!(saved["left_out"], 0);
    let back = server.command("listplaylist \"Tonight\"");
    let files: Vec<&str> = back
        .lines()
        .filter_map(|l| l.strip_prefix("file: "))
        .collect();
    assert_eq!(files[..2], ["sunrise.mp3", "flac-attack.flac"], "{back}");
    assert_eq!(files.len() as u64, saved["saved"].as_u64().unwrap());
    assert!(
        server
            .command("listplaylists")
            .contains("playlist: Tonight")
    );

    // A box without an MPD server says so.
    let plain = spawn_app().await;
    let host2 = plain.guest("Cy").await;
    let code2 = plain.bare_room(&host2).await;
    let res = plain
        .post(
            &format!("/rooms/{code2}/played/mpd-playlist"),
            Some(&host2),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "no_mpd_server");
}

/// A server that asks for a password: the box gives it (`--mpd-password`)
/// and plays; a wrong one is said on the host's page, not a silent party.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_password_protected_server_takes_the_boxs_password() {
    let music = mpd_music();
    let mpd = match MpdServer::start_with_password(music.path(), Some("s3cret-party")) {
        Ok(mpd) => mpd,
        Err(why) => {
            return cannot_run(
                "mpd::a_password_protected_server_takes_the_boxs_password",
                &why,
            );
        }
    };
    let dir = tempfile::tempdir().unwrap();
    let address = mpd.address();
    let right = start_binary(
        &dir.path().join("right.db"),
        &[("DT_MPD", &address), ("DT_MPD_PASSWORD", "s3cret-party")],
    )
    .await;
    let app = TestApp::of_binary(&right);
    let host = app.guest("Anto").await;
    let code = app.bare_room(&host).await;
    reached(&app).await;
    let sunrise = search_hit(&app, &host, "sunrise").await;
    add_id(&app, &host, &code, sunrise["id"].as_str().unwrap()).await;
    mpd.client().wait("the server to play sunrise", |s| {
        s.field("currentsong", "file").as_deref() == Some("sunrise.mp3")
    });
    // The password is in no answer and no log line.
    let info = app.get("/box", None).await.text().await.unwrap();
    assert!(!info.contains("s3cret"), "{info}");

    let wrong = start_binary(
        &dir.path().join("wrong.db"),
        &[("DT_MPD", &address), ("DT_MPD_PASSWORD", "guess")],
    )
    .await;
    let other = TestApp::of_binary(&wrong);
    let out = wait_until(Duration::from_secs(10), "the refusal", || async {
        let out = box_output(&other, "mpd").await;
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("password"))
            .then_some(out)
    })
    .await;
    assert_eq!(out["connected"], false);
    for line in right
        .log
        .lock()
        .unwrap()
        .iter()
        .chain(wrong.log.lock().unwrap().iter())
    {
        assert!(
            !line.contains("s3cret") && !line.contains("guess"),
            "{line}"
        );
    }
}
