//! The fair party: order and reasons, guests' limits, votes that count (or
//! not), and the room's vote to skip.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

fn reasons(queue: &[Value]) -> Vec<&str> {
    queue
        .iter()
        .map(|i| i["reason"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn one_guest_cannot_flood_the_queue() {
    let app = spawn_app().await;
    let tom = app.guest("Tom").await;
    let bea = app.guest("Bea").await;
    let code = app.room(&tom).await;
    app.join(&bea, &code).await;
    app.add(&tom, &code, "bohemian rhapsody").await;
    app.add(&tom, &code, "superstition").await;
    let queue = app.add(&tom, &code, "imagine lennon").await;
    for title in ["Superstition", "Imagine"] {
        app.vote(&bea, &code, item_id(&queue, title), 1).await;
    }
    let queue = app.add(&bea, &code, "dancing queen").await;
    // Tom's best first, then Bea's, though Tom's others have more votes.
    assert_eq!(
        titles(&queue),
        [
            "Superstition",
            "Dancing Queen",
            "Imagine",
            "Bohemian Rhapsody"
        ]
    );
    assert_eq!(
        reasons(&queue)[..2],
        [
            "1 vote · Tom's first pick tonight",
            "no votes yet · Bea's first pick tonight"
        ]
    );
    assert_eq!(
        reasons(&queue)[2],
        "1 vote · waiting: Tom's earlier pick goes first"
    );

    // Once Tom's song has played, Bea's waits for nobody.
    let res = app.advance(&tom, &code).await;
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["now_playing"]["title"], "Superstition");
    assert_eq!(
        titles(body["queue"].as_array().unwrap())[0],
        "Dancing Queen"
    );

    // With fairness off, votes alone.
    app.settings(&tom, &code, json!({ "fairness": false }))
        .await;
    let queue = app.queue(&tom, &code).await;
    assert_eq!(
        titles(&queue),
        ["Imagine", "Bohemian Rhapsody", "Dancing Queen"]
    );
}

#[tokio::test]
async fn dj_rotation_takes_the_guests_in_turn_whatever_the_votes() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.room(&host).await; // the opener's song plays
    let [ana, bea, cy] = [
        app.guest("Ana").await,
        app.guest("Bea").await,
        app.guest("Cy").await,
    ];
    for g in [&ana, &bea, &cy] {
        app.join(g, &code).await;
    }
    app.settings(
        &host,
        &code,
        json!({ "dj_rotation": true, "no_artist_twice": false }),
    )
    .await;
    app.add(&ana, &code, "bohemian rhapsody").await;
    app.add(&ana, &code, "superstition").await;
    app.add(&bea, &code, "dancing queen").await;
    let queue = app.add(&cy, &code, "imagine lennon").await;
    // The room loves Ana's second song; it still waits its turn.
    for who in [&bea, &cy, &host] {
        app.vote(who, &code, item_id(&queue, "Superstition"), 1)
            .await;
    }
    let queue = app.queue(&host, &code).await;
    assert_eq!(
        titles(&queue),
        [
            "Superstition",
            "Dancing Queen",
            "Imagine",
            "Bohemian Rhapsody"
        ]
    );
    assert_eq!(
        reasons(&queue),
        [
            "3 votes · Ana's turn in the DJ rotation",
            "no votes yet · Bea's turn in the DJ rotation",
            "no votes yet · Cy's turn in the DJ rotation",
            "no votes yet · Ana's turn in the DJ rotation",
        ]
    );
    // Ana's song plays; then Bea's and Cy's before Ana's next, whatever
    // the votes say.
    app.advance(&host, &code).await;
    let queue = app.queue(&host, &code).await;
    app.vote(&bea, &code, item_id(&queue, "Bohemian Rhapsody"), 1)
        .await;
    app.vote(&cy, &code, item_id(&queue, "Bohemian Rhapsody"), 1)
        .await;
    let queue = app.queue(&host, &code).await;
    assert_eq!(
        titles(&queue),
        ["Dancing Queen", "Imagine", "Bohemian Rhapsody"]
    );
    assert_eq!(
        reasons(&queue)[2],
        "2 votes · waiting for Ana's turn in the DJ rotation"
    );
    // Off again: votes lead (fair turns are still on).
    app.settings(&host, &code, json!({ "dj_rotation": false }))
        .await;
    assert_eq!(titles(&app.queue(&host, &code).await)[0], "Dancing Queen");
}

#[tokio::test]
async fn a_guest_has_a_limit_of_songs_waiting_and_the_host_does_not() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    let code = app.room(&host).await;
    app.join(&bea, &code).await;
    app.settings(&host, &code, json!({ "max_queued_per_guest": 2 }))
        .await;
    app.add(&bea, &code, "bohemian rhapsody").await;
    app.add(&bea, &code, "superstition").await;
    let track_id = app.track_id(&bea, "imagine lennon").await;
    let res = app
        .post(
            &format!("/tracks/rooms/{code}/tracks"),
            Some(&bea),
            json!({ "track_id": track_id }),
        )
        .await;
    let detail = assert_error(res, StatusCode::CONFLICT).await;
    assert!(detail.contains("2 songs waiting"), "{detail}");
    assert_eq!(app.queue(&host, &code).await.len(), 2);
    for query in ["imagine lennon", "dancing queen", "hey jude"] {
        app.add(&host, &code, query).await;
    }
    assert_eq!(app.queue(&host, &code).await.len(), 5);
}

#[tokio::test]
async fn down_votes_can_be_turned_off() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let queue = app.add(&host, &code, "superstition").await;
    app.settings(&host, &code, json!({ "allow_downvotes": false }))
        .await;
    let item = item_id(&queue, "Superstition");
    assert_error(
        app.vote(&host, &code, item, -1).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        app.vote(&host, &code, item, 1).await.status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn two_accounts_made_on_one_device_vote_as_one() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let queue = app.add(&host, &code, "superstition").await;
    let item = item_id(&queue, "Superstition").to_string();

    // One phone (one cookie jar) makes two guest accounts.
    let phone = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let mut accounts = Vec::new();
    for name in ["Sam", "Sam again"] {
        let res = phone
            .post(app.url("/auth/guest"))
            .json(&json!({ "display_name": name }))
            .send()
            .await
            .unwrap();
        let body: Value = res.json().await.unwrap();
        accounts.push(Guest {
            id: body["user_id"].as_str().unwrap().to_string(),
            name: name.to_string(),
            from: None,
        });
    }
    for account in &accounts {
        app.join(account, &code).await;
        assert_eq!(
            app.vote(account, &code, &item, 1).await.status(),
            StatusCode::OK
        );
    }
    assert_eq!(app.queue(&host, &code).await[0]["votes"], 1);
    // Each sees their own vote; only one counts.
    assert_eq!(app.me(&accounts[1], &code).await["votes"][&item], 1);
    // Another phone counts.
    let other = app.guest("Lou").await;
    app.join(&other, &code).await;
    app.vote(&other, &code, &item, 1).await;
    assert_eq!(app.queue(&host, &code).await[0]["votes"], 2);
}

#[tokio::test]
async fn a_new_guests_votes_count_after_the_rooms_delay() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    app.settings(&host, &code, json!({ "new_guest_vote_delay_seconds": 1 }))
        .await;
    let queue = app.add(&host, &code, "superstition").await;
    let item = item_id(&queue, "Superstition").to_string();
    let newcomer = app.guest("New").await;
    app.join(&newcomer, &code).await;
    let mut socket = connect(&app, &code, &host).await;
    let res = app.vote(&newcomer, &code, &item, 1).await;
    let voted_version: i64 = res.headers()["x-room-version"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let queue: Vec<Value> = res.json().await.unwrap();
    assert_eq!(queue[0]["votes"], 0, "not yet");
    assert_eq!(app.me(&newcomer, &code).await["votes"][&item], 1);

    // The box reloads the room when the vote comes due, and pushes it.
    let started = Instant::now();
    let frame = frame_where(&mut socket, |f| f["queue"][0]["votes"] == 1).await;
    assert!(frame["version"].as_i64().unwrap() > voted_version);
    assert!(started.elapsed() < Duration::from_secs(3));
    // The host's own votes count at once.
    let res = app.vote(&host, &code, &item, 1).await;
    let queue: Vec<Value> = res.json().await.unwrap();
    assert_eq!(queue[0]["votes"], 2);
}

#[tokio::test]
async fn the_room_votes_to_skip_among_the_people_here() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    let cy = app.guest("Cy").await;
    let code = app.bare_room(&host).await;
    let skip = format!("/rooms/{code}/now-playing/skip");
    app.join(&bea, &code).await;
    app.join(&cy, &code).await;
    assert_error(
        app.post(&skip, Some(&bea), json!(null)).await,
        StatusCode::CONFLICT,
    )
    .await;
    let stranger = app.guest("Dee").await;
    assert_error(
        app.post(&skip, Some(&stranger), json!(null)).await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // The first song starts by itself.
    app.add(&host, &code, "bohemian rhapsody").await;
    app.add(&host, &code, "superstition").await;
    let _sockets = [
        connect(&app, &code, &host).await,
        connect(&app, &code, &bea).await,
        connect(&app, &code, &cy).await,
    ];
    // Three here, half must ask: two.
    let first: Value = app
        .post(&skip, Some(&bea), json!(null))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            first["votes"].as_i64(),
            first["needed"].as_i64(),
            first["skipped"].as_bool()
        ),
        (Some(1), Some(2), Some(false))
    );
    let again: Value = app
        .post(&skip, Some(&bea), json!(null))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(again["votes"], 1, "asking twice counts once");
    let playing = first["now_playing"]["title"].as_str().unwrap().to_string();

    let second: Value = app
        .post(&skip, Some(&cy), json!(null))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["skipped"], true);
    assert_ne!(second["now_playing"]["title"].as_str().unwrap(), playing);
    let log = app.audit_log(&host, &code).await;
    assert_eq!(log[0]["actor"], "the room");
    assert_eq!(log[0]["action"], "voted to skip");
    assert_eq!(log[0]["target"], playing.as_str());
}

#[tokio::test]
async fn an_artist_does_not_play_twice_in_a_row_unless_the_host_allows_it() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let [bea, cy] = [app.guest("Bea").await, app.guest("Cy").await];
    let code = app.room(&host).await;
    app.join(&bea, &code).await;
    app.join(&cy, &code).await;
    app.add(&host, &code, "mamma mia").await;
    app.add(&host, &code, "dancing queen").await;
    let queue = app.add(&host, &code, "superstition").await;
    for (who, title) in [
        (&bea, "Mamma Mia"),
        (&cy, "Mamma Mia"),
        (&bea, "Dancing Queen"),
    ] {
        app.vote(who, &code, item_id(&queue, title), 1).await;
    }
    let queue = app.queue(&host, &code).await;
    assert_eq!(
        titles(&queue),
        ["Mamma Mia", "Superstition", "Dancing Queen"]
    );
    assert!(
        reasons(&queue)[2].contains("same artist"),
        "{:?}",
        reasons(&queue)
    );
    app.settings(&host, &code, json!({ "no_artist_twice": false }))
        .await;
    assert_eq!(
        titles(&app.queue(&host, &code).await),
        ["Mamma Mia", "Dancing Queen", "Superstition"]
    );
}

#[tokio::test]
async fn another_version_of_a_queued_song_is_the_same_song_and_explicit_tracks_can_be_off() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    app.db()
        .execute_batch(
            "INSERT INTO tracks (id, title, artist, album, duration_ms, source, explicit) VALUES
                ('live-bohemian', 'Bohemian Rhapsody (Live Aid)', 'Queen', NULL, 360000, 'test', 0),
                ('rude-song', 'Rude Song', 'Nobody', NULL, 200000, 'test', 1);",
        )
        .unwrap();
    let studio: String = app
        .db()
        .query_row(
            "SELECT id FROM tracks WHERE title = 'Bohemian Rhapsody' AND source = 'builtin'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let path = format!("/tracks/rooms/{code}/tracks");
    let res = app
        .post(&path, Some(&host), json!({ "track_id": studio }))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app
        .post(&path, Some(&host), json!({ "track_id": "live-bohemian" }))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let queue: Vec<Value> = res.json().await.unwrap();
    assert_eq!(titles(&queue), ["Bohemian Rhapsody"]);

    app.settings(&host, &code, json!({ "hide_explicit": true }))
        .await;
    let res = app
        .post(&path, Some(&host), json!({ "track_id": "rude-song" }))
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;
    app.settings(&host, &code, json!({ "hide_explicit": false }))
        .await;
    let res = app
        .send(
            Method::POST,
            &path,
            Some(&host),
            Some(json!({ "track_id": "rude-song" })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}
