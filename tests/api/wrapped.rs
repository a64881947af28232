use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn wrapped_tells_the_night_in_numbers() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let [bea, cy, dee] = [
        app.guest("Bea").await,
        app.guest("Cy").await,
        app.guest("Dee").await,
    ];
    let code = app.room(&host).await;
    for g in [&bea, &cy, &dee] {
        app.join(g, &code).await;
    }
    // The seed's order (votes alone), so the night goes as scripted.
    app.settings(&host, &code, serde_json::json!({ "fairness": false }))
        .await;
    app.add(&bea, &code, "bohemian rhapsody").await;
    app.add(&bea, &code, "dancing queen").await;
    app.add(&cy, &code, "superstition").await;
    let queue = app.add(&host, &code, "imagine lennon").await;
    let (bohemian, superstition, dancing, imagine) = (
        item_id(&queue, "Bohemian Rhapsody"),
        item_id(&queue, "Superstition"),
        item_id(&queue, "Dancing Queen"),
        item_id(&queue, "Imagine"),
    );
    for (who, what, value) in [
        (&cy, bohemian, 1),
        (&dee, bohemian, 1),
        (&host, bohemian, 1),
        (&bea, superstition, 1),
        (&cy, superstition, 1),
        (&dee, superstition, -1),
        (&host, superstition, -1),
        (&dee, dancing, 1),
        (&cy, imagine, -1),
    ] {
        assert_eq!(
            app.vote(who, &code, what, value).await.status(),
            StatusCode::OK
        );
    }
    app.advance(&host, &code).await; // Bohemian Rhapsody (3)
    app.advance(&host, &code).await; // Dancing Queen (1), playing now
    // The room asks to skip Dancing Queen (one ask is enough with nobody
    // connected); Superstition plays. A skipped song is no top track,
    // however it was voted.
    let skip = app
        .post(
            &format!("/rooms/{code}/now-playing/skip"),
            Some(&bea),
            serde_json::json!(null),
        )
        .await;
    assert_eq!(skip.json::<Value>().await.unwrap()["skipped"], true);

    let res = app.get(&format!("/rooms/{code}/wrapped"), Some(&dee)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    for user in [&host, &bea, &cy, &dee] {
        assert!(!text.contains(&user.id), "a user id leaked");
    }
    let w: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(w["room_name"], "Test party");
    // The opener's guest is one of the night too.
    assert_eq!(w["guests"], 5);
    assert_eq!(w["tracks_played"], 4);
    assert_eq!(w["tracks_skipped"], 1);
    let played = w["played_ms"].as_i64().unwrap();
    assert!((0..=355_000 + 231_000).contains(&played), "{played}");

    let top: Vec<(&str, i64)> = w["top_tracks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["title"].as_str().unwrap(), t["votes"].as_i64().unwrap()))
        .collect();
    assert_eq!(top, [("Bohemian Rhapsody", 3)]);
    assert_eq!(w["top_tracks"][0]["ups"], 3);
    assert_eq!(w["top_tracks"][0]["played"], true);

    assert_eq!(w["most_divisive"]["title"], "Superstition");
    assert_eq!(w["most_divisive"]["ups"], 2);
    assert_eq!(w["most_divisive"]["downs"], 2);
    assert_eq!(w["most_divisive"]["added_by"], "Cy");

    let contributors: Vec<(&str, i64, i64)> = w["top_contributors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["display_name"].as_str().unwrap(),
                c["added"].as_i64().unwrap(),
                c["played"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        contributors,
        [
            ("Bea", 2, 2),
            ("Opener", 1, 1),
            ("Cy", 1, 1),
            ("Anto", 1, 0)
        ]
    );
    assert_eq!(w["top_contributors"][0]["votes_received"], 4);

    // Cy and Dee each backed two songs that played; Cy voted first.
    assert_eq!(w["best_backer"]["display_name"], "Cy");
    assert_eq!(w["best_backer"]["winners"], 2);

    let activity = w["activity"].as_array().unwrap();
    let adds: i64 = activity.iter().map(|h| h["adds"].as_i64().unwrap()).sum();
    let votes: i64 = activity.iter().map(|h| h["votes"].as_i64().unwrap()).sum();
    assert_eq!((adds, votes), (5, 9));
    assert!(
        w["busiest_hour"]["hour"]
            .as_str()
            .unwrap()
            .ends_with(":00:00Z")
    );
}

#[tokio::test]
async fn an_empty_night_is_still_a_night() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.bare_room(&host).await;
    let w: Value = app
        .get(&format!("/rooms/{code}/wrapped"), Some(&host))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(w["tracks_played"], 0);
    assert_eq!(w["played_ms"], 0);
    assert_eq!(w["top_tracks"], serde_json::json!([]));
    assert_eq!(w["most_divisive"], Value::Null);
    assert_eq!(w["best_backer"], Value::Null);
    assert_eq!(w["busiest_hour"], Value::Null);
}

#[tokio::test]
async fn wrapped_is_for_members() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let stranger = app.guest("Cy").await;
    let code = app.room(&host).await;
    let res = app
        .get(&format!("/rooms/{code}/wrapped"), Some(&stranger))
        .await;
    assert_error(res, StatusCode::FORBIDDEN).await;
    let res = app.get(&format!("/rooms/{code}/wrapped"), None).await;
    assert_error(res, StatusCode::UNAUTHORIZED).await;
    let res = app.get("/rooms/ZZZZZZ/wrapped", Some(&host)).await;
    assert_error(res, StatusCode::NOT_FOUND).await;
}
