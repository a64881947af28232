//! The join link's door: before the first try, a room says what joining
//! takes (a PIN, the screen's code, closed, full, banned); codes typed with
//! spaces, dashes or in lower case work; every refusal has its own code.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn door(app: &TestApp, code: &str, who: Option<&Guest>) -> Value {
    let res = app.get(&format!("/rooms/{code}"), who).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    body["join"].clone()
}

#[tokio::test]
async fn the_door_says_what_joining_takes_before_the_first_try() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let guest = app.guest_at("Guest", "127.0.0.61").await;

    let open = door(&app, &code, None).await;
    assert_eq!(
        open,
        json!({ "member": false, "banned": false, "open": true, "full": false,
                "needs_pin": false, "needs_screen_code": false })
    );
    assert_eq!(door(&app, &code, Some(&host)).await["member"], true);

    app.settings(&host, &code, json!({ "join_pin": "2468" }))
        .await;
    assert_eq!(door(&app, &code, Some(&guest)).await["needs_pin"], true);
    let missing = app
        .post("/rooms/join", Some(&guest), json!({ "code": code }))
        .await;
    assert_refused(missing, StatusCode::FORBIDDEN, "needs_pin").await;
    let wrong = app
        .post(
            "/rooms/join",
            Some(&guest),
            json!({ "code": code, "pin": "1111" }),
        )
        .await;
    let body = assert_refused(wrong, StatusCode::FORBIDDEN, "wrong_pin").await;
    assert_eq!(body["params"]["tries_left"], 4, "{body}");

    app.settings(
        &host,
        &code,
        json!({ "join_pin": null, "guests_must_be_here": true }),
    )
    .await;
    let here = door(&app, &code, Some(&guest)).await;
    assert_eq!(
        (here["needs_pin"].clone(), here["needs_screen_code"].clone()),
        (json!(false), json!(true))
    );
    let res = app
        .post("/rooms/join", Some(&guest), json!({ "code": code }))
        .await;
    assert_refused(res, StatusCode::FORBIDDEN, "needs_screen_code").await;

    app.settings(
        &host,
        &code,
        json!({ "guests_must_be_here": false, "open": false }),
    )
    .await;
    assert_eq!(door(&app, &code, None).await["open"], false);
    let res = app
        .post("/rooms/join", Some(&guest), json!({ "code": code }))
        .await;
    assert_refused(res, StatusCode::FORBIDDEN, "room_closed").await;

    let res = app
        .post("/rooms/join", Some(&guest), json!({ "code": "ZZZZZZ" }))
        .await;
    assert_refused(res, StatusCode::NOT_FOUND, "room_not_found").await;
    let res = app.get("/rooms/ZZZZZZ", None).await;
    assert_refused(res, StatusCode::NOT_FOUND, "room_not_found").await;
}

#[tokio::test]
async fn a_full_party_refuses_newcomers_but_not_its_members_or_screens() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let first = app.guest_at("First", "127.0.0.62").await;
    app.join(&first, &code).await;
    app.settings(&host, &code, json!({ "max_guests": 2 })).await;
    let late = app.guest_at("Late", "127.0.0.63").await;
    assert_eq!(door(&app, &code, Some(&late)).await["full"], true);
    let res = app
        .post("/rooms/join", Some(&late), json!({ "code": code }))
        .await;
    assert_refused(res, StatusCode::FORBIDDEN, "room_full").await;
    // Members come back, screens follow the room.
    app.join(&first, &code).await;
    let tv = app.guest("TV screen").await;
    app.join_as_screen(&tv, &code).await;
    // Out of range is refused and changes nothing.
    let res = app
        .send(
            reqwest::Method::PATCH,
            &format!("/rooms/{code}/settings"),
            Some(&host),
            Some(json!({ "max_guests": 1 })),
        )
        .await;
    assert_refused(res, StatusCode::UNPROCESSABLE_ENTITY, "invalid_setting").await;
    app.settings(&host, &code, json!({ "max_guests": null }))
        .await;
    assert_eq!(door(&app, &code, Some(&late)).await["full"], false);
    app.join(&late, &code).await;
}

#[tokio::test]
async fn a_banned_guest_sees_it_at_the_door() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let pest = app.guest_at("Pest", "127.0.0.64").await;
    app.join(&pest, &code).await;
    let member = app.member_id(&host, &code, "Pest").await;
    let res = app
        .post(
            &format!("/rooms/{code}/members/{member}/ban"),
            Some(&host),
            json!({}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(door(&app, &code, Some(&pest)).await["banned"], true);
    // A fresh account from the same phone's network is told too.
    let again = app.guest_at("Pest again", "127.0.0.64").await;
    assert_eq!(door(&app, &code, Some(&again)).await["banned"], true);
    let res = app
        .post("/rooms/join", Some(&again), json!({ "code": code }))
        .await;
    assert_refused(res, StatusCode::FORBIDDEN, "banned").await;
    // Someone else is not.
    let friend = app.guest_at("Friend", "127.0.0.65").await;
    assert_eq!(door(&app, &code, Some(&friend)).await["banned"], false);
}

#[tokio::test]
async fn codes_typed_with_spaces_dashes_or_lower_case_work() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let spaced: String = code.to_lowercase().chars().flat_map(|c| [c, ' ']).collect();
    let dashed = format!("{}-{}", &code[..3], &code[3..]);
    for typed in [spaced.trim().to_string(), dashed, code.to_lowercase()] {
        let guest = app.guest("Typist").await;
        let res = app
            .post("/rooms/join", Some(&guest), json!({ "code": typed }))
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{typed:?}");
        let res = app
            .get(&format!("/rooms/{}", typed.replace(' ', "%20")), None)
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{typed:?}");
    }
}

#[tokio::test]
async fn renaming_yourself_shows_in_the_queue_and_the_people_list() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.room(&host).await;
    let guest = app.guest("Sunny Panda 33").await;
    app.join(&guest, &code).await;
    app.add(&guest, &code, "crazy in love").await;
    let res = app
        .send(
            reqwest::Method::PATCH,
            "/auth/me",
            Some(&guest),
            Some(json!({ "display_name": "  DJ Sunny  " })),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["display_name"], "DJ Sunny");
    let queue = app.queue(&host, &code).await;
    let item = queue
        .iter()
        .find(|i| i["title"] == "Crazy in Love")
        .unwrap();
    assert_eq!(item["added_by"], "DJ Sunny");
    assert_eq!(app.me(&guest, &code).await["display_name"], "DJ Sunny");
    app.member_id(&host, &code, "DJ Sunny").await;

    for (name, code_) in [
        ("   ", "name_invalid"),
        ("\u{7}bell", "name_invalid"),
        (&*"x".repeat(65), "name_too_long"),
    ] {
        let res = app
            .send(
                reqwest::Method::PATCH,
                "/auth/me",
                Some(&guest),
                Some(json!({ "display_name": name })),
            )
            .await;
        assert_refused(res, StatusCode::UNPROCESSABLE_ENTITY, code_).await;
    }
    assert_eq!(app.me(&guest, &code).await["display_name"], "DJ Sunny");
    let res = app
        .send(
            reqwest::Method::PATCH,
            "/auth/me",
            None,
            Some(json!({ "display_name": "Nobody" })),
        )
        .await;
    assert_refused(res, StatusCode::UNAUTHORIZED, "not_signed_in").await;
}

#[tokio::test]
async fn a_just_joined_guest_is_told_when_their_votes_count() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.room(&host).await;
    app.settings(&host, &code, json!({ "new_guest_vote_delay_seconds": 120 }))
        .await;
    app.add(&host, &code, "crazy in love").await;
    let guest = app.guest_at("New", "127.0.0.66").await;
    app.join(&guest, &code).await;
    let queue = app.queue(&host, &code).await;
    let item = item_id(&queue, "Crazy in Love").to_string();
    assert_eq!(
        app.vote(&guest, &code, &item, 1).await.status(),
        StatusCode::OK
    );
    let me = app.me(&guest, &code).await;
    assert_eq!(me["waiting_votes"][&item], "new");
    let at = me["votes_count_at"].as_str().expect("a time");
    let at: jiff::Timestamp = at.parse().unwrap();
    let wait = at.as_second() - jiff::Timestamp::now().as_second();
    assert!((100..=120).contains(&wait), "{wait}");
    assert_eq!(app.me(&host, &code).await["votes_count_at"], Value::Null);
}
