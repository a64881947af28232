use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn creating_a_room_answers_the_seed_shape() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let res = app
        .post("/rooms", Some(&host), json!({ "name": " My Party " }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let room: Value = res.json().await.unwrap();
    assert_eq!(room["name"], "My Party");
    assert_eq!(room["host_user_id"], host.id.as_str());
    assert_eq!(room["is_active"], true);
    assert!(room["id"].is_string() && room["created_at"].is_string());
    let code = room["code"].as_str().unwrap();
    assert_eq!(code.len(), 6);
    assert!(
        code.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    );
    assert!(!code.contains(['0', 'O', '1', 'I']), "{code}");
}

#[tokio::test]
async fn a_blank_room_name_becomes_the_hosts_party() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let res = app.post("/rooms", Some(&host), json!({})).await;
    let room: Value = res.json().await.unwrap();
    assert_eq!(room["name"], "Anto's party");
    let res = app
        .post("/rooms", Some(&host), json!({ "name": "x".repeat(81) }))
        .await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn room_codes_are_unique_and_a_host_has_at_most_twenty_rooms() {
    let app = spawn_app().await;
    let mut codes = std::collections::HashSet::new();
    for i in 0..3 {
        let host = app.guest(&format!("Host {i}")).await;
        for _ in 0..20 {
            assert!(codes.insert(app.bare_room(&host).await));
        }
        let res = app
            .post("/rooms", Some(&host), json!({ "name": "one more" }))
            .await;
        let detail = assert_error(res, StatusCode::CONFLICT).await;
        assert!(detail.contains("20"), "{detail}");
    }
}

#[tokio::test]
async fn joining_works_in_any_case_and_twice() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let guest = app.guest("Bea").await;
    let code = app.room(&host).await;
    for typed in [code.to_lowercase(), format!("  {code} ")] {
        let res = app
            .post("/rooms/join", Some(&guest), json!({ "code": typed }))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["user_id"], guest.id.as_str());
        assert!(body["room_id"].is_string());
        assert_eq!(body.as_object().unwrap().len(), 2);
    }
}

#[tokio::test]
async fn joining_an_unknown_room_is_404() {
    let app = spawn_app().await;
    let guest = app.guest("Bea").await;
    for code in ["ZZZZZZ", "", "not a code!", &"A".repeat(5000)] {
        let res = app
            .post("/rooms/join", Some(&guest), json!({ "code": code }))
            .await;
        assert_error(res, StatusCode::NOT_FOUND).await;
    }
    let res = app.post("/rooms/join", Some(&guest), json!({})).await;
    assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
}

#[tokio::test]
async fn now_playing_is_null_until_the_first_song_which_starts_by_itself() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.bare_room(&host).await;
    let res = app
        .get(&format!("/rooms/{code}/now-playing"), Some(&host))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), Value::Null);

    // The first song starts at once: nobody has to press anything.
    let queue = app.add(&host, &code, "autobahn").await;
    assert!(queue.is_empty(), "{queue:?}");
    let playing = app.now_playing(&host, &code).await;
    assert_eq!(playing["title"], "Autobahn");
    assert_eq!(playing["playable"], false, "demo mode: no audio");
    assert!(playing["started_at"].is_string());

    app.add(&host, &code, "bohemian rhapsody").await;
    app.add(&host, &code, "dancing queen").await;
    let res = app.advance(&host, &code).await;
    assert_eq!(res.status(), StatusCode::OK);
    let advanced: Value = res.json().await.unwrap();
    assert_eq!(advanced["now_playing"]["title"], "Bohemian Rhapsody");
    assert_eq!(advanced["now_playing"]["status"], "playing");
    assert!(advanced["now_playing"]["started_at"].is_string());
    assert_eq!(
        titles(advanced["queue"].as_array().unwrap()),
        ["Dancing Queen"]
    );

    let res = app
        .get(&format!("/rooms/{code}/now-playing"), Some(&host))
        .await;
    let playing: Value = res.json().await.unwrap();
    assert_eq!(playing["title"], "Bohemian Rhapsody");
    assert_eq!(
        playing["room_track_id"],
        advanced["now_playing"]["room_track_id"]
    );

    // The playing item is no longer in the queue.
    assert_eq!(titles(&app.queue(&host, &code).await), ["Dancing Queen"]);
}

#[tokio::test]
async fn advancing_past_the_end_empties_the_room() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    app.add(&host, &code, "bohemian rhapsody").await;
    let path = format!("/rooms/{code}/advance");
    app.post(&path, Some(&host), json!(null)).await;
    let res = app.post(&path, Some(&host), json!(null)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.json::<Value>().await.unwrap(),
        json!({ "now_playing": null, "queue": [] })
    );
    let res = app
        .get(&format!("/rooms/{code}/now-playing"), Some(&host))
        .await;
    assert_eq!(res.json::<Value>().await.unwrap(), Value::Null);
}

#[tokio::test]
async fn only_the_host_may_advance() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let guest = app.guest("Bea").await;
    let stranger = app.guest("Cy").await;
    let code = app.room(&host).await;
    app.join(&guest, &code).await;
    app.add(&host, &code, "bohemian rhapsody").await;
    for user in [&guest, &stranger] {
        let res = app.advance(user, &code).await;
        let detail = assert_error(res, StatusCode::FORBIDDEN).await;
        assert!(detail.contains("Only the host"), "{detail}");
    }
    // Nothing changed.
    assert_eq!(app.now_playing(&host, &code).await["title"], "Autobahn");
    assert_eq!(app.queue(&host, &code).await.len(), 1);
}

#[tokio::test]
async fn unknown_rooms_are_404_everywhere() {
    let app = spawn_app().await;
    let user = app.guest("Anto").await;
    let track_id = app.track_id(&user, "queen").await;
    for res in [
        app.get("/rooms/ZZZZZZ/now-playing", Some(&user)).await,
        app.post("/rooms/ZZZZZZ/advance", Some(&user), json!(null))
            .await,
        app.get("/tracks/rooms/ZZZZZZ/queue", Some(&user)).await,
        app.post(
            "/tracks/rooms/ZZZZZZ/tracks",
            Some(&user),
            json!({ "track_id": track_id }),
        )
        .await,
        app.post(
            "/votes/rooms/ZZZZZZ/votes",
            Some(&user),
            json!({ "room_track_id": "x", "value": 1 }),
        )
        .await,
    ] {
        assert_error(res, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn a_rooms_state_is_its_queue_and_what_plays_in_one_answer() {
    let app = spawn_app().await;
    // A room playing "Autobahn", with songs waiting.
    let (host, bea, code) = party_of_two(&app).await;
    app.add(&host, &code, "superstition").await;
    let res = app.get(&format!("/rooms/{code}/state"), Some(&bea)).await;
    let version: i64 = res.headers()["x-room-version"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let state: Value = res.json().await.unwrap();
    // Exactly what the two seed answers say, at the same version.
    assert_eq!(state["queue"], Value::Array(app.queue(&bea, &code).await));
    assert_eq!(state["now_playing"], app.now_playing(&bea, &code).await);
    assert_eq!(state["now_playing"]["title"], "Autobahn");
    let queue = app
        .get(&format!("/tracks/rooms/{code}/queue"), Some(&bea))
        .await;
    assert_eq!(
        queue.headers()["x-room-version"].to_str().unwrap(),
        version.to_string()
    );
    // Whoever may read the queue may read this, and nobody else.
    let stranger = app.guest("Stranger").await;
    let res = app
        .get(&format!("/rooms/{code}/state"), Some(&stranger))
        .await;
    let seed = app
        .get(&format!("/tracks/rooms/{code}/queue"), Some(&stranger))
        .await;
    assert_eq!(res.status(), seed.status());
    let res = app.get(&format!("/rooms/{code}/state"), None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = app.get("/rooms/ZZZZZZ/state", Some(&bea)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// The room version an answer reflects.
fn version_of(res: &reqwest::Response) -> i64 {
    res.headers()["x-room-version"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_phone_that_shows_an_earlier_version_is_answered_only_what_changed_since() {
    let app = spawn_app_configured(|c| c.no_rate_limits = true).await;
    let (host, bea, code) = party_of_two(&app).await;
    for query in ["queen", "abba", "prince", "madonna", "beyonce", "daft punk"] {
        app.add(&host, &code, query).await;
    }
    // What the phone shows: the room whole, at one version.
    let res = app.get(&format!("/rooms/{code}/state"), Some(&bea)).await;
    let shown_at = version_of(&res);
    let whole_len = res.bytes().await.unwrap().len();
    let mut queue = app.queue(&bea, &code).await;
    let ids: Vec<String> = queue
        .iter()
        .map(|i| i["room_track_id"].as_str().unwrap().to_string())
        .collect();

    // The room moves on without it: votes, a removal, a new song.
    app.vote(&host, &code, &ids[5], 1).await;
    app.remove_item(&host, &code, &ids[2]).await;
    app.add(&host, &code, "coldplay").await;

    // The catch-up since then is only that, and rebuilds the room.
    let res = app
        .get(&format!("/rooms/{code}/state?since={shown_at}"), Some(&bea))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let now_at = version_of(&res);
    let delta: Value = res.json().await.unwrap();
    assert_eq!(delta["type"], "delta");
    assert_eq!(delta["base"], shown_at);
    assert_eq!(delta["version"], now_at);
    // (Songs whose reason changed come whole: here most of a short queue.)
    assert!(
        delta.to_string().len() < whole_len,
        "{} bytes against {whole_len}: {delta}",
        delta.to_string().len()
    );
    apply_delta(&mut queue, &delta);
    assert_eq!(queue, app.queue(&bea, &code).await);
    assert_eq!(delta["now_playing"], app.now_playing(&bea, &code).await);

    // A vote asked the same way answers what it changed (no song playing
    // in it: the vote's answer is the queue), and the queue follows.
    let res = app
        .post(
            &format!("/votes/rooms/{code}/votes?since={now_at}"),
            Some(&bea),
            json!({ "room_track_id": ids[3], "value": 1 }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let voted_at = version_of(&res);
    let delta: Value = res.json().await.unwrap();
    assert_eq!(
        (delta["base"].as_i64(), delta["version"].as_i64()),
        (Some(now_at), Some(voted_at))
    );
    assert!(delta.get("now_playing").is_none(), "{delta}");
    assert!(
        delta["queue"]["upsert"].as_array().unwrap().len() < queue.len(),
        "{delta}"
    );
    apply_delta(&mut queue, &delta);
    assert_eq!(queue, app.queue(&bea, &code).await);

    // Nothing changed since: nothing to say.
    let same: Value = app
        .get(&format!("/rooms/{code}/state?since={voted_at}"), Some(&bea))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        same["queue"],
        json!({ "remove": [], "upsert": [], "place": [] })
    );

    // A version the box never had, or no longer holds: the whole answer,
    // as without `since`.
    let ahead: Value = app
        .get(
            &format!("/rooms/{code}/state?since={}", voted_at + 1000),
            Some(&bea),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(ahead["queue"].is_array(), "{ahead}");
    for n in 0..40 {
        app.vote(&bea, &code, &ids[4], if n % 2 == 0 { 1 } else { -1 })
            .await;
    }
    let res = app
        .post(
            &format!("/votes/rooms/{code}/votes?since={shown_at}"),
            Some(&bea),
            json!({ "room_track_id": ids[3], "value": 1 }),
        )
        .await;
    let whole: Value = res.json().await.unwrap();
    assert_eq!(whole, Value::Array(app.queue(&bea, &code).await));
}

#[tokio::test]
async fn a_since_that_is_not_a_version_is_refused_and_the_vote_not_counted() {
    let app = spawn_app().await;
    let (_, bea, code) = party_of_two(&app).await;
    let queue = app.queue(&bea, &code).await;
    let item = queue[1]["room_track_id"].as_str().unwrap();
    for since in ["abc", "-1", "1.5", ""] {
        let res = app
            .post(
                &format!("/votes/rooms/{code}/votes?since={since}"),
                Some(&bea),
                json!({ "room_track_id": item, "value": 1 }),
            )
            .await;
        let detail = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(detail.contains("since"), "{detail}");
        let res = app
            .get(&format!("/rooms/{code}/state?since={since}"), Some(&bea))
            .await;
        assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    assert_eq!(app.queue(&bea, &code).await, queue, "nothing changed");
}
