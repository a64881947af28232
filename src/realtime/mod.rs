//! Live rooms: every connected phone sees the room change within a blink.
//!
//! One hub per room with connections. The hub follows the room's snapshots
//! (published by the store after each committed batch) and its presence
//! (who is connected), and turns them into one frame, serialized once and
//! shared by every socket through a `watch` channel. A `watch` keeps only
//! the latest frame: a slow phone skips to the newest state instead of
//! queueing, and can never hold up the writer or the other phones.
//!
//! The first frame is the whole room:
//! `{"type": "snapshot", "version": N, "queue": [...], "now_playing": ...,
//!   "presence": {"count": n, "names": [...]}, "skip": {"votes", "needed"},
//!   "settings": {...}}`. `version` is the room's version (it only grows;
//! presence changes resend the same version). Later frames are whole too,
//! unless the socket asked for deltas (`?frames=delta`): then each is
//! `{"type": "delta", "base": B, "version": N, "queue": {...}}` with the
//! other parts only when they changed (see `delta`). Deltas are computed
//! per socket against what it was sent (a slow phone skips frames), and
//! the hub keeps the latest so phones in step share it. A person may also
//! get personal messages: `{"type": "notice" | "removed", "message"}`.
//!
//! Events are not state: a reaction (`{"type": "reaction", "emoji",
//! "room_track_id"}`) goes to every socket in the room once, through a
//! bounded broadcast; a socket that falls behind skips the ones it missed
//! (they are a moment's decoration, kept in SQLite for Wrapped).

pub mod delta;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::ws::Utf8Bytes;
use serde::Serialize;
use tokio::sync::{Notify, broadcast, mpsc, watch};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use crate::domain::settings::Settings;
use crate::domain::voices::{self, Present, Voter};
use crate::error::Result;
use crate::store::{Member, RoomSnapshot, Store};

/// At most one push per room per this long; bursts of votes coalesce, and
/// the last push always carries the latest state.
pub const COALESCE: Duration = Duration::from_millis(50);

/// The live side of the box: hubs by room, and the sockets' lifetime.
#[derive(Clone)]
pub struct Realtime {
    store: Store,
    hubs: Arc<Mutex<HashMap<String, Arc<Hub>>>>,
    /// Cancelled at shutdown: every socket says goodbye and closes.
    pub shutdown: CancellationToken,
    /// Every socket's task, so shutdown can wait for them.
    pub tasks: TaskTracker,
    tickets: Arc<Mutex<HashMap<String, Ticket>>>,
}

/// A single-use pass to open one room's live socket: a browser cannot set
/// headers on a WebSocket, and a user id in the URL would end up in
/// proxies' logs.
struct Ticket {
    user: uuid::Uuid,
    room_id: String,
    expires: std::time::Instant,
}

/// How long a ticket stays good.
pub const TICKET_LIFETIME: Duration = Duration::from_secs(30);
/// How long a spare ticket stays good: one an open socket hands its phone
/// (`?spare=1`) for its next socket, so a phone back from a Wi-Fi outage
/// opens it without first asking for a ticket over HTTP, a request that
/// waits behind the others on a bad link.
pub const SPARE_TICKET_LIFETIME: Duration = Duration::from_secs(120);
/// Tickets held at most (unused ones expire; a flood cannot grow this).
const MAX_TICKETS: usize = 100_000;

/// One room's fan-out.
pub struct Hub {
    room_id: String,
    presence: Mutex<Presence>,
    presence_changed: Notify,
    frames: watch::Receiver<Frames>,
    stop: CancellationToken,
    /// The latest queue delta made: (from version, to version, JSON).
    last_delta: Mutex<Option<(i64, i64, Bytes)>>,
    /// Room events (reactions) for every socket.
    events: broadcast::Sender<Frame>,
}

/// Events a socket may fall behind by before it skips some.
const EVENT_BACKLOG: usize = 64;

/// One text frame.
pub type Frame = Utf8Bytes;

/// The room now, as sockets send it: whole, and in the parts a delta
/// picks from.
#[derive(Clone)]
pub struct Frames {
    pub full: Frame,
    pub snapshot: Arc<RoomSnapshot>,
    presence: Bytes,
    skip: Bytes,
}

#[derive(Default)]
struct Presence {
    next_id: u64,
    connections: HashMap<u64, Seat>,
}

/// One socket in a room: whose it is, and its line for personal messages.
struct Seat {
    present: Present,
    name: String,
    personal: mpsc::Sender<Personal>,
}

/// A message for one person's sockets only.
#[derive(Debug, Clone)]
pub enum Personal {
    /// Something they should know (`{"type": "notice", "message"}`).
    Notice(String),
    /// They are out of the room (`{"type": "removed", "message"}`, then the
    /// socket closes).
    Removed(String),
}

impl Personal {
    /// The frame to send.
    pub fn frame(&self) -> Utf8Bytes {
        let (kind, message) = match self {
            Personal::Notice(m) => ("notice", m),
            Personal::Removed(m) => ("removed", m),
        };
        serde_json::json!({"type": kind, "message": message})
            .to_string()
            .into()
    }
}

/// Personal messages waiting per socket; more are dropped (they are
/// courtesy notes, and the snapshot carries the truth).
const PERSONAL_BACKLOG: usize = 8;

/// Where the room's vote to skip the playing track stands.
#[derive(Serialize)]
struct SkipView {
    /// Voices of the people here who asked.
    votes: usize,
    /// Out of the voices here now.
    needed: usize,
}

#[derive(Serialize)]
struct PresenceView {
    /// Voices here (`domain::voices`): a person with two tabs counts once,
    /// thirty tabs on one phone a few times at most, a screen not at all.
    count: usize,
    /// The people here (screens are not people).
    names: Vec<String>,
}

impl Presence {
    fn people(&self) -> impl Iterator<Item = &Seat> {
        self.connections.values().filter(|s| !s.present.screen)
    }

    fn view(&self, settings: &Settings) -> PresenceView {
        let mut people: HashMap<&str, &str> = HashMap::new();
        for seat in self.people() {
            people.insert(&seat.present.user_id, &seat.name);
        }
        let mut names: Vec<String> = people.values().map(|n| n.to_string()).collect();
        names.sort_by_key(|n| n.to_lowercase());
        PresenceView {
            count: voices::count(self.people().map(|s| &s.present.voter), settings.cap()),
            names,
        }
    }

    /// The voices here among the people who asked to skip.
    fn skip_view(&self, snapshot: &RoomSnapshot, here: usize) -> SkipView {
        let askers = self
            .people()
            .filter(|s| snapshot.skip_askers.contains(&s.present.user_id))
            .map(|s| &s.present.voter);
        SkipView {
            votes: voices::count(askers, snapshot.settings.cap()),
            needed: snapshot.settings.skips_needed(here),
        }
    }
}

/// A socket's place in a hub; leaving the room when dropped.
pub struct Connection {
    hub: Arc<Hub>,
    id: u64,
    realtime: Realtime,
    personal: Option<mpsc::Receiver<Personal>>,
    events: Option<broadcast::Receiver<Frame>>,
}

impl Connection {
    /// The room's events (the first call takes them).
    pub fn take_events(&mut self) -> Option<broadcast::Receiver<Frame>> {
        self.events.take()
    }

    /// Messages for this person only (the first call takes them).
    pub fn take_personal(&mut self) -> Option<mpsc::Receiver<Personal>> {
        self.personal.take()
    }

    /// Frames to send, starting with the current one.
    pub fn frames(&self) -> watch::Receiver<Frames> {
        self.hub.frames.clone()
    }

    /// What turns `last` (what this socket sent) into `next`.
    pub fn delta(&self, last: &Frames, next: &Frames) -> Frame {
        let (from, to) = (&last.snapshot, &next.snapshot);
        let mut out = Vec::with_capacity(512);
        out.extend_from_slice(b"{\"type\":\"delta\",\"base\":");
        out.extend_from_slice(from.version.to_string().as_bytes());
        out.extend_from_slice(b",\"version\":");
        out.extend_from_slice(to.version.to_string().as_bytes());
        if from.version != to.version {
            out.extend_from_slice(b",\"queue\":");
            out.extend_from_slice(&self.hub.queue_delta(from, to));
        }
        if from.now_playing_json != to.now_playing_json {
            out.extend_from_slice(b",\"now_playing\":");
            out.extend_from_slice(&to.now_playing_json);
        }
        for (key, old, new) in [
            (&b"presence"[..], &last.presence, &next.presence),
            (b"skip", &last.skip, &next.skip),
            (
                b"settings",
                &from.public_settings_json,
                &to.public_settings_json,
            ),
        ] {
            if old != new {
                out.extend_from_slice(b",\"");
                out.extend_from_slice(key);
                out.extend_from_slice(b"\":");
                out.extend_from_slice(new);
            }
        }
        out.push(b'}');
        Utf8Bytes::try_from(Bytes::from(out)).expect("JSON is UTF-8")
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        let empty = {
            let mut presence = self.hub.presence.lock().expect("presence lock");
            presence.connections.remove(&self.id);
            presence.connections.is_empty()
        };
        self.hub.presence_changed.notify_one();
        if empty {
            self.realtime.retire(&self.hub);
        }
    }
}

impl Realtime {
    pub fn new(store: Store) -> Self {
        Realtime {
            store,
            hubs: Arc::default(),
            shutdown: CancellationToken::new(),
            tasks: TaskTracker::new(),
            tickets: Arc::default(),
        }
    }

    /// A ticket for `user` to open `room_id`'s socket, good once within
    /// `TICKET_LIFETIME`.
    pub fn issue_ticket(&self, user: uuid::Uuid, room_id: &str) -> String {
        self.issue(user, room_id, TICKET_LIFETIME)
    }

    /// A spare ticket, good once within `SPARE_TICKET_LIFETIME`.
    pub fn issue_spare_ticket(&self, user: uuid::Uuid, room_id: &str) -> String {
        self.issue(user, room_id, SPARE_TICKET_LIFETIME)
    }

    fn issue(&self, user: uuid::Uuid, room_id: &str, lifetime: Duration) -> String {
        let now = std::time::Instant::now();
        let mut tickets = self.tickets.lock().expect("tickets lock");
        if tickets.len() >= MAX_TICKETS / 2 {
            tickets.retain(|_, t| t.expires > now);
        }
        if tickets.len() >= MAX_TICKETS {
            // Only unexpired tickets are left: the oldest make room.
            let oldest = tickets
                .iter()
                .min_by_key(|(_, t)| t.expires)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                tickets.remove(&k);
            }
        }
        let ticket = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        tickets.insert(
            ticket.clone(),
            Ticket {
                user,
                room_id: room_id.to_string(),
                expires: now + lifetime,
            },
        );
        ticket
    }

    /// The user a ticket was issued to, if it is good for this room now;
    /// used up either way.
    pub fn redeem_ticket(&self, ticket: &str, room_id: &str) -> Option<uuid::Uuid> {
        let t = self.tickets.lock().expect("tickets lock").remove(ticket)?;
        (t.room_id == room_id && t.expires > std::time::Instant::now()).then_some(t.user)
    }

    /// Adds a member's socket to its room's hub (starting the hub if it is
    /// the first).
    pub async fn connect(
        &self,
        member: &Member,
        code: &str,
        network: String,
    ) -> Result<Connection> {
        // Subscribing may load the room: do it before taking the lock.
        let snapshots = self.store.subscribe(code).await?;
        // Under the hubs lock, so a hub being retired is never joined.
        let mut hubs = self.hubs.lock().expect("hubs lock");
        let hub = match hubs.get(&member.room_id) {
            Some(hub) => hub.clone(),
            None => self.start_hub(&mut hubs, member, snapshots),
        };
        let (personal_tx, personal) = mpsc::channel(PERSONAL_BACKLOG);
        let id = {
            let mut presence = hub.presence.lock().expect("presence lock");
            presence.next_id += 1;
            let id = presence.next_id;
            presence.connections.insert(
                id,
                Seat {
                    present: Present {
                        user_id: member.user_id.clone(),
                        voter: Voter {
                            network,
                            device: member.device.clone(),
                        },
                        screen: member.screen,
                    },
                    name: member.display_name.clone(),
                    personal: personal_tx,
                },
            );
            id
        };
        drop(hubs);
        hub.presence_changed.notify_one();
        let events = hub.events.subscribe();
        Ok(Connection {
            hub,
            id,
            realtime: self.clone(),
            personal: Some(personal),
            events: Some(events),
        })
    }

    /// The users connected to a room now (ids stay inside the box).
    pub fn online(&self, room_id: &str) -> HashSet<String> {
        self.present(room_id)
            .into_iter()
            .map(|p| p.user_id)
            .collect()
    }

    /// Everyone with the room open now, one entry per socket.
    pub fn present(&self, room_id: &str) -> Vec<Present> {
        let hubs = self.hubs.lock().expect("hubs lock");
        hubs.get(room_id).map_or_else(Vec::new, |hub| {
            let presence = hub.presence.lock().expect("presence lock");
            presence
                .connections
                .values()
                .map(|seat| seat.present.clone())
                .collect()
        })
    }

    /// A person renamed themselves: the people lists show the new name.
    pub fn renamed(&self, user_id: &str, name: &str) {
        let hubs = self.hubs.lock().expect("hubs lock");
        for hub in hubs.values() {
            let mut presence = hub.presence.lock().expect("presence lock");
            let mut changed = false;
            for seat in presence.connections.values_mut() {
                if seat.present.user_id == user_id {
                    seat.name = name.to_string();
                    changed = true;
                }
            }
            if changed {
                hub.presence_changed.notify_one();
            }
        }
    }

    /// Sends a reaction to every socket in the room (none open: nobody
    /// to see it).
    pub fn announce(&self, room_id: &str, reaction: &crate::model::Reaction) {
        let hubs = self.hubs.lock().expect("hubs lock");
        if let Some(hub) = hubs.get(room_id) {
            let frame = serde_json::json!({
                "type": "reaction",
                "emoji": reaction.emoji,
                "room_track_id": reaction.room_track_id,
            })
            .to_string();
            let _ = hub.events.send(frame.into());
        }
    }

    /// Sends `message` to every socket `user_id` has open in the room.
    pub fn tell(&self, room_id: &str, user_id: &str, message: Personal) {
        let hubs = self.hubs.lock().expect("hubs lock");
        if let Some(hub) = hubs.get(room_id) {
            let presence = hub.presence.lock().expect("presence lock");
            for seat in presence.connections.values() {
                if seat.present.user_id == user_id {
                    let _ = seat.personal.try_send(message.clone());
                }
            }
        }
    }

    fn start_hub(
        &self,
        hubs: &mut HashMap<String, Arc<Hub>>,
        member: &Member,
        snapshots: watch::Receiver<Arc<RoomSnapshot>>,
    ) -> Arc<Hub> {
        let first = frame(snapshots.borrow().clone(), &Presence::default());
        let (frames_tx, frames) = watch::channel(first);
        let hub = Arc::new(Hub {
            room_id: member.room_id.clone(),
            presence: Mutex::default(),
            presence_changed: Notify::new(),
            frames,
            stop: self.shutdown.child_token(),
            last_delta: Mutex::default(),
            events: broadcast::channel(EVENT_BACKLOG).0,
        });
        hubs.insert(member.room_id.clone(), hub.clone());
        tokio::spawn(run_hub(hub.clone(), snapshots, frames_tx));
        hub
    }

    /// Stops a hub whose last socket left (unless one joined meanwhile).
    fn retire(&self, hub: &Arc<Hub>) {
        let mut hubs = self.hubs.lock().expect("hubs lock");
        let still_empty = hub
            .presence
            .lock()
            .expect("presence lock")
            .connections
            .is_empty();
        if still_empty
            && hubs
                .get(&hub.room_id)
                .is_some_and(|current| Arc::ptr_eq(current, hub))
        {
            hubs.remove(&hub.room_id);
            hub.stop.cancel();
        }
    }
}

/// Turns snapshot and presence changes into frames, at most one per
/// `COALESCE`, always ending on the latest state.
async fn run_hub(
    hub: Arc<Hub>,
    mut snapshots: watch::Receiver<Arc<RoomSnapshot>>,
    frames: watch::Sender<Frames>,
) {
    loop {
        tokio::select! {
            changed = snapshots.changed() => {
                if changed.is_err() {
                    // The store forgot the room (it was deleted or failed to
                    // reload): the sockets close; reconnecting resubscribes.
                    hub.stop.cancel();
                    break;
                }
            }
            _ = hub.presence_changed.notified() => {}
            _ = hub.stop.cancelled() => break,
        }
        let next = {
            let presence = hub.presence.lock().expect("presence lock");
            frame(snapshots.borrow_and_update().clone(), &presence)
        };
        frames.send_replace(next);
        tokio::time::sleep(COALESCE).await;
    }
}

/// The room's state as one JSON text frame, built from the snapshot's
/// already-serialized parts, and those parts for deltas.
fn frame(snapshot: Arc<RoomSnapshot>, here: &Presence) -> Frames {
    let view = here.view(&snapshot.settings);
    let skip = serde_json::to_vec(&here.skip_view(&snapshot, view.count)).expect("skip serializes");
    let presence = serde_json::to_vec(&view).expect("presence serializes");
    let mut out = Vec::with_capacity(
        snapshot.queue_json.len() + snapshot.now_playing_json.len() + presence.len() + 80,
    );
    out.extend_from_slice(b"{\"type\":\"snapshot\",\"version\":");
    out.extend_from_slice(snapshot.version.to_string().as_bytes());
    out.extend_from_slice(b",\"queue\":");
    out.extend_from_slice(&snapshot.queue_json);
    out.extend_from_slice(b",\"now_playing\":");
    out.extend_from_slice(&snapshot.now_playing_json);
    out.extend_from_slice(b",\"presence\":");
    out.extend_from_slice(&presence);
    out.extend_from_slice(b",\"skip\":");
    out.extend_from_slice(&skip);
    out.extend_from_slice(b",\"settings\":");
    out.extend_from_slice(&snapshot.public_settings_json);
    out.push(b'}');
    Frames {
        full: Utf8Bytes::try_from(Bytes::from(out)).expect("JSON is UTF-8"),
        snapshot,
        presence: presence.into(),
        skip: skip.into(),
    }
}

impl Hub {
    /// The queue delta between two versions: the last one made is kept,
    /// as the room's phones mostly ask for the same one.
    fn queue_delta(&self, from: &RoomSnapshot, to: &RoomSnapshot) -> Bytes {
        let key = (from.version, to.version);
        if let Some((f, t, d)) = self.last_delta.lock().expect("delta lock").as_ref()
            && (*f, *t) == key
        {
            return d.clone();
        }
        let made: Bytes = delta::snapshot_queue_delta(from, to).into();
        *self.last_delta.lock().expect("delta lock") = Some((key.0, key.1, made.clone()));
        made
    }

    /// Resolves when the hub stops (shutdown, or the room went away).
    pub async fn stopped(&self) {
        self.stop.cancelled().await
    }
}

impl Connection {
    pub async fn stopped(&self) {
        self.hub.stopped().await
    }
}
