//! What the API answers with: the seed's response shapes.
//!
//! A user's id is their credential, so these types only ever carry the id of
//! the user who asked (`user_id` in their own guest and join answers,
//! `host_user_id` in the room answer the host gets); everyone else is a
//! display name.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Guest {
    pub user_id: String,
    pub display_name: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Room {
    pub id: String,
    pub code: String,
    pub name: String,
    pub host_user_id: String,
    pub is_active: bool,
    pub created_at: String,
}

/// What anyone with the code may know of a room (a join link's preview).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoomInfo {
    pub code: String,
    pub name: String,
    pub is_active: bool,
    pub created_at: String,
}

/// A room as its join link shows it: its name, and what a guest needs to
/// get in, so the page asks for it before the first try.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoomDoor {
    #[serde(flatten)]
    pub info: RoomInfo,
    pub join: JoinDoor,
}

/// What joining takes, for whoever asks (their identity and network, when
/// the box knows them).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JoinDoor {
    /// You are in already: no gate applies.
    pub member: bool,
    /// The host removed you (or your phone, or your network) for good.
    pub banned: bool,
    /// The host has closed the party to new guests.
    pub open: bool,
    /// The party has as many guests as the host allows.
    pub full: bool,
    /// Joining needs the party's PIN.
    pub needs_pin: bool,
    /// Joining needs the code of the party's screen: scan its QR code.
    pub needs_screen_code: bool,
}

/// The box itself.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BoxInfo {
    pub name: String,
    pub version: String,
    /// Where phones on the LAN reach the box (its LAN address), when it
    /// knows one; else `null` and clients use the address they used.
    pub join_url: Option<String>,
    /// No audio source (no music folders): songs run on the clock, silent.
    pub demo: bool,
    /// The box's clock now (UTC, ms): every `started_at` is by it, so a page
    /// on a device whose clock differs (a Pi offline keeps its own time)
    /// works out positions by the box's clock, not its own.
    pub now: String,
    /// Where the party's sound goes besides the host's page: the box's
    /// speaker (`--speaker`), Snapcast (`--snapcast`), an MPD server
    /// (`--mpd`), each with whether it is reached and playing.
    pub outputs: Vec<crate::outputs::Output>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Joined {
    pub room_id: String,
    pub user_id: String,
}

/// A search result: the track, and for a close spelling rather than an
/// exact match, what the guest probably meant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SearchHit {
    #[serde(flatten)]
    pub track: Track,
    /// `null` for a match of what was typed; for a close spelling, the
    /// words it matched ("Beyoncé" for "beyounce").
    pub did_you_mean: Option<String>,
    /// Where the song stands in the party asked about (`room`), or `null`
    /// (free to add, or no room asked about).
    pub in_room: Option<InRoom>,
}

/// A song's place in a party, as search shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum InRoom {
    /// Playing now.
    Playing,
    /// Waiting in the queue at this place (1 is next).
    Queued { position: usize },
    /// Played at `played_at`; it may be added again at `back_at` (`null`
    /// once it may).
    Played {
        played_at: String,
        back_at: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Track {
    pub id: String,
    pub title: String,
    pub artist: String,
    pub album: Option<String>,
    pub year: Option<i64>,
    pub duration_ms: i64,
    /// Whether the box can play its audio (a file from the music folders).
    /// With music folders, search answers playable tracks only.
    pub playable: bool,
    /// Where the song comes from: `builtin` (the box's demo catalog, no
    /// audio), `file` (the host's music folders) or `mpd` (the MPD or
    /// Mopidy server the box plays through).
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemStatus {
    Queued,
    Playing,
    Played,
}

/// What changed in a room since the version a client shows (an answer
/// asked `?since=`), in the live socket's delta form (`realtime::delta`
/// says how to apply it). The body is built from the snapshots' JSON; this
/// states its shape for the API document.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoomDelta {
    #[serde(rename = "type")]
    pub kind: DeltaKind,
    /// The version the changes start from: the `since` asked.
    pub base: i64,
    /// The version they lead to (also in `X-Room-Version`).
    pub version: i64,
    pub queue: QueueChanges,
    /// What plays now (in `GET /rooms/{code}/state`'s answer only).
    #[schema(required = false)]
    pub now_playing: Option<QueueItem>,
}

/// Always `delta`: what tells a delta from a whole answer.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum DeltaKind {
    Delta,
}

/// A queue's changes: drop `remove`, replace or add `upsert` (by
/// `room_track_id`), then move each `[id, after]` of `place` in order right
/// after `after` (`null`: first); each item's `score` is then its place,
/// counted from the end.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueChanges {
    pub remove: Vec<String>,
    pub upsert: Vec<QueueItem>,
    #[schema(value_type = Vec<Vec<Option<String>>>)]
    pub place: Vec<(String, Option<String>)>,
}

/// The queue in an answer: whole, or (asked `?since=`) what changed.
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum QueueAnswer {
    Whole(Vec<QueueItem>),
    Changes(Box<RoomDelta>),
}

/// A track in a room: queued, or the one playing. The same for every
/// viewer; what is yours (your votes, your additions) is in `Me`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QueueItem {
    pub room_track_id: String,
    pub track_id: String,
    pub title: String,
    pub artist: String,
    pub album: Option<String>,
    pub duration_ms: i64,
    /// Net votes: ups minus downs.
    pub votes: i64,
    /// The value the queue is ordered by (`domain::queue`), higher first:
    /// the last queued item scores 1.
    pub score: i64,
    /// Why the item is where it is, in a few words ("2 votes · Bea's first
    /// pick tonight").
    pub reason: String,
    pub status: ItemStatus,
    pub created_at: String,
    /// When it started playing (the playing item only).
    pub started_at: Option<String>,
    /// Display name of the guest who added it ("Auto-DJ" for its picks).
    pub added_by: String,
    /// Whether the box has the audio (a file from the music folders): the
    /// host's page plays it from `/tracks/{track_id}/audio`.
    pub has_audio: bool,
    /// Whether the box can play it: the same as `has_audio`, named as every
    /// answer names it (a track without audio runs silent, on the clock).
    pub playable: bool,
    /// The gain (dB) that brings it to the party's loudness (ReplayGain 2's
    /// -18 LUFS), when known; players apply it while the room normalises.
    pub gain_db: Option<f64>,
    /// Picked by the auto-DJ because the queue ran dry.
    pub auto_dj: bool,
    /// While the host has paused it: the position it stopped at (ms).
    pub paused_ms: Option<i64>,
    /// Where its audio comes from, as for a track (`builtin`, `file`,
    /// `mpd`): the host's page plays `file` items only; `mpd` items play
    /// on the box's MPD server.
    pub source: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Advanced {
    pub now_playing: Option<QueueItem>,
    pub queue: Vec<QueueItem>,
}

pub use crate::domain::role::Role;

/// The asking user's own side of a room.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    pub display_name: String,
    /// Your public id in the room (`null` when not a member).
    pub member_id: Option<String>,
    /// `null` when not a member (joining makes you a guest).
    pub role: Option<Role>,
    /// Your votes on items still queued or playing: `room_track_id` to 1 or -1.
    pub votes: std::collections::BTreeMap<String, i64>,
    /// Those of your votes on waiting songs that do not count (yet), and
    /// why: `"network"` (your network already has its share of voices; the
    /// host can let it count in full), `"device"` (another account on this
    /// device voted on it) or `"new"` (you just joined: it counts soon).
    pub waiting_votes: std::collections::BTreeMap<String, String>,
    /// When your just-joined votes start to count (RFC 3339, UTC), while
    /// some wait for it; else `null`.
    pub votes_count_at: Option<String>,
    /// The `room_track_id`s you added that are still queued or playing.
    pub added: Vec<String>,
    /// What your role lets you do (nothing special when not a member).
    pub can: crate::domain::role::Powers,
}

/// Party Wrapped: the night in numbers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Wrapped {
    pub room_name: String,
    /// Members of the room (host included).
    pub guests: i64,
    /// Tracks that started playing.
    pub tracks_played: i64,
    /// Time actually played, in ms (a skipped track counts until its skip).
    pub played_ms: i64,
    /// Tracks the room voted to skip (never among the top tracks).
    pub tracks_skipped: i64,
    /// Most-voted tracks of the night, best first (at most 5).
    pub top_tracks: Vec<WrappedTrack>,
    /// Who added the most (at most 5).
    pub top_contributors: Vec<Contributor>,
    /// The track with the most votes both ways, if any had both.
    pub most_divisive: Option<WrappedTrack>,
    /// The guest whose up-votes went to the most tracks that then played.
    pub best_backer: Option<Backer>,
    /// The hour with the most adds and votes.
    pub busiest_hour: Option<HourActivity>,
    /// Adds and votes per hour, in order (UTC hours; clients show local time).
    pub activity: Vec<HourActivity>,
    /// The song that got the most reactions, if any got one.
    pub most_loved: Option<LovedSong>,
    /// The busiest 15 seconds of reactions in any song.
    pub loved_moment: Option<LovedMoment>,
}

/// A guest's emoji on the playing song, as the box kept it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Reaction {
    pub room_track_id: String,
    #[schema(example = "🔥")]
    pub emoji: String,
    /// How far into the song.
    pub position_ms: i64,
    pub created_at: String,
}

/// The night's most-loved song.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LovedSong {
    pub title: String,
    pub artist: String,
    /// Who added it; `null` when the auto-DJ picked it.
    pub added_by: Option<String>,
    pub reactions: usize,
    /// The emoji it got most.
    pub emoji: String,
}

/// The night's most-loved moment: a stretch of a song.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LovedMoment {
    pub title: String,
    pub artist: String,
    /// Where the stretch starts, in ms into the song.
    pub position_ms: i64,
    /// Reactions within the 15 seconds from there.
    pub reactions: usize,
    /// The emoji sent most within it.
    pub emoji: String,
}

/// A song the party played, in the order it played: the night's set list.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlayedSong {
    pub title: String,
    pub artist: String,
    pub album: Option<String>,
    pub duration_ms: i64,
    /// Who added it; `null` when the auto-DJ picked it.
    pub added_by: Option<String>,
    /// Net votes it had.
    pub votes: i64,
    /// When it started (UTC).
    pub played_at: String,
    /// The room voted it off before its end.
    pub skipped: bool,
    /// Its file, relative to the music folder it is in (`Artist/Album/01
    /// Song.flac`), or for the MPD server's song its URI there
    /// (`local:track:…`, `spotify:track:…`); `null` for a song the box has
    /// no file for (the built-in catalog).
    pub file: Option<String>,
    /// The MPD server's URI, for a song from it (in `file` once answered).
    #[serde(skip)]
    pub uri: Option<String>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WrappedTrack {
    pub title: String,
    pub artist: String,
    pub added_by: String,
    /// Net votes.
    pub votes: i64,
    pub ups: i64,
    pub downs: i64,
    pub played: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contributor {
    pub display_name: String,
    pub added: i64,
    pub played: i64,
    /// Net votes their tracks received.
    pub votes_received: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Backer {
    pub display_name: String,
    /// Tracks they voted up that then played.
    pub winners: i64,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HourActivity {
    /// The hour's start, UTC (`2026-11-24T21:00:00Z`).
    pub hour: String,
    pub adds: i64,
    pub votes: i64,
}

/// A member of a room, as others may see them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    /// Public and stable (a user id is a credential and never shown).
    pub member_id: String,
    pub display_name: String,
    pub role: Role,
    pub joined_at: String,
    /// Connected to the room's live updates right now.
    pub online: bool,
    /// You may kick or ban them (`domain::role`): they are below you.
    pub you_may_remove: bool,
    /// You may make them a co-host or a guest again: you are the host.
    pub you_may_change_role: bool,
}

/// A ban in force, for the host and co-hosts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BanView {
    /// Lift it with `DELETE /rooms/{code}/bans/{ban_id}`.
    pub ban_id: String,
    /// Their name when banned.
    pub display_name: String,
    pub reason: Option<String>,
    pub banned_at: String,
}

/// A network guests share (one address, or an IPv6 /64), for the host:
/// "12 guests share one network address: let them all count?"
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NetworkView {
    /// The address (IPv4), or the IPv6 /64.
    pub network: String,
    /// Devices with the room open from it now.
    pub devices_here: usize,
    /// The voices they count as now.
    pub voices_here: usize,
    /// Votes on waiting songs held back by the network's share.
    pub held_votes: i64,
    /// The host lets it count in full.
    pub counts_in_full: bool,
}

/// A room's settings as a member sees them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SettingsView {
    #[serde(flatten)]
    pub settings: crate::domain::settings::Settings,
    /// Whether joining needs a PIN (the PIN itself only shows to the host
    /// and co-hosts).
    pub join_pin_set: bool,
    /// Whether the guest Wi-Fi has a password (it only shows to the host).
    pub wifi_password_set: bool,
}

/// The guest Wi-Fi, for the party's screen to show: the host and screens
/// only.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WifiCard {
    pub name: String,
    /// `null` for an open network.
    pub password: Option<String>,
    /// What the QR code holds (`WIFI:T:WPA;S:...;P:...;;`): phone cameras
    /// offer to join the network.
    pub qr: String,
}

/// One line of the moderation log.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditEntry {
    pub at: String,
    /// Who did it (display name).
    pub actor: String,
    /// What, e.g. "removed a song", "kicked", "promoted to co-host".
    pub action: String,
    /// To whom or what: a member's name or a song.
    pub target: Option<String>,
    /// The reason given, or the new value.
    pub detail: Option<String>,
}

/// The TV's join code: shown as a QR code, changes every minute.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JoinToken {
    pub token: String,
    /// Seconds until it changes.
    pub expires_in: i64,
}

/// Where the room's vote to skip the playing track stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SkipStatus {
    /// Voices of the people here who asked to skip the playing track.
    pub votes: usize,
    /// How many voices must ask, out of those here now.
    pub needed: usize,
    /// This request's ask was the one that skipped it.
    pub skipped: bool,
    pub now_playing: Option<QueueItem>,
}

/// A playlist just loaded into a party: how much of it the box found.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LoadedPlaylist {
    pub id: String,
    pub name: String,
    /// Songs the file names.
    pub entries: usize,
    /// Of them, found in the catalog.
    pub matched: usize,
    /// What matched nothing ("Artist - Title", else the file's location;
    /// at most 100).
    pub unmatched: Vec<String>,
    /// Songs put in the queue (when asked to queue it).
    pub queued: usize,
}

/// A playlist in a party.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlaylistView {
    pub id: String,
    pub name: String,
    pub entries: usize,
    pub matched: usize,
}

/// A playlist's songs, as search shows them (each with its place in the
/// party), for guests to add from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PlaylistDetail {
    pub id: String,
    pub name: String,
    pub tracks: Vec<SearchHit>,
    /// What matched nothing: for the host and co-hosts; `null` for guests.
    pub unmatched: Option<Vec<String>>,
}

/// A playlist the host can load: a file in the music folders, or a
/// stored playlist on the MPD server.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FolderPlaylist {
    /// Its path in its music folder (`Playlists/Wedding.m3u8`); for the
    /// MPD server's, its name there.
    pub file: String,
    /// Its name, from the file's.
    pub name: String,
    /// `folder` or `mpd` (load it with `mpd_playlist`).
    pub source: &'static str,
}

/// Tonight, saved as a stored playlist on the MPD server.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SavedPlaylist {
    /// Its name on the server.
    pub name: String,
    /// Songs saved: those the server played, in the order they played.
    pub saved: usize,
    /// Songs of the night left out: not the server's (the host's files,
    /// the built-in catalog).
    pub left_out: usize,
}

/// A song on the MPD server, by its URI (a path in MPD's music folder, or
/// a backend's URI in Mopidy: `spotify:track:…`, `local:track:…`).
#[derive(Debug, Clone, PartialEq)]
pub struct MpdSong {
    pub uri: String,
    pub title: String,
    pub artist: String,
    pub album: Option<String>,
    pub year: Option<i64>,
    pub duration_ms: i64,
}

/// Ids of MPD songs: derived from the URI, so a song found again (by
/// another search, a playlist, after a restart) keeps its id.
const MPD_NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6d70_645f_736f_6e67_5f69_645f_7631_0001);

impl MpdSong {
    /// The catalog id of the song at `uri`.
    pub fn track_id(uri: &str) -> String {
        uuid::Uuid::new_v5(&MPD_NAMESPACE, uri.as_bytes()).to_string()
    }
}

/// A page of search results: `number` from 0, `size` hits a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub number: usize,
    pub size: usize,
}

impl Page {
    pub fn start(self) -> usize {
        self.number * self.size
    }

    pub fn end(self) -> usize {
        self.start() + self.size
    }
}
