//! Connections that never speak: closed by the one deadline before the
//! first request, whatever they send (nothing, one byte, half a preface, a
//! TLS handshake and then silence); and a flood of them cannot keep a real
//! guest out.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::timeout;
use tokio_rustls::rustls;

use crate::helpers::*;

/// The deadline the tests run with (the box's is 10 s; the rule is the same).
const DEADLINE: Duration = Duration::from_millis(800);

/// How long until the box closes `stream` (reads until EOF or an error).
async fn closed_after<S: tokio::io::AsyncRead + Unpin>(mut stream: S, opened: Instant) -> Duration {
    let mut buf = [0u8; 256];
    timeout(Duration::from_secs(10), async {
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await
    .expect("the box closes the connection");
    opened.elapsed()
}

fn assert_deadline(what: &str, after: Duration) {
    assert!(
        after >= DEADLINE - Duration::from_millis(50) && after < DEADLINE * 5,
        "{what}: closed after {after:?}, the deadline is {DEADLINE:?}"
    );
}

#[tokio::test]
async fn sockets_that_never_send_a_request_are_closed_at_the_deadline() {
    let app = spawn_app_configured(|c| c.header_read_timeout = DEADLINE).await;
    for (what, sent) in [
        ("silent", &b""[..]),
        ("one byte", &b"P"[..]),
        ("half an HTTP/2 preface", &b"PRI * HTTP/2.0\r\n"[..]),
        ("half a request line", &b"GET /health HT"[..]),
    ] {
        let opened = Instant::now();
        let mut stream = TcpStream::connect(app.addr).await.unwrap();
        stream.write_all(sent).await.unwrap();
        assert_deadline(what, closed_after(stream, opened).await);
    }
    // A connection that spoke stays until its keep-alive ends.
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let n = stream.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn a_tls_connection_silent_after_its_handshake_is_closed_at_the_deadline() {
    let (app, cert) = spawn_tls_app(|c| c.header_read_timeout = DEADLINE).await;
    let connector = tls_connector(&cert);
    let opened = Instant::now();
    let tcp = TcpStream::connect(app.addr).await.unwrap();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let tls = connector.connect(name, tcp).await.expect("the handshake");
    assert_deadline("TLS, then silence", closed_after(tls, opened).await);
    // Half a ClientHello (a record header, one byte of its body): the same.
    let opened = Instant::now();
    let mut tcp = TcpStream::connect(app.addr).await.unwrap();
    tcp.write_all(&[0x16, 0x03, 0x01, 0x02, 0x00, 0x01])
        .await
        .unwrap();
    assert_deadline("half a TLS handshake", closed_after(tcp, opened).await);
    // A plain socket on the TLS port, silent: the same deadline.
    let opened = Instant::now();
    let tcp = TcpStream::connect(app.addr).await.unwrap();
    assert_deadline("silent on the TLS port", closed_after(tcp, opened).await);
}

#[tokio::test]
async fn two_thousand_silent_sockets_from_twenty_addresses_do_not_keep_a_guest_out() {
    let app = spawn_app_configured(|c| c.max_connections = Some(1_000)).await;
    let host = app.guest("Host").await;
    let code = app.room(&host).await;
    let queue = app.add(&host, &code, "dancing queen").await;
    let song = item_id(&queue, "Dancing Queen").to_string();
    let guest = app.guest_at("Bea", "127.0.0.99").await;
    app.join(&guest, &code).await;

    // 2,000 sockets that connect and say nothing, 100 from each address.
    let mut silent = Vec::new();
    for i in 0..2_000u32 {
        let from: std::net::IpAddr = format!("127.0.1.{}", i % 20 + 1).parse().unwrap();
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind(SocketAddr::new(from, 0)).unwrap();
        silent.push(socket.connect(app.addr).await.unwrap());
    }
    // The guest's phone opens a new connection and votes.
    let started = Instant::now();
    let res = timeout(Duration::from_secs(5), app.vote(&guest, &code, &song, 1))
        .await
        .expect("the vote is answered");
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    // The oldest silent sockets made room: the first ones are closed.
    let mut buf = [0u8; 8];
    let first = timeout(Duration::from_secs(2), silent[0].read(&mut buf))
        .await
        .expect("the oldest silent socket was closed");
    assert!(matches!(first, Ok(0) | Err(_)));
}

#[tokio::test]
async fn a_request_whose_body_never_ends_is_answered_408_at_the_request_deadline() {
    // The box's is 30 s; the rule is the same.
    let limit = Duration::from_millis(800);
    let app = spawn_app_configured(|c| c.request_timeout = limit).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    let opened = Instant::now();
    stream
        .write_all(
            b"POST /auth/guest HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"display_name\"",
        )
        .await
        .unwrap();
    // ...and the other 84 bytes never come.
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    timeout(Duration::from_secs(10), async {
        while !String::from_utf8_lossy(&answer).contains("\r\n\r\n{") {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "closed without an answer");
            answer.extend_from_slice(&buf[..n]);
        }
    })
    .await
    .expect("an answer");
    let after = opened.elapsed();
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(
        after >= limit - Duration::from_millis(50) && after < limit * 5,
        "answered after {after:?}"
    );
    // Nothing was made of the half a guest.
    let db = app.db();
    let users: i64 = db
        .query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))
        .unwrap();
    assert_eq!(users, 0);
}
