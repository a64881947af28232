//! Democratic Tunes: a democratic jukebox for house parties, in one binary.
//!
//! `main.rs` only wires these together; tests and tools link the library.

// Functions stay short enough to read whole (clippy.toml: 80 lines).
#![warn(clippy::too_many_lines)]

/// Start-up and shutdown: the store, the side services, serving.
pub mod app;
/// The built-in catalog: where tracks come from.
pub mod catalog;
/// Command line and environment, parsed once.
pub mod config;
/// The party's rules as pure functions.
pub mod domain;
/// The one error type, and how it becomes an HTTP answer.
pub mod error;
/// Routes, handlers, serving.
pub mod http;
/// How phones on the LAN reach the box.
pub mod lan;
/// The host's own music folders: scanning, watching, reading files.
pub mod library;
/// How much of everything: sizes, counts and timings.
pub mod limits;
/// Advertising the box on the LAN (mDNS).
pub mod mdns;
/// The API's response shapes.
pub mod model;
/// An MPD or Mopidy server as catalog and player (--mpd).
pub mod mpd;
/// Where the sound goes: speaker, Snapcast, MPD, as the host sees them.
pub mod outputs;
/// Playlist files: the night written out (M3U8, XSPF, CSV).
pub mod playlists;
/// Live rooms: fan-out of room state to WebSockets.
pub mod realtime;
/// The room clock: the box moves rooms on and starts idle ones.
pub mod room_clock;
/// The seed's contract: the first version's routes and their quirks.
pub mod seed;
/// The party to Snapcast (--snapcast), on the speaker's engine.
pub mod snapcast;
/// The box's own sound device (--speaker).
pub mod speaker;
/// The only code that touches SQLite.
pub mod store;
/// One way to say when: `Timestamp`.
pub mod timestamp;

pub use app::App;
pub use config::{Config, TrustedProxies};
