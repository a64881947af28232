//! Accepting connections, for a network that may be hostile:
//!
//! - one deadline covers everything before a connection's first request
//!   (protocol detection, the TLS handshake, silence): a socket that sends
//!   nothing, one byte or half a preface is closed after it;
//! - a cap on open connections per client address, and one overall, below
//!   the process's file-descriptor limit (raised to its hard limit at
//!   start). Over the cap, the connection idle the longest goes first; a
//!   busy box refuses the newcomer. Upgraded live sockets count too, until
//!   they close;
//! - optional TLS (rustls), HTTP/1.1 and HTTP/2 with a header-read timeout
//!   (a slowloris client that dribbles its headers, or sits idle between
//!   requests, is cut off), WebSocket upgrades and a graceful shutdown.
//!
//! axum's own `serve` offers none of the timeouts.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use anyhow::Context;
use axum::Router;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_util::sync::{CancellationToken, WaitForCancellationFutureOwned};
use tower::ServiceExt;

use crate::config::{Config, TrustedProxies};

/// File descriptors kept free beside connections: SQLite's files, music
/// files being streamed or scanned, the watcher, logs.
const FD_HEADROOM: u64 = 256;

/// Raises the open-file limit to its hard limit; answers how many
/// connections the box may hold (the limit less headroom).
pub fn connection_budget() -> usize {
    let limit = rlimit::increase_nofile_limit(u64::MAX).unwrap_or(1024);
    let budget = limit.saturating_sub(FD_HEADROOM).max(limit / 2).max(16);
    usize::try_from(budget).unwrap_or(usize::MAX)
}

/// One open connection, as the caps see it.
struct Conn {
    /// Milliseconds since the registry started when a byte last arrived.
    last_heard_ms: AtomicU64,
    /// Requests being answered now.
    in_flight: AtomicU32,
    /// A live socket (WebSocket): never idle in the caps' sense.
    upgraded: AtomicBool,
    /// At least one request arrived.
    spoke: AtomicBool,
    close: CancellationToken,
}

/// Every open connection, by address and overall.
#[derive(Clone)]
struct Registry {
    inner: Arc<Mutex<Open>>,
    epoch: Instant,
    per_address: usize,
    overall: usize,
    /// When the last "at the cap" warning went out (ms since `epoch`).
    warned_ms: Arc<AtomicU64>,
}

#[derive(Default)]
struct Open {
    next_id: u64,
    by_id: HashMap<u64, (IpAddr, Arc<Conn>)>,
    per_ip: HashMap<IpAddr, usize>,
    refused_since_warning: u64,
}

/// One connection's place in the registry; leaves it when dropped (when
/// the socket closes, also after an upgrade).
struct Slot {
    registry: Registry,
    id: u64,
    conn: Arc<Conn>,
}

/// What a warning at the cap says, at most once a minute.
const WARN_EVERY: Duration = Duration::from_secs(60);

impl Registry {
    fn new(per_address: usize, overall: usize) -> Self {
        Registry {
            inner: Arc::default(),
            epoch: Instant::now(),
            per_address,
            overall,
            warned_ms: Arc::new(AtomicU64::new(u64::MAX)),
        }
    }

    fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// A place for a new connection from `ip`: refused over the address's
    /// cap; over the overall cap, the connection heard from longest ago
    /// (and not answering or upgraded) is closed to make room, else the
    /// newcomer is refused.
    fn take(&self, ip: IpAddr) -> Option<Slot> {
        let mut open = self.inner.lock().expect("connections lock");
        if open.per_ip.get(&ip).copied().unwrap_or(0) >= self.per_address {
            drop(open);
            self.refused("too many connections from one address");
            return None;
        }
        if open.by_id.len() >= self.overall {
            let idlest = open
                .by_id
                .iter()
                .filter(|(_, (_, c))| {
                    c.in_flight.load(Ordering::Relaxed) == 0 && !c.upgraded.load(Ordering::Relaxed)
                })
                .min_by_key(|(_, (_, c))| c.last_heard_ms.load(Ordering::Relaxed))
                .map(|(id, (_, c))| (*id, c.clone()));
            let Some((id, idlest)) = idlest else {
                drop(open);
                self.refused("every connection is busy");
                return None;
            };
            // It leaves the count now; its socket closes as its task sees
            // the token.
            idlest.close.cancel();
            if let Some((old_ip, _)) = open.by_id.remove(&id) {
                decrement(&mut open.per_ip, old_ip);
            }
            open.refused_since_warning += 1;
        }
        open.next_id += 1;
        let id = open.next_id;
        let conn = Arc::new(Conn {
            last_heard_ms: AtomicU64::new(self.now_ms()),
            in_flight: AtomicU32::new(0),
            upgraded: AtomicBool::new(false),
            spoke: AtomicBool::new(false),
            close: CancellationToken::new(),
        });
        open.by_id.insert(id, (ip, conn.clone()));
        *open.per_ip.entry(ip).or_default() += 1;
        let at_cap = open.by_id.len() >= self.overall;
        drop(open);
        if at_cap {
            self.warn_at_cap();
        }
        Some(Slot {
            registry: self.clone(),
            id,
            conn,
        })
    }

    fn refused(&self, why: &'static str) {
        tracing::debug!("connection refused: {why}");
        self.inner
            .lock()
            .expect("connections lock")
            .refused_since_warning += 1;
        self.warn_at_cap();
    }

    /// One line a minute while the box is at a cap, not one per socket.
    fn warn_at_cap(&self) {
        let now = self.now_ms();
        let last = self.warned_ms.load(Ordering::Relaxed);
        if last != u64::MAX && now.saturating_sub(last) < WARN_EVERY.as_millis() as u64 {
            return;
        }
        if self
            .warned_ms
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_err()
        {
            return;
        }
        let (open, refused) = {
            let mut o = self.inner.lock().expect("connections lock");
            (o.by_id.len(), std::mem::take(&mut o.refused_since_warning))
        };
        tracing::warn!(
            open,
            cap = self.overall,
            closed_or_refused = refused,
            "at the connection cap: closing the idlest connections (logged once a minute)"
        );
    }
}

fn decrement(per_ip: &mut HashMap<IpAddr, usize>, ip: IpAddr) {
    if let Some(count) = per_ip.get_mut(&ip) {
        *count -= 1;
        if *count == 0 {
            per_ip.remove(&ip);
        }
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.registry.inner.lock().expect("connections lock");
        // Already gone if it was closed to make room.
        if let Some((ip, _)) = open.by_id.remove(&self.id) {
            decrement(&mut open.per_ip, ip);
        }
    }
}

/// A connection's stream that keeps its slot (so it counts until the socket
/// closes, also once upgraded to a live socket), notes when it was last
/// heard from, and ends when the registry closes it.
struct Counted<S> {
    inner: S,
    slot: Slot,
    closed: Pin<Box<WaitForCancellationFutureOwned>>,
}

impl<S> Counted<S> {
    fn new(inner: S, slot: Slot) -> Self {
        let closed = Box::pin(slot.conn.close.clone().cancelled_owned());
        Counted {
            inner,
            slot,
            closed,
        }
    }

    fn evicted(&mut self, cx: &mut TaskContext<'_>) -> bool {
        self.closed.as_mut().poll(cx).is_ready()
    }
}

fn evicted_error() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "closed to make room")
}

impl<S: AsyncRead + Unpin> AsyncRead for Counted<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.evicted(cx) {
            return Poll::Ready(Err(evicted_error()));
        }
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            let now = self.slot.registry.now_ms();
            self.slot.conn.last_heard_ms.store(now, Ordering::Relaxed);
        }
        polled
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Counted<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        data: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.evicted(cx) {
            return Poll::Ready(Err(evicted_error()));
        }
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Counts a request in flight while it is answered; a 101 marks the
/// connection upgraded.
struct InFlight(Arc<Conn>);

impl InFlight {
    fn start(conn: &Arc<Conn>) -> Self {
        conn.spoke.store(true, Ordering::Relaxed);
        conn.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(conn.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Loads a PEM certificate chain and private key into a rustls config that
/// offers HTTP/2 and HTTP/1.1.
pub fn tls_config(cert: &Path, key: &Path) -> anyhow::Result<Arc<rustls::ServerConfig>> {
    let certs = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("cannot read the certificate {}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("cannot parse the certificate {}", cert.display()))?;
    anyhow::ensure!(!certs.is_empty(), "no certificate in {}", cert.display());
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("cannot read the private key {}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the certificate and key do not match")?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// Listens on `bind`. "Every interface" in IPv4 (`0.0.0.0`, the default)
/// means both families: one dual-stack socket on `[::]`, so the IPv6
/// address mDNS advertises is served too, with IPv4 alone where the
/// machine has no IPv6. Returns the listener and where it listens, in the
/// form it was asked for (`0.0.0.0:<port>`).
pub fn listen(bind: SocketAddr) -> std::io::Result<(TcpListener, SocketAddr)> {
    let both = bind.ip() == std::net::Ipv4Addr::UNSPECIFIED;
    let dual = both
        .then(|| {
            socket(
                SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, bind.port())),
                true,
            )
        })
        .and_then(Result::ok);
    let listener = match dual {
        Some(listener) => listener,
        None => socket(bind, false)?,
    };
    let port = listener.local_addr()?.port();
    Ok((listener, SocketAddr::new(bind.ip(), port)))
}

fn socket(addr: SocketAddr, dual_stack: bool) -> std::io::Result<TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    if dual_stack {
        socket.set_only_v6(false)?;
    }
    // As std and tokio do: a restarted box gets its port back at once.
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    TcpListener::from_std(std::net::TcpListener::from(socket))
}

/// Serves `router` on `listener` until `shutdown` resolves; then stops
/// accepting and lets the open connections finish their requests.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    tls: Option<Arc<rustls::ServerConfig>>,
    config: &Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http1()
        .timer(TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    http.http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(Some(Duration::from_secs(20)));
    let graceful = GracefulShutdown::new();
    let overall = config.max_connections.unwrap_or_else(connection_budget);
    tracing::info!(max_connections = overall, "accepting connections");
    let registry = Registry::new(config.max_connections_per_address, overall);
    let serving = Serving {
        http: Arc::new(http),
        tls: tls.map(TlsAcceptor::from),
        router,
        first_request_within: config.header_read_timeout,
    };
    let mut shutdown = std::pin::pin!(shutdown);

    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors, say: wait rather than spin,
                    // and say so once a minute at most.
                    registry.refused("cannot accept");
                    tracing::debug!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // An IPv4 phone on the dual-stack socket is ::ffff:a.b.c.d: the
        // box counts and trusts it as the IPv4 address it is.
        let peer = SocketAddr::new(peer.ip().to_canonical(), peer.port());
        let Some(slot) = registry.take(peer.ip()) else {
            continue;
        };
        serving.spawn(stream, peer, slot, graceful.watcher());
    }
    drop(listener);
    graceful.shutdown().await;
}

/// What serving each connection needs, shared by all.
struct Serving {
    http: Arc<auto::Builder<TokioExecutor>>,
    tls: Option<TlsAcceptor>,
    router: Router,
    first_request_within: Duration,
}

impl Serving {
    /// Serves one accepted connection on a task of its own: its requests
    /// are marked in flight (an idle connection may be closed for a new
    /// one) and carry the peer's address.
    fn spawn(
        &self,
        stream: tokio::net::TcpStream,
        peer: SocketAddr,
        slot: Slot,
        watcher: hyper_util::server::graceful::Watcher,
    ) {
        let _ = stream.set_nodelay(true);
        let conn = slot.conn.clone();
        let service = hyper::service::service_fn({
            let router = self.router.clone();
            let conn = conn.clone();
            move |mut request: hyper::Request<Incoming>| {
                request.extensions_mut().insert(ConnectInfo(peer));
                let in_flight = InFlight::start(&conn);
                let answer = router.clone().oneshot(request);
                async move {
                    let response = answer.await;
                    if let Ok(r) = &response
                        && r.status() == axum::http::StatusCode::SWITCHING_PROTOCOLS
                    {
                        in_flight.0.upgraded.store(true, Ordering::Relaxed);
                    }
                    drop(in_flight);
                    response
                }
            }
        });
        let http = self.http.clone();
        let tls = self.tls.clone();
        let first_request_within = self.first_request_within;
        tokio::spawn(async move {
            let stream = Counted::new(stream, slot);
            let served = async move {
                match tls {
                    None => {
                        let conn =
                            http.serve_connection_with_upgrades(TokioIo::new(stream), service);
                        let _ = watcher.watch(conn.into_owned()).await;
                    }
                    Some(acceptor) => {
                        let Ok(stream) = acceptor.accept(stream).await else {
                            return;
                        };
                        let conn =
                            http.serve_connection_with_upgrades(TokioIo::new(stream), service);
                        let _ = watcher.watch(conn.into_owned()).await;
                    }
                }
            };
            // One deadline for all that comes before the first request:
            // detecting the protocol, the TLS handshake, silence.
            let deadline = async {
                tokio::time::sleep(first_request_within).await;
                if conn.spoke.load(Ordering::Relaxed) {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                () = served => {}
                () = deadline => {}
                () = conn.close.cancelled() => {}
            }
        });
    }
}

/// The address a request came from. A peer the box trusts as a proxy
/// (`--trust-proxy`) speaks for its clients: the rightmost address in
/// `X-Forwarded-For` that is not itself a trusted proxy is the client
/// (hops further left could be forged by that client). From anyone else
/// the header counts for nothing.
pub fn client_ip(parts: &axum::http::request::Parts, trusted: &TrustedProxies) -> Option<IpAddr> {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())?;
    if !trusted.trusts(peer) {
        return Some(peer);
    }
    let mut client = peer;
    let hops = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.iter().rev() {
        let Ok(ip) = hop.parse::<IpAddr>() else {
            // Garbage in the chain: trust nothing further left.
            break;
        };
        client = ip;
        if !trusted.trusts(ip) {
            break;
        }
    }
    Some(client)
}
