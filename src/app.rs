//! Start-up and shutdown, apart from HTTP. `App::build` opens the store
//! (migrating it), starts the library and binds the port; `App::run`
//! starts the side services, serves until told to stop, then stops them
//! in order: live sockets first, the HTTP side finishing its requests, the
//! services (each a guard that stops it when dropped), the store last,
//! checkpointed.

use std::future::Future;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::domain::player::Audio;
use crate::http::{self, AppState, RateLimits, connections};
use crate::library::Library;
use crate::mdns::{Advertiser, LanNames};
use crate::mpd::{self, Mpd};
use crate::outputs::{Output, Outputs};
use crate::realtime::Realtime;
use crate::store::Store;
use crate::{room_clock, snapcast, speaker};

/// A box with its database open and its port bound, ready to serve.
pub struct App {
    listener: TcpListener,
    tls: Option<Arc<tokio_rustls::rustls::ServerConfig>>,
    state: AppState,
}

impl App {
    pub async fn build(config: Config) -> anyhow::Result<App> {
        // A bad certificate stops the box at start, with the reason.
        let tls = match (&config.tls_cert, &config.tls_key) {
            (Some(cert), Some(key)) => Some(connections::tls_config(cert, key)?),
            _ => None,
        };
        let store = open_store(&config).await?;
        let library = Library::start(store.clone(), config.music.clone());
        let realtime = Realtime::new(store.clone());
        let outputs = Outputs::default();
        // The link to the MPD server closes with the live sockets.
        let mpd = config.mpd.clone().map(|address| {
            Mpd::start(
                address,
                config.mpd_password.clone(),
                outputs.clone(),
                realtime.shutdown.child_token(),
            )
        });
        let (listener, local_addr) = connections::listen(config.bind)
            .with_context(|| format!("cannot listen on {}", config.bind))?;
        Ok(App {
            listener,
            tls,
            state: AppState {
                lan_names: config.lan_names(),
                config: Arc::new(config),
                realtime,
                mpd,
                outputs,
                store,
                local_addr,
                rate_limits: RateLimits::default(),
                library,
            },
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.state.local_addr
    }

    /// The names the box holds on the LAN, followed as they change.
    pub fn lan_names(&self) -> LanNames {
        self.state.lan_names.clone()
    }

    pub fn store(&self) -> Store {
        self.state.store.clone()
    }

    /// The box's router, to call in-process (fuzzing) without serving.
    pub fn router(&self) -> anyhow::Result<axum::Router> {
        http::router(self.state.clone())
    }

    /// Serves until `shutdown` resolves, then stops everything in order.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let App {
            listener,
            tls,
            state,
        } = self;
        let (store, realtime, config) = (
            state.store.clone(),
            state.realtime.clone(),
            state.config.clone(),
        );
        let closing = realtime.shutdown.clone();
        // Live connections are told first: they close themselves, while the
        // HTTP side stops accepting and finishes its requests.
        let signal = async move {
            shutdown.await;
            closing.cancel();
        };
        let services = Services::start(&config, &state, &realtime.shutdown).await;
        if let Some(path) = &config.port_file {
            write_port_file(path, state.local_addr)?;
        }
        let router = http::router(state)?;
        connections::serve(listener, router, tls, &config, signal).await;
        // The advertiser says goodbye on the LAN: blocking, off the runtime.
        tokio::task::spawn_blocking(move || drop(services)).await?;
        realtime.tasks.close();
        if tokio::time::timeout(Duration::from_secs(5), realtime.tasks.wait())
            .await
            .is_err()
        {
            tracing::warn!("some live connections did not close in time");
        }
        store.close().await;
        if let Some(path) = &config.port_file {
            let _ = std::fs::remove_file(path);
        }
        Ok(())
    }
}

/// Opens (and migrates) the database and says what the box plays.
async fn open_store(config: &Config) -> anyhow::Result<Store> {
    let db = config.db.clone();
    let store = tokio::task::spawn_blocking(move || Store::open(&db)).await??;
    store
        .use_builtin_catalog(!config.no_builtin_catalog)
        .await?;
    // The server's songs met before are offered again only with --mpd.
    store.offer_mpd_songs(config.mpd.is_some()).await?;
    let audio = Audio::from_sources(config.music.len(), config.mpd.is_some());
    store.set_audio(audio);
    if audio == Audio::Demo {
        tracing::warn!(
            "🔇 demo mode: no music folder and no MPD server, so songs run on the clock with no sound; start the box with --music ~/Music (or --mpd localhost:6600)"
        );
    }
    Ok(store)
}

/// Where tools find the box (`--port-file`): its address, written whole
/// (a temporary file renamed) once it accepts connections.
fn write_port_file(path: &Path, addr: SocketAddr) -> anyhow::Result<()> {
    let partial = path.with_extension("partial");
    std::fs::write(&partial, format!("{addr}\n"))
        .and_then(|()| std::fs::rename(&partial, path))
        .with_context(|| format!("cannot write the port file {}", path.display()))
}

/// The side services, each stopped when its guard drops.
struct Services {
    _advertiser: Option<Advertiser>,
    _clock: room_clock::Clock,
    _speaker: Option<speaker::Speaker>,
    _mpd_player: Option<AbortOnDrop>,
    _snapcast: Option<snapcast::Snapcast>,
}

/// A task that stops when this drops.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl Services {
    async fn start(config: &Config, state: &AppState, shutdown: &CancellationToken) -> Services {
        let store = &state.store;
        Services {
            _advertiser: advertise(config, &state.lan_names, state.local_addr).await,
            _clock: room_clock::start(
                store.clone(),
                shutdown.clone(),
                Duration::from_secs(config.room_idle_secs),
            ),
            _speaker: play(config, store, &state.outputs, shutdown).await,
            _mpd_player: state.mpd.clone().map(|server| {
                AbortOnDrop(mpd::player::start(server, store.clone(), shutdown.clone()))
            }),
            _snapcast: config.snapcast.clone().and_then(|target| {
                snapcast::start(
                    store.clone(),
                    target,
                    shutdown,
                    tokio::runtime::Handle::current(),
                    state.outputs.clone(),
                )
                .inspect_err(|e| tracing::error!("--snapcast: {e}"))
                .ok()
            }),
        }
    }
}

/// Advertises the box on the LAN, unless only this machine can reach it
/// or the host said not to. A failure is logged: the box still works by
/// address.
async fn advertise(config: &Config, names: &LanNames, addr: SocketAddr) -> Option<Advertiser> {
    if config.no_mdns || addr.ip().is_loopback() {
        return None;
    }
    let (names, port) = (names.clone(), addr.port());
    match tokio::task::spawn_blocking(move || Advertiser::start(&names, port)).await {
        Ok(Ok(advertiser)) => Some(advertiser),
        Ok(Err(e)) => {
            tracing::warn!(error = %format!("{e:#}"), "not advertising on the LAN");
            None
        }
        Err(e) => {
            tracing::warn!(error = %e, "not advertising on the LAN");
            None
        }
    }
}

/// Plays the party on the box's own sound device (`--speaker`). A device
/// that cannot open is logged: phones and the host's page still work.
async fn play(
    config: &Config,
    store: &Store,
    outputs: &Outputs,
    shutdown: &CancellationToken,
) -> Option<speaker::Speaker> {
    if !config.speaker {
        return None;
    }
    let (store, device, shutdown) = (
        store.clone(),
        config.speaker_device.clone(),
        shutdown.clone(),
    );
    let runtime = tokio::runtime::Handle::current();
    let wanted = device
        .clone()
        .unwrap_or_else(|| "the default device".into());
    let reports = outputs.clone();
    let opened = tokio::task::spawn_blocking(move || {
        speaker::start(store, device, &shutdown, runtime, reports)
    })
    .await
    .map_err(anyhow::Error::from)
    .and_then(|opened| opened);
    let (speaker, error) = match opened {
        Ok(speaker) => {
            tracing::info!(device = %speaker.device, "🔊 playing the party on this box's speaker");
            (Some(speaker), None)
        }
        Err(e) => {
            tracing::error!("--speaker: {e:#}. The box keeps serving without its own sound.");
            (None, Some(format!("{e:#}")))
        }
    };
    outputs.report(Output {
        kind: "speaker",
        name: speaker.as_ref().map_or(wanted, |s| s.device.clone()),
        connected: speaker.is_some(),
        playing: false,
        error,
    });
    speaker
}
