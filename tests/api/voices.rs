//! One device, one voice: phones are simulated by distinct source addresses
//! (127.0.0.x), a farm of private tabs by many accounts from one address.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn spawn_at_defaults() -> TestApp {
    spawn_app_configured(|c| {
        let defaults = <democratic_tunes::Config as clap::Parser>::parse_from(["democratic-tunes"]);
        c.voters_per_network = defaults.voters_per_network;
        c.new_guest_vote_delay = defaults.new_guest_vote_delay;
    })
    .await
}

/// `n` guests from `n` addresses (127.0.0.`first`...), in the room.
async fn phones(app: &TestApp, code: &str, who: &str, first: u8, n: u8) -> Vec<Guest> {
    let mut out = Vec::new();
    for i in 0..n {
        let g = app
            .guest_at(&format!("{who} {i}"), &format!("127.0.0.{}", first + i))
            .await;
        app.join(&g, code).await;
        out.push(g);
    }
    out
}

/// `n` accounts from one address (private tabs on one phone), in the room.
async fn tabs(app: &TestApp, code: &str, ip: &str, n: usize) -> Vec<Guest> {
    let mut out = Vec::new();
    for i in 0..n {
        let g = app.guest_at(&format!("Puppet {i}"), ip).await;
        app.join(&g, code).await;
        out.push(g);
    }
    out
}

/// `who` asks to skip what plays: the answer's JSON.
async fn ask_to_skip(app: &TestApp, who: &Guest, code: &str) -> Value {
    app.post(
        &format!("/rooms/{code}/now-playing/skip"),
        Some(who),
        json!(null),
    )
    .await
    .json()
    .await
    .unwrap()
}

fn votes_of(queue: &[Value], title: &str) -> i64 {
    queue.iter().find(|i| i["title"] == title).unwrap()["votes"]
        .as_i64()
        .unwrap()
}

async fn vote_ok(app: &TestApp, who: &Guest, code: &str, item: &str, value: i64) {
    let res = app.vote(who, code, item, value).await;
    assert_eq!(
        res.status(),
        StatusCode::OK,
        "{}",
        res.text().await.unwrap()
    );
}

#[tokio::test]
async fn thirty_tabs_on_one_phone_cannot_outvote_five_friends() {
    let app = spawn_at_defaults().await;
    let host = app.guest("Host").await;
    let code = app.room(&host).await;
    app.settings(&host, &code, json!({ "fairness": false }))
        .await;
    let friends = phones(&app, &code, "Friend", 21, 5).await;
    let farm = tabs(&app, &code, "127.0.0.50", 30).await;
    app.add(&friends[0], &code, "dancing queen").await;
    let queue = app.add(&farm[0], &code, "superstition").await;
    let ours = item_id(&queue, "Dancing Queen").to_string();
    let theirs = item_id(&queue, "Superstition").to_string();

    for f in &friends {
        vote_ok(&app, f, &code, &ours, 1).await;
    }
    // Every tab up-votes its song and down-votes ours: each vote is taken
    // (200), two of them count.
    for t in &farm {
        vote_ok(&app, t, &code, &theirs, 1).await;
        vote_ok(&app, t, &code, &ours, -1).await;
    }
    let queue = app.queue(&host, &code).await;
    assert_eq!(titles(&queue), ["Dancing Queen", "Superstition"]);
    assert_eq!(votes_of(&queue, "Dancing Queen"), 5 - 2);
    assert_eq!(votes_of(&queue, "Superstition"), 2);

    // A tab whose vote is held is told why; a friend's counts.
    let held = app.me(&farm[29], &code).await;
    assert_eq!(held["waiting_votes"][&theirs], "network", "{held}");
    assert_eq!(app.me(&farm[0], &code).await["waiting_votes"], json!({}));
    assert_eq!(app.me(&friends[0], &code).await["waiting_votes"], json!({}));
    // The host sees why, and the network the tabs share.
    let res = app
        .get(&format!("/rooms/{code}/networks"), Some(&host))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let networks: Vec<Value> = res.json().await.unwrap();
    assert_eq!(networks.len(), 1, "{networks:?}");
    assert_eq!(networks[0]["network"], "127.0.0.50");
    assert_eq!(networks[0]["held_votes"], 2 * (30 - 2));
    assert_eq!(networks[0]["counts_in_full"], false);
    // Guests never do.
    let res = app
        .get(&format!("/rooms/{code}/networks"), Some(&friends[0]))
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;
    let settings: Value = app
        .get(&format!("/rooms/{code}/settings"), Some(&friends[0]))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(settings["voters_per_network"], 2);
    assert_eq!(settings["shared_networks"], json!([]));
}

#[tokio::test]
async fn a_party_behind_one_address_counts_once_the_host_allows_it() {
    let app = spawn_at_defaults().await;
    let host = app.guest("Host").await;
    let code = app.room(&host).await;
    // Twelve guests behind one NAT (a Wi-Fi extender in router mode).
    let guests = tabs(&app, &code, "127.0.0.60", 12).await;
    let _sockets: Vec<Socket> =
        futures_util::future::join_all(guests.iter().map(|g| connect(&app, &code, g))).await;
    let queue = app.add(&guests[0], &code, "dancing queen").await;
    let song = item_id(&queue, "Dancing Queen").to_string();
    for g in &guests {
        vote_ok(&app, g, &code, &song, 1).await;
    }
    assert_eq!(votes_of(&app.queue(&host, &code).await, "Dancing Queen"), 2);

    let networks: Vec<Value> = app
        .get(&format!("/rooms/{code}/networks"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            &networks[0]["network"],
            &networks[0]["devices_here"],
            &networks[0]["voices_here"],
            &networks[0]["held_votes"]
        ),
        (&json!("127.0.0.60"), &json!(12), &json!(2), &json!(10))
    );
    // A guest cannot open it up; the host can, with one call.
    let share = format!("/rooms/{code}/networks");
    let body = json!({ "network": "127.0.0.60", "counts_in_full": true });
    assert_error(
        app.post(&share, Some(&guests[0]), body.clone()).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_error(
        app.post(
            &share,
            Some(&host),
            json!({ "network": "party.local", "counts_in_full": true }),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    let res = app.post(&share, Some(&host), body).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        votes_of(&app.queue(&host, &code).await, "Dancing Queen"),
        12,
        "the held votes count at once"
    );
    let late = tabs(&app, &code, "127.0.0.60", 1).await;
    vote_ok(&app, &late[0], &code, &song, 1).await;
    assert_eq!(
        votes_of(&app.queue(&host, &code).await, "Dancing Queen"),
        13
    );
    let log = app.audit_log(&host, &code).await;
    assert!(
        log.iter()
            .any(|e| e["action"] == "let a shared network count in full"),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_farm_cannot_skip_a_song_the_room_keeps() {
    let app = spawn_at_defaults().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let friends = phones(&app, &code, "Friend", 21, 5).await;
    let farm = tabs(&app, &code, "127.0.0.50", 30).await;
    app.add(&friends[0], &code, "dancing queen").await;
    app.add(&friends[0], &code, "superstition").await;
    let mut sockets = Vec::new();
    for g in friends.iter().chain(&farm) {
        sockets.push(connect(&app, &code, g).await);
    }
    // Five friends and a farm counting two: seven voices here.
    let frame = frame_where(&mut sockets[0], |f| f["presence"]["count"] == 7).await;
    assert_eq!(frame["skip"]["needed"], 4);

    // Puppets on their own addresses with no socket open: each counts
    // only itself, so their asks never add up.
    let ghosts = phones(&app, &code, "Ghost", 80, 6).await;
    for who in farm.iter().chain(&ghosts) {
        let res: Value = ask_to_skip(&app, who, &code).await;
        assert_eq!(res["skipped"], false, "{res}");
        assert!(res["votes"].as_u64().unwrap() <= 3, "{res}");
    }
    let playing = app.now_playing(&host, &code).await;
    assert_eq!(playing["title"], "Dancing Queen");

    // Two friends more make four voices: the room has spoken.
    for f in &friends[..1] {
        let res: Value = ask_to_skip(&app, f, &code).await;
        assert_eq!(
            (res["votes"].as_u64(), res["skipped"].as_bool()),
            (Some(3), Some(false))
        );
    }
    let res: Value = ask_to_skip(&app, &friends[1], &code).await;
    assert_eq!(res["skipped"], true, "{res}");
    assert_eq!(res["now_playing"]["title"], "Superstition");
}

#[tokio::test]
async fn a_kicked_guests_ask_stops_counting() {
    let app = spawn_at_defaults().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let guests = phones(&app, &code, "Guest", 21, 4).await;
    app.add(&host, &code, "dancing queen").await;
    let mut sockets = Vec::new();
    for g in &guests {
        sockets.push(connect(&app, &code, g).await);
    }
    frame_where(&mut sockets[0], |f| f["presence"]["count"] == 4).await;
    let res: Value = ask_to_skip(&app, &guests[0], &code).await;
    assert_eq!(
        (res["votes"].as_u64(), res["needed"].as_u64()),
        (Some(1), Some(2))
    );
    // Three stay: two must ask, and the kicked guest's ask is gone.
    let id = app.member_id(&host, &code, &guests[0].name).await;
    let res = app
        .send(
            reqwest::Method::POST,
            &format!("/rooms/{code}/members/{id}/kick"),
            Some(&host),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let res: Value = ask_to_skip(&app, &guests[1], &code).await;
    assert_eq!(
        (res["votes"].as_u64(), res["skipped"].as_bool()),
        (Some(1), Some(false)),
        "{res}"
    );
}

#[tokio::test]
async fn a_just_joined_guest_waits_to_ask_as_to_vote() {
    let app = spawn_at_defaults().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    app.settings(&host, &code, json!({ "new_guest_vote_delay_seconds": 60 }))
        .await;
    app.add(&host, &code, "dancing queen").await;
    let guest = phones(&app, &code, "New", 21, 1).await.remove(0);
    let res = app
        .post(
            &format!("/rooms/{code}/now-playing/skip"),
            Some(&guest),
            json!(null),
        )
        .await;
    let detail = assert_error(res, StatusCode::CONFLICT).await;
    assert!(detail.contains("your voice counts in"), "{detail}");
}

#[tokio::test]
async fn a_party_screen_is_not_a_person() {
    let app = spawn_at_defaults().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let guest = phones(&app, &code, "Guest", 21, 1).await.remove(0);
    let tv = app.guest_at("TV screen", "127.0.0.30").await;
    app.join_as_screen(&tv, &code).await;
    app.add(&host, &code, "dancing queen").await;
    let mut guest_socket = connect(&app, &code, &guest).await;
    let _tv_socket = connect(&app, &code, &tv).await;
    let _host_socket = connect(&app, &code, &host).await;
    // Host and guest are here; the screen is not counted or named.
    let frame = frame_where(&mut guest_socket, |f| {
        f["presence"]["names"].as_array().unwrap().len() == 2
    })
    .await;
    assert_eq!(frame["presence"]["count"], 2);
    assert_eq!(frame["skip"]["needed"], 1);
    let names: Vec<&str> = frame["presence"]["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(!names.contains(&"TV screen"), "{names:?}");
    let members: Vec<Value> = app
        .get(&format!("/rooms/{code}/members"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(members.len(), 2, "{members:?}");
    let wrapped: Value = app
        .get(&format!("/rooms/{code}/wrapped"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(wrapped["guests"], 2, "{wrapped}");
    let res = app
        .post(
            &format!("/rooms/{code}/now-playing/skip"),
            Some(&tv),
            json!(null),
        )
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn the_seeds_quick_tour_passes_at_the_boxs_defaults() {
    // Two friends on their own phones, as the seed's tour had them: a vote
    // counts the moment it is cast.
    let app = spawn_at_defaults().await;
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
    let anto = app.guest_at("Anto", "127.0.0.11").await;
    let bea = app.guest_at("Bea", "127.0.0.12").await;
    let room: Value = app
        .post("/rooms", Some(&anto), json!({ "name": "My Party" }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(room["host_user_id"].as_str(), Some(anto.id.as_str()));
    let code = room["code"].as_str().unwrap().to_string();
    let joined: Value = app
        .post("/rooms/join", Some(&bea), json!({ "code": code }))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(joined["user_id"].as_str(), Some(bea.id.as_str()));
    assert!(!app.search(&bea, "bad bunny").await.is_empty());
    app.add(&anto, &code, "bohemian rhapsody").await;
    app.add(&bea, &code, "dancing queen").await;
    let queue = app.add(&bea, &code, "superstition").await;
    let item = item_id(&queue, "Superstition").to_string();
    let res = app.vote(&anto, &code, &item, 1).await;
    assert_eq!(res.status(), StatusCode::OK);
    let queue: Vec<Value> = res.json().await.unwrap();
    assert_eq!(
        votes_of(&queue, "Superstition"),
        1,
        "the vote counts at once"
    );
    let res = app.advance(&anto, &code).await;
    assert_eq!(res.status(), StatusCode::OK);
    let guest_advance = app.advance(&bea, &code).await;
    assert_error(guest_advance, StatusCode::FORBIDDEN).await;
}

/// A phone behind the box's reverse proxy: its address comes in
/// `X-Forwarded-For`.
async fn proxied(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    from: &str,
    uid: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut req = app
        .client
        .request(method, app.url(path))
        .header("X-Forwarded-For", from)
        .json(&body);
    if let Some(uid) = uid {
        req = req.header("X-User-ID", uid);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_is_the_network() {
    let app = spawn_app_configured(|c| {
        c.trust_proxy = democratic_tunes::TrustedProxies::loopback();
        c.voters_per_network = 2;
    })
    .await;
    let host = app.guest("Host").await;
    let code = app.room(&host).await;
    app.settings(&host, &code, json!({ "fairness": false }))
        .await;
    let guest = |name: String, from: &'static str| {
        let app = &app;
        let code = code.clone();
        async move {
            let made: Value = proxied(
                app,
                reqwest::Method::POST,
                "/auth/guest",
                from,
                None,
                json!({ "display_name": name }),
            )
            .await
            .json()
            .await
            .unwrap();
            let uid = made["user_id"].as_str().unwrap().to_string();
            let res = proxied(
                app,
                reqwest::Method::POST,
                "/rooms/join",
                from,
                Some(&uid),
                json!({ "code": code }),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK);
            uid
        }
    };
    let mut friends = Vec::new();
    for (i, from) in [
        "192.168.1.21",
        "192.168.1.22",
        "192.168.1.23",
        "192.168.1.24",
        "192.168.1.25",
    ]
    .into_iter()
    .enumerate()
    {
        friends.push(guest(format!("Friend {i}"), from).await);
    }
    let mut farm = Vec::new();
    for i in 0..30 {
        farm.push(guest(format!("Tab {i}"), "192.168.1.50").await);
    }
    let ours = app.track_id(&host, "dancing queen").await;
    let theirs = app.track_id(&host, "superstition").await;
    for track in [&ours, &theirs] {
        let res = app
            .post(
                &format!("/tracks/rooms/{code}/tracks"),
                Some(&host),
                json!({ "track_id": track }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }
    let queue = app.queue(&host, &code).await;
    let (ours, theirs) = (
        item_id(&queue, "Dancing Queen").to_string(),
        item_id(&queue, "Superstition").to_string(),
    );
    let vote = |uid: String, from: &'static str, item: String, value: i64| {
        let app = &app;
        let code = code.clone();
        async move {
            let res = proxied(
                app,
                reqwest::Method::POST,
                &format!("/votes/rooms/{code}/votes"),
                from,
                Some(&uid),
                json!({ "room_track_id": item, "value": value }),
            )
            .await;
            assert_eq!(res.status(), StatusCode::OK);
        }
    };
    let addresses = [
        "192.168.1.21",
        "192.168.1.22",
        "192.168.1.23",
        "192.168.1.24",
        "192.168.1.25",
    ];
    for (uid, from) in friends.iter().zip(addresses) {
        vote(uid.clone(), from, ours.clone(), 1).await;
    }
    for uid in &farm {
        vote(uid.clone(), "192.168.1.50", theirs.clone(), 1).await;
        vote(uid.clone(), "192.168.1.50", ours.clone(), -1).await;
    }
    let queue = app.queue(&host, &code).await;
    assert_eq!(titles(&queue), ["Dancing Queen", "Superstition"]);
    assert_eq!(
        (
            votes_of(&queue, "Dancing Queen"),
            votes_of(&queue, "Superstition")
        ),
        (3, 2)
    );
}
