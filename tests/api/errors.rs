use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn unknown_routes_and_methods_answer_fastapi_style() {
    let app = spawn_app().await;
    let res = app.get("/no/such/route", None).await;
    assert_eq!(assert_error(res, StatusCode::NOT_FOUND).await, "Not Found");
    let res = app.client.delete(app.url("/health")).send().await.unwrap();
    assert_eq!(
        assert_error(res, StatusCode::METHOD_NOT_ALLOWED).await,
        "Method Not Allowed"
    );
}

#[tokio::test]
async fn malformed_bodies_are_4xx_and_change_nothing() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    app.add(&host, &code, "bohemian rhapsody").await;
    let queue_path = format!("/tracks/rooms/{code}/tracks");
    let vote_path = format!("/votes/rooms/{code}/votes");
    let send = |path: String, content_type: &'static str, body: Vec<u8>| {
        app.client
            .post(app.url(&path))
            .header("X-User-ID", &host.id)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    let cases: Vec<(String, &str, Vec<u8>, StatusCode)> = vec![
        (
            queue_path.clone(),
            "application/json",
            b"{".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            queue_path.clone(),
            "application/json",
            b"[1,2]".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            queue_path.clone(),
            "application/json",
            b"".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            queue_path.clone(),
            "application/json",
            vec![0xff, 0xfe],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vote_path.clone(),
            "application/json",
            b"{\"value\": 1}".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            vote_path.clone(),
            "text/plain",
            b"{\"room_track_id\":\"x\",\"value\":1}".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            vote_path.clone(),
            "application/x-www-form-urlencoded",
            b"room_track_id=x&value=1".to_vec(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
        ),
        (
            queue_path.clone(),
            "application/json",
            format!("{{\"track_id\": \"{}\"}}", "a".repeat(100_000)).into_bytes(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "/auth/guest".to_string(),
            "application/json",
            format!("{}1{}", "[".repeat(5000), "]".repeat(5000)).into_bytes(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    ];
    for (path, content_type, body, status) in cases {
        let res = send(path.clone(), content_type, body).await.unwrap();
        assert_eq!(res.status(), status, "{path} {content_type}");
        let body: Value = res.json().await.unwrap();
        assert!(body["detail"].is_string(), "{body}");
    }
    let queue = app.queue(&host, &code).await;
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0]["votes"], 0);
}

#[tokio::test]
async fn a_failed_write_leaves_the_database_as_it_was() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let stranger = app.guest("Cy").await;
    let code = app.room(&host).await;
    let before = app.queue(&host, &code).await;
    let track = app.track_id(&host, "imagine").await;
    let path = format!("/tracks/rooms/{code}/tracks");
    let res = app
        .post(&path, Some(&stranger), json!({ "track_id": track }))
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;
    assert_eq!(app.queue(&host, &code).await, before);
}

#[tokio::test]
async fn answers_made_outside_the_handlers_keep_the_detail_shape() {
    let app = spawn_app().await;
    let guest = app.guest("Bea").await;
    // A path that is not UTF-8 once decoded.
    let res = app.get("/rooms/%FF%FE/me", Some(&guest)).await;
    let detail = assert_error(res, reqwest::StatusCode::BAD_REQUEST).await;
    assert!(!detail.is_empty());
    // A huge body announced with Expect: 100-continue gets its 413 before
    // any 100.
    let mut stream = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(
            b"POST /rooms HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n\
              Content-Length: 100000000\r\nExpect: 100-continue\r\n\r\n",
        )
        .await
        .unwrap();
    let mut buf = vec![0u8; 1024];
    let n = stream.read(&mut buf).await.unwrap();
    let answer = String::from_utf8_lossy(&buf[..n]);
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("\"detail\""), "{answer}");
}

#[tokio::test]
async fn the_api_docs_cannot_be_framed() {
    let app = spawn_app().await;
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(res.headers()["x-frame-options"], "DENY");
}

#[tokio::test]
async fn nobody_signs_as_the_box_and_reasons_are_one_line() {
    let app = spawn_app().await;
    for name in ["Auto-DJ", "the room"] {
        let res = app
            .post(
                "/auth/guest",
                None,
                serde_json::json!({ "display_name": name }),
            )
            .await;
        assert_error(res, reqwest::StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    let (host, bea, code) = party_of_two(&app).await;
    let id = app.member_id(&host, &code, &bea.name).await;
    let res = app
        .post(
            &format!("/rooms/{code}/members/{id}/kick"),
            Some(&host),
            serde_json::json!({ "reason": "bye\n\u{1b}[31mred" }),
        )
        .await;
    assert_error(res, reqwest::StatusCode::UNPROCESSABLE_ENTITY).await;
}
