//! Roles, settings, removals, kicks and bans, join gates and the log.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

/// A room with a host and two joined guests, Bea and Cy.
async fn party(app: &TestApp) -> (Guest, Guest, Guest, String) {
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    let cy = app.guest("Cy").await;
    let code = app.room(&host).await;
    app.join(&bea, &code).await;
    app.join(&cy, &code).await;
    (host, bea, cy, code)
}

async fn members(app: &TestApp, user: &Guest, code: &str) -> Vec<Value> {
    let res = app.get(&format!("/rooms/{code}/members"), Some(user)).await;
    assert_eq!(res.status(), StatusCode::OK);
    res.json().await.unwrap()
}

async fn member_id_as(app: &TestApp, asker: &Guest, code: &str, name: &str) -> String {
    members(app, asker, code)
        .await
        .iter()
        .find(|m| m["display_name"] == name)
        .unwrap_or_else(|| panic!("{name} is a member"))["member_id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn set_role(
    app: &TestApp,
    who: &Guest,
    code: &str,
    member: &str,
    role: &str,
) -> reqwest::Response {
    app.send(
        Method::PUT,
        &format!("/rooms/{code}/members/{member}/role"),
        Some(who),
        Some(json!({ "role": role })),
    )
    .await
}

async fn oust(
    app: &TestApp,
    who: &Guest,
    code: &str,
    member: &str,
    how: &str,
) -> reqwest::Response {
    app.post(
        &format!("/rooms/{code}/members/{member}/{how}"),
        Some(who),
        json!({ "reason": "too loud" }),
    )
    .await
}

async fn remove(
    app: &TestApp,
    who: &Guest,
    code: &str,
    item: &str,
    reason: Option<&str>,
) -> reqwest::Response {
    let query = reason.map(|r| format!("?reason={r}")).unwrap_or_default();
    app.send(
        Method::DELETE,
        &format!("/tracks/rooms/{code}/tracks/{item}{query}"),
        Some(who),
        None,
    )
    .await
}

async fn audit(app: &TestApp, who: &Guest, code: &str) -> Vec<(String, String, String)> {
    let res = app.get(&format!("/rooms/{code}/audit"), Some(who)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let entries: Vec<Value> = res.json().await.unwrap();
    entries
        .iter()
        .map(|e| {
            (
                e["actor"].as_str().unwrap().to_string(),
                e["action"].as_str().unwrap().to_string(),
                e["target"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn members_have_public_ids_roles_and_presence() {
    let app = spawn_app().await;
    let (host, bea, cy, code) = party(&app).await;
    let _bea_socket = connect(&app, &code, &bea).await;
    let res = app.get(&format!("/rooms/{code}/members"), Some(&cy)).await;
    let text = res.text().await.unwrap();
    for user in [&host, &bea, &cy] {
        assert!(!text.contains(&user.id), "a user id leaked");
    }
    let list: Vec<Value> = serde_json::from_str(&text).unwrap();
    let summary: Vec<(&str, &str, bool)> = list
        .iter()
        .map(|m| {
            (
                m["display_name"].as_str().unwrap(),
                m["role"].as_str().unwrap(),
                m["online"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("Anto", "host", false),
            ("Opener", "guest", false),
            ("Bea", "guest", true),
            ("Cy", "guest", false)
        ]
    );
    assert!(
        list.iter()
            .all(|m| m["member_id"].as_str().unwrap().len() >= 8)
    );
    assert_eq!(app.me(&bea, &code).await["member_id"], list[2]["member_id"]);

    let stranger = app.guest("Dee").await;
    let res = app
        .get(&format!("/rooms/{code}/members"), Some(&stranger))
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;
}

#[tokio::test]
async fn the_host_makes_co_hosts_who_can_advance_but_not_run_the_room() {
    let app = spawn_app().await;
    let (host, bea, cy, code) = party(&app).await;
    let bea_id = member_id_as(&app, &host, &code, "Bea").await;
    let host_id = member_id_as(&app, &host, &code, "Anto").await;
    app.add(&cy, &code, "superstition").await;

    // Guests cannot advance, nor change roles.
    assert_error(app.advance(&bea, &code).await, StatusCode::FORBIDDEN).await;
    assert_error(
        set_role(&app, &bea, &code, &bea_id, "cohost").await,
        StatusCode::FORBIDDEN,
    )
    .await;

    assert_eq!(
        set_role(&app, &host, &code, &bea_id, "cohost")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.me(&bea, &code).await["role"], "cohost");
    assert_eq!(
        app.me(&bea, &code).await["can"],
        serde_json::json!({"moderate": true, "run_the_room": false})
    );
    let res = app.advance(&bea, &code).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["now_playing"]["title"], "Superstition");

    // Co-hosts do not change settings or roles.
    let res = app
        .send(
            Method::PATCH,
            &format!("/rooms/{code}/settings"),
            Some(&bea),
            Some(json!({ "fairness": false })),
        )
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;
    let cy_id = member_id_as(&app, &host, &code, "Cy").await;
    assert_error(
        set_role(&app, &bea, &code, &cy_id, "cohost").await,
        StatusCode::FORBIDDEN,
    )
    .await;

    // The host stays the host; there is no second host; no such member.
    assert_error(
        set_role(&app, &host, &code, &host_id, "guest").await,
        StatusCode::CONFLICT,
    )
    .await;
    assert_error(
        set_role(&app, &host, &code, &cy_id, "host").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_error(
        set_role(&app, &host, &code, &cy_id, "king").await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert_error(
        set_role(&app, &host, &code, "nobody", "cohost").await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // Back to guest.
    assert_eq!(
        set_role(&app, &host, &code, &bea_id, "guest")
            .await
            .status(),
        StatusCode::NO_CONTENT
    );
    assert_error(app.advance(&bea, &code).await, StatusCode::FORBIDDEN).await;
    let log = audit(&app, &host, &code).await;
    assert_eq!(log[0], ("Anto".into(), "made a guest".into(), "Bea".into()));
    assert_eq!(
        log[1],
        ("Anto".into(), "made a co-host".into(), "Bea".into())
    );
}

#[tokio::test]
async fn settings_are_for_members_to_read_and_the_host_to_change() {
    let app = spawn_app().await;
    let (host, bea, _, code) = party(&app).await;
    let path = format!("/rooms/{code}/settings");
    let s: Value = app.get(&path, Some(&bea)).await.json().await.unwrap();
    assert_eq!(s["fairness"], true);
    assert_eq!(s["no_artist_twice"], true);
    assert_eq!(s["max_queued_per_guest"], 5);
    assert_eq!(s["join_pin_set"], false);

    let s = app
        .settings(
            &host,
            &code,
            json!({ "join_pin": "4321", "skip_threshold_percent": 75 }),
        )
        .await;
    assert_eq!(s["join_pin"], "4321");
    assert_eq!(s["skip_threshold_percent"], 75);
    // Guests know there is a PIN, not what it is.
    let s: Value = app.get(&path, Some(&bea)).await.json().await.unwrap();
    assert_eq!(s["join_pin"], Value::Null);
    assert_eq!(s["join_pin_set"], true);

    for bad in [
        json!({ "max_queued_per_guest": 0 }),
        json!({ "skip_threshold_percent": 0 }),
        json!({ "join_pin": "12" }),
        json!({ "fairness": "yes" }),
        json!({ "volume": 11 }),
    ] {
        let res = app
            .send(Method::PATCH, &path, Some(&host), Some(bad.clone()))
            .await;
        assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    // Nothing changed by the refusals.
    let s: Value = app.get(&path, Some(&host)).await.json().await.unwrap();
    assert_eq!(s["max_queued_per_guest"], 5);
    assert_eq!(s["join_pin"], "4321");
    let log = audit(&app, &host, &code).await;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].1, "changed the settings");
}

#[tokio::test]
async fn guests_withdraw_their_own_songs_and_co_hosts_remove_any() {
    let app = spawn_app().await;
    let (host, bea, cy, code) = party(&app).await;
    app.add(&bea, &code, "dancing queen").await;
    let queue = app.add(&cy, &code, "superstition").await;
    let dancing = item_id(&queue, "Dancing Queen").to_string();
    let superstition = item_id(&queue, "Superstition").to_string();

    // Not yours, not a moderator.
    assert_error(
        remove(&app, &bea, &code, &superstition, None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // Your own: gone from the queue at once.
    let res = remove(&app, &bea, &code, &dancing, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let queue: Vec<Value> = res.json().await.unwrap();
    assert_eq!(titles(&queue), ["Superstition"]);
    assert_error(
        remove(&app, &bea, &code, &dancing, None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_error(
        remove(&app, &bea, &code, "no-such-item", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    // Votes on a removed item are refused too.
    assert_error(
        app.vote(&cy, &code, &dancing, 1).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // A co-host removes Cy's song with a reason, and Cy's phone hears why.
    let bea_id = member_id_as(&app, &host, &code, "Bea").await;
    set_role(&app, &host, &code, &bea_id, "cohost").await;
    let mut cy_socket = connect(&app, &code, &cy).await;
    let res = remove(&app, &bea, &code, &superstition, Some("not tonight")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let notice = next_personal(&mut cy_socket).await;
    assert_eq!(notice["type"], "notice");
    assert_eq!(
        notice["message"],
        "Bea removed your song “Superstition”: not tonight"
    );
    assert!(app.queue(&cy, &code).await.is_empty());

    // A guest cannot withdraw the song that plays (the room may vote to
    // skip it); the host can take it off, and the next starts at once.
    app.add(&host, &code, "bohemian rhapsody").await;
    let queue = app.add(&cy, &code, "dancing queen").await;
    let bohemian = item_id(&queue, "Bohemian Rhapsody").to_string();
    app.advance(&host, &code).await;
    assert_eq!(
        app.now_playing(&host, &code).await["title"],
        "Bohemian Rhapsody"
    );
    app.add(&cy, &code, "superstition").await;
    assert_error(
        remove(&app, &cy, &code, &bohemian, None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = remove(&app, &host, &code, &bohemian, Some("wrong song")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let playing = app.now_playing(&host, &code).await;
    assert_eq!(playing["title"], "Dancing Queen", "the next one started");
    let dancing_playing = playing["room_track_id"].as_str().unwrap().to_string();
    // Cy's own song, now playing: not theirs to withdraw.
    assert_error(
        remove(&app, &cy, &code, &dancing_playing, None).await,
        StatusCode::CONFLICT,
    )
    .await;

    let log = audit(&app, &host, &code).await;
    assert_eq!(
        log[0],
        (
            "Anto".into(),
            "withdrew their song".into(),
            "Bohemian Rhapsody".into()
        )
    );
    assert_eq!(
        log[1],
        ("Bea".into(), "removed a song".into(), "Superstition".into())
    );
    assert_eq!(
        log[3],
        (
            "Bea".into(),
            "withdrew their song".into(),
            "Dancing Queen".into()
        )
    );
    // The log is for moderators.
    assert_error(
        app.get(&format!("/rooms/{code}/audit"), Some(&cy)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
}

#[tokio::test]
async fn a_kicked_guest_is_out_their_votes_stop_counting_and_they_may_come_back() {
    let app = spawn_app().await;
    let (host, bea, cy, code) = party(&app).await;
    let queue = app.add(&host, &code, "bohemian rhapsody").await;
    let bohemian = item_id(&queue, "Bohemian Rhapsody").to_string();
    app.vote(&cy, &code, &bohemian, 1).await;
    assert_eq!(app.queue(&host, &code).await[0]["votes"], 1);

    let cy_id = member_id_as(&app, &host, &code, "Cy").await;
    let host_id = member_id_as(&app, &host, &code, "Anto").await;
    // Guests do not kick; nobody kicks the host.
    assert_error(
        oust(&app, &bea, &code, &cy_id, "kick").await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let bea_id = member_id_as(&app, &host, &code, "Bea").await;
    set_role(&app, &host, &code, &bea_id, "cohost").await;
    assert_error(
        oust(&app, &bea, &code, &host_id, "kick").await,
        StatusCode::FORBIDDEN,
    )
    .await;

    let mut cy_socket = connect(&app, &code, &cy).await;
    assert_eq!(
        oust(&app, &bea, &code, &cy_id, "kick").await.status(),
        StatusCode::NO_CONTENT
    );
    let removed = next_personal(&mut cy_socket).await;
    assert_eq!(removed["type"], "removed");
    assert_eq!(
        removed["message"],
        "Bea removed you from the party: too loud"
    );

    assert_eq!(app.queue(&host, &code).await[0]["votes"], 0);
    assert_error(
        app.vote(&cy, &code, &bohemian, 1).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(app.me(&cy, &code).await["role"], Value::Null);
    assert_eq!(app.me(&cy, &code).await["can"]["moderate"], false);
    // Anto, Bea and the opener's guest are left.
    assert_eq!(members(&app, &host, &code).await.len(), 3);
    assert_error(
        oust(&app, &bea, &code, &cy_id, "kick").await,
        StatusCode::NOT_FOUND,
    )
    .await;

    // A kick is not a ban: Cy may join again, and vote afresh.
    app.join(&cy, &code).await;
    app.vote(&cy, &code, &bohemian, -1).await;
    assert_eq!(app.queue(&host, &code).await[0]["votes"], -1);
    assert_eq!(
        audit(&app, &host, &code).await[0],
        ("Bea".into(), "kicked".into(), "Cy".into())
    );
}

#[tokio::test]
async fn a_banned_guest_cannot_come_back_and_their_songs_go() {
    let app = spawn_app().await;
    let (host, _, cy, code) = party(&app).await;
    app.add(&cy, &code, "superstition").await;
    app.add(&host, &code, "bohemian rhapsody").await;
    let cy_id = member_id_as(&app, &host, &code, "Cy").await;
    assert_eq!(
        oust(&app, &host, &code, &cy_id, "ban").await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        titles(&app.queue(&host, &code).await),
        ["Bohemian Rhapsody"]
    );
    let res = app
        .post("/rooms/join", Some(&cy), json!({ "code": code }))
        .await;
    let detail = assert_error(res, StatusCode::FORBIDDEN).await;
    assert!(detail.contains("for good"), "{detail}");
    // Nor can the host ban themselves.
    let host_id = member_id_as(&app, &host, &code, "Anto").await;
    assert_error(
        oust(&app, &host, &code, &host_id, "ban").await,
        StatusCode::CONFLICT,
    )
    .await;
}

#[tokio::test]
async fn joining_can_need_the_party_screens_code_or_the_pin() {
    let app = spawn_app().await;
    let (host, bea, _, code) = party(&app).await;
    let token_path = format!("/rooms/{code}/join-token");
    assert_error(
        app.get(&token_path, Some(&bea)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let token: Value = app
        .get(&token_path, Some(&host))
        .await
        .json()
        .await
        .unwrap();
    let token = token["token"].as_str().unwrap().to_string();
    assert_eq!(token.len(), 6);

    app.settings(&host, &code, json!({ "guests_must_be_here": true }))
        .await;
    let join = |who: &Guest, body: Value| {
        let who = who.clone();
        let app = &app;
        async move { app.post("/rooms/join", Some(&who), body).await }
    };
    let dee = app.guest("Dee").await;
    // The seed's join by code alone: refused with a reason.
    let detail = assert_error(
        join(&dee, json!({ "code": code })).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(detail.contains("QR code"), "{detail}");
    assert_error(
        join(&dee, json!({ "code": code, "token": "AAAAAA" })).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        join(&dee, json!({ "code": code, "token": token.to_lowercase() }))
            .await
            .status(),
        StatusCode::OK
    );
    // Members already in come back without it.
    assert_eq!(
        join(&bea, json!({ "code": code })).await.status(),
        StatusCode::OK
    );

    // With a PIN too, being there still needs the screen's code (a PIN
    // can be passed on to anyone); the screen's code alone is enough (it
    // proves what a PIN stands for: being at the party).
    app.settings(&host, &code, json!({ "join_pin": "2468" }))
        .await;
    let eve = app.guest("Eve").await;
    let detail = assert_error(
        join(&eve, json!({ "code": code, "pin": "2468" })).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(detail.contains("QR code"), "{detail}");
    assert_eq!(
        join(&eve, json!({ "code": code, "token": token }))
            .await
            .status(),
        StatusCode::OK
    );

    // A PIN alone (guests need not be here): the PIN is needed.
    app.settings(&host, &code, json!({ "guests_must_be_here": false }))
        .await;
    let fay = app.guest("Fay").await;
    assert_error(
        join(&fay, json!({ "code": code })).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert_eq!(
        join(&fay, json!({ "code": code, "pin": "2468" }))
            .await
            .status(),
        StatusCode::OK
    );

    // Closed: no new guests at all.
    app.settings(&host, &code, json!({ "open": false, "join_pin": null }))
        .await;
    let gus = app.guest("Gus").await;
    let detail = assert_error(
        join(&gus, json!({ "code": code })).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    assert!(detail.contains("closed"), "{detail}");
}
