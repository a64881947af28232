//! The live room over a real WebSocket client.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};

use crate::helpers::*;

fn titles(frame: &Value) -> Vec<String> {
    frame["queue"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_member_gets_the_whole_room_on_connect() {
    let app = spawn_app().await;
    let (_, bea, code) = party_of_two(&app).await;
    let mut socket = connect(&app, &code, &bea).await;
    let frame = frame_where(&mut socket, |f| f["presence"]["count"] == 1).await;
    assert_eq!(titles(&frame), ["Bohemian Rhapsody", "Dancing Queen"]);
    assert_eq!(frame["now_playing"]["title"], "Autobahn");
    assert_eq!(frame["now_playing"]["playable"], false, "demo mode: silent");
    assert!(frame["version"].as_i64().unwrap() >= 1);
    assert_eq!(frame["presence"]["names"], json!(["Bea"]));
    assert!(!frame.to_string().contains(&bea.id), "a user id leaked");
}

#[tokio::test]
async fn a_vote_by_one_member_reaches_another_members_socket() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    let mut host_socket = connect(&app, &code, &host).await;
    let first = next_frame(&mut host_socket).await;
    let queue = app.queue(&bea, &code).await;
    let dancing = queue[1]["room_track_id"].as_str().unwrap();

    let res = app.vote(&bea, &code, dancing, 1).await;
    let version: i64 = res.headers()["x-room-version"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(version > first["version"].as_i64().unwrap());

    let frame = frame_where(&mut host_socket, |f| f["version"].as_i64() >= Some(version)).await;
    assert_eq!(titles(&frame), ["Dancing Queen", "Bohemian Rhapsody"]);
    assert_eq!(frame["queue"][0]["votes"], 1);
}

#[tokio::test]
async fn advancing_is_pushed_too() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    let mut socket = connect(&app, &code, &bea).await;
    next_frame(&mut socket).await;
    app.advance(&host, &code).await;
    let frame = frame_where(&mut socket, |f| !f["now_playing"].is_null()).await;
    assert_eq!(frame["now_playing"]["title"], "Bohemian Rhapsody");
    assert_eq!(titles(&frame), ["Dancing Queen"]);
}

#[tokio::test]
async fn versions_only_grow() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    let mut socket = connect(&app, &code, &host).await;
    let mut last = next_frame(&mut socket).await["version"].as_i64().unwrap();
    let queue = app.queue(&bea, &code).await;
    for (i, item) in queue.iter().cycle().take(6).enumerate() {
        // Each vote changes something: +1, +1, -1, -1, +1, +1 over two items.
        let value = if (i / 2) % 2 == 0 { 1 } else { -1 };
        app.vote(&bea, &code, item["room_track_id"].as_str().unwrap(), value)
            .await;
        let frame = next_frame(&mut socket).await;
        let version = frame["version"].as_i64().unwrap();
        assert!(version >= last, "{version} after {last}");
        last = version;
    }
}

#[tokio::test]
async fn presence_goes_up_and_down() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    let mut host_socket = connect(&app, &code, &host).await;
    frame_where(&mut host_socket, |f| f["presence"]["count"] == 1).await;

    let bea_socket = connect(&app, &code, &bea).await;
    let frame = frame_where(&mut host_socket, |f| f["presence"]["count"] == 2).await;
    assert_eq!(frame["presence"]["names"], json!(["Anto", "Bea"]));

    // A second tab of the same person counts once.
    let mut bea_tab = connect(&app, &code, &bea).await;
    next_frame(&mut bea_tab).await;
    drop(bea_socket);
    drop(bea_tab);
    let frame = frame_where(&mut host_socket, |f| f["presence"]["count"] == 1).await;
    assert_eq!(frame["presence"]["names"], json!(["Anto"]));
}

#[tokio::test]
async fn strangers_are_refused_before_the_upgrade() {
    let app = spawn_app().await;
    let (_, _, code) = party_of_two(&app).await;
    let stranger = app.guest("Cy").await;
    let nobody = Guest {
        id: uuid::Uuid::new_v4().to_string(),
        name: "ghost".into(),
        from: None,
    };
    for (user, status) in [
        (Some(&stranger), StatusCode::FORBIDDEN),
        (Some(&nobody), StatusCode::UNAUTHORIZED),
        (None, StatusCode::UNAUTHORIZED),
    ] {
        match try_connect(&app, &code, user).await {
            Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), status.as_u16()),
            other => panic!(
                "expected {status}, got {:?}",
                other.map(|_| "an open socket")
            ),
        }
    }
    match try_connect(&app, "ZZZZZZ", Some(&stranger)).await {
        Err(WsError::Http(response)) => assert_eq!(response.status().as_u16(), 404),
        other => panic!("expected 404, got {:?}", other.map(|_| "an open socket")),
    }
}

#[tokio::test]
async fn the_uid_query_parameter_is_an_identity() {
    let app = spawn_app().await;
    let (_, bea, code) = party_of_two(&app).await;
    let url = format!("ws://{}/rooms/{code}/ws?uid={}", app.addr, bea.id);
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert_eq!(
        next_frame(&mut socket).await["queue"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_client_that_stops_reading_does_not_block_the_rest() {
    // 150 quick votes from two phones: over the rate limits, which are not
    // what this test is about.
    let app = spawn_app_configured(|c| c.no_rate_limits = true).await;
    let (host, bea, code) = party_of_two(&app).await;
    for query in ["queen", "abba", "prince", "madonna", "beyonce", "daft punk"] {
        app.add(&host, &code, query).await;
    }
    // This one connects and never reads again.
    let _stuck = connect(&app, &code, &host).await;
    let mut reader = connect(&app, &code, &bea).await;
    next_frame(&mut reader).await;

    let queue = app.queue(&bea, &code).await;
    let mut last_version = 0;
    for round in 0..150 {
        let item = queue[round % queue.len()]["room_track_id"]
            .as_str()
            .unwrap();
        let value = if round % 3 == 0 { -1 } else { 1 };
        let voter = if round % 2 == 0 { &host } else { &bea };
        let res = timeout(Duration::from_secs(5), app.vote(voter, &code, item, value))
            .await
            .expect("votes are never held up by a stuck phone");
        last_version = res.headers()["x-room-version"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
    }
    // The reading phone ends on the latest state.
    frame_where(&mut reader, |f| f["version"].as_i64() == Some(last_version)).await;
}

#[tokio::test]
async fn silent_connections_are_reaped() {
    let app = spawn_app_configured(|c| c.ping_every = Duration::from_millis(100)).await;
    let (host, bea, code) = party_of_two(&app).await;
    let mut watcher = connect(&app, &code, &host).await;
    // Bea's phone opens the socket, then goes dark: it never reads, so it
    // never answers a ping.
    let _dark = connect(&app, &code, &bea).await;
    frame_where(&mut watcher, |f| f["presence"]["count"] == 2).await;
    // The watcher keeps answering pings (reading does that) and sees Bea go.
    let frame = frame_where(&mut watcher, |f| f["presence"]["count"] == 1).await;
    assert_eq!(frame["presence"]["names"], json!(["Anto"]));
}

#[tokio::test]
async fn shutdown_closes_sockets_cleanly_and_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("party.db");
    let app = spawn_app_on(&db).await;
    let (_, bea, code) = party_of_two(&app).await;
    let mut socket = connect(&app, &code, &bea).await;
    next_frame(&mut socket).await;
    let queue = app.queue(&bea, &code).await;
    app.vote(&bea, &code, queue[1]["room_track_id"].as_str().unwrap(), 1)
        .await;
    app.stop().await;
    // The socket gets a close frame saying why.
    let close = loop {
        match timeout(Duration::from_secs(5), socket.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("expected a close frame, got {other:?}"),
        }
    };
    assert_eq!(u16::from(close.unwrap().code), 1001);
    let _ = socket.send(Message::Close(None)).await;

    let app = spawn_app_on(&db).await;
    let queue = app.queue(&bea, &code).await;
    assert_eq!(queue[0]["title"], "Dancing Queen");
    assert_eq!(queue[0]["votes"], 1);
    app.stop().await;
}
