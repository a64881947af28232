use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn a_party_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("party.db");

    let app = spawn_app_on(&db).await;
    let (host, bea, code) = party_of_two(&app).await;
    let queue = app.add(&bea, &code, "superstition").await;
    let superstition = item_id(&queue, "Superstition").to_string();
    app.vote(&bea, &code, &superstition, 1).await;
    app.advance(&host, &code).await;
    let before = app.queue(&bea, &code).await;
    let version_before = room_version(&app, &bea, &code).await;
    app.stop().await;

    let app = spawn_app_on(&db).await;
    // Same identities, same room, same queue and votes.
    assert_eq!(app.queue(&bea, &code).await, before);
    let playing: Value = app
        .get(&format!("/rooms/{code}/now-playing"), Some(&bea))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(playing["title"], "Superstition");
    assert_eq!(playing["votes"], 1);
    // The host is still the host.
    let res = app.advance(&host, &code).await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    // The room's version goes on growing from where it was (clients order
    // answers and frames by it, and keep the newest).
    let version_after = room_version(&app, &bea, &code).await;
    assert!(
        version_after > version_before,
        "{version_before} then {version_after}"
    );
    // And the catalog was not loaded twice.
    assert_eq!(app.search(&bea, "bohemian rhapsody").await.len(), 1);
    app.stop().await;
}

/// The room's version, as an answer carrying the queue says it.
async fn room_version(app: &TestApp, user: &Guest, code: &str) -> i64 {
    let res = app
        .get(&format!("/tracks/rooms/{code}/queue"), Some(user))
        .await;
    res.headers()["x-room-version"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap()
}
