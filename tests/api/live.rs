//! The live room over a real WebSocket client.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
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
async fn a_live_ticket_opens_one_socket_once_and_an_id_in_the_url_opens_none() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    let ws = |query: String| format!("ws://{}/rooms/{code}/ws?{query}", app.addr);
    // The id itself in the URL is no identity (it would end up in logs),
    // however many times it is given.
    let refused = tokio_tungstenite::connect_async(ws(format!("uid={}&uid={}", "junk", bea.id)))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("401"), "{refused}");

    let t = app.live_ticket(&bea, &code).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(ws(format!("ticket={t}")))
        .await
        .unwrap();
    assert_eq!(
        next_frame(&mut socket).await["queue"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // Used up.
    let again = tokio_tungstenite::connect_async(ws(format!("ticket={t}")))
        .await
        .unwrap_err();
    assert!(again.to_string().contains("401"), "{again}");
    // Good for its room only.
    let other = app.bare_room(&host).await;
    let t = app.live_ticket(&host, &other).await;
    let elsewhere = tokio_tungstenite::connect_async(ws(format!("ticket={t}")))
        .await
        .unwrap_err();
    assert!(elsewhere.to_string().contains("401"), "{elsewhere}");
    // Strangers get none.
    let stranger = app.guest("Cy").await;
    let res = app
        .post(
            &format!("/rooms/{code}/live-ticket"),
            Some(&stranger),
            json!(null),
        )
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn a_socket_asked_for_spares_hands_its_phone_a_ticket_for_the_next_one() {
    let app = spawn_app().await;
    let (_, bea, code) = party_of_two(&app).await;
    let ws = |query: String| format!("ws://{}/rooms/{code}/ws?{query}", app.addr);
    let asked = app.live_ticket(&bea, &code).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(ws(format!("spare=1&ticket={asked}")))
        .await
        .unwrap();
    let spare = next_of(&mut socket, &["ticket"]).await;
    assert_eq!(spare["expires_in_ms"], 120_000, "{spare}");
    let spare = spare["ticket"].as_str().unwrap().to_string();
    assert_ne!(spare, asked);
    // The phone drops; the spare opens its next socket, once, as Bea.
    drop(socket);
    let (mut next, _) = tokio_tungstenite::connect_async(ws(format!("ticket={spare}")))
        .await
        .unwrap();
    let frame = frame_where(&mut next, |f| f["presence"]["count"] == 1).await;
    assert_eq!(frame["presence"]["names"], json!(["Bea"]));
    let again = tokio_tungstenite::connect_async(ws(format!("ticket={spare}")))
        .await
        .unwrap_err();
    assert!(again.to_string().contains("401"), "{again}");
    // A socket that did not ask gets none.
    let quiet = timeout(Duration::from_millis(1500), next_of(&mut next, &["ticket"])).await;
    assert!(quiet.is_err(), "a ticket nobody asked for");
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

#[tokio::test]
async fn deltas_after_the_first_frame_rebuild_the_room_and_stay_small() {
    let app = spawn_app_configured(|c| c.no_rate_limits = true).await;
    let (host, bea, code) = party_of_two(&app).await;
    for query in [
        "queen",
        "abba",
        "prince",
        "madonna",
        "beyonce",
        "daft punk",
        "adele",
        "muse",
    ] {
        app.add(&host, &code, query).await;
    }
    let t = app.live_ticket(&bea, &code).await;
    let url = format!("ws://{}/rooms/{code}/ws?frames=delta&ticket={t}", app.addr);
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let first = next_of(&mut socket, &["snapshot", "delta"]).await;
    assert_eq!(first["type"], "snapshot");
    let mut queue = first["queue"].as_array().unwrap().clone();
    let mut version = first["version"].as_i64().unwrap();
    let whole = first.to_string().len();
    // Votes that move songs, one that removes one, one added.
    let ids: Vec<String> = queue
        .iter()
        .map(|i| i["room_track_id"].as_str().unwrap().to_string())
        .collect();
    app.vote(&bea, &code, &ids[5], 1).await;
    app.vote(&host, &code, &ids[7], 1).await;
    app.remove_item(&host, &code, &ids[2]).await;
    app.add(&bea, &code, "coldplay").await;
    let want = app.queue(&host, &code).await;
    timeout(Duration::from_secs(5), async {
        while queue != want {
            let frame = next_of(&mut socket, &["snapshot", "delta"]).await;
            assert_eq!(frame["type"], "delta", "{frame}");
            assert_eq!(
                frame["base"].as_i64().unwrap(),
                version,
                "deltas follow each other"
            );
            // Only what changed is sent (votes, a reason, a new song): a
            // song that merely moved is a place, not an item.
            let upserts = frame["queue"]["upsert"].as_array().map_or(0, Vec::len);
            assert!(upserts < queue.len(), "{upserts} items sent again: {frame}");
            assert!(frame.to_string().len() < whole, "{frame}");
            apply_delta(&mut queue, &frame);
            version = frame["version"].as_i64().unwrap();
        }
    })
    .await
    .expect("the deltas rebuild the queue the box answers");
}

/// Track ids from the built-in catalog, `n` distinct ones.
async fn catalog_ids(app: &TestApp, who: &Guest, n: usize) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for query in [
        "a", "e", "i", "o", "u", "the", "love", "you", "me", "my", "in", "on", "night", "girl",
        "day", "heart", "baby", "time", "man", "s", "t", "r", "l", "n", "y", "d",
    ] {
        for hit in app.search(who, query).await {
            let id = hit["id"].as_str().unwrap().to_string();
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        if ids.len() >= n {
            ids.truncate(n);
            return ids;
        }
    }
    panic!(
        "the catalog has only {} tracks for these queries",
        ids.len()
    );
}

/// A room whose every full frame is large: `guests` guests add 50 songs each.
async fn a_long_queue(app: &TestApp, host: &Guest, code: &str, guests: usize) -> Vec<Guest> {
    app.settings(host, code, json!({ "max_queued_per_guest": 50 }))
        .await;
    let ids = catalog_ids(app, host, guests * 50).await;
    let mut adders = Vec::new();
    for (n, chunk) in ids.chunks(50).enumerate() {
        let guest = app.guest(&format!("Adder {n}")).await;
        app.join(&guest, code).await;
        for id in chunk {
            let res = app
                .post(
                    &format!("/tracks/rooms/{code}/tracks"),
                    Some(&guest),
                    json!({ "track_id": id }),
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
        }
        adders.push(guest);
    }
    adders
}

#[tokio::test]
async fn a_phone_that_cannot_take_frames_is_dropped_when_a_send_stalls() {
    // Pings are off (an hour apart), so only a stalled send can drop it.
    let app = spawn_app_configured(|c| {
        c.no_rate_limits = true;
        c.ping_every = Duration::from_secs(3600);
        c.live_send_stall = Duration::from_millis(500);
    })
    .await;
    let (host, bea, code) = party_of_two(&app).await;
    a_long_queue(&app, &host, &code, 2).await;
    let mut watcher = connect(&app, &code, &host).await;
    // Bea's phone takes full frames (no deltas) into a tiny window and
    // never reads: the box's sends to it soon stall.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(1024).unwrap();
    let stream = socket.connect(app.addr).await.unwrap();
    let mut request = format!("ws://{}/rooms/{code}/ws", app.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("x-user-id", bea.id.parse().unwrap());
    let (_stuck, _) = tokio_tungstenite::client_async(request, stream)
        .await
        .unwrap();
    frame_where(&mut watcher, |f| f["presence"]["count"] == 2).await;
    // The room changes on; the watcher keeps reading.
    let queue = app.queue(&host, &code).await;
    let item = queue.last().unwrap()["room_track_id"]
        .as_str()
        .unwrap()
        .to_string();
    let gone = timeout(Duration::from_secs(20), async {
        let mut value = 1;
        loop {
            app.vote(&host, &code, &item, value).await;
            value = -value;
            let frame = timeout(Duration::from_millis(60), next_frame(&mut watcher)).await;
            if frame.is_ok_and(|f| f["presence"]["count"] == 1) {
                return;
            }
        }
    })
    .await;
    assert!(gone.is_ok(), "a phone that takes nothing stays in the room");
}

#[tokio::test]
async fn a_phone_that_pings_hears_a_pong_and_nothing_else_changes() {
    let app = spawn_app().await;
    let (_host, bea, code) = party_of_two(&app).await;
    let mut socket = connect(&app, &code, &bea).await;
    next_frame(&mut socket).await;
    for _ in 0..3 {
        socket.send(Message::Text("ping".into())).await.unwrap();
        let pong = next_of(&mut socket, &["pong"]).await;
        assert_eq!(pong, serde_json::json!({"type": "pong"}));
    }
    // Anything else is no ping: one answer comes, to the real ping only.
    socket.send(Message::Text("PING".into())).await.unwrap();
    socket.send(Message::Text("ping".into())).await.unwrap();
    next_of(&mut socket, &["pong"]).await;
    let more = timeout(Duration::from_millis(500), next_of(&mut socket, &["pong"])).await;
    assert!(more.is_err(), "a pong for a message that is no ping");
}

#[tokio::test]
async fn a_client_message_over_4_kib_closes_its_socket() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    let mut socket = connect(&app, &code, &bea).await;
    next_frame(&mut socket).await;
    // 4 KiB is taken (and ignored): the socket still gets the room.
    socket
        .send(Message::Text("x".repeat(4096).into()))
        .await
        .unwrap();
    app.add(&host, &code, "superstition").await;
    frame_where(&mut socket, |f| {
        titles(f).contains(&"Superstition".to_string())
    })
    .await;
    // One byte more closes it.
    socket
        .send(Message::Text("x".repeat(4097).into()))
        .await
        .unwrap();
    let ended = timeout(Duration::from_secs(5), async {
        loop {
            match socket.next().await {
                None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return,
                Some(Ok(_)) => {}
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "a 4097-byte message leaves the socket open");
}

#[tokio::test]
async fn a_burst_of_votes_reaches_a_phone_as_at_most_one_frame_per_50_ms() {
    let app = spawn_app_configured(|c| c.no_rate_limits = true).await;
    let (host, bea, code) = party_of_two(&app).await;
    for query in ["queen", "abba", "prince", "madonna"] {
        app.add(&host, &code, query).await;
    }
    let queue = app.queue(&host, &code).await;
    let mut socket = connect(&app, &code, &bea).await;
    next_frame(&mut socket).await;
    let started = std::time::Instant::now();
    // 200 votes, 20 at a time, each changing the room.
    let mut last_version = 0;
    for round in 0..10 {
        let votes = (0..20).map(|i| {
            let item = queue[i % queue.len()]["room_track_id"].as_str().unwrap();
            let voter = if i % 2 == 0 { &host } else { &bea };
            let value = if (round + i / 4) % 2 == 0 { 1 } else { -1 };
            app.vote(voter, &code, item, value)
        });
        for res in futures_util::future::join_all(votes).await {
            assert_eq!(res.status(), StatusCode::OK);
            let version: i64 = res.headers()["x-room-version"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            last_version = last_version.max(version);
        }
    }
    let mut frames = 0;
    loop {
        let frame = next_frame(&mut socket).await;
        frames += 1;
        if frame["version"].as_i64() == Some(last_version) {
            break;
        }
    }
    let elapsed = started.elapsed();
    let most = elapsed.as_millis() / 50 + 2;
    println!("{frames} frames for 200 votes in {elapsed:?} (at most {most})");
    assert!(frames as u128 <= most, "{frames} frames in {elapsed:?}");
}
