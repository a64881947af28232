//! The room as a player: the host's player reports a track's end, and the
//! host pauses, resumes and seeks for the whole room.

use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rate_limits::{Action, limited};

use super::extract::{Identity, JsonBody, RoomCode};
use super::{AppState, RoomJson};
use crate::error::Result;
use crate::model::{Advanced, QueueItem};
use crate::store::Transport;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(limited(Action::ChangeRoom, routes!(ended)))
        .routes(limited(Action::ChangeRoom, routes!(failed)))
        .routes(limited(Action::ChangeRoom, routes!(pause)))
        .routes(limited(Action::ChangeRoom, routes!(resume)))
        .routes(limited(Action::ChangeRoom, routes!(seek)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Ended {
    /// The item the player played to its end.
    room_track_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Failed {
    /// The item the player could not play.
    room_track_id: String,
    /// What went wrong, for the log ("the file is gone", "decode error").
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Seek {
    /// Where to go in the track, in milliseconds from its start.
    #[schema(example = 30000)]
    position_ms: i64,
}

/// Host and co-hosts' players: the playing track reached its end. The room
/// moves on once, however many players report it (a report for an item
/// no longer playing changes nothing). When the queue is dry and the box
/// has music, the auto-DJ picks the next track.
#[utoipa::path(post, path = "/rooms/{code}/now-playing/ended", tag = "rooms",
    params(RoomCode),
    request_body = Ended,
    responses(
        (status = 200, description = "The song that ended and the one that plays now", body = Advanced),
        (status = 403, description = "Only the host and co-hosts run the player"),
        (status = 404, description = "No room with that code"),
    ))]
async fn ended(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Ended>,
) -> Result<RoomJson> {
    let room = state.store.ended(user, code, body.room_track_id).await?;
    Ok(RoomJson {
        version: room.version,
        body: room.advanced_json(),
    })
}

/// Host and co-hosts' players: the playing track cannot be played (its
/// file is gone, it does not decode, it stalled). Logged, kept in the
/// moderation log, passed over by the auto-DJ tonight; the room moves on
/// once (a report for an item no longer playing changes nothing).
#[utoipa::path(post, path = "/rooms/{code}/now-playing/failed", tag = "rooms",
    params(RoomCode),
    request_body = Failed,
    responses(
        (status = 200, description = "The failed song and the one that plays now", body = Advanced),
        (status = 403, description = "Only the host and co-hosts run the player"),
        (status = 404, description = "No room with that code"),
        (status = 422, description = "A reason over 200 characters"),
    ))]
async fn failed(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Failed>,
) -> Result<RoomJson> {
    let reason = super::moderation::reason(body.reason)?
        .unwrap_or_else(|| "the player gave up on it".into());
    let room = state
        .store
        .failed(Some(user), code, body.room_track_id, reason)
        .await?;
    Ok(RoomJson {
        version: room.version,
        body: room.advanced_json(),
    })
}

/// Host and co-hosts: pause the playing track for the whole room.
#[utoipa::path(post, path = "/rooms/{code}/now-playing/pause", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, body = QueueItem, description = "The playing item, with `paused_ms`"),
        (status = 403, description = "Only the host and co-hosts"),
        (status = 404, description = "No room with that code"),
        (status = 409, description = "Nothing is playing"),
    ))]
async fn pause(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<RoomJson> {
    transport(&state, user, code, Transport::Pause).await
}

/// Host and co-hosts: resume the paused track where it stopped.
#[utoipa::path(post, path = "/rooms/{code}/now-playing/resume", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, body = QueueItem, description = "The playing item"),
        (status = 403, description = "Only the host and co-hosts"),
        (status = 404, description = "No room with that code"),
        (status = 409, description = "Nothing is playing"),
    ))]
async fn resume(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<RoomJson> {
    transport(&state, user, code, Transport::Resume).await
}

/// Host and co-hosts: jump within the playing track.
#[utoipa::path(post, path = "/rooms/{code}/now-playing/seek", tag = "rooms",
    params(RoomCode),
    request_body = Seek,
    responses(
        (status = 200, body = QueueItem, description = "The playing item, from its new position"),
        (status = 403, description = "Only the host and co-hosts"),
        (status = 404, description = "No room with that code"),
        (status = 409, description = "Nothing is playing"),
        (status = 422, description = "A position outside the track"),
    ))]
async fn seek(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<Seek>,
) -> Result<RoomJson> {
    let action = Transport::Seek {
        position_ms: body.position_ms,
    };
    transport(&state, user, code, action).await
}

async fn transport(
    state: &AppState,
    user: uuid::Uuid,
    code: String,
    action: Transport,
) -> Result<RoomJson> {
    let room = state.store.transport(user, code, action).await?;
    Ok(RoomJson {
        version: room.version,
        body: room.now_playing_json.clone(),
    })
}
