//! The HTTP face of the box: state, router assembly, layers, serving and
//! graceful shutdown. Each resource module owns its routes.

mod auth;
mod connections;
mod extract;
mod health;
mod library;
mod live;
mod moderation;
mod playback;
mod rate_limits;
mod rooms;
mod security;
mod tracks;
mod votes;
mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use tokio::net::TcpListener;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::Config;
use crate::domain::player::Audio;
use crate::error::Error;
use crate::library::Library;
use crate::limits::MAX_BODY_BYTES;
use crate::mdns::Advertiser;
use crate::realtime::Realtime;
use crate::store::Store;

pub use extract::{UID_COOKIE, UID_HEADER};

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
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(health::router())
        .merge(auth::router())
        .merge(rooms::router())
        .merge(tracks::router())
        .merge(moderation::router())
        .merge(votes::router())
        .merge(live::router())
        .merge(library::router())
        .merge(playback::router())
        .split_for_parts()
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
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            rate_limits::limit,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            security::guard,
        ));
    let router = match cors {
        Some(cors) => router.layer(cors),
        None => router,
    };
    Ok(router
        // Spans name the path only: a query may carry a user id (the live
        // socket's `uid`), and ids are credentials that never reach a log.
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
        .with_state(state))
}

/// A box with its database open and its port bound, ready to serve.
pub struct Server {
    listener: TcpListener,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    state: AppState,
}

impl Server {
    /// Opens the store (migrating it) and binds the listener.
    pub async fn bind(config: Config) -> anyhow::Result<Server> {
        // A bad certificate stops the box at start, with the reason.
        let tls = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => Some(connections::tls_config(cert, key)?),
            _ => None,
        };
        let db = config.db.clone();
        let store = tokio::task::spawn_blocking(move || Store::open(&db)).await??;
        store
            .use_builtin_catalog(!config.no_builtin_catalog)
            .await?;
        let audio = Audio::from_folders(config.music.len());
        store.set_audio(audio);
        if audio == Audio::Demo {
            tracing::warn!(
                "🔇 demo mode: no music folder, so songs run on the clock with no sound; start the box with --music ~/Music"
            );
        }
        let library = Library::start(store.clone(), config.music.clone());
        let listener = TcpListener::bind(config.bind)
            .await
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        let local_addr = listener.local_addr()?;
        Ok(Server {
            listener,
            tls,
            state: AppState {
                config: Arc::new(config),
                realtime: Realtime::new(store.clone()),
                store,
                local_addr,
                rate_limits: rate_limits::RateLimits::default(),
                library,
            },
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.state.local_addr
    }

    pub fn store(&self) -> Store {
        self.state.store.clone()
    }

    /// The box's router, to call in-process (fuzzing) without serving.
    pub fn router(&self) -> anyhow::Result<Router> {
        router(self.state.clone())
    }

    /// Serves until `shutdown` resolves, then lets in-flight requests finish
    /// and closes the database (checkpointed).
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let store = self.state.store.clone();
        let realtime = self.state.realtime.clone();
        let closing = realtime.shutdown.clone();
        // Live connections are told first: they close themselves, while the
        // HTTP side stops accepting and finishes its requests.
        let signal = async move {
            shutdown.await;
            closing.cancel();
        };
        let config = self.state.config.clone();
        // Nothing to advertise when only this machine can connect.
        let advertise = !config.no_mdns && !self.state.local_addr.ip().is_loopback();
        let advertiser = match advertise {
            false => None,
            true => {
                let (name, host, port) = (
                    config.name.clone(),
                    config.hostname.clone(),
                    self.state.local_addr.port(),
                );
                match tokio::task::spawn_blocking(move || Advertiser::start(&name, &host, port))
                    .await?
                {
                    Ok(advertiser) => Some(advertiser),
                    Err(e) => {
                        // The box still works by address; say why the name does not.
                        tracing::warn!(error = %format!("{e:#}"), "not advertising on the LAN");
                        None
                    }
                }
            }
        };
        let clock = crate::room_clock::start(
            store.clone(),
            realtime.shutdown.clone(),
            Duration::from_secs(config.room_idle_secs),
        );
        if config.speaker {
            let (store, device, closing) = (
                self.state.store.clone(),
                config.speaker_device.clone(),
                realtime.shutdown.clone(),
            );
            let runtime = tokio::runtime::Handle::current();
            let opened = tokio::task::spawn_blocking(move || {
                crate::speaker::start(store, device, closing, runtime)
            })
            .await?;
            match opened {
                Ok(name) => {
                    tracing::info!(device = %name, "🔊 playing the party on this box's speaker")
                }
                // The party goes on: phones and the host's page still work.
                Err(e) => tracing::error!(
                    "--speaker: {e:#}. The box keeps serving without its own sound."
                ),
            }
        }
        let router = router(self.state)?;
        connections::serve(self.listener, router, self.tls, &config, signal).await;
        if let Some(advertiser) = advertiser {
            tokio::task::spawn_blocking(move || advertiser.stop()).await?;
        }
        let _ = clock.await;
        realtime.tasks.close();
        if tokio::time::timeout(Duration::from_secs(5), realtime.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("some live connections did not close in time");
        }
        store.close().await;
        Ok(())
    }
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
