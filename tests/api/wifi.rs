//! The guest Wi-Fi: the party's screen shows it as a QR code beside the
//! party's own. Its password reaches the host and the party's screens,
//! never anyone else: every answer and frame a guest and a co-host get is
//! checked for it.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;

const PASSWORD: &str = "s3cret-Party-Pass";

/// Every text frame a socket gets within `window`.
async fn frames_for(socket: &mut Socket, window: Duration) -> Vec<String> {
    let mut frames = Vec::new();
    let until = tokio::time::Instant::now() + window;
    while let Ok(Some(Ok(message))) = tokio::time::timeout_at(until, socket.next()).await {
        if let Message::Text(text) = message {
            frames.push(text.to_string());
        }
    }
    frames
}

#[tokio::test]
async fn the_wifi_password_reaches_the_host_and_the_screen_never_a_guest() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let bea = app.guest("Bea").await;
    let cy = app.guest("Cy").await;
    let tv = app.guest("TV screen").await;
    app.join(&bea, &code).await;
    app.join(&cy, &code).await;
    app.join_as_screen(&tv, &code).await;
    let cy_id = app.member_id(&host, &code, "Cy").await;
    let promoted = app
        .send(
            Method::PUT,
            &format!("/rooms/{code}/members/{cy_id}/role"),
            Some(&host),
            Some(json!({ "role": "cohost" })),
        )
        .await;
    assert!(promoted.status().is_success());
    let mut bea_socket = connect(&app, &code, &bea).await;
    let mut cy_socket = connect(&app, &code, &cy).await;
    let mut tv_socket = connect(&app, &code, &tv).await;

    // Before the host sets one: nothing to show.
    let none = app.get(&format!("/rooms/{code}/wifi"), Some(&tv)).await;
    assert_eq!(none.status(), StatusCode::OK);
    assert_eq!(none.json::<Value>().await.unwrap(), Value::Null);

    let saved = app
        .settings(
            &host,
            &code,
            json!({ "wifi_name": "Party;Net", "wifi_password": PASSWORD }),
        )
        .await;
    assert_eq!(saved["wifi_password"], PASSWORD, "the host reads it back");
    assert_eq!(saved["wifi_password_set"], true);

    // The screen (and the host) get the card, with the QR code's text.
    for who in [&tv, &host] {
        let card: Value = app
            .get(&format!("/rooms/{code}/wifi"), Some(who))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(card["name"], "Party;Net");
        assert_eq!(card["password"], PASSWORD);
        assert_eq!(
            card["qr"],
            format!("WIFI:T:WPA;S:Party\\;Net;P:{PASSWORD};;")
        );
    }
    // A guest and a co-host are refused it...
    for who in [&bea, &cy] {
        let res = app.get(&format!("/rooms/{code}/wifi"), Some(who)).await;
        let detail = assert_error(res, StatusCode::FORBIDDEN).await;
        assert!(detail.contains("screen"), "{detail}");
    }
    // ...and nothing else they get holds it: every answer...
    let cohost_only = ["/audit", "/members", "/join-token", "/bans", "/networks"];
    for who in [&bea, &cy] {
        for path in [
            "/settings",
            "/me",
            "/state",
            "/now-playing",
            "",
            "/wrapped",
            "/played",
            "/audit",
            "/members",
            "/join-token",
            "/bans",
            "/networks",
        ] {
            let res = app.get(&format!("/rooms/{code}{path}"), Some(who)).await;
            if std::ptr::eq(who, &cy) || !cohost_only.contains(&path) {
                assert_eq!(res.status(), StatusCode::OK, "{path}");
            }
            let text = res.text().await.unwrap();
            assert!(!text.contains(PASSWORD), "{path}: {text}");
        }
        for path in ["/tracks/rooms/{code}/queue", "/box", "/library"] {
            let text = app
                .get(&path.replace("{code}", &code), Some(who))
                .await
                .text()
                .await
                .unwrap();
            assert!(!text.contains(PASSWORD), "{path}: {text}");
        }
    }
    // ...and every frame: the settings frame names the network, without
    // its password; a new password sends nothing that holds it either.
    app.settings(&host, &code, json!({ "wifi_password": "another-Pass-42" }))
        .await;
    for (who, socket) in [("Bea", &mut bea_socket), ("Cy", &mut cy_socket)] {
        let frames = frames_for(socket, Duration::from_millis(1500)).await;
        assert!(
            frames
                .iter()
                .any(|f| f.contains("\"wifi_name\":\"Party;Net\"")),
            "{who} got the settings frame: {frames:?}"
        );
        for frame in &frames {
            assert!(
                !frame.contains(PASSWORD) && !frame.contains("another-Pass-42"),
                "{who}: {frame}"
            );
        }
    }
    let tv_frames = frames_for(&mut tv_socket, Duration::from_millis(200)).await;
    assert!(
        tv_frames.iter().all(|f| !f.contains(PASSWORD)),
        "frames are public, the card is asked for"
    );

    // The log says the password changed, never what to.
    let log = app.audit_log(&host, &code).await;
    let text = serde_json::to_string(&log).unwrap();
    assert!(text.contains("Wi-Fi password: changed"), "{text}");
    assert!(text.contains("Guest Wi-Fi: Party;Net"), "{text}");
    assert!(
        !text.contains(PASSWORD) && !text.contains("another-Pass-42"),
        "{text}"
    );
}

#[tokio::test]
async fn an_open_network_and_bad_wifi_settings() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    app.settings(&host, &code, json!({ "wifi_name": "Café Libre" }))
        .await;
    let card: Value = app
        .get(&format!("/rooms/{code}/wifi"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(card["qr"], "WIFI:T:nopass;S:Café Libre;;");
    assert_eq!(card["password"], Value::Null);

    let settings_path = format!("/rooms/{code}/settings");
    for (body, says) in [
        (json!({ "wifi_password": "short" }), "8 to 63"),
        (json!({ "wifi_name": "x".repeat(33) }), "32 bytes"),
        (
            json!({ "wifi_name": null, "wifi_password": "long enough" }),
            "name",
        ),
    ] {
        let res = app
            .send(
                Method::PATCH,
                &settings_path,
                Some(&host),
                Some(body.clone()),
            )
            .await;
        let detail = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(detail.contains(says), "{body}: {detail}");
    }
    // Nothing changed.
    let settings: Value = app
        .get(&format!("/rooms/{code}/settings"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(settings["wifi_name"], "Café Libre");
    assert_eq!(settings["wifi_password"], Value::Null);
    // Without a name there is nothing to show, and no password kept.
    app.settings(&host, &code, json!({ "wifi_name": null }))
        .await;
    let none = app.get(&format!("/rooms/{code}/wifi"), Some(&host)).await;
    assert_eq!(none.json::<Value>().await.unwrap(), Value::Null);
}
