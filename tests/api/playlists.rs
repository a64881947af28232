//! Curated and vote-only parties: the host loads playlists (uploaded, or
//! files in the music folders), guests add only their songs or nothing,
//! and a playlist can fill the queue before anyone arrives.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;
use crate::library::{box_with_music, music_folder, scanned};

async fn load(app: &TestApp, who: &Guest, code: &str, body: Value) -> reqwest::Response {
    app.post(&format!("/rooms/{code}/playlists"), Some(who), body)
        .await
}

async fn add_by_id(app: &TestApp, who: &Guest, code: &str, track_id: &str) -> reqwest::Response {
    app.post(
        &format!("/tracks/rooms/{code}/tracks"),
        Some(who),
        json!({ "track_id": track_id }),
    )
    .await
}

fn playlists_kept(app: &TestApp) -> i64 {
    app.db()
        .query_row("SELECT count(*) FROM room_playlists", [], |r| r.get(0))
        .unwrap()
}

const WEDDING: &str = "#EXTM3U\n#EXTINF:355,Queen - Bohemian Rhapsody\nC:\\Users\\ana\\Music\\Queen\\Bohemian.mp3\n#EXTINF:231,ABBA - Dancing Queen (Remastered)\nDancing.mp3\n#EXTINF:215,Earth, Wind & Fire - September\nSeptember.mp3\n#EXTINF:200,Nobody - A Song Nobody Has\nnobody.mp3\n";

#[tokio::test]
async fn a_curated_party_takes_only_its_playlists_songs() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let bea = app.guest("Bea").await;
    app.join(&bea, &code).await;

    let res = load(
        &app,
        &host,
        &code,
        json!({ "name": "Wedding.m3u8", "content": WEDDING }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let loaded: Value = res.json().await.unwrap();
    assert_eq!(loaded["name"], "Wedding");
    assert_eq!(
        (loaded["entries"].as_i64(), loaded["matched"].as_i64()),
        (Some(4), Some(3))
    );
    assert_eq!(loaded["unmatched"], json!(["Nobody - A Song Nobody Has"]));
    assert_eq!(loaded["queued"], 0);
    assert!(
        app.queue(&host, &code).await.is_empty(),
        "loaded, not queued"
    );
    let playlist = loaded["id"].as_str().unwrap().to_string();

    app.settings(&host, &code, json!({ "guest_adds": "playlists" }))
        .await;
    // Search shows a guest what they may add; the host sees everything.
    let titles_for = |hits: Vec<Value>| {
        hits.iter()
            .map(|h| h["title"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let guest_search = |q: &'static str| {
        let (app, bea, code) = (&app, &bea, &code);
        async move {
            app.get(
                &format!("/tracks/search?artist_or_title={q}&room={code}"),
                Some(bea),
            )
            .await
            .json::<Vec<Value>>()
            .await
            .unwrap()
        }
    };
    assert!(guest_search("superstition").await.is_empty());
    assert_eq!(
        titles_for(guest_search("dancing queen").await),
        ["Dancing Queen"]
    );
    // A word much of the catalog matches: the host's 50 best hits leave the
    // playlist's song out; a guest's search looks further, for what they
    // may add.
    let for_host = titles_for(app.search(&host, "s").await);
    assert_eq!(for_host.len(), 50);
    assert!(!for_host.iter().any(|t| t == "September"), "{for_host:?}");
    assert!(
        titles_for(guest_search("s").await)
            .iter()
            .any(|t| t == "September")
    );
    let superstition = app.track_id(&host, "superstition").await;
    let dancing = app.track_id(&host, "dancing queen").await;
    assert_refused(
        add_by_id(&app, &bea, &code, &superstition).await,
        StatusCode::FORBIDDEN,
        "not_in_playlists",
    )
    .await;
    assert!(
        app.queue(&host, &code).await.is_empty(),
        "a refused add changes nothing"
    );
    assert_eq!(
        add_by_id(&app, &bea, &code, &dancing).await.status(),
        StatusCode::OK
    );
    // The host and co-hosts add anything.
    assert_eq!(
        add_by_id(&app, &host, &code, &superstition).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        titles(&app.queue(&host, &code).await),
        ["Dancing Queen", "Superstition"]
    );

    // The playlist, for guests to browse: its songs with their place in
    // the party; what matched nothing is for the host.
    let detail: Value = app
        .get(&format!("/rooms/{code}/playlists/{playlist}"), Some(&bea))
        .await
        .json()
        .await
        .unwrap();
    let songs: Vec<(&str, &Value)> = detail["tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["title"].as_str().unwrap(), &t["in_room"]))
        .collect();
    assert_eq!(songs[0], ("Bohemian Rhapsody", &Value::Null));
    assert_eq!(songs[1].0, "Dancing Queen");
    assert_eq!(songs[1].1["state"], "queued");
    assert_eq!(detail["unmatched"], Value::Null);
    let for_host: Value = app
        .get(&format!("/rooms/{code}/playlists/{playlist}"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(for_host["unmatched"], json!(["Nobody - A Song Nobody Has"]));
    let list: Value = app
        .get(&format!("/rooms/{code}/playlists"), Some(&bea))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        list,
        json!([{ "id": playlist, "name": "Wedding", "entries": 4, "matched": 3 }])
    );

    // Vote only: guests add nothing, and still vote.
    app.settings(&host, &code, json!({ "guest_adds": "nothing" }))
        .await;
    let bohemian = app.track_id(&host, "bohemian rhapsody").await;
    assert_refused(
        add_by_id(&app, &bea, &code, &bohemian).await,
        StatusCode::FORBIDDEN,
        "guest_adds_off",
    )
    .await;
    let queue = app.queue(&host, &code).await;
    assert_eq!(
        app.vote(&bea, &code, item_id(&queue, "Superstition"), 1)
            .await
            .status(),
        StatusCode::OK
    );

    // Taking the playlist out: guests of a curated party can add nothing
    // more from it; a guest cannot take it out.
    app.settings(&host, &code, json!({ "guest_adds": "playlists" }))
        .await;
    let path = format!("/rooms/{code}/playlists/{playlist}");
    assert_refused(
        app.send(Method::DELETE, &path, Some(&bea), None).await,
        StatusCode::FORBIDDEN,
        "moderators_only",
    )
    .await;
    assert_eq!(
        app.send(Method::DELETE, &path, Some(&host), None)
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_refused(
        add_by_id(&app, &bea, &code, &bohemian).await,
        StatusCode::FORBIDDEN,
        "not_in_playlists",
    )
    .await;
    assert_refused(
        app.get(&path, Some(&bea)).await,
        StatusCode::NOT_FOUND,
        "playlist_not_found",
    )
    .await;
    let log = app
        .audit_log(&host, &code)
        .await
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        log.contains("loaded the playlist") && log.contains("removed the playlist"),
        "{log}"
    );
}

#[tokio::test]
async fn bad_playlists_are_refused_and_change_nothing() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    let code = app.bare_room(&host).await;
    let bea = app.guest("Bea").await;
    app.join(&bea, &code).await;
    for (body, status, code_name) in [
        (
            json!({ "name": "a.m3u", "content": "ID3\u{3}\u{0}\u{0}binary" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_playlist",
        ),
        (
            json!({ "name": "a.xspf", "content": "<playlist><trackList><track>" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_playlist",
        ),
        (
            json!({ "name": "a.xspf", "content": "<html>not a playlist</html>" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_playlist",
        ),
        (
            json!({ "name": "a.pls", "content": "File1=a.mp3" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_playlist",
        ),
        (
            json!({ "name": "a.m3u8", "content": "#EXTM3U\n" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_playlist",
        ),
        (
            json!({ "file": "x.m3u", "content": "a.mp3" }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_playlist",
        ),
        (
            json!({ "queue": true }),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_playlist",
        ),
        (
            json!({ "file": "../../../../etc/passwd.m3u" }),
            StatusCode::NOT_FOUND,
            "playlist_not_found",
        ),
        (
            json!({ "file": "Some Album/sunrise.mp3" }),
            StatusCode::NOT_FOUND,
            "playlist_not_found",
        ),
        (
            json!({ "file": "none.m3u8" }),
            StatusCode::NOT_FOUND,
            "playlist_not_found",
        ),
    ] {
        let what = body.to_string();
        let res = load(&app, &host, &code, body).await;
        assert_eq!(res.status(), status, "{what}");
        let refused: Value = res.json().await.unwrap();
        assert_eq!(refused["code"], code_name, "{what}: {refused}");
    }
    // A guest loads nothing; a file over 1 MiB is too large.
    assert_refused(
        load(
            &app,
            &bea,
            &code,
            json!({ "name": "a.m3u", "content": "a.mp3" }),
        )
        .await,
        StatusCode::FORBIDDEN,
        "moderators_only",
    )
    .await;
    let huge = "#EXTINF:1,A - B\nsome/long/path/to/a/song.mp3\n".repeat(30_000);
    assert!(huge.len() > 1024 * 1024 + 64 * 1024);
    let res = load(
        &app,
        &host,
        &code,
        json!({ "name": "huge.m3u", "content": huge }),
    )
    .await;
    assert_error(res, StatusCode::PAYLOAD_TOO_LARGE).await;
    assert_refused(
        app.post(
            "/rooms/NOROOM/playlists",
            Some(&host),
            json!({ "name": "a.m3u", "content": "a.mp3" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "room_not_found",
    )
    .await;
    assert_eq!(playlists_kept(&app), 0);
    assert!(app.queue(&host, &code).await.is_empty());

    // A long playlist (3,000 songs, 140 KB: far over an ordinary request's
    // 16 KiB) is fine.
    let long = "#EXTINF:1,A - B\nsome/long/path/to/a/song.mp3\n".repeat(3_000);
    let res = load(
        &app,
        &host,
        &code,
        json!({ "name": "long.m3u", "content": long }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let loaded: Value = res.json().await.unwrap();
    assert_eq!(loaded["entries"], 3_000);
    assert_eq!(playlists_kept(&app), 1);
}

#[tokio::test]
async fn a_folder_playlist_fills_the_queue_before_guests_arrive() {
    let music = music_folder();
    let lists = music.path().join("Playlists");
    std::fs::create_dir(&lists).unwrap();
    std::fs::write(
        lists.join("Warm Up.m3u8"),
        "#EXTM3U\n../Some Album/sunrise.mp3\n../Some Album/vorbis.ogg\n../Some Album/gone.mp3\nhttp://radio.example/stream\n",
    )
    .unwrap();
    let flac = music.path().join("Some Album/flac-attack.flac");
    std::fs::write(
        music.path().join("Late.xspf"),
        format!(
            r#"<?xml version="1.0"?><playlist version="1" xmlns="http://xspf.org/ns/0/"><trackList>
            <track><location>file://{}</location></track>
            <track><title>Opus Number One</title><creator>Nobody Knows</creator></track>
            </trackList></playlist>"#,
            flac.display().to_string().replace(' ', "%20")
        ),
    )
    .unwrap();
    std::fs::write(
        music.path().join("Party.pls"),
        "[playlist]\nFile1=Some Album/aac.m4a\nNumberOfEntries=1\n",
    )
    .unwrap();
    // A link out of the folder is not a playlist of the folder: not
    // listed, not read.
    std::os::unix::fs::symlink("/etc/hostname", lists.join("Secret.m3u")).unwrap();

    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    let found: Value = app
        .get("/library/playlists", Some(&host))
        .await
        .json()
        .await
        .unwrap();
    let files: Vec<&str> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["Late.xspf", "Party.pls", "Playlists/Warm Up.m3u8"]);
    assert_eq!(found[2]["name"], "Warm Up");
    let code = app.bare_room(&host).await;
    assert_refused(
        load(
            &app,
            &host,
            &code,
            json!({ "file": "Playlists/Secret.m3u" }),
        )
        .await,
        StatusCode::NOT_FOUND,
        "playlist_not_found",
    )
    .await;

    let res = load(
        &app,
        &host,
        &code,
        json!({ "file": "Playlists/Warm Up.m3u8", "queue": true }),
    )
    .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let loaded: Value = res.json().await.unwrap();
    assert_eq!(loaded["matched"], 2);
    assert_eq!(loaded["queued"], 2);
    assert_eq!(
        loaded["unmatched"],
        json!(["../Some Album/gone.mp3", "http://radio.example/stream"])
    );
    // The first starts at once (a quiet room), the next waits.
    assert_eq!(app.now_playing(&host, &code).await["title"], "Sunrise Test");
    assert_eq!(titles(&app.queue(&host, &code).await), ["Vorbis Vibes"]);

    let late: Value = load(
        &app,
        &host,
        &code,
        json!({ "file": "Late.xspf", "queue": true }),
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(
        (late["matched"].as_i64(), late["queued"].as_i64()),
        (Some(2), Some(2))
    );
    let pls: Value = load(&app, &host, &code, json!({ "file": "Party.pls" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pls["matched"], 1);
    assert_eq!(
        titles(&app.queue(&host, &code).await),
        ["Vorbis Vibes", "Flac Attack", "Opus Number One"]
    );
    assert_eq!(playlists_kept(&app), 3);
}
