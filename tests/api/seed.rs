//! The seed README's quick tour, replayed as written: the first version's
//! clients send exactly these requests and read exactly these answers
//! (`democratic_tunes::seed` lists the routes and their quirks). The id
//! goes in `X-User-ID`, as the seed's clients send it: no cookie jar here.

use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use serde_json::{Value, json};

use crate::helpers::*;

/// A seed client's call: `X-User-ID` when given, a JSON body when given.
async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    uid: Option<&str>,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = reqwest::Client::new().request(method, app.url(path));
    if let Some(uid) = uid {
        request = request.header("X-User-ID", uid);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

/// The answer's status and JSON (`null` when empty).
async fn answer(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn get(app: &TestApp, path: &str, uid: &str) -> (StatusCode, Value) {
    answer(call(app, reqwest::Method::GET, path, Some(uid), None).await).await
}

async fn post(app: &TestApp, path: &str, uid: Option<&str>, body: Value) -> (StatusCode, Value) {
    answer(call(app, reqwest::Method::POST, path, uid, Some(body)).await).await
}

/// `POST /auth/guest`: sets a `uid` HttpOnly cookie, returns `{ user_id,
/// display_name }`.
async fn guest(app: &TestApp, name: &str) -> String {
    let body = json!({ "display_name": name });
    let res = call(app, reqwest::Method::POST, "/auth/guest", None, Some(body)).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let cookies: Vec<String> = res
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .map(|c| c.to_str().unwrap().to_string())
        .collect();
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["display_name"], name);
    let uid = body["user_id"].as_str().unwrap().to_string();
    let cookie = cookies
        .iter()
        .find(|c| c.starts_with(&format!("uid={uid};")))
        .unwrap_or_else(|| panic!("no uid cookie in {cookies:?}"));
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    uid
}

#[tokio::test]
async fn the_seed_readmes_quick_tour_works_as_written() {
    let app = spawn_app().await;

    // * `GET /health` simple health check
    let res = call(&app, reqwest::Method::GET, "/health", None, None).await;
    assert_eq!(res.status(), StatusCode::OK);

    // * `POST /auth/guest` body `{ "display_name": "Anto" }`
    let anto = guest(&app, "Anto").await;
    let bea = guest(&app, "Bea").await;

    // * `POST /rooms` header `X-User-ID: <uid>` body `{ "name": "My Party" }`
    //   Returns `{ code, id, host_user_id }`.
    let (status, room) = post(&app, "/rooms", Some(&anto), json!({ "name": "My Party" })).await;
    assert_eq!(status, StatusCode::CREATED);
    let code = room["code"].as_str().unwrap().to_string();
    assert!(room["id"].is_string());
    assert_eq!(room["host_user_id"], anto.as_str());

    // * `POST /rooms/join` header `X-User-ID: <uid>` body `{ "code": "UZ8293R" }`
    //   Returns `{ room_id, user_id }`.
    let (status, joined) = post(&app, "/rooms/join", Some(&bea), json!({ "code": code })).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(joined["room_id"], room["id"]);
    assert_eq!(joined["user_id"], bea.as_str());

    // * `GET /rooms/{code}/now-playing` current item (nothing yet)
    let now_playing = format!("/rooms/{code}/now-playing");
    assert_eq!(
        get(&app, &now_playing, &bea).await,
        (StatusCode::OK, Value::Null)
    );

    // * `GET /tracks/search?artist_or_title=bad+bunny` search mock catalog
    let (status, hits) = get(&app, "/tracks/search?artist_or_title=bad+bunny", &bea).await;
    assert_eq!(status, StatusCode::OK);
    let hits = hits.as_array().unwrap().clone();
    assert!(hits.len() >= 2, "{hits:?}");
    assert!(
        hits.iter()
            .all(|t| t["artist"].as_str().unwrap().contains("Bad Bunny")),
        "{hits:?}"
    );

    // * `POST /tracks/rooms/{code}/tracks` body `{ "track_id": "<id>" }` add to queue
    let tracks = format!("/tracks/rooms/{code}/tracks");
    let (status, _) = post(
        &app,
        &tracks,
        Some(&bea),
        json!({ "track_id": hits[0]["id"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, answered) = post(
        &app,
        &tracks,
        Some(&anto),
        json!({ "track_id": hits[1]["id"] }),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // * `GET /tracks/rooms/{code}/queue` list queue and status
    let (status, queue) = get(&app, &format!("/tracks/rooms/{code}/queue"), &bea).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(queue, answered, "adding answers the queue");
    // The first song started by itself: the queue holds the second.
    assert_eq!(queue.as_array().unwrap().len(), 1, "{queue}");
    assert_eq!(queue[0]["track_id"], hits[1]["id"]);
    assert_eq!(queue[0]["status"], "queued");
    assert_eq!(queue[0]["votes"], 0);

    // * `POST /votes/rooms/{code}/votes` body `{ "room_track_id": "<id>", "value": 1 | -1 }`
    let votes = format!("/votes/rooms/{code}/votes");
    let item = queue[0]["room_track_id"].clone();
    let vote = |value: i64| json!({ "room_track_id": item, "value": value });
    let (status, after) = post(&app, &votes, Some(&bea), vote(1)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after[0]["votes"], 1);
    let (_, after) = post(&app, &votes, Some(&bea), vote(-1)).await;
    assert_eq!(after[0]["votes"], -1, "voting again replaces the vote");
    let (status, refused) = post(&app, &votes, Some(&bea), vote(2)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused["detail"].is_string());

    // * `POST /rooms/{code}/advance` host only, moves to next track, with
    //   "a friendly message for non-hosts".
    let advance = format!("/rooms/{code}/advance");
    let (status, refused) = post(&app, &advance, Some(&bea), json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(refused["detail"], democratic_tunes::seed::NOT_THE_HOST);
    let (status, _) = post(&app, &advance, Some(&anto), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let (_, now) = get(&app, &now_playing, &bea).await;
    assert_eq!(now["track_id"], hits[1]["id"]);

    // FastAPI's errors: malformed JSON is a 422 with a `detail`.
    let res = reqwest::Client::new()
        .post(app.url("/rooms"))
        .header("X-User-ID", &anto)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    let (status, refused) = answer(res).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused["detail"].is_string());

    // * `POST /auth/logout`
    let res = call(
        &app,
        reqwest::Method::POST,
        "/auth/logout",
        Some(&bea),
        None,
    )
    .await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
}

/// Every route of the tour is in the box's OpenAPI document, and each
/// handler says it is the seed's.
#[tokio::test]
async fn every_seed_route_is_documented() {
    let app = spawn_app().await;
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    for (method, path) in democratic_tunes::seed::ROUTES {
        let operation = &doc["paths"][path][method];
        let described = operation["description"].as_str().unwrap_or_default();
        assert!(described.contains("Seed:"), "{method} {path}: {operation}");
    }
}
