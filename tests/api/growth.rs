//! Growth with bounds: idle rooms leave memory (and come back from SQLite),
//! parties and changes to them are rate-limited, the log keeps its newest
//! rows.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

async fn name_of(app: &TestApp, code: &str) -> String {
    let info: Value = app
        .get(&format!("/rooms/{code}"), None)
        .await
        .json()
        .await
        .unwrap();
    info["name"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_idle_room_leaves_memory_and_a_followed_one_stays() {
    let app = spawn_app_configured(|c| c.room_idle_secs = 1).await;
    let host = app.guest("Host").await;
    let idle = app.bare_room(&host).await;
    let followed = app.bare_room(&host).await;
    let playing = app.bare_room(&host).await;
    app.add(&host, &playing, "dancing queen").await;
    let _socket = connect(&app, &followed, &host).await;
    for code in [&idle, &followed, &playing] {
        assert_eq!(name_of(&app, code).await, "Test party");
    }
    // Behind the box's back: what memory holds no longer matches SQLite.
    app.db()
        .execute("UPDATE rooms SET name = 'Renamed'", [])
        .unwrap();
    // Unused for a second, the idle room is let go at the clock's next look
    // (every second here; looking at it would use it, so the test waits).
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(name_of(&app, &idle).await, "Renamed");
    assert_eq!(name_of(&app, &followed).await, "Test party");
    assert_eq!(name_of(&app, &playing).await, "Test party");
    // The reloaded room works as before.
    let guest = app.guest("Bea").await;
    app.join(&guest, &idle).await;
    let queue = app.add(&guest, &idle, "superstition").await;
    assert!(queue.is_empty(), "the first song plays at once: {queue:?}");
    assert_eq!(
        app.now_playing(&guest, &idle).await["title"],
        "Superstition"
    );
}

#[tokio::test]
async fn one_address_starts_a_few_parties_not_thousands() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for i in 0..8 {
        let g = app.guest_at(&format!("Host {i}"), "127.0.0.70").await;
        let res = app.post("/rooms", Some(&g), json!({ "name": "x" })).await;
        statuses.push(res.status().as_u16());
    }
    assert_eq!(statuses, [201, 201, 201, 201, 201, 429, 429, 429]);
    // Another address is not held up.
    let other = app.guest_at("Elsewhere", "127.0.0.71").await;
    let res = app
        .post("/rooms", Some(&other), json!({ "name": "x" }))
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn settings_writes_are_limited_per_identity() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let mut first_refused = None;
    for i in 0..80u32 {
        let res = app
            .send(
                Method::PATCH,
                &format!("/rooms/{code}/settings"),
                Some(&host),
                Some(json!({ "max_queued_per_guest": 1 + i % 2 })),
            )
            .await;
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            first_refused = Some(i);
            let detail = assert_error(res, StatusCode::TOO_MANY_REQUESTS).await;
            assert!(detail.contains("changes to the party"), "{detail}");
            break;
        }
        assert_eq!(res.status(), StatusCode::OK);
    }
    let n = first_refused.expect("a burst of settings writes hits the limit");
    assert!((40..=45).contains(&n), "{n} writes before the first 429");
}

#[tokio::test]
async fn the_log_keeps_each_rooms_newest_rows() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    let other = app.bare_room(&host).await;
    app.settings(&host, &code, json!({ "fairness": false }))
        .await;
    app.settings(&host, &other, json!({ "fairness": false }))
        .await;
    let db = app.db();
    let room_id: String = db
        .query_row("SELECT id FROM rooms WHERE code = ?1", [&code], |r| {
            r.get(0)
        })
        .unwrap();
    // A long night's log.
    db.execute(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
         INSERT INTO audit (room_id, at, actor, action)
         SELECT ?1, '2026-01-01T00:00:00.000000Z', 'x', 'old' FROM n",
        [&room_id],
    )
    .unwrap();
    app.settings(&host, &code, json!({ "fairness": true }))
        .await;
    let kept: i64 = db
        .query_row(
            "SELECT count(*) FROM audit WHERE room_id = ?1",
            [&room_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(kept, 5_000);
    // The newest stays, and the other room's log is untouched.
    let log = app.audit_log(&host, &code).await;
    assert!(
        log[0]["detail"]
            .as_str()
            .unwrap()
            .contains("Fair turns: on"),
        "{:?}",
        log[0]
    );
    assert_eq!(app.audit_log(&host, &other).await.len(), 1);
}
