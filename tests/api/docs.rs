use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn openapi_documents_every_route_of_the_tour() {
    let app = spawn_app().await;
    let res = app.get("/openapi.json", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let paths = doc["paths"].as_object().unwrap();
    let routes = democratic_tunes::seed::ROUTES.iter().map(|&(m, p)| (p, m));
    for (path, method) in routes.chain([
        ("/rooms/{code}/me", "get"),
        ("/rooms/{code}", "get"),
        ("/rooms/{code}/wrapped", "get"),
        ("/rooms/{code}/ws", "get"),
        ("/box", "get"),
    ]) {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} undocumented"
        );
    }
    assert!(doc["components"]["schemas"]["QueueItem"].is_object());
}

#[tokio::test]
async fn docs_serve_an_interactive_page_offline() {
    let app = spawn_app().await;
    let res = app.get("/docs/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = gunzipped(res).await;
    assert!(html.contains("swagger-ui"), "{html}");
    // The page's scripts come from the box itself, not a CDN.
    assert!(!html.contains("https://"), "{html}");
    let res = app.get("/docs/swagger-ui-bundle.js", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let init = app
        .get("/docs/swagger-initializer.js", None)
        .await
        .text()
        .await
        .unwrap();
    assert!(init.contains("/openapi.json"), "{init}");
}

/// Swagger UI's files are embedded gzipped (a smaller binary for the Pi)
/// and sent as such: every browser takes gzip.
async fn gunzipped(res: reqwest::Response) -> String {
    use std::io::Read;
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let bytes = res.bytes().await.unwrap();
    let mut text = String::new();
    flate2::read::GzDecoder::new(&bytes[..])
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// Each limit is declared with its route and shows in the document: every
/// write but logging out has one, and the busy ones have their own.
#[tokio::test]
async fn every_write_route_carries_its_rate_limit() {
    let app = spawn_app().await;
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let mut writes = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let limit = operation.get("x-rate-limit").and_then(Value::as_str);
            let expected = match (method.as_str(), path.as_str()) {
                ("post", "/auth/guest") => Some("new_guest"),
                ("post", "/auth/logout") => None,
                ("post", "/rooms") => Some("new_room"),
                ("post", "/rooms/join") => Some("join"),
                ("post", "/tracks/rooms/{code}/tracks") => Some("add"),
                // Taps, both: a guest's quickest gestures.
                ("post", "/votes/rooms/{code}/votes")
                | ("post", "/rooms/{code}/now-playing/reactions") => Some("vote"),
                ("get", "/rooms/{code}/ws") | ("post", "/rooms/{code}/live-ticket") => {
                    Some("live_connect")
                }
                ("get", _) => None,
                _ => Some("change_room"),
            };
            assert_eq!(limit, expected, "{method} {path}");
            writes += usize::from(method != "get");
        }
    }
    assert!(writes >= 20, "{writes} write routes");
}

/// The web app's types are generated from this document (`npm run
/// gen:api`); its copy must be the box's. `UPDATE_API_DOC=1` rewrites it.
#[tokio::test]
async fn the_web_apps_copy_of_the_api_document_is_current() {
    let app = spawn_app().await;
    let doc: Value = app.get("/openapi.json", None).await.json().await.unwrap();
    let served = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("web/src/api/openapi.json");
    if std::env::var_os("UPDATE_API_DOC").is_some() {
        std::fs::write(&path, &served).unwrap();
    }
    let copy = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        copy == served,
        "web/src/api/openapi.json is stale: run `UPDATE_API_DOC=1 cargo test --test api docs::the_web` then `npm run gen:api` in web/"
    );
}
