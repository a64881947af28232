//! Black-box tests: each starts the real server on 127.0.0.1:0 with a fresh
//! SQLite file and talks HTTP to it.

mod helpers;
#[path = "../support/skip.rs"]
mod skip;

mod auth;
mod bans;
mod binary;
mod connections;
mod crash;
mod disk_full;
mod docs;
mod doors;
mod errors;
mod fair;
mod growth;
mod hostile;
mod library;
mod live;
mod lossy_disk;
mod loudness;
mod lyrics;
mod moderation;
mod mpd;
mod mpd_server;
mod pins;
mod playback;
mod playlists;
mod rate_limits;
mod reactions;
mod restart;
mod rooms;
mod search;
mod seed;
mod snapcast;
mod sound;
mod speaker;
mod tracks;
mod voices;
mod votes;
mod web;
mod wifi;
mod wrapped;
