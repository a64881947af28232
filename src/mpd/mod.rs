//! An MPD server as the party's catalog and player (`--mpd HOST:PORT`):
//! MPD itself, or Mopidy (and through it Spotify, YouTube, Tidal,
//! SoundCloud, Jellyfin...), Volumio or moOde, all of which speak MPD's
//! protocol.
//!
//! The box keeps one connection (mpd_client: typed, async, and it turns
//! MPD's `idle` into a stream of changes), reconnecting with backoff when
//! it is lost. The box's queue and order stay the truth: `player` keeps the
//! server's queue to the playing song and the next; `songs` reads what the
//! server answers; `playlists` lists, reads and writes its stored
//! playlists.

pub mod player;
pub mod playlists;
pub mod songs;

use std::sync::{Arc, RwLock};
use std::time::Duration;

use mpd_client::Client;
use mpd_client::client::{ConnectionEvent, Subsystem};
use mpd_client::protocol::command::Command as RawCommand;
use mpd_client::protocol::response::Frame;
use tokio::sync::{Notify, watch};
use tokio_util::sync::CancellationToken;

use crate::error::{Code, Error};
use crate::limits::{OUTPUT_BACKOFF_MAX, OUTPUT_TIMEOUT};
use crate::outputs::{Output, Outputs};

/// A connection to the MPD server, kept up in the background; cheap to
/// clone.
#[derive(Clone)]
pub struct Mpd {
    inner: Arc<Inner>,
}

struct Inner {
    address: String,
    password: Option<String>,
    client: RwLock<Option<Client>>,
    link: watch::Sender<Link>,
    /// Woken when the server's player or queue changes (its `idle`), or
    /// the connection comes back.
    changed: Notify,
    outputs: Outputs,
}

/// How the box's link to the server stands, as the host's page shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Link {
    pub connected: bool,
    /// Why it is down (the last error), while it is.
    pub error: Option<String>,
    /// The protocol version the server announced (Mopidy says 0.19.0).
    pub protocol: Option<String>,
}

/// Why a command to the server did not do what it should.
#[derive(Debug, thiserror::Error)]
pub enum MpdError {
    #[error("not connected to the MPD server")]
    Disconnected,
    #[error("the MPD server did not answer in time")]
    Timeout,
    /// The server refused the command (an `ACK`): its message.
    #[error("{0}")]
    Refused(String),
    #[error("the MPD connection failed: {0}")]
    Connection(String),
}

impl MpdError {
    /// The answer for a command that found the server down or slow.
    pub fn unreachable(self) -> Error {
        Error::refuse(
            Code::MpdUnreachable,
            format!("The MPD server cannot be reached just now ({self}); the box keeps trying."),
        )
    }
}

impl Mpd {
    /// Starts keeping a connection to `address` (`host:port`) until
    /// `shutdown`.
    pub fn start(
        address: String,
        password: Option<String>,
        outputs: Outputs,
        shutdown: CancellationToken,
    ) -> Mpd {
        let (link, _) = watch::channel(Link::default());
        let mpd = Mpd {
            inner: Arc::new(Inner {
                address,
                password,
                client: RwLock::new(None),
                link,
                changed: Notify::new(),
                outputs,
            }),
        };
        mpd.set_link(Link {
            connected: false,
            error: Some("connecting".into()),
            protocol: None,
        });
        tokio::spawn(mpd.clone().keep_connected(shutdown));
        mpd
    }

    pub fn address(&self) -> &str {
        &self.inner.address
    }

    pub fn link(&self) -> Link {
        self.inner.link.borrow().clone()
    }

    fn set_link(&self, link: Link) {
        self.inner.outputs.report(Output {
            kind: "mpd",
            name: self.inner.address.clone(),
            connected: link.connected,
            playing: false,
            error: link.error.clone(),
        });
        self.inner.link.send_replace(link);
    }

    /// Says whether the server plays the party now (the host's page shows it).
    pub(crate) fn set_playing(&self, playing: bool) {
        self.inner.outputs.playing("mpd", playing);
    }

    /// Resolves at the server's next change (or reconnection).
    pub async fn changed(&self) {
        self.inner.changed.notified().await;
    }

    /// Whether the server speaks MPD's protocol `major.minor` or later
    /// (0.20: windows on search; 0.21: filter expressions). Mopidy says
    /// 0.19.
    fn speaks(&self, major: u32, minor: u32) -> bool {
        let link = self.inner.link.borrow();
        link.protocol.as_deref().is_some_and(|v| {
            let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
            (parts.next().unwrap_or(0), parts.next().unwrap_or(0)) >= (major, minor)
        })
    }

    /// Sends one command and answers its response.
    pub async fn command(&self, command: RawCommand) -> Result<Frame, MpdError> {
        let client = self
            .inner
            .client
            .read()
            .expect("not poisoned")
            .clone()
            .ok_or(MpdError::Disconnected)?;
        match tokio::time::timeout(OUTPUT_TIMEOUT, client.raw_command(command)).await {
            Err(_) => Err(MpdError::Timeout),
            Ok(Ok(frame)) => Ok(frame),
            Ok(Err(mpd_client::client::CommandError::ErrorResponse { error, .. })) => {
                Err(MpdError::Refused(error.message.to_string()))
            }
            Ok(Err(e)) => Err(MpdError::Connection(e.to_string())),
        }
    }

    /// Connects, follows the server's changes, and reconnects with backoff
    /// (doubling up to `OUTPUT_BACKOFF_MAX`, with jitter, so many boxes do
    /// not knock at once) until `shutdown`.
    async fn keep_connected(self, shutdown: CancellationToken) {
        let mut backoff = Duration::from_millis(500);
        loop {
            let result = tokio::select! {
                _ = shutdown.cancelled() => return,
                result = self.connect() => result,
            };
            let error = match result {
                Ok((client, mut events)) => {
                    let protocol = client.protocol_version().to_string();
                    tracing::info!(address = %self.inner.address, %protocol, "🎶 connected to the MPD server");
                    *self.inner.client.write().expect("not poisoned") = Some(client);
                    self.set_link(Link {
                        connected: true,
                        error: None,
                        protocol: Some(protocol),
                    });
                    self.inner.changed.notify_waiters();
                    backoff = Duration::from_millis(500);
                    let closed = loop {
                        tokio::select! {
                            _ = shutdown.cancelled() => return,
                            event = events.next() => match event {
                                Some(ConnectionEvent::SubsystemChange(
                                    Subsystem::Player | Subsystem::Queue | Subsystem::Mixer,
                                )) => self.inner.changed.notify_waiters(),
                                Some(ConnectionEvent::SubsystemChange(_)) => {}
                                Some(ConnectionEvent::ConnectionClosed(e)) => break e.to_string(),
                                None => break "the server closed the connection".to_string(),
                            }
                        }
                    };
                    *self.inner.client.write().expect("not poisoned") = None;
                    closed
                }
                Err(e) => e,
            };
            tracing::warn!(address = %self.inner.address, %error, retry_in = ?backoff, "the MPD server is not reachable");
            self.set_link(Link {
                connected: false,
                error: Some(error),
                protocol: None,
            });
            self.inner.changed.notify_waiters();
            let jitter =
                Duration::from_millis(rand::random_range(0..=backoff.as_millis() as u64 / 4));
            tokio::select! {
                _ = shutdown.cancelled() => return,
                _ = tokio::time::sleep(backoff + jitter) => {}
            }
            backoff = (backoff * 2).min(OUTPUT_BACKOFF_MAX);
        }
    }

    async fn connect(&self) -> Result<mpd_client::client::Connection, String> {
        let stream = tokio::time::timeout(
            OUTPUT_TIMEOUT,
            tokio::net::TcpStream::connect(&self.inner.address),
        )
        .await
        .map_err(|_| "connecting timed out".to_string())?
        .map_err(|e| e.to_string())?;
        let _ = stream.set_nodelay(true);
        Client::connect_with_password_opt(stream, self.inner.password.as_deref())
            .await
            .map_err(|e| match e {
                mpd_client::client::ConnectWithPasswordError::IncorrectPassword => {
                    "the server refused the password (--mpd-password)".to_string()
                }
                other => other.to_string(),
            })
    }
}
