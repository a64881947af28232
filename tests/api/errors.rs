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
