//! The host's music folder: scanned from real audio files (the fixtures in
//! `tests/fixtures/music`, made once with ffmpeg: mp3 with a cover, flac,
//! ogg, opus, m4a, and an untagged wav), searched, queued and streamed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_RANGE, CONTENT_TYPE, RANGE};
use serde_json::{Value, json};

use crate::helpers::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/music");

/// A music folder with every fixture, a corrupt "mp3" and a text file.
pub fn music_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let album = dir.path().join("Some Album");
    std::fs::create_dir(&album).unwrap();
    for entry in std::fs::read_dir(FIXTURES).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, album.join(path.file_name().unwrap())).unwrap();
    }
    std::fs::write(dir.path().join("broken.mp3"), b"this is not audio at all").unwrap();
    std::fs::write(dir.path().join("notes.txt"), b"not music").unwrap();
    dir
}

pub async fn box_with_music(music: &Path) -> TestApp {
    let music = music.to_path_buf();
    spawn_app_configured(move |c| c.music = vec![music]).await
}

/// `GET /library` once the scan running now (or asked for) has finished.
pub async fn scanned(app: &TestApp, user: &Guest, since: Option<&str>) -> Value {
    wait_until(Duration::from_secs(10), "the scan to finish", || async {
        let status: Value = app.get("/library", Some(user)).await.json().await.unwrap();
        let done = status["scanning"] == false
            && status["last_scan_at"]
                .as_str()
                .is_some_and(|at| since.is_none_or(|s| at > s));
        done.then_some(status)
    })
    .await
}

/// Waits until the loudness pass has measured every track.
async fn measured(app: &TestApp, host: &Guest) {
    wait_until(Duration::from_secs(20), "the loudness pass", || async {
        let s: Value = app.get("/library", Some(host)).await.json().await.unwrap();
        (s["measuring"] == false && s["loudness_pending"] == 0).then_some(())
    })
    .await;
}

/// The files opened under a folder (inotify's open events, by `notify`).
struct FilesOpened {
    _watcher: notify::RecommendedWatcher,
    seen: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
}

impl FilesOpened {
    fn watch(dir: &Path) -> FilesOpened {
        use notify::{EventKind, RecursiveMode, Watcher, event::AccessKind};
        let seen = std::sync::Arc::new(std::sync::Mutex::new(std::collections::BTreeSet::new()));
        let sink = seen.clone();
        let mut watcher =
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                let Ok(event) = event else { return };
                if matches!(event.kind, EventKind::Access(AccessKind::Open(_))) {
                    for path in event.paths.iter().filter(|p| p.is_file()) {
                        let name = path.file_name().unwrap().to_string_lossy().into_owned();
                        sink.lock().unwrap().insert(name);
                    }
                }
            })
            .unwrap();
        watcher.watch(dir, RecursiveMode::Recursive).unwrap();
        FilesOpened {
            _watcher: watcher,
            seen,
        }
    }

    /// The names of the files opened so far, in order.
    fn names(&self) -> Vec<String> {
        // Events trail the opens by a moment.
        std::thread::sleep(Duration::from_millis(200));
        self.seen.lock().unwrap().iter().cloned().collect()
    }
}

fn path_of(dir: &Path, name: &str) -> PathBuf {
    dir.join("Some Album").join(name)
}

#[tokio::test]
async fn a_music_folder_is_scanned_searched_and_streamed() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    let status = scanned(&app, &host, None).await;
    assert_eq!(status["tracks"], 6, "{status}");
    assert_eq!(status["scanned"], 7, "six fixtures and the broken file");
    assert_eq!(status["skipped"], 1, "the broken file");

    // Tags, file names for untagged files, and the built-in catalog beside.
    let found = app.search(&host, "sunrise").await;
    assert_eq!(found[0]["title"], "Sunrise Test");
    assert_eq!(found[0]["artist"], "The Fixtures");
    assert_eq!(found[0]["album"], "Loopback");
    assert_eq!(found[0]["year"], 2024);
    let ms = found[0]["duration_ms"].as_i64().unwrap();
    assert!((1400..=1700).contains(&ms), "{ms}");
    for (query, title) in [
        ("lossless", "Flac Attack"),
        ("ogg orchestra", "Vorbis Vibes"),
        ("opus", "Opus Number One"),
        ("mp4 mavens", "Advanced Audio"),
        ("nameless band", "Untagged Song"),
    ] {
        let found = app.search(&host, query).await;
        assert_eq!(found[0]["title"], title, "{query}");
    }
    assert_eq!(app.search(&host, "nameless").await.len(), 1);
    // Never silent: with music, search offers only what the box can play,
    // and the built-in catalog's songs (no audio) cannot be added.
    assert!(app.search(&host, "bad bunny").await.is_empty());
    assert!(
        app.search(&host, "o")
            .await
            .iter()
            .all(|t| t["playable"] == true)
    );
    let code = app.bare_room(&host).await;
    let builtin: String = app
        .db()
        .query_row(
            "SELECT id FROM tracks WHERE source = 'builtin' AND title = 'Bohemian Rhapsody'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let res = app
        .post(
            &format!("/tracks/rooms/{code}/tracks"),
            Some(&host),
            json!({ "track_id": builtin }),
        )
        .await;
    let detail = assert_error(res, StatusCode::CONFLICT).await;
    assert!(detail.contains("no audio on this box"), "{detail}");
    assert!(
        app.now_playing(&host, &code).await.is_null(),
        "nothing changed"
    );

    // Added, it plays at once and says the box has its audio.
    assert!(app.add(&host, &code, "sunrise").await.is_empty());
    let playing = app.now_playing(&host, &code).await;
    assert_eq!(playing["title"], "Sunrise Test");
    assert_eq!(
        (&playing["has_audio"], &playing["playable"]),
        (&json!(true), &json!(true))
    );
    let track = found_id(&app, &host, "sunrise").await;

    // The whole file, and a range of it.
    let bytes = std::fs::read(path_of(music.path(), "sunrise.mp3")).unwrap();
    let res = audio(&app, &host, &track, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[CONTENT_TYPE], "audio/mpeg");
    assert_eq!(res.headers().get("content-encoding"), None);
    assert_eq!(res.bytes().await.unwrap(), bytes);
    let res = audio(&app, &host, &track, Some("bytes=100-199")).await;
    assert_eq!(res.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        res.headers()[CONTENT_RANGE],
        format!("bytes 100-199/{}", bytes.len()).as_str()
    );
    assert_eq!(res.bytes().await.unwrap(), bytes[100..200]);
    let res = audio(&app, &host, &track, Some("bytes=-10")).await;
    assert_eq!(res.bytes().await.unwrap(), bytes[bytes.len() - 10..]);
    let res = audio(&app, &host, &track, Some("bytes=999999-")).await;
    let detail = assert_error(res, StatusCode::RANGE_NOT_SATISFIABLE).await;
    assert!(detail.contains("range"), "{detail}");

    // Members only; no audio for the built-in catalog; unknown ids are 404.
    let stranger = app.guest("Zed").await;
    assert_error(
        audio(&app, &stranger, &track, None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_error(
        app.client
            .get(app.url(&format!("/tracks/{track}/audio")))
            .send()
            .await
            .unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert_error(
        audio(&app, &host, &builtin, None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_error(
        audio(&app, &host, "nope", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // The embedded cover, else a placeholder.
    let res = app
        .get(&format!("/tracks/{track}/cover"), Some(&host))
        .await;
    assert_eq!(res.headers()[CONTENT_TYPE], "image/png");
    assert!(res.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let res = app
        .get(&format!("/tracks/{builtin}/cover"), Some(&host))
        .await;
    assert_eq!(res.headers()[CONTENT_TYPE], "image/svg+xml");
    assert!(res.text().await.unwrap().contains(">BR</text>"));
}

#[tokio::test]
async fn audio_is_for_the_party_that_plays_it_and_never_leaves_the_music_folder() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    let code = app.bare_room(&host).await;
    app.add(&host, &code, "sunrise").await;
    let sunrise = found_id(&app, &host, "sunrise").await;
    let flac = found_id(&app, &host, "lossless").await;
    assert_eq!(
        audio(&app, &host, &sunrise, None).await.status(),
        StatusCode::OK
    );
    // A song no party of theirs has: not even the host's own.
    let detail = assert_error(audio(&app, &host, &flac, None).await, StatusCode::FORBIDDEN).await;
    assert!(detail.contains("not in a party you are in"), "{detail}");
    // A stranger with a room of their own gets nothing from this one.
    let stranger = app.guest("Zed").await;
    app.bare_room(&stranger).await;
    assert_error(
        audio(&app, &stranger, &sunrise, None).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // The scanned file is swapped for a link to a secret: never served.
    let file = path_of(music.path(), "sunrise.mp3");
    std::fs::remove_file(&file).unwrap();
    std::os::unix::fs::symlink("/etc/passwd", &file).unwrap();
    let res = audio(&app, &host, &sunrise, None).await;
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert!(!body.contains("root:"), "{body}");
    let cover = app
        .get(&format!("/tracks/{sunrise}/cover"), Some(&host))
        .await;
    assert!(!cover.text().await.unwrap().contains("root:"));
}

async fn found_id(app: &TestApp, user: &Guest, query: &str) -> String {
    app.search(user, query).await[0]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn audio(app: &TestApp, user: &Guest, track: &str, range: Option<&str>) -> reqwest::Response {
    let mut req = app
        .client
        .get(app.url(&format!("/tracks/{track}/audio")))
        .header("X-User-ID", &user.id)
        // Asked for, and still sent as stored (audio is compressed already).
        .header("accept-encoding", "gzip");
    if let Some(range) = range {
        req = req.header(RANGE, range);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn rescans_pick_up_renamed_and_removed_files_and_read_only_what_changed() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    let first = scanned(&app, &host, None).await;
    let old_id = found_id(&app, &host, "flac attack").await;
    let code = app.bare_room(&host).await;
    // Sunrise plays (held, so it stays), Vorbis Vibes waits.
    app.add(&host, &code, "sunrise").await;
    app.pause(&host, &code).await;
    app.add(&host, &code, "ogg orchestra").await;
    assert_eq!(app.queue(&host, &code).await[0]["playable"], true);

    std::fs::rename(
        path_of(music.path(), "flac-attack.flac"),
        music.path().join("renamed.flac"),
    )
    .unwrap();
    std::fs::remove_file(path_of(music.path(), "vorbis.ogg")).unwrap();
    // Every file the box opens from now on, as the kernel tells it (once
    // the first scan's loudness pass has read what it measures).
    measured(&app, &host).await;
    let opened = FilesOpened::watch(music.path());
    let res = app.post("/library/rescan", Some(&host), json!({})).await;
    assert_eq!(res.status(), StatusCode::ACCEPTED);
    let status = scanned(&app, &host, first["last_scan_at"].as_str()).await;
    assert_eq!(status["tracks"], 5, "{status}");
    // ...and its loudness pass, which reads new files too.
    measured(&app, &host).await;
    // Only the renamed file was read: not the four unchanged ones, nor the
    // broken one again.
    assert_eq!(opened.names(), ["renamed.flac"]);

    // The renamed file is a track again, under its new path.
    let found = app.search(&host, "flac attack").await;
    assert_eq!(found.len(), 1);
    assert_ne!(found[0]["id"], old_id.as_str());
    assert_error(
        audio(&app, &host, &old_id, None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Queued, its audio plays from the new path.
    app.add(&host, &code, "flac attack").await;
    let res = audio(&app, &host, found[0]["id"].as_str().unwrap(), None).await;
    assert_eq!(res.headers()[CONTENT_TYPE], "audio/flac");
    // The removed file leaves search; the room that queued it keeps it.
    assert!(app.search(&host, "ogg orchestra").await.is_empty());
    let queue = app.queue(&host, &code).await;
    assert_eq!(queue[0]["title"], "Vorbis Vibes");
    // Its file gone, it is no longer playable (the room will pass it by).
    assert_eq!(queue[0]["playable"], false, "{queue:?}");
    // The broken file stays skipped, and is not read (nor warned of) again.
    assert_eq!(status["skipped"], 1);

    // Only the host of a party rescans.
    let guest = app.guest("Bea").await;
    assert_error(
        app.post("/library/rescan", Some(&guest), json!({})).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn new_files_are_found_without_asking() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    std::fs::copy(
        path_of(music.path(), "03 - Nameless Band - Untagged Song.wav"),
        music.path().join("Later Band - Latecomer.wav"),
    )
    .unwrap();
    let found = wait_until(Duration::from_secs(10), "the copied file", || async {
        Some(app.search(&host, "latecomer").await).filter(|hits| !hits.is_empty())
    })
    .await;
    assert_eq!(found[0]["artist"], "Later Band");
}

#[tokio::test]
async fn without_music_folders_there_is_nothing_to_rescan() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    app.bare_room(&host).await;
    let status: Value = app.get("/library", Some(&host)).await.json().await.unwrap();
    assert_eq!(
        status,
        json!({"tracks": 0, "scanning": false, "scanned": 0, "skipped": 0, "last_scan_at": null,
               "measuring": false, "loudness_pending": 0})
    );
    assert_error(
        app.post("/library/rescan", Some(&host), json!({})).await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn music_alone_hides_the_builtin_catalog() {
    let music = music_folder();
    let dir = music.path().to_path_buf();
    let app = spawn_app_configured(move |c| {
        c.music = vec![dir];
        c.no_builtin_catalog = true;
    })
    .await;
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    assert!(app.search(&host, "bad bunny").await.is_empty());
    assert_eq!(app.search(&host, "sunrise").await.len(), 1);
}

#[tokio::test]
async fn the_set_list_names_files_inside_the_music_folder_never_where_it_is() {
    let music = music_folder();
    let app = box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    scanned(&app, &host, None).await;
    let code = app.bare_room(&host).await;
    app.add(&host, &code, "sunrise").await; // starts at once
    app.add(&host, &code, "flac attack").await;
    app.advance(&host, &code).await;

    let url = |format: &str| format!("/rooms/{code}/played{format}");
    let songs: Vec<Value> = app.get(&url(""), Some(&host)).await.json().await.unwrap();
    let files: Vec<&str> = songs.iter().map(|s| s["file"].as_str().unwrap()).collect();
    assert_eq!(
        files,
        ["Some Album/sunrise.mp3", "Some Album/flac-attack.flac"]
    );

    let m3u = app
        .get(&url("?format=m3u8"), Some(&host))
        .await
        .text()
        .await
        .unwrap();
    let entries: Vec<&str> = m3u.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(entries, files, "{m3u}");
    assert!(
        m3u.contains("#EXTINF:2,The Fixtures - Sunrise Test\n#EXTALB:Loopback\n"),
        "{m3u}"
    );
    let xspf = app
        .get(&url("?format=xspf"), Some(&host))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        xspf.contains("<location>Some%20Album/sunrise.mp3</location>"),
        "{xspf}"
    );
    // Where the host keeps their music stays on the box.
    let folder = music.path().to_string_lossy().into_owned();
    for format in ["", "?format=m3u8", "?format=xspf", "?format=csv"] {
        let text = app
            .get(&url(format), Some(&host))
            .await
            .text()
            .await
            .unwrap();
        assert!(!text.contains(&folder), "{format}: {text}");
    }
}
