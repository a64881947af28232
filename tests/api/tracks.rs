use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn search_finds_bad_bunny_by_word_prefixes() {
    let app = spawn_app().await;
    let user = app.guest("Anto").await;
    for query in ["bad bunny", "bad bun", "BAD BUNNY", "bunny bad"] {
        let hits = app.search(&user, query).await;
        assert!(hits.len() >= 10, "{query}: {} hits", hits.len());
        assert!(
            hits[0]["artist"].as_str().unwrap().contains("Bad Bunny"),
            "{query}: {}",
            hits[0]
        );
        for key in ["id", "title", "artist", "duration_ms"] {
            assert!(!hits[0][key].is_null(), "{key}");
        }
    }
}

#[tokio::test]
async fn search_ignores_case_and_accents_both_ways() {
    let app = spawn_app().await;
    let user = app.guest("Anto").await;
    let artist_of_first = |hits: Vec<Value>| hits[0]["artist"].as_str().unwrap().to_string();
    assert_eq!(
        artist_of_first(app.search(&user, "beyonce").await),
        "Beyoncé"
    );
    assert_eq!(
        artist_of_first(app.search(&user, "BEYONCÉ").await),
        "Beyoncé"
    );
    assert_eq!(
        artist_of_first(app.search(&user, "motorhead").await),
        "Motörhead"
    );
    let hits = app.search(&user, "titi me pregunto").await;
    assert_eq!(hits[0]["title"], "Tití Me Preguntó");
}

#[tokio::test]
async fn search_matches_title_or_artist_and_ranks_better_matches_first() {
    let app = spawn_app().await;
    let user = app.guest("Anto").await;
    let hits = app.search(&user, "bohemian").await;
    assert_eq!(hits[0]["title"], "Bohemian Rhapsody");
    // Words may come from both fields.
    let hits = app.search(&user, "queen rhapsody").await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["artist"], "Queen");
    // Prefixes start words; they do not match inside them, but a word with
    // a letter missing is a close spelling, and says so.
    let hits = app.search(&user, "hapsody").await;
    assert!(
        hits.iter().all(|h| h["did_you_mean"].is_string()),
        "{hits:?}"
    );
    assert_eq!(hits[0]["did_you_mean"], "Rhapsody");
}

#[tokio::test]
async fn search_returns_at_most_fifty() {
    let app = spawn_app().await;
    let user = app.guest("Anto").await;
    assert_eq!(app.search(&user, "a").await.len(), 50);
}

#[tokio::test]
async fn search_needs_a_query() {
    let app = spawn_app().await;
    let user = app.guest("Anto").await;
    for path in [
        "/tracks/search",
        "/tracks/search?artist_or_title=",
        "/tracks/search?artist_or_title=%20%20",
    ] {
        let res = app.get(path, Some(&user)).await;
        assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let long = "a".repeat(201);
    let res = app
        .get(
            &format!("/tracks/search?artist_or_title={long}"),
            Some(&user),
        )
        .await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn search_treats_query_syntax_as_text() {
    let app = spawn_app().await;
    let user = app.guest("Anto").await;
    for query in [
        "\"",
        "*",
        "NEAR(a b)",
        "title:queen",
        "a OR b AND NOT c",
        "'; --",
        "^%$#@!",
    ] {
        let res = app
            .client
            .get(app.url("/tracks/search"))
            .query(&[("artist_or_title", query)])
            .header("X-User-ID", &user.id)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{query}");
    }
}

#[tokio::test]
async fn adding_answers_the_queue_and_never_duplicates() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let queue = app.add(&host, &code, "bohemian rhapsody").await;
    assert_eq!(queue.len(), 1);
    let item = &queue[0];
    for key in [
        "room_track_id",
        "track_id",
        "title",
        "artist",
        "duration_ms",
        "votes",
        "score",
        "status",
        "created_at",
        "added_by",
    ] {
        assert!(!item[key].is_null(), "{key} missing in {item}");
    }
    assert_eq!(item["status"], "queued");
    assert_eq!(item["added_by"], "Anto");
    assert_eq!(item["votes"], 0);

    let queue = app.add(&host, &code, "bohemian rhapsody").await;
    assert_eq!(queue.len(), 1);
    // Also while it plays.
    app.advance(&host, &code).await;
    let queue = app.add(&host, &code, "bohemian rhapsody").await;
    assert!(queue.is_empty());
}

#[tokio::test]
async fn a_played_song_comes_back_only_after_the_cooldown() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    app.add(&host, &code, "bohemian rhapsody").await;
    app.advance(&host, &code).await;
    app.advance(&host, &code).await;
    // Within the room's cooldown (60 minutes by default): refused.
    let path = format!("/tracks/rooms/{code}/tracks");
    let track_id = app.track_id(&host, "bohemian rhapsody").await;
    let res = app
        .post(&path, Some(&host), json!({ "track_id": track_id }))
        .await;
    let detail = assert_error(res, StatusCode::CONFLICT).await;
    assert!(
        detail.contains("Bohemian Rhapsody") && detail.contains("can come back in"),
        "{detail}"
    );
    assert!(app.queue(&host, &code).await.is_empty());

    app.settings(&host, &code, json!({ "readd_cooldown_minutes": 0 }))
        .await;
    // Back, and (the room being quiet) playing at once.
    assert!(app.add(&host, &code, "bohemian rhapsody").await.is_empty());
    assert_eq!(
        app.now_playing(&host, &code).await["title"],
        "Bohemian Rhapsody"
    );
}

#[tokio::test]
async fn another_version_of_a_played_song_rests_with_it() {
    let music = tempfile::tempdir().unwrap();
    for name in [
        "Nameless Band - Sunset.wav",
        "Nameless Band - Sunset (Live).wav",
        "Nameless Band feat. Guest - Sunset - Radio Edit.wav",
        "Nameless Band - Moonrise.wav",
    ] {
        let path = music.path().join(name);
        crate::sound::tone(path.to_str().unwrap(), &["synth", "2", "sine", "440"]);
    }
    let app = crate::library::box_with_music(music.path()).await;
    let host = app.guest("Anto").await;
    crate::library::scanned(&app, &host, None).await;
    let code = app.bare_room(&host).await;
    let by_title = |title: &'static str| {
        let app = &app;
        let host = &host;
        async move {
            let hits = app.search(host, title).await;
            let hit = hits.iter().find(|h| h["title"] == title);
            hit.unwrap_or_else(|| panic!("{title} in {hits:?}"))["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let path = format!("/tracks/rooms/{code}/tracks");
    let add = |id: String| app.post(&path, Some(&host), json!({ "track_id": id }));
    // Sunset plays at once (the room was quiet), then the host skips it.
    assert_eq!(add(by_title("Sunset").await).await.status(), StatusCode::OK);
    assert_eq!(app.now_playing(&host, &code).await["title"], "Sunset");
    app.advance(&host, &code).await;
    // The queue is dry: the auto-DJ plays on, but not another version of
    // what just played: the only other song.
    let picked = wait_until(Duration::from_secs(5), "the auto-DJ", || async {
        let playing = app.now_playing(&host, &code).await;
        (playing["auto_dj"] == true).then_some(playing)
    })
    .await;
    assert_eq!(picked["title"], "Moonrise");
    // The live version and the radio edit (with a featured guest) are the
    // same song: both wait out the cooldown.
    for version in ["Sunset (Live)", "Sunset - Radio Edit"] {
        let res = add(by_title(version).await).await;
        let detail = assert_error(res, StatusCode::CONFLICT).await;
        assert!(detail.contains("can come back in"), "{version}: {detail}");
    }
    app.settings(&host, &code, json!({ "readd_cooldown_minutes": 0 }))
        .await;
    assert_eq!(
        add(by_title("Sunset (Live)").await).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn adding_needs_membership_and_a_real_track() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let stranger = app.guest("Cy").await;
    let code = app.room(&host).await;
    let track_id = app.track_id(&host, "queen").await;
    let path = format!("/tracks/rooms/{code}/tracks");

    let res = app
        .post(&path, Some(&stranger), json!({ "track_id": track_id }))
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;

    let res = app
        .post(&path, Some(&host), json!({ "track_id": "no-such-track" }))
        .await;
    assert_error(res, StatusCode::NOT_FOUND).await;

    let res = app
        .post(&path, Some(&host), json!({ "track_id": 42 }))
        .await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;

    assert!(app.queue(&host, &code).await.is_empty());
}

#[tokio::test]
async fn the_queue_names_adders_and_never_shows_other_users_ids() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let guest = app.guest("Bea").await;
    let code = app.room(&host).await;
    app.join(&guest, &code).await;
    app.add(&guest, &code, "dancing queen").await;
    let res = app
        .get(&format!("/tracks/rooms/{code}/queue"), Some(&host))
        .await;
    let text = res.text().await.unwrap();
    assert!(!text.contains(&guest.id), "the guest's id leaked: {text}");
    let queue: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert_eq!(queue[0]["added_by"], guest.name.as_str());
    // Each member sees what is theirs in /me, not in the shared queue.
    let item = queue[0]["room_track_id"].clone();
    let guest_me = app.me(&guest, &code).await;
    assert_eq!(guest_me["added"], json!([item]));
    assert_eq!(guest_me["role"], "guest");
    assert_eq!(
        guest_me["can"],
        json!({"moderate": false, "run_the_room": false})
    );
    assert_eq!(guest_me["display_name"], "Bea");
    let host_me = app.me(&host, &code).await;
    assert_eq!(host_me["added"], json!([]));
    assert_eq!(host_me["role"], "host");
    assert_eq!(
        host_me["can"],
        json!({"moderate": true, "run_the_room": true})
    );
}

#[tokio::test]
async fn me_shows_a_stranger_as_no_member() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let stranger = app.guest("Cy").await;
    let code = app.room(&host).await;
    let res = app.get(&format!("/rooms/{code}/me"), Some(&stranger)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["role"], Value::Null);
    assert_eq!(me["votes"], json!({}));
    let res = app.get("/rooms/ZZZZZZ/me", Some(&stranger)).await;
    assert_error(res, StatusCode::NOT_FOUND).await;
}
