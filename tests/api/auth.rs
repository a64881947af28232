use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn health_is_ok() {
    let app = spawn_app().await;
    let res = app.get("/health", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), json!({ "ok": true }));
}

#[tokio::test]
async fn guest_gets_a_trimmed_name_and_an_http_only_cookie() {
    let app = spawn_app().await;
    let res = app
        .post("/auth/guest", None, json!({ "display_name": "  Anto  " }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookies: Vec<String> = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|c| c.to_str().unwrap().to_string())
        .collect();
    // The device cookie ties accounts made on one phone together.
    let device = cookies
        .iter()
        .find(|c| c.starts_with("did="))
        .expect("a device cookie");
    assert!(device.contains("HttpOnly"), "{device}");
    let cookie = cookies
        .iter()
        .find(|c| c.starts_with("uid="))
        .expect("a uid cookie")
        .clone();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["display_name"], "Anto");
    let id = body["user_id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 4);
    assert!(cookie.starts_with(&format!("uid={id}")), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/"] {
        assert!(
            cookie.contains(attribute),
            "{attribute} missing in {cookie}"
        );
    }
    assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
}

#[tokio::test]
async fn blank_or_missing_names_get_generated_ones() {
    let app = spawn_app().await;
    for body in [
        json!({}),
        json!({ "display_name": "   " }),
        json!({ "display_name": null }),
    ] {
        let res = app.post("/auth/guest", None, body.clone()).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{body}");
        let guest: Value = res.json().await.unwrap();
        let name = guest["display_name"].as_str().unwrap();
        assert_eq!(name.split(' ').count(), 3, "{name}");
    }
}

#[tokio::test]
async fn names_over_64_characters_are_refused() {
    let app = spawn_app().await;
    let ok = app
        .post(
            "/auth/guest",
            None,
            json!({ "display_name": "ñ".repeat(64) }),
        )
        .await;
    assert_eq!(ok.status(), StatusCode::CREATED);
    let res = app
        .post(
            "/auth/guest",
            None,
            json!({ "display_name": "ñ".repeat(65) }),
        )
        .await;
    let detail = assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(detail.contains("64"), "{detail}");
}

#[tokio::test]
async fn logout_clears_the_cookie() {
    let app = spawn_app().await;
    let res = app.post("/auth/logout", None, json!({})).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("uid="), "{cookie}");
    assert!(cookie.contains("Max-Age=0"), "{cookie}");
}

#[tokio::test]
async fn the_cookie_alone_is_an_identity() {
    let app = spawn_app().await;
    let browser = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let res = browser
        .post(app.url("/auth/guest"))
        .json(&json!({ "display_name": "Bea" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = browser
        .post(app.url("/rooms"))
        .json(&json!({ "name": "Cookie party" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // After logout the same browser is nobody again.
    browser.post(app.url("/auth/logout")).send().await.unwrap();
    let res = browser
        .post(app.url("/rooms"))
        .json(&json!({ "name": "Again" }))
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn missing_malformed_or_unknown_identities_are_401() {
    let app = spawn_app().await;
    let nobody = Guest {
        id: uuid::Uuid::new_v4().to_string(),
        name: "ghost".into(),
        from: None,
    };
    let malformed = Guest {
        id: "'; DROP TABLE users; --".into(),
        name: "x".into(),
        from: None,
    };
    for user in [None, Some(&nobody), Some(&malformed)] {
        for (path, body) in [
            ("/rooms", json!({ "name": "x" })),
            ("/rooms/join", json!({ "code": "ABCDEF" })),
        ] {
            let res = app.post(path, user, body).await;
            assert_error(res, StatusCode::UNAUTHORIZED).await;
        }
        let res = app.get("/tracks/search?artist_or_title=queen", user).await;
        assert_error(res, StatusCode::UNAUTHORIZED).await;
    }
    // A malformed cookie is no identity either.
    let res = app
        .client
        .get(app.url("/tracks/search?artist_or_title=queen"))
        .header("cookie", "uid=not-a-uuid")
        .send()
        .await
        .unwrap();
    assert_error(res, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn logging_out_revokes_the_id() {
    let app = spawn_app().await;
    let (host, bea, code) = party_of_two(&app).await;
    let res = app
        .send(reqwest::Method::POST, "/auth/logout", Some(&bea), None)
        .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let detail = assert_error(
        app.get(&format!("/rooms/{code}/me"), Some(&bea)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(detail.contains("logged out"), "{detail}");
    // Others are untouched.
    assert_eq!(
        app.get(&format!("/rooms/{code}/me"), Some(&host))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn an_id_unused_for_thirty_days_expires() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("party.db");
    let app = spawn_app_on(&db).await;
    let (old, fresh) = (app.guest("Old").await, app.guest("Fresh").await);
    app.stop().await;
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute(
        "UPDATE users SET last_seen_at = '2020-01-01T00:00:00.000000Z' WHERE id = ?1",
        [&old.id],
    )
    .unwrap();
    drop(conn);
    let app = spawn_app_on(&db).await;
    let detail = assert_error(
        app.get("/library", Some(&old)).await,
        StatusCode::UNAUTHORIZED,
    )
    .await;
    assert!(detail.contains("30 days"), "{detail}");
    assert_eq!(
        app.get("/library", Some(&fresh)).await.status(),
        StatusCode::OK
    );
    app.stop().await;
}
