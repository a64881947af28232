//! Whole requests, as a hostile client would send them, through the box's
//! real router and a real SQLite file: any method, path, headers and body.
//! The box may refuse (4xx), but never fails (5xx) and never panics.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::Request;
use democratic_tunes::{App, Config};
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

struct Box {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    /// A guest who hosts a room with a song queued.
    user: String,
    code: String,
    _dir: tempfile::TempDir,
}

fn the_box() -> &'static Box {
    static BOX: OnceLock<Box> = OnceLock::new();
    BOX.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = Config::for_tests(dir.path().join("fuzz.db"));
        let (router, user, code) = runtime.block_on(async {
            let server = App::build(config).await.unwrap();
            let router = server.router().unwrap();
            let call = |method: &str, path: &str, user: Option<&str>, body: &str| {
                let mut req = Request::builder()
                    .method(method)
                    .uri(path)
                    .header("content-type", "application/json");
                if let Some(user) = user {
                    req = req.header("x-user-id", user);
                }
                router
                    .clone()
                    .oneshot(req.body(Body::from(body.to_string())).unwrap())
            };
            let json = |res: axum::response::Response| async {
                let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
                    .await
                    .unwrap();
                serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
            };
            let guest = json(
                call("POST", "/auth/guest", None, r#"{"display_name":"Fuzz"}"#)
                    .await
                    .unwrap(),
            )
            .await;
            let user = guest["user_id"].as_str().unwrap().to_string();
            let room = json(call("POST", "/rooms", Some(&user), "{}").await.unwrap()).await;
            let code = room["code"].as_str().unwrap().to_string();
            drop(server);
            (router, user, code)
        });
        Box {
            runtime,
            router,
            user,
            code,
            _dir: dir,
        }
    })
}

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

fuzz_target!(|data: &[u8]| {
    let b = the_box();
    // Layout: method byte, flags byte, then path \n content-type \n body.
    let [method, flags, rest @ ..] = data else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.splitn(3, '\n');
    let path = parts.next().unwrap_or("/").replace("{code}", &b.code);
    let content_type = parts.next().unwrap_or("application/json");
    let body = parts.next().unwrap_or("").to_string();
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    let mut req = Request::builder()
        .method(METHODS[*method as usize % METHODS.len()])
        .uri(path.as_str());
    if flags & 1 == 1 {
        req = req.header("x-user-id", b.user.as_str());
    }
    if flags & 2 == 2 {
        req = req.header("content-type", content_type);
    }
    let Ok(request) = req.body(Body::from(body)) else {
        return; // Not even HTTP: hyper would have refused it first.
    };
    let status = b
        .runtime
        .block_on(b.router.clone().oneshot(request))
        .unwrap()
        .status();
    assert!(!status.is_server_error(), "{status} for {path}");
});
