//! `GET /rooms/{code}/ws`: the room, live, over a WebSocket.
//!
//! Members only, checked before the upgrade. The socket sends the room's
//! full state on connect and after every change (see `realtime`), pings
//! every 10 s and closes a connection silent for 25 s. Clients send pongs,
//! and may send the text `ping` to hear `{"type":"pong"}` back: a phone's
//! own check that the socket still carries frames (a Wi-Fi that drops
//! packets leaves a dead socket open for a long time). Anything else only
//! counts as a sign of life.

use std::collections::HashMap;
use std::time::Duration;

use axum::Json;
use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum_extra::extract::CookieJar;
use futures_util::{SinkExt, StreamExt};
use serde::Serialize;
use tokio::time::{Instant, interval, interval_at, timeout};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rate_limits::{Action, limited};

use super::AppState;
use super::extract::{Identity, Network, RoomCode, identity};
use crate::error::{Code, Error, Result};
use crate::limits::{LIVE_MAX_CLIENT_MESSAGE, LIVE_MAX_MESSAGES_PER_WINDOW, LIVE_MESSAGE_WINDOW};
use crate::realtime::{
    Connection, Frames, Personal, Realtime, SPARE_TICKET_LIFETIME, TICKET_LIFETIME,
};

const READ_BUFFER: usize = 4 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(limited(Action::LiveConnect, routes!(live)))
        .routes(limited(Action::LiveConnect, routes!(live_ticket)))
}

/// A single-use ticket to open the room's live socket.
#[derive(Debug, Serialize, ToSchema)]
pub struct LiveTicket {
    /// Pass it as `?ticket=` to `GET /rooms/{code}/ws`, once.
    ticket: String,
    /// It is good for this many seconds.
    expires_in: u64,
}

/// A ticket to open the room's live socket (members only): for clients
/// that cannot send the `uid` cookie or a header on a WebSocket. Good once,
/// within 30 s, for this room.
#[utoipa::path(post, path = "/rooms/{code}/live-ticket", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, description = "A one-use ticket for the live socket", body = LiveTicket),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No room with that code"),
    ))]
async fn live_ticket(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<LiveTicket>> {
    let member = state.store.member(user, code).await?;
    Ok(Json(LiveTicket {
        ticket: state.realtime.issue_ticket(user, &member.room_id),
        expires_in: TICKET_LIFETIME.as_secs(),
    }))
}

/// The room, live: a WebSocket sending `{"type": "snapshot", "version",
/// "queue", "now_playing", "presence"}` on connect and after every change.
/// Identity: the `uid` cookie, the `X-User-ID` header, or a `ticket` from
/// `POST /rooms/{code}/live-ticket` (never the id itself in the URL).
#[utoipa::path(get, path = "/rooms/{code}/ws", tag = "rooms",
    params(
        RoomCode,
        ("ticket" = Option<String>, Query, description = "A ticket from POST /rooms/{code}/live-ticket, for clients that cannot send the cookie or header"),
        ("frames" = Option<String>, Query, description = "`delta`: after the first frame, send only what changed (see the README's live rooms)"),
        ("spare" = Option<String>, Query, description = "`1`: send a spare ticket (`{\"type\": \"ticket\", \"ticket\", \"expires_in_ms\"}`) now and then, good once within 2 minutes, to open the next socket without asking for one"),
    ),
    responses(
        (status = 101, description = "Switching to the WebSocket"),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No room with that code"),
    ))]
async fn live(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    jar: CookieJar,
    Network(network): Network,
    upgrade: WebSocketUpgrade,
) -> Result<Response> {
    let deltas = query.get("frames").is_some_and(|f| f == "delta");
    let wants_spares = query.get("spare").is_some_and(|s| s == "1");
    let user = match query.get("ticket") {
        Some(ticket) => {
            let room = state.store.room(&code).await?;
            state
                .realtime
                .redeem_ticket(ticket, &room.id)
                .ok_or_else(|| {
                    Error::refuse(Code::TicketInvalid,
                        "That live ticket is used up, expired or for another room: ask for a new one."
                    )
                })?
        }
        None => identity(&headers, &jar)?,
    };
    let member = state.store.member(user, code.clone()).await?;
    let connection = state.realtime.connect(&member, &code, network).await?;
    let realtime = state.realtime.clone();
    let pace = Pace {
        ping_every: state.config.ping_every,
        send_stall: state.config.live_send_stall,
    };
    let spares = wants_spares.then(|| Spares {
        user,
        room_id: member.room_id.clone(),
    });
    Ok(upgrade
        .max_message_size(LIVE_MAX_CLIENT_MESSAGE)
        .max_frame_size(LIVE_MAX_CLIENT_MESSAGE)
        // tungstenite's defaults (128 KiB each way) would cost a party of
        // a thousand phones 250 MB; clients send only pongs, and frames go
        // out as soon as they are written.
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .on_upgrade(move |socket| {
            let tasks = realtime.tasks.clone();
            async move {
                tasks
                    .spawn(serve(socket, connection, realtime, pace, deltas, spares))
                    .await
                    .ok();
            }
        }))
}

/// How often a socket is pinged, and how long a send may stall.
#[derive(Clone, Copy)]
struct Pace {
    ping_every: Duration,
    send_stall: Duration,
}

/// Whose spare tickets a socket hands out (`?spare=1`).
struct Spares {
    user: uuid::Uuid,
    room_id: String,
}

/// How often a socket hands its phone a new spare ticket: well within the
/// ticket's life, so the phone always holds a good one.
const SPARE_EVERY: Duration = Duration::from_secs(50);

/// The frame that carries a spare ticket.
fn spare_frame(realtime: &Realtime, spares: &Spares) -> Utf8Bytes {
    serde_json::json!({
        "type": "ticket",
        "ticket": realtime.issue_spare_ticket(spares.user, &spares.room_id),
        "expires_in_ms": SPARE_TICKET_LIFETIME.as_millis() as u64,
    })
    .to_string()
    .into()
}

async fn serve(
    socket: WebSocket,
    mut connection: Connection,
    realtime: Realtime,
    Pace {
        ping_every,
        send_stall,
    }: Pace,
    deltas: bool,
    spares: Option<Spares>,
) {
    let (mut sink, mut stream) = socket.split();
    // The first spare once the room went out, then one now and then.
    let mut spare_due = interval_at(Instant::now() + Duration::from_millis(200), SPARE_EVERY);
    let mut frames = connection.frames();
    // What this socket sent last, for deltas.
    let mut sent: Option<Frames> = None;
    let mut personal = connection.take_personal();
    let mut events = connection.take_events();
    let mut ping = interval(ping_every);
    // A dead connection is reaped within 2.5 pings.
    let silence_limit = ping_every * 5 / 2;
    let mut last_heard = Instant::now();
    let mut chatter = Chatter::default();
    // The current state first: `changed` fires at once.
    frames.mark_changed();
    let goodbye = loop {
        tokio::select! {
            changed = frames.changed() => {
                if changed.is_err() {
                    break None;
                }
                let next = frames.borrow_and_update().clone();
                let frame = match &sent {
                    Some(last) if deltas => connection.delta(last, &next),
                    _ => next.full.clone(),
                };
                sent = Some(next);
                if !sent_in_time(&mut sink, Message::Text(frame), send_stall).await {
                    break None;
                }
            }
            message = stream.next() => match message {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break None,
                Some(Ok(message)) => {
                    last_heard = Instant::now();
                    if chatter.too_much() {
                        break Some(("Too many messages.", close_code::POLICY));
                    }
                    if matches!(&message, Message::Text(text) if text.as_str() == "ping")
                        && !sent_in_time(&mut sink, Message::Text(PONG.into()), send_stall).await
                    {
                        break None;
                    }
                }
            },
            _ = ping.tick() => {
                if last_heard.elapsed() > silence_limit {
                    break None;
                }
                if !sent_in_time(&mut sink, Message::Ping(Default::default()), send_stall).await {
                    break None;
                }
            }
            personal = connection_personal(&mut personal) => {
                let sent = timeout(send_stall, sink.send(Message::Text(personal.frame()))).await;
                match personal {
                    Personal::Removed(_) => break Some(("You are no longer in this room.", close_code::POLICY)),
                    Personal::Notice(_) if !matches!(sent, Ok(Ok(()))) => break None,
                    Personal::Notice(_) => {}
                }
            }
            _ = spare_due.tick(), if spares.is_some() => {
                let frame = spares.as_ref().map(|s| spare_frame(&realtime, s)).expect("spares");
                if !sent_in_time(&mut sink, Message::Text(frame), send_stall).await {
                    break None;
                }
            }
            event = next_event(&mut events) => {
                if !sent_in_time(&mut sink, Message::Text(event), send_stall).await {
                    break None;
                }
            }
            _ = realtime.shutdown.cancelled() => break Some(("The box is shutting down.", close_code::AWAY)),
            _ = connection.stopped() => break Some(("The room closed.", close_code::AWAY)),
        }
    };
    if let Some(goodbye) = goodbye {
        say_goodbye(&mut sink, goodbye).await;
    }
    // Dropping the connection leaves the room's presence.
    drop(connection);
}

/// Closes the socket with a reason, if the phone takes it within a second.
async fn say_goodbye(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    (reason, code): (&'static str, u16),
) {
    let close = Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }));
    let _ = timeout(Duration::from_secs(1), sink.send(close)).await;
}

/// How much a client said lately. Clients pong, and ping now and then: a
/// chatty one is a broken or hostile one.
struct Chatter {
    window_start: Instant,
    heard: u32,
}

impl Default for Chatter {
    fn default() -> Self {
        Chatter {
            window_start: Instant::now(),
            heard: 0,
        }
    }
}

impl Chatter {
    /// Counts one message; true when that is over the limit.
    fn too_much(&mut self) -> bool {
        if self.window_start.elapsed() > LIVE_MESSAGE_WINDOW {
            *self = Chatter::default();
        }
        self.heard += 1;
        self.heard > LIVE_MAX_MESSAGES_PER_WINDOW
    }
}

/// Sends one message, unless the phone stalls it longer than `stall`.
async fn sent_in_time(
    sink: &mut futures_util::stream::SplitSink<WebSocket, Message>,
    message: Message,
    stall: Duration,
) -> bool {
    matches!(timeout(stall, sink.send(message)).await, Ok(Ok(())))
}

/// The answer to a client's `ping`.
const PONG: &str = r#"{"type":"pong"}"#;

/// The room's next event; one that fell behind skips what it missed, and
/// a closed line never resolves.
async fn next_event(
    events: &mut Option<tokio::sync::broadcast::Receiver<crate::realtime::Frame>>,
) -> crate::realtime::Frame {
    use tokio::sync::broadcast::error::RecvError;
    let Some(line) = events else {
        return std::future::pending().await;
    };
    loop {
        match line.recv().await {
            Ok(frame) => return frame,
            Err(RecvError::Lagged(_)) => continue,
            Err(RecvError::Closed) => return std::future::pending().await,
        }
    }
}

/// The next personal message; never resolves once the line is closed.
async fn connection_personal(
    personal: &mut Option<tokio::sync::mpsc::Receiver<Personal>>,
) -> Personal {
    let Some(line) = personal else {
        return std::future::pending().await;
    };
    match line.recv().await {
        Some(p) => p,
        None => std::future::pending().await,
    }
}
