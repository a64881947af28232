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

/// `GET /rooms/{code}/played`, with `format` when given.
async fn played(
    app: &TestApp,
    user: &Guest,
    code: &str,
    format: Option<&str>,
) -> reqwest::Response {
    let query = format.map(|f| format!("?format={f}")).unwrap_or_default();
    app.get(&format!("/rooms/{code}/played{query}"), Some(user))
        .await
}

#[tokio::test]
async fn the_night_s_set_list_comes_as_json_m3u8_xspf_and_csv() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    let cy = app.guest("Cy").await;
    let code = app.room(&host).await; // the opener's Autobahn plays
    app.join(&bea, &code).await;
    app.join(&cy, &code).await;
    app.add(&bea, &code, "bohemian rhapsody").await;
    let queue = app.add(&cy, &code, "superstition").await;
    let bohemian = item_id(&queue, "Bohemian Rhapsody").to_string();
    assert_eq!(
        app.vote(&cy, &code, &bohemian, 1).await.status(),
        StatusCode::OK
    );
    app.advance(&host, &code).await; // Bohemian Rhapsody
    app.advance(&host, &code).await; // Superstition, playing now

    // JSON: in the order they played, each with who added it.
    let res = played(&app, &bea, &code, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    for user in [&host, &bea, &cy] {
        assert!(!text.contains(&user.id), "a user id leaked");
    }
    let songs: Vec<Value> = serde_json::from_str(&text).unwrap();
    let got: Vec<(&str, &str, i64)> = songs
        .iter()
        .map(|s| {
            (
                s["title"].as_str().unwrap(),
                s["added_by"].as_str().unwrap(),
                s["votes"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Autobahn", "Opener", 0),
            ("Bohemian Rhapsody", "Bea", 1),
            ("Superstition", "Cy", 0)
        ]
    );
    assert!(
        songs.iter().all(|s| s["file"].is_null()),
        "built-in songs have no file"
    );
    assert!(songs[0]["played_at"].as_str() < songs[1]["played_at"].as_str());

    // M3U8: a download; built-in songs are comments (no file to point at).
    let res = played(&app, &bea, &code, Some("m3u8")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let header =
        |res: &reqwest::Response, name: &str| res.headers()[name].to_str().unwrap().to_string();
    assert!(header(&res, "content-type").starts_with("audio/x-mpegurl"));
    assert_eq!(
        header(&res, "content-disposition"),
        format!("attachment; filename=\"democratic-tunes-{code}.m3u8\"")
    );
    let m3u = res.text().await.unwrap();
    assert!(m3u.starts_with("#EXTM3U\n#PLAYLIST:Test party\n"), "{m3u}");
    assert!(m3u.contains("# Not a file on this box: Queen - Bohemian Rhapsody\n"));
    assert!(m3u.lines().all(|l| l.starts_with('#')), "{m3u}");

    // XSPF: well-formed XML, every song with its details.
    let res = played(&app, &cy, &code, Some("xspf")).await;
    assert!(header(&res, "content-type").starts_with("application/xspf+xml"));
    let xml = res.text().await.unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut path, mut titles) = (Vec::new(), Vec::new());
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                path.push(e.name().as_ref().to_string());
            }
            quick_xml::events::Event::End(_) => {
                path.pop();
            }
            quick_xml::events::Event::Text(t)
                if path.ends_with(&["track".into(), "title".into()]) =>
            {
                titles.push(t.xml10_content().into_owned());
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(titles, ["Autobahn", "Bohemian Rhapsody", "Superstition"]);
    assert!(xml.contains("<annotation>Added by Bea; 1 votes;"), "{xml}");

    // CSV: a header and one row per song.
    let res = played(&app, &host, &code, Some("csv")).await;
    assert!(header(&res, "content-type").starts_with("text/csv"));
    let csv = res.text().await.unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 4, "{csv}");
    assert_eq!(
        rows[0],
        "played_at,title,artist,album,duration_s,added_by,votes,skipped"
    );
    assert!(rows[2].contains(",Bohemian Rhapsody,Queen,"), "{csv}");
    assert!(rows[2].ends_with(",Bea,1,no"), "{csv}");

    // The code as a guest may type it (any case, spaces and dashes, a line
    // break) finds the room; the file is named by the code alone.
    let typed = format!("{}%0A-{}", &code[..3].to_lowercase(), &code[3..]);
    let res = played(&app, &bea, &typed, Some("csv")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        header(&res, "content-disposition"),
        format!("attachment; filename=\"democratic-tunes-{code}.csv\"")
    );

    // Refusals: a format the box does not write, a stranger, no such room.
    let detail = assert_error(
        played(&app, &bea, &code, Some("pls")).await,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await;
    assert!(detail.contains("m3u8, xspf or csv"), "{detail}");
    let stranger = app.guest("Stranger").await;
    assert_refused(
        played(&app, &stranger, &code, Some("csv")).await,
        StatusCode::FORBIDDEN,
        "not_a_member",
    )
    .await;
    assert_error(
        played(&app, &bea, "ZZZZZZ", None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_guest_named_like_a_formula_stays_a_name_in_the_csv() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.bare_room(&host).await;
    let evil = app.guest("=HYPERLINK(\"http://x\",\"y\")").await;
    app.join(&evil, &code).await;
    app.add(&evil, &code, "bohemian rhapsody").await; // starts at once
    let csv = played(&app, &host, &code, Some("csv"))
        .await
        .text()
        .await
        .unwrap();
    let row = csv.lines().nth(1).unwrap();
    assert!(
        row.contains(",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\","),
        "{row}"
    );
}
