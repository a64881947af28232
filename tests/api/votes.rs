use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// A room with a host, two joined guests and three queued songs.
async fn party(app: &TestApp) -> (Guest, Guest, Guest, String, Vec<Value>) {
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    let cy = app.guest("Cy").await;
    let code = app.room(&host).await;
    app.join(&bea, &code).await;
    app.join(&cy, &code).await;
    app.add(&host, &code, "bohemian rhapsody").await;
    app.add(&bea, &code, "dancing queen").await;
    let queue = app.add(&cy, &code, "superstition").await;
    (host, bea, cy, code, queue)
}

#[tokio::test]
async fn votes_reorder_the_queue() {
    let app = spawn_app().await;
    let (host, bea, cy, code, queue) = party(&app).await;
    assert_eq!(
        titles(&queue),
        ["Bohemian Rhapsody", "Dancing Queen", "Superstition"]
    );
    let superstition = item_id(&queue, "Superstition");
    let res = app.vote(&bea, &code, superstition, 1).await;
    assert_eq!(res.status(), StatusCode::OK);
    let queue: Vec<Value> = res.json().await.unwrap();
    assert_eq!(
        titles(&queue),
        ["Superstition", "Bohemian Rhapsody", "Dancing Queen"]
    );
    assert_eq!(queue[0]["votes"], 1);
    // Scores count down the queue: what the order function gave.
    let scores: Vec<i64> = queue.iter().map(|i| i["score"].as_i64().unwrap()).collect();
    assert_eq!(scores, [3, 2, 1]);
    assert_eq!(queue[0]["reason"], "1 vote · Cy's first pick tonight");
    let me = app.me(&bea, &code).await;
    assert_eq!(me["votes"], json!({ superstition: 1 }));

    // Down-votes sink.
    let bohemian = item_id(&queue, "Bohemian Rhapsody");
    app.vote(&cy, &code, bohemian, -1).await;
    let queue: Vec<Value> = app
        .vote(&host, &code, bohemian, -1)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        titles(&queue),
        ["Superstition", "Dancing Queen", "Bohemian Rhapsody"]
    );
    assert_eq!(queue[2]["votes"], -2);
}

#[tokio::test]
async fn voting_again_replaces_the_vote() {
    let app = spawn_app().await;
    let (_, bea, _, code, queue) = party(&app).await;
    let item = item_id(&queue, "Dancing Queen");
    for _ in 0..3 {
        app.vote(&bea, &code, item, 1).await;
    }
    let queue = app.queue(&bea, &code).await;
    assert_eq!(queue[0]["title"], "Dancing Queen");
    assert_eq!(queue[0]["votes"], 1);
    let queue: Vec<Value> = app.vote(&bea, &code, item, -1).await.json().await.unwrap();
    let dq = queue
        .iter()
        .find(|i| i["title"] == "Dancing Queen")
        .unwrap();
    assert_eq!(dq["votes"], -1);
    let me = app.me(&bea, &code).await;
    assert_eq!(me["votes"][item], -1);
}

#[tokio::test]
async fn only_one_and_minus_one_are_votes() {
    let app = spawn_app().await;
    let (_, bea, _, code, queue) = party(&app).await;
    let item = item_id(&queue, "Dancing Queen");
    for value in [
        json!(0),
        json!(2),
        json!(-5),
        json!("1"),
        json!(1.5),
        json!(null),
        json!(1e40),
    ] {
        let res = app
            .post(
                &format!("/votes/rooms/{code}/votes"),
                Some(&bea),
                json!({ "room_track_id": item, "value": value }),
            )
            .await;
        assert_error(res, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    assert!(app.queue(&bea, &code).await.iter().all(|i| i["votes"] == 0));
}

#[tokio::test]
async fn votes_need_membership() {
    let app = spawn_app().await;
    let (host, _, _, code, queue) = party(&app).await;
    let stranger = app.guest("Dee").await;
    let item = item_id(&queue, "Superstition");
    let res = app.vote(&stranger, &code, item, 1).await;
    assert_error(res, StatusCode::FORBIDDEN).await;
    assert!(
        app.queue(&host, &code)
            .await
            .iter()
            .all(|i| i["votes"] == 0)
    );
}

#[tokio::test]
async fn unknown_items_and_items_of_other_rooms_are_404() {
    let app = spawn_app().await;
    let (host, bea, _, code, _) = party(&app).await;
    let res = app.vote(&bea, &code, "no-such-item", 1).await;
    assert_error(res, StatusCode::NOT_FOUND).await;

    let other = app.room(&host).await;
    let other_queue = app.add(&host, &other, "imagine").await;
    let res = app
        .vote(
            &bea,
            &code,
            other_queue[0]["room_track_id"].as_str().unwrap(),
            1,
        )
        .await;
    assert_error(res, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_playing_item_takes_no_votes() {
    let app = spawn_app().await;
    let (host, bea, _, code, queue) = party(&app).await;
    let first = item_id(&queue, "Bohemian Rhapsody").to_string();
    // Cast (and repeated) while it waits: a repeat needs no write, but must
    // still be refused once the item plays.
    for _ in 0..2 {
        assert_eq!(
            app.vote(&bea, &code, &first, 1).await.status(),
            StatusCode::OK
        );
    }
    app.advance(&host, &code).await;
    let res = app.vote(&bea, &code, &first, 1).await;
    assert_error(res, StatusCode::CONFLICT).await;
    // And after it played.
    app.advance(&host, &code).await;
    let res = app.vote(&bea, &code, &first, 1).await;
    assert_error(res, StatusCode::CONFLICT).await;
}

#[tokio::test]
async fn advance_plays_the_most_voted() {
    let app = spawn_app().await;
    let (host, bea, cy, code, queue) = party(&app).await;
    let superstition = item_id(&queue, "Superstition");
    app.vote(&bea, &code, superstition, 1).await;
    app.vote(&cy, &code, superstition, 1).await;
    let res = app.advance(&host, &code).await;
    let advanced: Value = res.json().await.unwrap();
    assert_eq!(advanced["now_playing"]["title"], "Superstition");
    assert_eq!(advanced["now_playing"]["votes"], 2);
}

#[tokio::test]
async fn concurrent_votes_are_all_counted() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let queue = app.add(&host, &code, "bohemian rhapsody").await;
    let item = queue[0]["room_track_id"].as_str().unwrap().to_string();
    let mut guests = Vec::new();
    for i in 0..40 {
        let g = app.guest(&format!("G{i}")).await;
        app.join(&g, &code).await;
        guests.push(g);
    }
    let votes = guests.iter().map(|g| app.vote(g, &code, &item, 1));
    for res in futures_util::future::join_all(votes).await {
        assert_eq!(res.status(), StatusCode::OK);
    }
    assert_eq!(app.queue(&host, &code).await[0]["votes"], 40);
}

#[tokio::test]
async fn a_repeated_vote_still_follows_the_rules_of_the_moment() {
    let app = spawn_app().await;
    let (host, bea, _, code, queue) = party(&app).await;
    let item = item_id(&queue, "Dancing Queen").to_string();
    for _ in 0..3 {
        assert_eq!(
            app.vote(&bea, &code, &item, -1).await.status(),
            StatusCode::OK
        );
    }
    app.settings(&host, &code, json!({ "allow_downvotes": false }))
        .await;
    assert_error(
        app.vote(&bea, &code, &item, -1).await,
        StatusCode::FORBIDDEN,
    )
    .await;
    // The refused repeat changed nothing: the vote stands as cast.
    assert_eq!(app.me(&bea, &code).await["votes"][&item], -1);
}
