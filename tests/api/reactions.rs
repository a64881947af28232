//! Reactions: an emoji on the playing song reaches every socket in the
//! room once, is kept for Wrapped, and one phone (or thirty tabs on it)
//! cannot flood the party's screen.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn react(
    app: &TestApp,
    who: &Guest,
    code: &str,
    item: &str,
    emoji: &str,
) -> reqwest::Response {
    app.post(
        &format!("/rooms/{code}/now-playing/reactions"),
        Some(who),
        json!({ "room_track_id": item, "emoji": emoji }),
    )
    .await
}

fn kept(app: &TestApp) -> i64 {
    app.db()
        .query_row("SELECT count(*) FROM reactions", [], |r| r.get(0))
        .unwrap()
}

async fn playing_id(app: &TestApp, who: &Guest, code: &str) -> String {
    app.now_playing(who, code).await["room_track_id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_reaction_reaches_the_room_once_and_bad_ones_change_nothing() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let bea = app.guest_at("Bea", "127.0.0.21").await;
    let tv = app.guest("TV screen").await;
    let stranger = app.guest_at("Stranger", "127.0.0.22").await;
    app.join(&bea, &code).await;
    app.join_as_screen(&tv, &code).await;
    let queue = app.add(&bea, &code, "dancing queen").await;
    let waiting = item_id(&queue, "Dancing Queen").to_string();
    let playing = playing_id(&app, &host, &code).await;
    let mut tv_socket = connect(&app, &code, &tv).await;
    let mut bea_socket = connect(&app, &code, &bea).await;
    next_frame(&mut tv_socket).await;
    next_frame(&mut bea_socket).await;

    let res = react(&app, &bea, &code, &playing, "🔥").await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["emoji"], "🔥");
    assert_eq!(body["room_track_id"], playing.as_str());
    assert!(body["position_ms"].as_i64().unwrap() >= 0, "{body}");
    // Kept before the answer went out.
    assert_eq!(kept(&app), 1);
    for socket in [&mut tv_socket, &mut bea_socket] {
        let frame = next_of(socket, &["reaction"]).await;
        assert_eq!(frame["emoji"], "🔥");
        assert_eq!(frame["room_track_id"], playing.as_str());
        // Nobody's id, nor name: an emoji is all the screen shows.
        assert_eq!(frame.as_object().unwrap().len(), 3, "{frame}");
    }
    // Once: the next thing the screen hears is the next reaction.
    let heart = react(&app, &bea, &code, &playing, "\u{2764}").await;
    assert_eq!(heart.status(), StatusCode::CREATED);
    assert_eq!(next_of(&mut tv_socket, &["reaction"]).await["emoji"], "❤️");

    // Bad input: a clear refusal, nothing kept, nothing sent.
    for (who, item, emoji, status, code_name) in [
        (
            &bea,
            playing.as_str(),
            "🍆",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reaction",
        ),
        (
            &bea,
            playing.as_str(),
            "<b>hi</b>",
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_reaction",
        ),
        (
            &bea,
            waiting.as_str(),
            "🔥",
            StatusCode::CONFLICT,
            "song_ended",
        ),
        (
            &bea,
            "no-such-item",
            "🔥",
            StatusCode::CONFLICT,
            "song_ended",
        ),
        (
            &tv,
            playing.as_str(),
            "🔥",
            StatusCode::FORBIDDEN,
            "screen_cannot_vote",
        ),
        (
            &stranger,
            playing.as_str(),
            "🔥",
            StatusCode::FORBIDDEN,
            "not_a_member",
        ),
    ] {
        assert_refused(
            react(&app, who, &code, item, emoji).await,
            status,
            code_name,
        )
        .await;
    }
    let wrong_shape = app
        .post(
            &format!("/rooms/{code}/now-playing/reactions"),
            Some(&bea),
            json!({ "emoji": 1 }),
        )
        .await;
    assert_error(wrong_shape, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(kept(&app), 2);

    // The song ends: a reaction meant for it is not pinned on the next.
    assert_eq!(app.advance(&host, &code).await.status(), StatusCode::OK);
    assert_refused(
        react(&app, &bea, &code, &playing, "🔥").await,
        StatusCode::CONFLICT,
        "song_ended",
    )
    .await;
    let next = playing_id(&app, &host, &code).await;
    assert_eq!(next, waiting);
    assert_eq!(
        react(&app, &bea, &code, &next, "🎉").await.status(),
        StatusCode::CREATED
    );
    let frame = next_of(&mut tv_socket, &["reaction"]).await;
    assert_eq!(
        (frame["emoji"].as_str(), frame["room_track_id"].as_str()),
        (Some("🎉"), Some(next.as_str()))
    );
    assert_eq!(kept(&app), 3);
}

#[tokio::test]
async fn one_phone_or_thirty_tabs_cannot_flood_the_screen() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let playing = playing_id(&app, &host, &code).await;
    let bea = app.guest_at("Bea", "127.0.0.31").await;
    let cy = app.guest_at("Cy", "127.0.0.32").await;
    app.join(&bea, &code).await;
    app.join(&cy, &code).await;

    // One phone: five in ten seconds, then a clear "slow down".
    for _ in 0..5 {
        assert_eq!(
            react(&app, &bea, &code, &playing, "🔥").await.status(),
            StatusCode::CREATED
        );
    }
    let refused = assert_refused(
        react(&app, &bea, &code, &playing, "🔥").await,
        StatusCode::TOO_MANY_REQUESTS,
        "reacting_too_fast",
    )
    .await;
    assert_eq!(refused["params"], json!({ "count": 5, "seconds": 10 }));
    // Another phone is not held up by it.
    assert_eq!(
        react(&app, &cy, &code, &playing, "🙌").await.status(),
        StatusCode::CREATED
    );
    assert_eq!(kept(&app), 6);

    // Thirty private tabs on one phone: two voices' worth (the network
    // carries two voices here), ten reactions, not a hundred and fifty.
    let mut tabs = Vec::new();
    for i in 0..30 {
        let tab = app.guest_at(&format!("Tab {i}"), "127.0.0.33").await;
        app.join(&tab, &code).await;
        tabs.push(tab);
    }
    let mut landed = 0;
    for tab in &tabs {
        for _ in 0..5 {
            match react(&app, tab, &code, &playing, "😂").await.status() {
                StatusCode::CREATED => landed += 1,
                StatusCode::TOO_MANY_REQUESTS => {}
                other => panic!("{other}"),
            }
        }
    }
    assert_eq!(landed, 10);
    assert_eq!(kept(&app), 16);

    // The budget comes back as the window moves on.
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(
        react(&app, &bea, &code, &playing, "🔥").await.status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn wrapped_names_the_most_loved_song_and_moment() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let guests = [
        app.guest_at("Bea", "127.0.0.41").await,
        app.guest_at("Cy", "127.0.0.42").await,
        app.guest_at("Dee", "127.0.0.43").await,
    ];
    for g in &guests {
        app.join(g, &code).await;
    }
    let before: Value = app
        .get(&format!("/rooms/{code}/wrapped"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(before["most_loved"], Value::Null);
    assert_eq!(before["loved_moment"], Value::Null);

    // Autobahn gets two, then the next song (Bea's) four.
    let autobahn = playing_id(&app, &host, &code).await;
    for (g, e) in [(&guests[0], "👏"), (&guests[1], "👏")] {
        assert_eq!(
            react(&app, g, &code, &autobahn, e).await.status(),
            StatusCode::CREATED
        );
    }
    app.add(&guests[0], &code, "dancing queen").await;
    assert_eq!(app.advance(&host, &code).await.status(), StatusCode::OK);
    let dancing = playing_id(&app, &host, &code).await;
    for (g, e) in [
        (&guests[0], "💃"),
        (&guests[1], "💃"),
        (&guests[2], "🔥"),
        (&host, "💃"),
    ] {
        assert_eq!(
            react(&app, g, &code, &dancing, e).await.status(),
            StatusCode::CREATED
        );
    }

    let wrapped: Value = app
        .get(&format!("/rooms/{code}/wrapped"), Some(&guests[2]))
        .await
        .json()
        .await
        .unwrap();
    let loved = &wrapped["most_loved"];
    assert_eq!(loved["title"], "Dancing Queen");
    assert_eq!(loved["added_by"], "Bea");
    assert_eq!(loved["reactions"], 4);
    assert_eq!(loved["emoji"], "💃");
    let moment = &wrapped["loved_moment"];
    assert_eq!(moment["title"], "Dancing Queen");
    assert_eq!(moment["reactions"], 4);
    assert_eq!(moment["emoji"], "💃");
    // It started this second: the moment is its first seconds.
    assert!(moment["position_ms"].as_i64().unwrap() < 5_000, "{moment}");
}
