//! The HTTP face of the box: state, router assembly and layers. Each
//! resource module owns its routes; `app` starts and stops the box.

mod auth;
pub(crate) mod connections;
mod extract;
mod health;
mod library;
mod links;
mod live;
mod moderation;
mod playback;
mod playlists;
mod rate_limits;
mod reactions;
mod rooms;
mod security;
mod tracks;
mod votes;
mod web;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::error::Error;
use crate::library::Library;
use crate::limits::MAX_BODY_BYTES;
use crate::realtime::Realtime;
use crate::store::{RoomSnapshot, Store};

pub use extract::{UID_COOKIE, UID_HEADER};
pub use rate_limits::RateLimits;

/// The header carrying the room version a queue answer reflects, so a
/// client can match it with live updates.
pub const ROOM_VERSION_HEADER: &str = "x-room-version";

/// A part of a room's snapshot, already serialized, sent as is with the
/// room version it reflects.
pub struct RoomJson {
    pub version: i64,
    pub body: axum::body::Bytes,
}

impl axum::response::IntoResponse for RoomJson {
    fn into_response(self) -> axum::response::Response {
        (
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "application/json".to_string(),
                ),
                (
                    axum::http::HeaderName::from_static(ROOM_VERSION_HEADER),
                    self.version.to_string(),
                ),
            ],
            self.body,
        )
            .into_response()
    }
}

impl RoomJson {
    /// `room`'s answer to a client that shows version `since`: only what
    /// changed since, while the box holds that version (with what plays
    /// when `with_now_playing`), else `whole`.
    pub fn since(
        store: &Store,
        room: &RoomSnapshot,
        since: extract::Since,
        with_now_playing: bool,
        whole: impl FnOnce() -> axum::body::Bytes,
    ) -> RoomJson {
        let base = since
            .since
            .filter(|v| *v <= room.version)
            .and_then(|v| store.room_at(&room.info.code, v));
        let body = match base {
            Some(base) => {
                crate::realtime::delta::answer_delta(&base, room, with_now_playing).into()
            }
            None => whole(),
        };
        RoomJson {
            version: room.version,
            body,
        }
    }
}

/// What every handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub realtime: Realtime,
    /// Where the listener actually bound (the port may have been 0).
    pub local_addr: SocketAddr,
    pub rate_limits: rate_limits::RateLimits,
    pub library: Library,
    /// The names the box holds on the LAN now (mDNS may rename it).
    pub lan_names: crate::mdns::LanNames,
    /// The MPD or Mopidy server the box plays through (`--mpd`).
    pub mpd: Option<crate::mpd::Mpd>,
    /// Where the sound goes, and how each output stands.
    pub outputs: crate::outputs::Outputs,
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Democratic Tunes",
        description = "A democratic jukebox for house parties: guests add songs and vote, the crowd decides what plays next.\n\nIdentity: the `uid` cookie set by `POST /auth/guest`, or the same id in an `X-User-ID` header. Errors are `{\"detail\": \"...\", \"code\": \"...\"}`: `detail` is English text to show, `code` a stable name for the refusal (see the `ErrorBody` schema) and `params` its numbers, when it has some."
    ),
    tags(
        (name = "health"), (name = "auth", description = "Guests"),
        (name = "rooms"), (name = "tracks", description = "Catalog and queue"),
        (name = "votes"),
        (name = "library", description = "The host's music: scans, audio, covers"),
        (name = "moderation", description = "Members, roles, settings and the log"),
    ),
    components(schemas(crate::error::ErrorBody, crate::error::Code))
)]
struct ApiDoc;

/// The whole API and its OpenAPI document, generated from the handlers.
pub fn api() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let api = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(auth::router())
        .merge(rooms::router())
        .merge(reactions::router())
        .merge(tracks::router())
        .merge(moderation::router())
        .merge(votes::router())
        .merge(live::router())
        .merge(library::router())
        .merge(playback::router())
        .merge(playlists::router());
    let (router, mut doc) = api.split_for_parts();
    links::add(&mut doc);
    (router, doc)
}

/// The complete router: API, docs, fallbacks and layers.
pub fn router(state: AppState) -> anyhow::Result<Router> {
    let (api, openapi) = api();
    let cors = security::cors(&state.config.cors_origins)?;
    let router = api
        .merge(SwaggerUi::new("/docs").url("/openapi.json", openapi))
        // Not an API route: the web app's files and client routes, else 404.
        .fallback(web::serve)
        .method_not_allowed_fallback(|| async {
            Error::Client {
                status: StatusCode::METHOD_NOT_ALLOWED,
                detail: "Method Not Allowed".into(),
            }
        })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            state.config.request_timeout,
        ))
        .layer(axum::Extension(Arc::new(rate_limits::Limiter {
            limits: state.rate_limits.clone(),
            trust_proxy: state.config.trust_proxy.clone(),
            off: state.config.no_rate_limits,
        })))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ));
    let router = match cors {
        Some(cors) => router.layer(cors),
        None => router,
    };
    Ok(router
        .layer(compress_json())
        // Spans name the path only: a query may carry a user id (the live
        // socket's `uid`), and ids are credentials that never reach a log.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
        .with_state(state))
}

/// Gzip for the API's larger JSON answers, when the client accepts it: a
/// room's queue shrinks about threefold, to one packet where it took three,
/// and on a lossy Wi-Fi every packet is a chance to wait a retransmission
/// out. The web app's files are compressed at build time and audio is left
/// alone (it is compressed already, and served in ranges).
fn compress_json() -> CompressionLayer<impl Predicate> {
    let json = |_: StatusCode,
                _: axum::http::Version,
                headers: &axum::http::HeaderMap,
                _: &axum::http::Extensions| {
        headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
    };
    CompressionLayer::new()
        .gzip(true)
        .compress_when(SizeAbove::new(512).and(json))
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed by this call,
/// not when the future is first polled: a SIGTERM that comes right after
/// the box says it is up must stop it cleanly, not kill it.
#[cfg(unix)]
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{SignalKind, signal};
    let interrupt = signal(SignalKind::interrupt()).ok();
    let terminate = signal(SignalKind::terminate()).ok();
    async move {
        let wait = |s: Option<tokio::signal::unix::Signal>| async move {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = wait(interrupt) => {},
            _ = wait(terminate) => {},
        }
        tracing::info!("shutting down");
    }
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    }
}
