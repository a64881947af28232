//! Search that forgives typos, and says where each song stands in the
//! party: playing now, queued at #n, played lately and when it may return.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

async fn search_in(app: &TestApp, user: &Guest, query: &str, room: Option<&str>) -> Vec<Value> {
    let mut params = vec![("artist_or_title", query)];
    if let Some(room) = room {
        params.push(("room", room));
    }
    let res = app
        .client
        .get(app.url("/tracks/search"))
        .query(&params)
        .header("X-User-ID", &user.id)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{query}");
    res.json().await.unwrap()
}

#[tokio::test]
async fn typos_find_the_artist_and_say_what_was_meant() {
    let app = spawn_app().await;
    let guest = app.guest("Guest").await;
    for (typed, artist) in [
        ("beyounce", "Beyoncé"),
        ("rihana", "Rihanna"),
        ("taylor swfit", "Taylor Swift"),
        ("metalica", "Metallica"),
    ] {
        let hits = search_in(&app, &guest, typed, None).await;
        assert!(!hits.is_empty(), "{typed} finds nothing");
        assert_eq!(hits[0]["artist"], artist, "{typed}: {:?}", hits[0]);
        assert_eq!(hits[0]["did_you_mean"], artist, "{typed}");
    }
    // An exact match says nothing more.
    let hits = search_in(&app, &guest, "beyoncé", None).await;
    assert_eq!(hits[0]["artist"], "Beyoncé");
    assert_eq!(hits[0]["did_you_mean"], Value::Null);
    // Gibberish still finds nothing.
    assert!(search_in(&app, &guest, "qxzvkwj", None).await.is_empty());
}

#[tokio::test]
async fn each_hit_says_where_it_stands_in_the_party() {
    let app = spawn_app().await;
    let host = app.guest("Host").await;
    let code = app.room(&host).await; // Autobahn plays.
    app.add(&host, &code, "crazy in love").await;
    app.add(&host, &code, "single ladies").await;

    let state = |hits: &[Value], title: &str| -> Value {
        hits.iter()
            .find(|h| h["title"] == title)
            .unwrap_or_else(|| panic!("{title} not found"))["in_room"]
            .clone()
    };
    let hits = search_in(&app, &host, "beyoncé", Some(&code)).await;
    assert_eq!(
        state(&hits, "Crazy in Love"),
        json!({ "state": "queued", "position": 1 })
    );
    assert_eq!(
        state(&hits, "Single Ladies (Put a Ring on It)"),
        json!({ "state": "queued", "position": 2 })
    );
    let hits = search_in(&app, &host, "autobahn", Some(&code)).await;
    assert_eq!(state(&hits, "Autobahn"), json!({ "state": "playing" }));

    // Autobahn is skipped: it played, and comes back after the cooldown.
    assert_eq!(app.advance(&host, &code).await.status(), StatusCode::OK);
    let hits = search_in(&app, &host, "autobahn", Some(&code)).await;
    let played = state(&hits, "Autobahn");
    assert_eq!(played["state"], "played", "{played}");
    let at = |v: &Value| {
        v.as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap()
            .as_second()
    };
    let back = at(&played["back_at"]) - at(&played["played_at"]);
    assert_eq!(back, 60 * 60, "{played}");
    // Without a cooldown it is free to add again (still "played", no wait).
    app.settings(&host, &code, json!({ "readd_cooldown_minutes": 0 }))
        .await;
    let hits = search_in(&app, &host, "autobahn", Some(&code)).await;
    assert_eq!(state(&hits, "Autobahn")["back_at"], Value::Null);
    // Without a room, no states; outside the room, refused.
    let hits = search_in(&app, &host, "autobahn", None).await;
    assert_eq!(state(&hits, "Autobahn"), Value::Null);
    let stranger = app.guest("Stranger").await;
    let res = app
        .client
        .get(app.url("/tracks/search"))
        .query(&[("artist_or_title", "autobahn"), ("room", code.as_str())])
        .header("X-User-ID", &stranger.id)
        .send()
        .await
        .unwrap();
    assert_refused(res, StatusCode::FORBIDDEN, "not_a_member").await;
}

/// `page` asks for the next 50: no hit twice, and the pages together are
/// every match; a page out of range is a 422 in words.
#[tokio::test]
async fn search_answers_page_after_page() {
    let app = spawn_app().await;
    let guest = app.guest("Guest").await;
    let page = |n: &'static str| {
        let (app, guest) = (&app, &guest);
        async move {
            app.client
                .get(app.url("/tracks/search"))
                .query(&[("artist_or_title", "the"), ("page", n)])
                .header("X-User-ID", &guest.id)
                .send()
                .await
                .unwrap()
        }
    };
    let mut seen = std::collections::HashSet::new();
    let mut total = 0;
    for n in ["0", "1", "2", "3", "4", "5", "6", "7"] {
        let hits: Vec<Value> = page(n).await.json().await.unwrap();
        assert!(hits.len() <= 50);
        total += hits.len();
        for hit in &hits {
            assert!(
                seen.insert(hit["id"].as_str().unwrap().to_string()),
                "{hit} twice"
            );
        }
        if hits.len() < 50 {
            break;
        }
    }
    assert!(total > 100, "only {total} songs with \"the\"");
    let first: Vec<Value> = page("0").await.json().await.unwrap();
    assert_eq!(first, search_in(&app, &guest, "the", None).await);
    for bad in ["20", "-1", "x"] {
        let res = page(bad).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "page {bad}");
        let body: Value = res.json().await.unwrap();
        assert!(body["detail"].as_str().unwrap().contains("page"), "{body}");
    }
}
