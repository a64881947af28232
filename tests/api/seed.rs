//! The seed README's quick tour, replayed as written: the first version's
//! clients send exactly these requests and read exactly these answers
//! (`democratic_tunes::seed` lists the routes and their quirks).

use reqwest::StatusCode;
use reqwest::header::SET_COOKIE;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn the_seed_readmes_quick_tour_works_as_written() {
    let app = spawn_app().await;
    // The seed's clients send the id in `X-User-ID`: no cookie jar here.
    let http = reqwest::Client::new();
    let url = |path: &str| app.url(path);

    // * `GET /health` simple health check
    let res = http.get(url("/health")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // * `POST /auth/guest` body `{ "display_name": "Anto" }`
    //   Sets a `uid` HttpOnly cookie. Returns `{ user_id, display_name }`.
    let guest = |name: &'static str| {
        let http = http.clone();
        let url = url("/auth/guest");
        async move {
            let res = http
                .post(url)
                .json(&json!({ "display_name": name }))
                .send()
                .await
                .unwrap();
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
    };
    let anto = guest("Anto").await;
    let bea = guest("Bea").await;

    // * `POST /rooms` header `X-User-ID: <uid>` body `{ "name": "My Party" }`
    //   Returns `{ code, id, host_user_id }`.
    let res = http
        .post(url("/rooms"))
        .header("X-User-ID", &anto)
        .json(&json!({ "name": "My Party" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let room: Value = res.json().await.unwrap();
    let code = room["code"].as_str().unwrap().to_string();
    assert!(room["id"].is_string());
    assert_eq!(room["host_user_id"], anto.as_str());

    // * `POST /rooms/join` header `X-User-ID: <uid>` body `{ "code": "UZ8293R" }`
    //   Returns `{ room_id, user_id }`.
    let res = http
        .post(url("/rooms/join"))
        .header("X-User-ID", &bea)
        .json(&json!({ "code": code }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let joined: Value = res.json().await.unwrap();
    assert_eq!(joined["room_id"], room["id"]);
    assert_eq!(joined["user_id"], bea.as_str());

    // * `GET /rooms/{code}/now-playing` current item (nothing yet)
    let res = http
        .get(url(&format!("/rooms/{code}/now-playing")))
        .header("X-User-ID", &bea)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap(), Value::Null);

    // * `GET /tracks/search?artist_or_title=bad+bunny` search the catalog
    let res = http
        .get(url("/tracks/search?artist_or_title=bad+bunny"))
        .header("X-User-ID", &bea)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let hits: Vec<Value> = res.json().await.unwrap();
    assert!(hits.len() >= 2, "{hits:?}");
    assert!(
        hits.iter()
            .all(|t| t["artist"].as_str().unwrap().contains("Bad Bunny")),
        "{hits:?}"
    );

    // * `POST /tracks/rooms/{code}/tracks` body `{ "track_id": "<id>" }` add to queue
    let add = |user: &str, track: &Value| {
        http.post(url(&format!("/tracks/rooms/{code}/tracks")))
            .header("X-User-ID", user)
            .json(&json!({ "track_id": track["id"] }))
            .send()
    };
    let res = add(&bea, &hits[0]).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = add(&anto, &hits[1]).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let answered: Vec<Value> = res.json().await.unwrap();

    // * `GET /tracks/rooms/{code}/queue` list queue and status
    let res = http
        .get(url(&format!("/tracks/rooms/{code}/queue")))
        .header("X-User-ID", &bea)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let queue: Vec<Value> = res.json().await.unwrap();
    assert_eq!(queue, answered, "adding answers the queue");
    // The first song started by itself: the queue holds the second.
    assert_eq!(queue.len(), 1, "{queue:?}");
    assert_eq!(queue[0]["track_id"], hits[1]["id"]);
    assert_eq!(queue[0]["status"], "queued");
    assert_eq!(queue[0]["votes"], 0);

    // * `POST /votes/rooms/{code}/votes` body `{ "room_track_id": "<id>", "value": 1 | -1 }`
    let vote = |value: i64| {
        http.post(url(&format!("/votes/rooms/{code}/votes")))
            .header("X-User-ID", &bea)
            .json(&json!({ "room_track_id": queue[0]["room_track_id"], "value": value }))
            .send()
    };
    let res = vote(1).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let after: Vec<Value> = res.json().await.unwrap();
    assert_eq!(after[0]["votes"], 1);
    let after: Vec<Value> = vote(-1).await.unwrap().json().await.unwrap();
    assert_eq!(after[0]["votes"], -1, "voting again replaces the vote");
    let res = vote(2).await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json::<Value>().await.unwrap()["detail"].is_string());

    // * `POST /rooms/{code}/advance` host only, moves to next track, with
    //   "a friendly message for non-hosts".
    let advance = |user: &str| {
        http.post(url(&format!("/rooms/{code}/advance")))
            .header("X-User-ID", user)
            .send()
    };
    let res = advance(&bea).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        res.json::<Value>().await.unwrap()["detail"],
        democratic_tunes::seed::NOT_THE_HOST
    );
    let res = advance(&anto).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let now: Value = http
        .get(url(&format!("/rooms/{code}/now-playing")))
        .header("X-User-ID", &bea)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["track_id"], hits[1]["id"]);

    // FastAPI's errors: malformed JSON is a 422 with a `detail`.
    let res = http
        .post(url("/rooms"))
        .header("X-User-ID", &anto)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.json::<Value>().await.unwrap()["detail"].is_string());

    // * `POST /auth/logout`
    let res = http
        .post(url("/auth/logout"))
        .header("X-User-ID", &bea)
        .send()
        .await
        .unwrap();
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
