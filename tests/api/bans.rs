//! Bans bind the account, the device and the network: a banned guest who
//! logs out and comes back as someone new stays out; the host sees the bans
//! and can lift one.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

async fn ban(app: &TestApp, host: &Guest, code: &str, name: &str) {
    let id = app.member_id(host, code, name).await;
    let res = app
        .post(
            &format!("/rooms/{code}/members/{id}/ban"),
            Some(host),
            json!({ "reason": "kept skipping" }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

async fn bans_of(app: &TestApp, host: &Guest, code: &str) -> Vec<Value> {
    app.get(&format!("/rooms/{code}/bans"), Some(host))
        .await
        .json()
        .await
        .unwrap()
}

async fn try_join(app: &TestApp, who: &Guest, code: &str) -> reqwest::Response {
    app.post("/rooms/join", Some(who), json!({ "code": code }))
        .await
}

/// A browser on a phone: keeps its cookies (the device cookie among them).
fn browser(ip: &str) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(ip.parse::<std::net::IpAddr>().unwrap())
        .cookie_store(true)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_new_account_from_a_banned_phone_stays_out_until_the_ban_is_lifted() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let troll = app.guest_at("Troll", "127.0.0.21").await;
    app.join(&troll, &code).await;
    ban(&app, &host, &code, "Troll").await;

    // Logout, a new guest, join: still out (the address is theirs).
    let res = app
        .send(Method::POST, "/auth/logout", Some(&troll), None)
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let again = app.guest_at("Totally Someone Else", "127.0.0.21").await;
    let detail = assert_error(try_join(&app, &again, &code).await, StatusCode::FORBIDDEN).await;
    assert!(detail.contains("for good"), "{detail}");
    // Another phone is welcome.
    let friend = app.guest_at("Friend", "127.0.0.22").await;
    assert_eq!(
        try_join(&app, &friend, &code).await.status(),
        StatusCode::OK
    );

    // Guests do not see the bans; the host does, and lifts it.
    assert_error(
        app.get(&format!("/rooms/{code}/bans"), Some(&friend)).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let bans = bans_of(&app, &host, &code).await;
    assert_eq!(bans.len(), 1, "{bans:?}");
    assert_eq!(bans[0]["display_name"], "Troll");
    assert_eq!(bans[0]["reason"], "kept skipping");
    let lift = format!("/rooms/{code}/bans/{}", bans[0]["ban_id"].as_str().unwrap());
    assert_error(
        app.send(Method::DELETE, &lift, Some(&friend), None).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    let res = app.send(Method::DELETE, &lift, Some(&host), None).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_error(
        app.send(Method::DELETE, &lift, Some(&host), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    assert_eq!(try_join(&app, &again, &code).await.status(), StatusCode::OK);
    // The account they logged out of is no identity any more.
    assert_error(
        try_join(&app, &troll, &code).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(bans_of(&app, &host, &code).await.is_empty());
    let log = app.audit_log(&host, &code).await;
    assert!(
        log.iter().any(|e| e["action"] == "lifted the ban on"),
        "{log:?}"
    );
}

#[tokio::test]
async fn a_ban_follows_the_device_to_another_address() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let phone = browser("127.0.0.31");
    let made: Value = phone
        .post(app.url("/auth/guest"))
        .json(&json!({ "display_name": "Troll" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = phone
        .post(app.url("/rooms/join"))
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{made}");
    ban(&app, &host, &code, "Troll").await;
    // The same phone on another access point: a new address, the same
    // device cookie, a new account.
    let did = phone
        .post(app.url("/auth/guest"))
        .json(&json!({ "display_name": "New me" }))
        .send()
        .await
        .unwrap()
        .cookies()
        .find(|c| c.name() == "did")
        .unwrap()
        .value()
        .to_string();
    let moved = app.phone("127.0.0.32".parse().unwrap());
    let res = moved
        .post(app.url("/auth/guest"))
        .header("cookie", format!("did={did}"))
        .json(&json!({ "display_name": "Newer me" }))
        .send()
        .await
        .unwrap();
    let body: Value = res.json().await.unwrap();
    let res = moved
        .post(app.url("/rooms/join"))
        .header("x-user-id", body["user_id"].as_str().unwrap())
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN).await;
}
