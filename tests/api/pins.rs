//! Guessing a party's PIN: wrong tries are counted per network (loopback
//! included) and lock the guesser out, in the moderation log; a missing
//! PIN and a wrong one say different things.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::*;

#[tokio::test]
async fn sixty_wrong_pins_lock_that_network_out_and_nobody_else() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    app.settings(&host, &code, json!({ "join_pin": "2468" }))
        .await;
    let join = |who: Guest, pin: Option<&str>| {
        let body = match pin {
            Some(pin) => json!({ "code": code, "pin": pin }),
            None => json!({ "code": code }),
        };
        let app = &app;
        async move { app.post("/rooms/join", Some(&who), body).await }
    };
    let guesser = app.guest_at("Guesser", "127.0.0.40").await;
    let missing = assert_error(join(guesser.clone(), None).await, StatusCode::FORBIDDEN).await;
    assert!(missing.contains("needs its PIN"), "{missing}");

    let mut statuses = Vec::new();
    for i in 0..60 {
        let res = join(guesser.clone(), Some(&format!("{:04}", 1000 + i))).await;
        statuses.push(res.status().as_u16());
        let detail = assert_error(
            res,
            StatusCode::from_u16(*statuses.last().unwrap()).unwrap(),
        )
        .await;
        if i == 0 {
            assert!(
                detail.contains("not right") && detail.contains("4 tries left"),
                "{detail}"
            );
        }
        if i == 4 {
            assert!(detail.contains("Too many wrong PINs from here"), "{detail}");
        }
    }
    // Four wrong, the fifth locks them out, and every try after waits.
    assert_eq!(&statuses[..4], [403; 4]);
    assert!(statuses[4..].iter().all(|s| *s == 429), "{statuses:?}");
    // The right PIN from the guessing network waits too...
    let res = join(guesser.clone(), Some("2468")).await;
    assert_error(res, StatusCode::TOO_MANY_REQUESTS).await;
    // ...from another phone it works.
    let friend = app.guest_at("Friend", "127.0.0.41").await;
    assert_eq!(join(friend, Some("2468")).await.status(), StatusCode::OK);
    // And from the locked-out network, the QR code on the party's screen
    // (its current code) still lets a guest in, PIN or not.
    let token: serde_json::Value = app
        .get(&format!("/rooms/{code}/join-token"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    let scanner = app.guest_at("Scanner", "127.0.0.40").await;
    let res = app
        .post(
            "/rooms/join",
            Some(&scanner),
            json!({ "code": code, "token": token["token"] }),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let log = app.audit_log(&host, &code).await;
    let lockouts: Vec<_> = log
        .iter()
        .filter(|e| e["action"] == "was locked out after wrong PINs")
        .collect();
    assert_eq!(lockouts.len(), 1, "{log:?}");
    assert_eq!(lockouts[0]["target"], "127.0.0.40");
}

#[tokio::test]
async fn the_box_itself_gets_no_more_guesses_than_a_phone() {
    // A tunnel's clients arrive on loopback: they are counted the same.
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    app.settings(&host, &code, json!({ "join_pin": "2468" }))
        .await;
    let mut last = StatusCode::OK;
    for i in 0..6 {
        let who = app.guest(&format!("Tunnel {i}")).await;
        last = app
            .post(
                "/rooms/join",
                Some(&who),
                json!({ "code": code, "pin": "0000" }),
            )
            .await
            .status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}
