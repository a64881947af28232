use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn the_app_is_served_at_the_root_and_for_client_routes() {
    let app = spawn_app().await;
    for path in ["/", "/r/ABC234", "/r/ABC234/tv"] {
        let res = app.get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(res.headers()["content-type"], "text/html", "{path}");
        assert_eq!(res.headers()["cache-control"], "no-cache", "{path}");
        let html = res.text().await.unwrap();
        assert!(html.contains("<div id=\"root\">"), "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_compressed_and_cached_for_good() {
    let app = spawn_app().await;
    let html = app.get("/", None).await.text().await.unwrap();
    let script = html
        .split("src=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("index.html references its script");
    assert!(script.starts_with("/assets/"), "{script}");

    for (accept, encoding) in [
        ("br, gzip", Some("br")),
        ("gzip", Some("gzip")),
        ("identity", None),
    ] {
        let res = app
            .client
            .get(app.url(script))
            .header("accept-encoding", accept)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            res.headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accept}"
        );
        assert_eq!(
            res.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(res.headers()["vary"], "accept-encoding");
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .contains("javascript")
        );
    }
}

#[tokio::test]
async fn unchanged_files_answer_304() {
    let app = spawn_app().await;
    let res = app.get("/", None).await;
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let res = app
        .client
        .get(app.url("/"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn unknown_paths_are_json_404s_not_the_app() {
    let app = spawn_app().await;
    for path in ["/nope", "/assets/missing.js", "/rooms/ABC/unknown"] {
        let res = app.get(path, None).await;
        assert_eq!(
            assert_error(res, StatusCode::NOT_FOUND).await,
            "Not Found",
            "{path}"
        );
    }
    let res = app.post("/", None, json!({})).await;
    assert_error(res, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_box_tells_its_join_url() {
    let app = spawn_app().await;
    let info: Value = app.get("/box", None).await.json().await.unwrap();
    assert_eq!(info["name"], "Democratic Tunes");
    assert_eq!(info["version"], env!("CARGO_PKG_VERSION"));
    // On loopback no phone can reach it: the client uses its own address.
    assert_eq!(info["join_url"], Value::Null);
}

#[tokio::test]
async fn room_info_is_public_to_anyone_with_the_code() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let res = app
        .get(&format!("/rooms/{}", code.to_lowercase()), None)
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(!text.contains(&host.id), "the host's id leaked: {text}");
    let info: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(info["code"], code.as_str());
    assert_eq!(info["name"], "Test party");
    assert_eq!(info["is_active"], true);
    let res = app.get("/rooms/ZZZZZZ", None).await;
    assert_error(res, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_home_screen_files_are_served() {
    let app = spawn_app().await;
    let res = app.get("/manifest.webmanifest", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/manifest+json");
    let manifest: Value = res.json().await.unwrap();
    assert_eq!(manifest["display"], "standalone");
    // The worker is revalidated on every load, so a new version takes over.
    let res = app.get("/sw.js", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    assert!(
        res.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("javascript")
    );
    for icon in ["/icon-192.png", "/icon-512.png"] {
        let res = app.get(icon, None).await;
        assert_eq!(res.headers()["content-type"], "image/png", "{icon}");
    }
}

#[tokio::test]
async fn larger_json_answers_are_gzipped_for_clients_that_accept_it() {
    use std::io::Read;
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.bare_room(&host).await;
    for query in [
        "autobahn",
        "superstition",
        "dancing queen",
        "hey jude",
        "respect",
    ] {
        app.add(&host, &code, query).await;
    }
    let state = |accept: &'static str| {
        app.client
            .get(app.url(&format!("/rooms/{code}/state")))
            .header("X-User-ID", &host.id)
            .header("accept-encoding", accept)
    };
    let plain = state("identity").send().await.unwrap();
    assert_eq!(plain.headers().get("content-encoding"), None);
    let plain = plain.bytes().await.unwrap();

    let res = state("gzip, deflate").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["vary"], "accept-encoding");
    let zipped = res.bytes().await.unwrap();
    assert!(
        zipped.len() * 2 < plain.len(),
        "{} of {}",
        zipped.len(),
        plain.len()
    );
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&zipped[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, plain);

    // A short answer is not worth it (the packet is the same).
    let res = app
        .client
        .get(app.url("/health"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers().get("content-encoding"), None);
}
