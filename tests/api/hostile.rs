//! A hostile network: floods, spoofed addresses, slow and greedy clients,
//! other sites acting for a guest, and HTTPS for a port-forwarded box.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use reqwest::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::rustls;
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::*;
use democratic_tunes::TrustedProxies;

/// Votes by one guest, alternating so each changes something, each from the
/// given forwarded address (if any); answers the statuses.
async fn votes(
    app: &TestApp,
    who: &Guest,
    code: &str,
    item: &str,
    n: usize,
    spoof: bool,
) -> Vec<reqwest::Response> {
    let mut out = Vec::new();
    for i in 0..n {
        let mut req = app
            .client
            .post(app.url(&format!("/votes/rooms/{code}/votes")))
            .header("X-User-ID", &who.id)
            .json(&json!({ "room_track_id": item, "value": if i % 2 == 0 { 1 } else { -1 } }));
        if spoof {
            req = req.header(
                "X-Forwarded-For",
                format!("10.0.{}.{}", i / 200, i % 200 + 1),
            );
        }
        out.push(req.send().await.unwrap());
    }
    out
}

async fn one_song_party(app: &TestApp) -> (Guest, String, String) {
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let queue = app.add(&host, &code, "superstition").await;
    let item = queue[0]["room_track_id"].as_str().unwrap().to_string();
    (host, code, item)
}

#[tokio::test]
async fn a_guest_voting_too_fast_is_told_to_slow_down() {
    let app = spawn_app().await;
    let (host, code, item) = one_song_party(&app).await;
    let answers = votes(&app, &host, &code, &item, 40, false).await;
    let refused: Vec<_> = answers
        .into_iter()
        .filter(|r| r.status() == StatusCode::TOO_MANY_REQUESTS)
        .collect();
    assert!(!refused.is_empty(), "40 votes at once must hit the limit");
    let first = refused.into_iter().next().unwrap();
    let retry: u64 = first.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=2).contains(&retry), "{retry}");
    let detail = assert_error(first, StatusCode::TOO_MANY_REQUESTS).await;
    assert!(detail.starts_with("Slow down"), "{detail}");
    // Another guest is not held up by it.
    let bea = app.guest("Bea").await;
    app.join(&bea, &code).await;
    assert_eq!(
        app.vote(&bea, &code, &item, 1).await.status(),
        StatusCode::OK
    );
}

/// New guests from one phone address, each request claiming another
/// forwarded address; answers how many were made before the first 429.
async fn guests_claiming_other_addresses(app: &TestApp, from: &str, n: usize) -> Option<usize> {
    let phone = app.phone(from.parse().unwrap());
    for i in 0..n {
        let res = phone
            .post(app.url("/auth/guest"))
            .header(
                "X-Forwarded-For",
                format!("10.9.{}.{}", i / 200, i % 200 + 1),
            )
            .json(&json!({ "display_name": "G" }))
            .send()
            .await
            .unwrap();
        if res.status() == StatusCode::TOO_MANY_REQUESTS {
            return Some(i);
        }
        assert_eq!(res.status(), StatusCode::CREATED);
    }
    None
}

#[tokio::test]
async fn a_forged_forwarded_for_from_an_untrusted_peer_changes_nothing() {
    // The box trusts a proxy on 127.0.0.1 only; a phone on 127.0.0.45 (with
    // a per-address budget of 300 new guests) claims a fresh address in
    // every request, and still runs into its own budget.
    let proxy: democratic_tunes::TrustedProxies =
        TrustedProxies(vec!["127.0.0.1/32".parse().unwrap()]);
    let app = spawn_app_configured(|c| c.trust_proxy = proxy).await;
    let made = guests_claiming_other_addresses(&app, "127.0.0.45", 400).await;
    assert!(
        made.is_some_and(|n| (300..=320).contains(&n)),
        "the phone's own budget: {made:?}"
    );
    // Through the trusted proxy, the same header is believed: each
    // forwarded address has a budget of its own.
    let made = guests_claiming_other_addresses(&app, "127.0.0.1", 400).await;
    assert_eq!(made, None);
}

#[tokio::test]
async fn a_page_that_rebinds_its_name_to_the_box_is_refused() {
    let app = spawn_app_configured(|c| c.public_hosts = vec!["party.example.com".into()]).await;
    let guest = app.guest("Bea").await;
    let with_host = |host: &str, method: Method, path: &str| {
        let req = app
            .client
            .request(method.clone(), app.url(path))
            .header("Host", host)
            .header("X-User-ID", &guest.id);
        if method == Method::POST {
            req.json(&json!({ "name": "x" }))
        } else {
            req
        }
    };
    for host in [
        "evil.example",
        "evil.example:8000",
        "party.local.evil.example",
        "localhost.evil",
    ] {
        for (method, path) in [
            (Method::GET, "/health"),
            (Method::POST, "/rooms"),
            (Method::GET, "/"),
        ] {
            let res = with_host(host, method.clone(), path).send().await.unwrap();
            let detail = assert_error(res, StatusCode::MISDIRECTED_REQUEST).await;
            assert!(detail.contains("--public-host"), "{detail}");
        }
    }
    for host in [
        "localhost:8000",
        "raspberrypi:8000",
        "raspberrypi.lan",
        "party.local",
        "PARTY.LOCAL:8000",
        "192.168.1.20:8000",
        "[fe80::1]:8000",
        "party.example.com",
    ] {
        let res = with_host(host, Method::GET, "/health")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{host}");
    }
    // The live socket too.
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(format!(
            "ws://{}/rooms/ABCDEF/ws",
            app.addr
        ))
        .unwrap();
    request
        .headers_mut()
        .insert("host", "evil.example".parse().unwrap());
    let refused = tokio_tungstenite::connect_async(request).await.unwrap_err();
    assert!(refused.to_string().contains("421"), "{refused}");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_address_has_its_own_budget() {
    let app = spawn_app_configured(|c| c.trust_proxy = TrustedProxies::loopback()).await;
    let new_guest = |from: &'static str| {
        app.client
            .post(app.url("/auth/guest"))
            .header("X-Forwarded-For", format!("203.0.113.9, {from}"))
            .json(&json!({ "display_name": "G" }))
            .send()
    };
    // One address: a whole party may arrive at once, a flood may not.
    let mut statuses = Vec::new();
    for _ in 0..340 {
        statuses.push(new_guest("10.1.1.1").await.unwrap().status());
    }
    let made = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    assert!(made >= 300, "a 200-guest party fits: {made}");
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS));
    // Another address is not held up.
    assert_eq!(
        new_guest("10.2.2.2").await.unwrap().status(),
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn the_web_app_is_served_with_a_strict_policy() {
    let app = spawn_app().await;
    let res = app.get("/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let h = res.headers();
    let csp = h["content-security-policy"].to_str().unwrap();
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
    ] {
        assert!(csp.contains(part), "{part} missing in {csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{csp}"
    );
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["x-frame-options"], "DENY");
    // And no inline script in the page itself.
    let page = res.text().await.unwrap();
    assert!(
        !page.contains("<script>") && page.contains("<script type=\"module\""),
        "{page}"
    );
    // API answers are not sniffed either.
    let res = app.get("/health", None).await;
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn another_site_cannot_act_for_a_guest() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let post = |origin: Option<&str>, content_type: &str, body: &str, path: &str| {
        let mut req = app
            .client
            .post(app.url(path))
            .header("X-User-ID", &host.id)
            .header("content-type", content_type)
            .body(body.to_string());
        if let Some(origin) = origin {
            req = req.header("origin", origin);
        }
        req.send()
    };
    let evil = Some("http://evil.example");
    let res = post(evil, "application/json", r#"{"name":"x"}"#, "/rooms")
        .await
        .unwrap();
    assert_error(res, StatusCode::FORBIDDEN).await;
    // Forms (what another page can send without asking) are refused, even
    // where no body is needed.
    let res = post(
        None,
        "application/x-www-form-urlencoded",
        "name=x",
        "/rooms",
    )
    .await
    .unwrap();
    assert_error(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    let res = post(None, "text/plain", "", &format!("/rooms/{code}/advance"))
        .await
        .unwrap();
    assert_error(res, StatusCode::UNSUPPORTED_MEDIA_TYPE).await;
    // The box's own page may.
    let own = format!("http://{}", app.addr);
    let res = post(Some(&own), "application/json", r#"{"name":"x"}"#, "/rooms")
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    // No CORS by default.
    let res = app
        .client
        .request(Method::OPTIONS, app.url("/rooms"))
        .header("origin", "http://evil.example")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

/// Opens the room's live socket as `host` would from a page on `origin`
/// (the browser sends the guest's cookie whatever page opens the socket);
/// answers the upgrade's status and, when refused, its body.
async fn live_socket_from(app: &TestApp, code: &str, host: &Guest, origin: &str) -> (u16, String) {
    use tokio_tungstenite::tungstenite::Error as WsError;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{}/rooms/{code}/ws", app.addr)
        .into_client_request()
        .unwrap();
    let headers = request.headers_mut();
    let cookie = format!("{}={}", democratic_tunes::seed::UID_COOKIE, host.id);
    headers.insert("cookie", cookie.parse().unwrap());
    headers.insert("origin", origin.parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Ok((mut socket, res)) => {
            // Really live: the room's first frame arrives.
            let frame = timeout(Duration::from_secs(5), socket.next()).await;
            assert!(matches!(frame, Ok(Some(Ok(Message::Text(_))))), "{frame:?}");
            (res.status().as_u16(), String::new())
        }
        Err(WsError::Http(res)) => {
            let body =
                String::from_utf8_lossy(res.body().as_deref().unwrap_or_default()).into_owned();
            (res.status().as_u16(), body)
        }
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn another_site_cannot_open_a_guests_live_socket() {
    let app = spawn_app_configured(|c| c.cors_origins = vec!["http://front.example".into()]).await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    // A page elsewhere that the guest happens to visit: refused before
    // the upgrade, with the box's usual JSON refusal.
    let (status, body) = live_socket_from(&app, &code, &host, "http://evil.example").await;
    assert_eq!(status, 403);
    let detail: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert!(detail["detail"].is_string(), "{body}");
    // Same host, another port: another origin.
    let other_port = format!("http://127.0.0.1:{}", app.addr.port() ^ 1);
    assert_eq!(
        live_socket_from(&app, &code, &host, &other_port).await.0,
        403
    );
    // The box's own page, and a front end allowed with --cors-origin, may.
    let own = format!("http://{}", app.addr);
    assert_eq!(live_socket_from(&app, &code, &host, &own).await.0, 101);
    assert_eq!(
        live_socket_from(&app, &code, &host, "http://front.example")
            .await
            .0,
        101
    );
}

#[tokio::test]
async fn an_allowed_front_end_may_call_with_credentials() {
    let app = spawn_app_configured(|c| c.cors_origins = vec!["http://front.example".into()]).await;
    let res = app
        .client
        .request(Method::OPTIONS, app.url("/auth/guest"))
        .header("origin", "http://front.example")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type,x-user-id")
        .send()
        .await
        .unwrap();
    let h = res.headers();
    assert_eq!(h["access-control-allow-origin"], "http://front.example");
    assert_eq!(h["access-control-allow-credentials"], "true");
    let res = app
        .client
        .post(app.url("/auth/guest"))
        .header("origin", "http://front.example")
        .json(&json!({ "display_name": "Remote" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        res.headers()["access-control-allow-origin"],
        "http://front.example"
    );
}

#[tokio::test]
async fn a_slow_client_is_cut_off() {
    let app = spawn_app_configured(|c| c.header_read_timeout = Duration::from_millis(500)).await;
    let mut slow = TcpStream::connect(app.addr).await.unwrap();
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: box\r\n")
        .await
        .unwrap();
    // ...and never finishes its headers.
    let mut buf = [0u8; 256];
    let closed = timeout(Duration::from_secs(5), async {
        loop {
            match slow.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
    assert!(closed.is_ok(), "a slowloris connection stays open");
    // Others are served meanwhile and after.
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn one_address_cannot_hold_every_connection() {
    let app = spawn_app_configured(|c| c.max_connections_per_address = 3).await;
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(app.addr).await.unwrap());
    }
    let mut extra = TcpStream::connect(app.addr).await.unwrap();
    let _ = extra
        .write_all(b"GET /health HTTP/1.1\r\nHost: box\r\n\r\n")
        .await;
    let mut buf = [0u8; 64];
    let n = timeout(Duration::from_secs(5), extra.read(&mut buf))
        .await
        .expect("closed at once")
        .unwrap_or(0);
    assert_eq!(n, 0, "the connection over the cap is closed unanswered");
    // The held ones work.
    held[0]
        .write_all(b"GET /health HTTP/1.1\r\nHost: box\r\n\r\n")
        .await
        .unwrap();
    let n = timeout(Duration::from_secs(5), held[0].read(&mut buf))
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
    // When one closes, a new one gets in.
    drop(held.pop());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(app.get("/health", None).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_full_queue_takes_no_more() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    // Fill the room's queue to the limit directly (500 adds over HTTP would
    // only test patience).
    app.db()
        .execute_batch(&format!(
            "INSERT INTO room_tracks (id, room_id, track_id, added_by, status, created_at, song_key)
             SELECT 'fill-' || t.seq, r.id, t.id, r.host_user_id, 'queued', '2026-01-01T00:00:00.000000Z', 'fill-' || t.seq
             FROM tracks t, rooms r WHERE r.code = '{code}' LIMIT 500;"
        ))
        .unwrap();
    let track_id = app.track_id(&host, "zombie cranberries").await;
    let res = app
        .post(
            &format!("/tracks/rooms/{code}/tracks"),
            Some(&host),
            json!({ "track_id": track_id }),
        )
        .await;
    let detail = assert_error(res, StatusCode::CONFLICT).await;
    assert!(detail.contains("full"), "{detail}");
}

#[tokio::test]
async fn a_chatty_socket_is_closed() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let mut socket = connect(&app, &code, &host).await;
    for _ in 0..60 {
        if socket.send(Message::Text("hello".into())).await.is_err() {
            break;
        }
    }
    let closed = timeout(Duration::from_secs(5), async {
        while let Some(message) = socket.next().await {
            match message {
                Ok(Message::Close(Some(frame))) => return Some(u16::from(frame.code)),
                Ok(_) => {}
                Err(_) => return None,
            }
        }
        None
    })
    .await
    .expect("the socket closes");
    assert_eq!(closed, Some(1008));
}

#[tokio::test]
async fn https_with_a_self_signed_certificate() {
    let (app, cert) = spawn_tls_app(|_| {}).await;
    let connector = tls_connector(&cert);
    let request = |raw: String| {
        let connector = connector.clone();
        let addr = app.addr;
        async move {
            let tcp = TcpStream::connect(addr).await.unwrap();
            let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
            let mut tls = connector
                .connect(name, tcp)
                .await
                .expect("the TLS handshake");
            tls.write_all(raw.as_bytes()).await.unwrap();
            let mut answer = String::new();
            tls.read_to_string(&mut answer).await.ok();
            answer
        }
    };
    let health =
        request("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".into())
            .await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with(r#"{"ok":true}"#), "{health}");
    let body = r#"{"display_name":"Remote"}"#;
    let guest = request(format!(
        "POST /auth/guest HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ))
    .await;
    assert!(guest.starts_with("HTTP/1.1 201"), "{guest}");
    let uid_cookie = guest
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie: uid="))
        .expect("a uid cookie");
    assert!(uid_cookie.contains("Secure"), "{uid_cookie}");

    // HTTP/2, as browsers speak it over TLS (ALPN), on the same port.
    let mut h2 = rustls::ClientConfig::clone(&tls_client_config(&cert));
    h2.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let tcp = TcpStream::connect(app.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = tokio_rustls::TlsConnector::from(std::sync::Arc::new(h2))
        .connect(name, tcp)
        .await
        .unwrap();
    assert_eq!(tls.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    let (mut sender, connection) = hyper::client::conn::http2::handshake(
        hyper_util::rt::TokioExecutor::new(),
        hyper_util::rt::TokioIo::new(tls),
    )
    .await
    .expect("an HTTP/2 connection");
    tokio::spawn(connection);
    let request = hyper::Request::get("https://localhost/health")
        .body(http_body_util::Empty::<axum::body::Bytes>::new())
        .unwrap();
    let res = sender.send_request(request).await.unwrap();
    assert_eq!(res.version(), hyper::Version::HTTP_2);
    assert_eq!(res.status(), 200);
    use http_body_util::BodyExt;
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], br#"{"ok":true}"#);

    // Plain HTTP on the TLS port gets nowhere.
    let plain = reqwest::Client::new().get(app.url("/health")).send().await;
    assert!(plain.is_err() || !plain.unwrap().status().is_success());
}

#[tokio::test]
async fn no_log_line_carries_a_credential() {
    let dir = tempfile::tempdir().unwrap();
    // Everything the box can say.
    let mut running = start_binary(&dir.path().join("log.db"), &[("RUST_LOG", "trace")]).await;
    let client = reqwest::Client::new();
    let base = running.base.clone();
    let post = |user: Option<String>, path: String, body: serde_json::Value| {
        let mut req = client.post(format!("{base}{path}")).json(&body);
        if let Some(user) = user {
            req = req.header("X-User-ID", user);
        }
        async move {
            req.send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    };
    let host = post(
        None,
        "/auth/guest".into(),
        json!({ "display_name": "Anto" }),
    )
    .await;
    let host = host["user_id"].as_str().unwrap().to_string();
    let bea = post(None, "/auth/guest".into(), json!({ "display_name": "Bea" })).await;
    let bea = bea["user_id"].as_str().unwrap().to_string();
    let room = post(Some(host.clone()), "/rooms".into(), json!({})).await;
    let code = room["code"].as_str().unwrap().to_string();
    post(
        Some(bea.clone()),
        "/rooms/join".into(),
        json!({ "code": code }),
    )
    .await;
    // A live socket by ticket, too.
    let ticket = post(
        Some(bea.clone()),
        format!("/rooms/{code}/live-ticket"),
        json!(null),
    )
    .await;
    let ws = format!(
        "{}/rooms/{code}/ws?ticket={}",
        base.replace("http://", "ws://"),
        ticket["ticket"].as_str().unwrap()
    );
    let (mut socket, _) = tokio_tungstenite::connect_async(ws).await.unwrap();
    let _ = socket.next().await;
    drop(socket);
    tokio::time::sleep(Duration::from_millis(300)).await;
    running.child.start_kill().unwrap();
    let _ = running.child.wait().await;
    let log = running.log.lock().unwrap().join("\n");
    assert!(log.lines().count() > 5, "the box said little: {log}");
    for id in [&host, &bea] {
        assert!(
            !log.contains(id.as_str()),
            "a user id reached the log:\n{log}"
        );
    }
}

#[tokio::test]
async fn an_optional_body_is_still_bounded_and_json() {
    let app = spawn_app().await;
    let host = app.guest("Anto").await;
    let code = app.room(&host).await;
    let path = format!("/rooms/{code}/members/nobody/kick");
    let huge = json!({ "reason": "x".repeat(20_000) });
    assert_error(
        app.post(&path, Some(&host), huge).await,
        StatusCode::PAYLOAD_TOO_LARGE,
    )
    .await;
    // No body at all is fine (and here, no such member).
    let res = app.send(Method::POST, &path, Some(&host), None).await;
    assert_error(res, StatusCode::NOT_FOUND).await;
}
