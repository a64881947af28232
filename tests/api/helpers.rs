use std::net::{IpAddr, SocketAddr};
use std::path::Path;

use democratic_tunes::{App, Config};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use std::time::Duration;

use futures_util::StreamExt;
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: reqwest::Client,
    /// Clients bound to other loopback addresses: distinct phones.
    phones: std::sync::Mutex<std::collections::HashMap<IpAddr, reqwest::Client>>,
    _dir: Option<tempfile::TempDir>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<anyhow::Result<()>>>,
}

/// A box on a fresh database file.
pub async fn spawn_app() -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("party.db");
    let mut app = spawn_app_on(&db).await;
    app._dir = Some(dir);
    app
}

/// A box on the given database file (for restart tests).
pub async fn spawn_app_on(db: &Path) -> TestApp {
    spawn_app_with(Config::for_tests(db.to_path_buf())).await
}

/// A box with a fresh database file and the given change to its config.
pub async fn spawn_app_configured(change: impl FnOnce(&mut Config)) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config::for_tests(dir.path().join("party.db"));
    change(&mut config);
    let mut app = spawn_app_with(config).await;
    app._dir = Some(dir);
    app
}

async fn spawn_app_with(config: Config) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        let filter = std::env::var("TEST_LOG").unwrap_or_default();
        let filter = if filter == "1" {
            "info".to_string()
        } else {
            filter
        };
        let _ = tracing_subscriber::fmt().with_env_filter(filter).try_init();
    }
    let server = App::build(config).await.expect("the box starts");
    let addr = server.local_addr();
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    TestApp {
        addr,
        client: reqwest::Client::new(),
        phones: Default::default(),
        _dir: None,
        stop: Some(stop),
        task: Some(task),
    }
}

/// A guest as the tests see them: their credential and name.
#[derive(Debug, Clone)]
pub struct Guest {
    pub id: String,
    pub name: String,
    /// The phone's own address (127.0.0.x), or 127.0.0.1 when `None`.
    pub from: Option<IpAddr>,
}

impl TestApp {
    /// The same box, called by guest ids (`Api`).
    #[allow(dead_code, reason = "the benchmarks' side of the client")]
    pub fn api(&self) -> Api {
        Api {
            http: self.client.clone(),
            base: self.url(""),
        }
    }

    /// A client of the real binary running as its own process (`stop` and
    /// `db` are the process's business there).
    pub fn of_binary(running: &Running) -> TestApp {
        TestApp {
            addr: running.base.trim_start_matches("http://").parse().unwrap(),
            client: reqwest::Client::new(),
            phones: Default::default(),
            _dir: None,
            stop: None,
            task: None,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Graceful shutdown, waiting until the server has stopped.
    pub async fn stop(mut self) {
        let _ = self.stop.take().unwrap().send(());
        self.task.take().unwrap().await.unwrap().unwrap();
    }

    /// A second connection to the box's own SQLite file, for what no
    /// endpoint does (e.g. catalog entries a music library would bring).
    pub fn db(&self) -> rusqlite::Connection {
        let dir = self._dir.as_ref().expect("a box with its own database");
        let conn = rusqlite::Connection::open(dir.path().join("party.db")).unwrap();
        conn.busy_timeout(Duration::from_secs(5)).unwrap();
        conn
    }

    pub async fn get(&self, path: &str, user: Option<&Guest>) -> Response {
        self.send(Method::GET, path, user, None).await
    }

    pub async fn post(&self, path: &str, user: Option<&Guest>, body: Value) -> Response {
        self.send(Method::POST, path, user, Some(body)).await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        user: Option<&Guest>,
        body: Option<Value>,
    ) -> Response {
        let client = match user.and_then(|u| u.from) {
            Some(ip) => self.phone(ip),
            None => self.client.clone(),
        };
        let mut req = client.request(method, self.url(path));
        if let Some(user) = user {
            req = req.header("X-User-ID", &user.id);
        }
        if let Some(body) = body {
            req = req.json(&body);
        }
        req.send().await.unwrap()
    }

    /// The host changes the room's settings (asserting it worked).
    pub async fn settings(&self, host: &Guest, code: &str, patch: Value) -> Value {
        let res = self
            .send(
                Method::PATCH,
                &format!("/rooms/{code}/settings"),
                Some(host),
                Some(patch),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    pub async fn guest(&self, name: &str) -> Guest {
        self.guest_on(name, None).await
    }

    /// A guest on a phone of their own: requests and sockets come from
    /// `ip` (any 127.0.0.x), as distinct phones on a Wi-Fi do.
    pub async fn guest_at(&self, name: &str, ip: &str) -> Guest {
        self.guest_on(name, Some(ip.parse().unwrap())).await
    }

    async fn guest_on(&self, name: &str, from: Option<IpAddr>) -> Guest {
        let client = from.map_or_else(|| self.client.clone(), |ip| self.phone(ip));
        let res = client
            .post(self.url("/auth/guest"))
            .json(&json!({ "display_name": name }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        Guest {
            id: body["user_id"].as_str().unwrap().to_string(),
            name: body["display_name"].as_str().unwrap().to_string(),
            from,
        }
    }

    /// A member's public id, by their name, as the host's People list has it.
    pub async fn member_id(&self, host: &Guest, code: &str, name: &str) -> String {
        let members: Vec<Value> = self
            .get(&format!("/rooms/{code}/members"), Some(host))
            .await
            .json()
            .await
            .unwrap();
        members.iter().find(|m| m["display_name"] == name).unwrap()["member_id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// An HTTP client whose connections come from `ip`.
    pub fn phone(&self, ip: IpAddr) -> reqwest::Client {
        self.phones
            .lock()
            .unwrap()
            .entry(ip)
            .or_insert_with(|| {
                reqwest::Client::builder()
                    .local_address(ip)
                    .build()
                    .unwrap()
            })
            .clone()
    }

    /// Creates a room hosted by `host` where the party is under way: a
    /// guest named "Opener" joined and their song (Kraftwerk's "Autobahn",
    /// 22 minutes) plays, so songs added next wait in the queue (the first
    /// song of a quiet room starts at once). Returns its code.
    pub async fn room(&self, host: &Guest) -> String {
        let code = self.bare_room(host).await;
        let opener = self.guest("Opener").await;
        self.join(&opener, &code).await;
        self.add(&opener, &code, "autobahn").await;
        let playing = self.now_playing(host, &code).await;
        assert_eq!(playing["title"], "Autobahn", "the opener starts by itself");
        code
    }

    /// Creates a room hosted by `host` with nothing playing yet (the first
    /// song added starts at once); returns its code.
    pub async fn bare_room(&self, host: &Guest) -> String {
        let res = self
            .post("/rooms", Some(host), json!({ "name": "Test party" }))
            .await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let body: Value = res.json().await.unwrap();
        body["code"].as_str().unwrap().to_string()
    }

    /// Joins `code` as a party screen (the TV view), asserting it worked.
    pub async fn join_as_screen(&self, screen: &Guest, code: &str) {
        let res = self
            .post(
                "/rooms/join",
                Some(screen),
                json!({ "code": code, "screen": true }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    pub async fn join(&self, user: &Guest, code: &str) {
        let res = self
            .post("/rooms/join", Some(user), json!({ "code": code }))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    /// The first search hit's track id.
    pub async fn track_id(&self, user: &Guest, query: &str) -> String {
        let hits = self.search(user, query).await;
        hits[0]["id"].as_str().unwrap().to_string()
    }

    pub async fn search(&self, user: &Guest, query: &str) -> Vec<Value> {
        let res = self
            .client
            .get(self.url("/tracks/search"))
            .query(&[("artist_or_title", query)])
            .header("X-User-ID", &user.id)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "search {query:?}");
        res.json().await.unwrap()
    }

    /// Adds the first hit for `query`; returns the queue.
    pub async fn add(&self, user: &Guest, code: &str, query: &str) -> Vec<Value> {
        let track_id = self.track_id(user, query).await;
        let res = self
            .post(
                &format!("/tracks/rooms/{code}/tracks"),
                Some(user),
                json!({ "track_id": track_id }),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    pub async fn queue(&self, user: &Guest, code: &str) -> Vec<Value> {
        let res = self
            .get(&format!("/tracks/rooms/{code}/queue"), Some(user))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// `POST /rooms/{code}/advance` as `user`.
    pub async fn advance(&self, user: &Guest, code: &str) -> Response {
        self.post(&format!("/rooms/{code}/advance"), Some(user), json!(null))
            .await
    }

    /// `POST /rooms/{code}/now-playing/pause` as `user`, expecting 200 (a
    /// paused song stays: the room clock leaves it be).
    pub async fn pause(&self, user: &Guest, code: &str) {
        let res = self
            .post(
                &format!("/rooms/{code}/now-playing/pause"),
                Some(user),
                json!(null),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
    }

    /// `GET /rooms/{code}/audit` as `user`: the moderation log, newest first.
    pub async fn audit_log(&self, user: &Guest, code: &str) -> Vec<Value> {
        let res = self.get(&format!("/rooms/{code}/audit"), Some(user)).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// `GET /rooms/{code}/me` as `user`, expecting 200.
    pub async fn me(&self, user: &Guest, code: &str) -> Value {
        let res = self.get(&format!("/rooms/{code}/me"), Some(user)).await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// `GET /rooms/{code}/now-playing` as `user`: the playing item or null.
    pub async fn now_playing(&self, user: &Guest, code: &str) -> Value {
        let res = self
            .get(&format!("/rooms/{code}/now-playing"), Some(user))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        res.json().await.unwrap()
    }

    /// A live ticket for `user` in `code`'s room (`POST .../live-ticket`),
    /// good for 30 s.
    pub async fn live_ticket(&self, user: &Guest, code: &str) -> String {
        let res = self
            .post(
                &format!("/rooms/{code}/live-ticket"),
                Some(user),
                json!(null),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["expires_in"], 30);
        body["ticket"].as_str().unwrap().to_string()
    }

    /// Takes a queued item out (`DELETE /tracks/rooms/{code}/tracks/{id}`).
    pub async fn remove_item(&self, user: &Guest, code: &str, item: &str) -> Response {
        self.send(
            Method::DELETE,
            &format!("/tracks/rooms/{code}/tracks/{item}"),
            Some(user),
            None,
        )
        .await
    }

    pub async fn vote(&self, user: &Guest, code: &str, item: &str, value: i64) -> Response {
        self.post(
            &format!("/votes/rooms/{code}/votes"),
            Some(user),
            json!({ "room_track_id": item, "value": value }),
        )
        .await
    }
}

/// How the box's output `kind` stands (`GET /box`'s `outputs`: `speaker`,
/// `snapcast`, `mpd`).
pub async fn box_output(app: &TestApp, kind: &str) -> Value {
    let info: Value = app.get("/box", None).await.json().await.unwrap();
    info["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["kind"] == kind)
        .cloned()
        .unwrap_or_else(|| panic!("no {kind} output in {info}"))
}

/// A room hosted by Anto, with Bea joined and two songs queued (one each).
pub async fn party_of_two(app: &TestApp) -> (Guest, Guest, String) {
    let host = app.guest("Anto").await;
    let bea = app.guest("Bea").await;
    let code = app.room(&host).await;
    app.join(&bea, &code).await;
    app.add(&host, &code, "bohemian rhapsody").await;
    app.add(&bea, &code, "dancing queen").await;
    (host, bea, code)
}

/// Polls `check` every 50 ms until it answers `Some`, failing after
/// `within` with what was awaited.
pub async fn wait_until<T, F, Fut>(within: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if let Some(done) = check().await {
            return done;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "waited in vain for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asserts the FastAPI error shape (and the box's stable `code` beside
/// the detail) and status; returns the detail.
pub async fn assert_error(res: Response, status: StatusCode) -> String {
    assert_eq!(res.status(), status);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["code"].as_str().is_some_and(|c| !c.is_empty()),
        "no code in {body}"
    );
    body["detail"]
        .as_str()
        .unwrap_or_else(|| panic!("no string detail in {body}"))
        .to_string()
}

/// Asserts a refusal with this status and code; returns the whole body.
pub async fn assert_refused(res: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(res.status(), status);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );
    body
}

pub fn titles(queue: &[Value]) -> Vec<&str> {
    queue.iter().map(|i| i["title"].as_str().unwrap()).collect()
}

/// The `room_track_id` of the queue item with this title.
pub fn item_id<'a>(queue: &'a [Value], title: &str) -> &'a str {
    queue
        .iter()
        .find(|i| i["title"] == title)
        .unwrap_or_else(|| panic!("{title} is not in the queue"))["room_track_id"]
        .as_str()
        .unwrap()
}

pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn connect(app: &TestApp, code: &str, user: &Guest) -> Socket {
    try_connect(app, code, Some(user))
        .await
        .expect("the socket opens")
}

pub async fn try_connect(
    app: &TestApp,
    code: &str,
    user: Option<&Guest>,
) -> Result<Socket, WsError> {
    let mut request = format!("ws://{}/rooms/{code}/ws", app.addr)
        .into_client_request()
        .unwrap();
    if let Some(user) = user {
        request
            .headers_mut()
            .insert("x-user-id", user.id.parse().unwrap());
    }
    match user.and_then(|u| u.from) {
        None => tokio_tungstenite::connect_async(request)
            .await
            .map(|(s, _)| s),
        Some(ip) => {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind(SocketAddr::new(ip, 0)).unwrap();
            let stream = socket.connect(app.addr).await.unwrap();
            tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
                .await
                .map(|(s, _)| s)
        }
    }
}

/// The next snapshot frame (skipping pings and personal messages), within
/// a few seconds.
pub async fn next_frame(socket: &mut Socket) -> Value {
    next_of(socket, &["snapshot"]).await
}

/// The next text frame of one of these types, within a few seconds.
pub async fn next_of(socket: &mut Socket, types: &[&str]) -> Value {
    loop {
        let message = timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a frame within 5 s")
            .expect("the socket stays open")
            .expect("a valid frame");
        if let Message::Text(text) = message {
            let frame: Value = serde_json::from_str(&text).unwrap();
            if types.iter().any(|t| frame["type"] == *t) {
                return frame;
            }
        }
    }
}

/// A box serving HTTPS with a self-signed certificate for `localhost`
/// (and the given change to its config); answers the certificate too.
pub async fn spawn_tls_app(
    change: impl FnOnce(&mut Config),
) -> (TestApp, rcgen::CertifiedKey<rcgen::KeyPair>) {
    let dir = tempfile::tempdir().unwrap();
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    let (cert_path, key_path) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap();
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap();
    let mut config = Config::for_tests(dir.path().join("party.db"));
    config.tls_cert = Some(cert_path);
    config.tls_key = Some(key_path);
    change(&mut config);
    let mut app = spawn_app_with(config).await;
    app._dir = Some(dir);
    (app, cert)
}

/// A TLS client that trusts `cert` (a test's self-signed certificate).
pub fn tls_connector(cert: &rcgen::CertifiedKey<rcgen::KeyPair>) -> tokio_rustls::TlsConnector {
    tokio_rustls::TlsConnector::from(tls_client_config(cert))
}

/// A TLS client's configuration that trusts `cert`.
pub fn tls_client_config(
    cert: &rcgen::CertifiedKey<rcgen::KeyPair>,
) -> std::sync::Arc<tokio_rustls::rustls::ClientConfig> {
    use tokio_rustls::rustls;
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert.cert.der().clone()).unwrap();
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    std::sync::Arc::new(config)
}

/// Frames until one satisfies `done`.
pub async fn frame_where(socket: &mut Socket, done: impl Fn(&Value) -> bool) -> Value {
    loop {
        let frame = next_frame(socket).await;
        if done(&frame) {
            return frame;
        }
    }
}

/// The next personal message (`notice` or `removed`), within a few seconds.
pub async fn next_personal(socket: &mut Socket) -> Value {
    loop {
        let message = timeout(Duration::from_secs(5), socket.next())
            .await
            .expect("a message within 5 s")
            .expect("the socket stays open")
            .expect("a valid frame");
        if let Message::Text(text) = message {
            let frame: Value = serde_json::from_str(&text).unwrap();
            if frame["type"] != "snapshot" {
                return frame;
            }
        }
    }
}

/// A guest's calls by their id alone (`X-User-ID`), as the seed's clients
/// make them: what the benchmarks drive a box with, many guests at a time.
#[derive(Clone)]
#[allow(dead_code, reason = "the benchmarks' side of the client")]
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
}

#[allow(dead_code, reason = "the benchmarks' side of the client")]
impl Api {
    pub async fn post(&self, path: &str, uid: Option<&str>, body: Value) -> reqwest::Response {
        let mut request = self.http.post(format!("{}{path}", self.base)).json(&body);
        if let Some(uid) = uid {
            request = request.header("x-user-id", uid);
        }
        let response = request.send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response
    }

    /// `GET path` (with `query`) as `user`: the JSON answer.
    pub async fn get(&self, path: &str, user: &str, query: &[(&str, &str)]) -> Value {
        self.http
            .get(format!("{}{path}", self.base))
            .query(query)
            .header("x-user-id", user)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Catalog tracks matching `query` (best first), as `user` searches.
    pub async fn search(&self, user: &str, query: &str) -> Vec<Value> {
        let hits = self
            .get("/tracks/search", user, &[("artist_or_title", query)])
            .await;
        serde_json::from_value(hits).unwrap()
    }

    /// A new room hosted by `host`: its code.
    pub async fn room(&self, host: &str, name: &str) -> String {
        let room: Value = self
            .post("/rooms", Some(host), json!({ "name": name }))
            .await
            .json()
            .await
            .unwrap();
        room["code"].as_str().unwrap().to_string()
    }

    pub async fn guest(&self, name: &str) -> String {
        let guest: Value = self
            .post("/auth/guest", None, json!({ "display_name": name }))
            .await
            .json()
            .await
            .unwrap();
        guest["user_id"].as_str().unwrap().to_string()
    }
}

#[allow(dead_code, reason = "the benchmarks' side of the client")]
/// A WebSocket request for `url` as `uid` (the header, as a non-browser
/// client sends it; ids never go in URLs).
pub fn ws_request(
    url: &str,
    uid: &str,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = url.into_client_request().unwrap();
    request
        .headers_mut()
        .insert("x-user-id", uid.parse().unwrap());
    request
}

/// The real binary, running as its own process.
pub struct Running {
    pub child: tokio::process::Child,
    pub base: String,
    /// Every line it logged so far.
    pub log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// Starts the binary on `db` (loopback, a free port, mDNS off) with extra
/// environment, and waits until it says where it listens (`--port-file`).
pub async fn start_binary(db: &Path, env: &[(&str, &str)]) -> Running {
    start_binary_with(db, &[], env).await
}

/// `start_binary`, with extra flags.
pub async fn start_binary_with(
    db: &Path,
    args: &[&std::ffi::OsStr],
    env: &[(&str, &str)],
) -> Running {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let port_file = db.with_extension("port");
    let _ = std::fs::remove_file(&port_file);
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_democratic-tunes"));
    command
        .args(args)
        .args(["--bind", "127.0.0.1:0", "--db"])
        .arg(db)
        .arg("--port-file")
        .arg(&port_file)
        .env("DT_NO_MDNS", "1")
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let log: std::sync::Arc<std::sync::Mutex<Vec<String>>> = Default::default();
    let sink = log.clone();
    tokio::spawn(async move {
        while let Ok(Some(line)) = lines.next_line().await {
            sink.lock().unwrap().push(line);
        }
    });
    let base = timeout(Duration::from_secs(20), async {
        loop {
            if let Ok(text) = std::fs::read_to_string(&port_file)
                && text.ends_with('\n')
            {
                return format!("http://{}", text.trim());
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "the box exited before it was up ({status}): {:?}",
                    log.lock().unwrap()
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await
    .expect("the box starts");
    Running { child, base, log }
}

/// Applies a delta (a live frame's, or an answer asked `?since=`) to the
/// last whole queue, as the web app does.
pub fn apply_delta(queue: &mut Vec<Value>, delta: &Value) {
    let Some(ops) = delta.get("queue") else {
        return;
    };
    let id = |v: &Value| v["room_track_id"].as_str().unwrap().to_string();
    let removed: Vec<&str> = ops["remove"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    queue.retain(|i| !removed.contains(&id(i).as_str()));
    let mut aside: Vec<Value> = Vec::new();
    for item in ops["upsert"].as_array().unwrap() {
        match queue.iter_mut().find(|i| id(i) == id(item)) {
            Some(slot) => *slot = item.clone(),
            None => aside.push(item.clone()),
        }
    }
    for pair in ops["place"].as_array().unwrap() {
        let wanted = pair[0].as_str().unwrap();
        let item = match queue.iter().position(|i| id(i) == wanted) {
            Some(at) => queue.remove(at),
            None => aside.remove(aside.iter().position(|i| id(i) == wanted).unwrap()),
        };
        let at = match pair[1].as_str() {
            None => 0,
            Some(after) => queue.iter().position(|i| id(i) == after).unwrap() + 1,
        };
        queue.insert(at, item);
    }
    // A score is a place: the last scores 1.
    let n = queue.len();
    for (i, item) in queue.iter_mut().enumerate() {
        item["score"] = ((n - i) as i64).into();
    }
}
