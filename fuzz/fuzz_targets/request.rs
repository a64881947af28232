//! Whole requests, as a hostile client would send them, through the box's
//! real router and a real SQLite file: any method, path, headers and body.
//! The box may refuse (4xx), but never fails (5xx) and never panics.
//!
//! The rate limits are off, so every input reaches the handlers and SQLite
//! (a 429 here fails the run), and the inputs act on a real party: a room
//! with songs waiting and a guest beside its host. `{code}`, `{item}`,
//! `{member}` and `{track}` in the path or body become that room's code, a
//! waiting song, the guest's member id and a catalog track. Inputs may
//! empty the queue or ban the guest, so every 64 inputs get a fresh party.
#![no_main]

use std::sync::{Mutex, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use democratic_tunes::{App, Config};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;
use tower::ServiceExt;

/// One room's cast and contents, as the placeholders are filled in.
#[derive(Clone)]
struct Party {
    host: String,
    guest: String,
    code: String,
    item: String,
    member: String,
    track: String,
}

struct Box {
    runtime: tokio::runtime::Runtime,
    router: axum::Router,
    party: Mutex<(Party, u32)>,
    _dir: tempfile::TempDir,
}

const PARTY_LIFETIME: u32 = 64;

async fn call(
    router: &axum::Router,
    method: &str,
    path: &str,
    user: Option<&str>,
    body: &str,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(user) = user {
        req = req.header("x-user-id", user);
    }
    let res = router
        .clone()
        .oneshot(req.body(Body::from(body.to_string())).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A fresh room: a host, a guest who joined, three songs waiting.
async fn new_party(router: &axum::Router) -> Party {
    let guest_named = |name: &'static str| async move {
        let (status, guest) = call(
            router,
            "POST",
            "/auth/guest",
            None,
            &format!(r#"{{"display_name":"{name}"}}"#),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{guest}");
        guest["user_id"].as_str().unwrap().to_string()
    };
    let host = guest_named("Host").await;
    let guest = guest_named("Guest").await;
    let (_, room) = call(router, "POST", "/rooms", Some(&host), r#"{"name":"Fuzz"}"#).await;
    let code = room["code"].as_str().unwrap().to_string();
    let (status, _) = call(
        router,
        "POST",
        "/rooms/join",
        Some(&guest),
        &format!(r#"{{"code":"{code}"}}"#),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, hits) = call(
        router,
        "GET",
        "/tracks/search?artist_or_title=a",
        Some(&host),
        "",
    )
    .await;
    let ids: Vec<String> = hits
        .as_array()
        .unwrap()
        .iter()
        .take(4)
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect();
    let mut queue = Value::Null;
    for id in &ids[..3] {
        let (status, q) = call(
            router,
            "POST",
            &format!("/tracks/rooms/{code}/tracks"),
            Some(&host),
            &format!(r#"{{"track_id":"{id}"}}"#),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{q}");
        queue = q;
    }
    // The first song starts at once; the other two wait.
    let waiting: Vec<&Value> = queue
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "queued")
        .collect();
    assert_eq!(waiting.len(), 2, "{queue}");
    let item = waiting[0]["room_track_id"].as_str().unwrap().to_string();
    let (_, members) = call(
        router,
        "GET",
        &format!("/rooms/{code}/members"),
        Some(&host),
        "",
    )
    .await;
    let member = members
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["display_name"] == "Guest")
        .unwrap()["member_id"]
        .as_str()
        .unwrap()
        .to_string();
    Party {
        host,
        guest,
        code,
        item,
        member,
        track: ids[3].clone(),
    }
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
        let mut config = Config::for_tests(dir.path().join("fuzz.db"));
        config.no_rate_limits = true;
        let (router, party) = runtime.block_on(async {
            let server = App::build(config).await.unwrap();
            let router = server.router().unwrap();
            let party = new_party(&router).await;
            // The limits really are off: more votes in a row than any
            // budget allows all reach the handler.
            let path = format!("/votes/rooms/{}/votes", party.code);
            for i in 0..100 {
                let body = format!(
                    r#"{{"room_track_id":"{}","value":{}}}"#,
                    party.item,
                    1 - 2 * (i % 2)
                );
                let (status, _) = call(&router, "POST", &path, Some(&party.host), &body).await;
                assert_eq!(status, StatusCode::OK, "vote {i} of 100");
            }
            drop(server);
            (router, party)
        });
        Box {
            runtime,
            router,
            party: Mutex::new((party, 0)),
            _dir: dir,
        }
    })
}

/// This input's party: the current one, or a fresh one when it has served.
fn party(b: &Box) -> Party {
    let mut current = b.party.lock().unwrap();
    current.1 += 1;
    if current.1 > PARTY_LIFETIME {
        *current = (b.runtime.block_on(new_party(&b.router)), 1);
    }
    current.0.clone()
}

fn fill_in(text: &str, p: &Party) -> String {
    text.replace("{code}", &p.code)
        .replace("{item}", &p.item)
        .replace("{member}", &p.member)
        .replace("{track}", &p.track)
}

const METHODS: [&str; 6] = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

fuzz_target!(|data: &[u8]| {
    let b = the_box();
    // Layout: method byte, flags byte, then path \n content-type \n body.
    // Flags: 1 sends a guest id (2 sets the content type, 4 makes it the
    // guest's rather than the host's).
    let [method, flags, rest @ ..] = data else {
        return;
    };
    let p = party(b);
    let text = String::from_utf8_lossy(rest);
    let mut parts = text.splitn(3, '\n');
    let path = fill_in(parts.next().unwrap_or("/"), &p);
    let content_type = parts.next().unwrap_or("application/json");
    let body = fill_in(parts.next().unwrap_or(""), &p);
    let path = if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    };
    let mut req = Request::builder()
        .method(METHODS[*method as usize % METHODS.len()])
        .uri(path.as_str());
    if flags & 1 == 1 {
        let who = if flags & 4 == 4 { &p.guest } else { &p.host };
        req = req.header("x-user-id", who.as_str());
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
    assert_ne!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "throttled: {path} never reached its handler"
    );
});
