//! Rooms: create, join, now playing, advance.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rate_limits::{Action, limited};

use super::extract::{Identity, JsonBody, Network, RoomCode, Since};
use super::{AppState, RoomJson};
use crate::domain::voices::{Present, Voter};
use crate::error::{Code, Error, Result};
use crate::model::{
    Advanced, Joined, Me, PlayedSong, QueueItem, Room, RoomDelta, RoomDoor, SkipStatus, Wrapped,
};
use crate::playlists::{Format, SetList};
use crate::store::JoinProof;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(limited(Action::NewRoom, routes!(create_room)))
        .routes(limited(Action::Join, routes!(join_room)))
        .routes(routes!(now_playing))
        .routes(routes!(room_state))
        .routes(limited(Action::ChangeRoom, routes!(advance)))
        .routes(limited(Action::ChangeRoom, routes!(skip)))
        .routes(routes!(me))
        .routes(routes!(room_info))
        .routes(routes!(wrapped))
        .routes(routes!(played))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateRoom {
    /// Trimmed; blank or missing becomes "<your name>'s party".
    #[schema(max_length = 80, example = "My Party")]
    name: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct JoinRoom {
    /// The room's code, in any case.
    #[schema(example = "UZ8293")]
    code: String,
    /// The party screen's current join code (its QR code carries it), when
    /// the host asks that guests be there.
    token: Option<String>,
    /// The room's PIN, when it has one.
    pin: Option<String>,
    /// A party screen (the TV view) joining to follow the room: it is not
    /// a person, so it counts in neither presence, the people list,
    /// Wrapped nor the skip threshold.
    #[serde(default)]
    screen: bool,
}

/// Create a room; you are its host.
///
/// Seed: `POST /rooms`: answers `{code, id, host_user_id}` (see `crate::seed`).
#[utoipa::path(post, path = "/rooms", tag = "rooms", request_body = CreateRoom,
    responses(
        (status = 201, description = "The room, created, with you as its host", body = Room),
        (status = 401, description = "Not signed in"),
        (status = 422, description = "Name too long or body invalid"),
    ))]
async fn create_room(
    State(state): State<AppState>,
    Identity(user): Identity,
    JsonBody(body): JsonBody<CreateRoom>,
) -> Result<(StatusCode, Json<Room>)> {
    let room = state
        .store
        .create_room(user, body.name, state.config.room_defaults())
        .await?;
    Ok((StatusCode::CREATED, Json(room)))
}

/// Join a room by its code. Joining twice is fine.
///
/// Seed: `POST /rooms/join`: answers `{room_id, user_id}` (see `crate::seed`).
#[utoipa::path(post, path = "/rooms/join", tag = "rooms", request_body = JoinRoom,
    responses(
        (status = 200, description = "You are a member of the room", body = Joined),
        (status = 401, description = "Not signed in"),
        (status = 403, description = "Banned, room closed, or a join code or PIN needed"),
        (status = 404, description = "No room with that code"),
    ))]
async fn join_room(
    State(state): State<AppState>,
    Identity(user): Identity,
    Network(network): Network,
    JsonBody(body): JsonBody<JoinRoom>,
) -> Result<Json<Joined>> {
    let proof = JoinProof {
        token: body.token,
        pin: body.pin,
        screen: body.screen,
        network,
    };
    Ok(Json(state.store.join_room(user, body.code, proof).await?))
}

/// The answer of `GET /rooms/{code}/state`, for the API document: the body
/// is spliced from the room's JSON as the box already holds it.
#[derive(serde::Serialize, ToSchema)]
pub struct RoomState {
    /// The queue, as `GET /tracks/rooms/{code}/queue` gives it.
    queue: Vec<QueueItem>,
    /// What plays, as `GET /rooms/{code}/now-playing` gives it.
    now_playing: Option<QueueItem>,
}

/// The answer of `GET /rooms/{code}/state`: the room whole, or (with
/// `since`) what changed since that version.
#[derive(serde::Serialize, ToSchema)]
#[serde(untagged)]
#[expect(dead_code, reason = "the answer's shape, for the API document")]
pub enum RoomStateAnswer {
    Whole(Box<RoomState>),
    Changes(Box<RoomDelta>),
}

/// The queue and what plays now, in one answer (the room's version in
/// `X-Room-Version`): what a phone back in Wi-Fi range asks to catch up,
/// one request where two would wait for two of the browser's connections.
/// With `since`, only what changed in the queue since that version, and
/// what plays.
#[utoipa::path(get, path = "/rooms/{code}/state", tag = "rooms",
    params(RoomCode, Since),
    responses(
        (status = 200, description = "The queue and the song playing now (with `since`: what changed in the queue, and what plays)", body = RoomStateAnswer),
        (status = 404, description = "No room with that code"),
    ))]
async fn room_state(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    since: Since,
) -> Result<RoomJson> {
    let room = state.store.room_for(user, &code).await?;
    Ok(RoomJson::since(&state.store, &room, since, true, || {
        let (queue, now) = (&room.queue_json, &room.now_playing_json);
        let mut body = Vec::with_capacity(queue.len() + now.len() + 32);
        body.extend_from_slice(b"{\"queue\":");
        body.extend_from_slice(queue);
        body.extend_from_slice(b",\"now_playing\":");
        body.extend_from_slice(now);
        body.push(b'}');
        body.into()
    }))
}

/// What is playing in the room, or `null`.
///
/// Seed: `GET /rooms/{code}/now-playing` (see `crate::seed`).
#[utoipa::path(get, path = "/rooms/{code}/now-playing", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, description = "The song playing now, or null", body = Option<QueueItem>),
        (status = 404, description = "No room with that code"),
    ))]
async fn now_playing(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<RoomJson> {
    let room = state.store.room_for(user, &code).await?;
    Ok(RoomJson {
        version: room.version,
        body: room.now_playing_json.clone(),
    })
}

/// Host and co-hosts: finish the playing track and start the best queued one.
///
/// Seed: `POST /rooms/{code}/advance`, host only, with the seed's playful 403 (see `crate::seed`).
#[utoipa::path(post, path = "/rooms/{code}/advance", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, description = "The song that ended and the one that plays now", body = Advanced),
        (status = 403, description = "Only the host and co-hosts can advance"),
        (status = 404, description = "No room with that code"),
    ))]
async fn advance(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<RoomJson> {
    let room = state.store.advance(user, code).await?;
    Ok(RoomJson {
        version: room.version,
        body: room.advanced_json(),
    })
}

/// Ask to skip the playing track. When the room's share of the people here
/// (connected now, you included) have asked, it is skipped.
#[utoipa::path(post, path = "/rooms/{code}/now-playing/skip", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, description = "The room's skip tally", body = SkipStatus),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No room with that code"),
        (status = 409, description = "Nothing is playing"),
    ))]
async fn skip(
    State(state): State<AppState>,
    Identity(user): Identity,
    Network(network): Network,
    Path(code): Path<String>,
) -> Result<Json<SkipStatus>> {
    let room = state.store.room_for(user, &code).await?;
    // The people here, and the asker wherever they are.
    let mut present = state.realtime.present(&room.id);
    let me = state.store.member(user, code.clone()).await?;
    present.push(Present {
        user_id: me.user_id,
        voter: Voter {
            network,
            device: me.device,
        },
        screen: me.screen,
    });
    let (room, votes, needed, skipped) = state.store.ask_to_skip(user, code, present).await?;
    Ok(Json(SkipStatus {
        votes,
        needed,
        skipped,
        now_playing: room.now_playing.clone(),
    }))
}

/// Your own side of the room: your role, your votes, what you added.
#[utoipa::path(get, path = "/rooms/{code}/me", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, description = "Your role, powers and limits in the room", body = Me),
        (status = 404, description = "No room with that code"),
    ))]
async fn me(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<Me>> {
    Ok(Json(state.store.me(user, code).await?))
}

/// A room's name and state, and what joining it takes, for anyone with its
/// code (no identity needed: a join link shows it before the guest picks a
/// name; with one, `join` also says whether you are in or banned).
#[utoipa::path(get, path = "/rooms/{code}", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, description = "The room's door: its name and what joining needs", body = RoomDoor),
        (status = 404, description = "No room with that code"),
    ))]
async fn room_info(
    State(state): State<AppState>,
    user: Option<Identity>,
    Network(network): Network,
    Path(code): Path<String>,
) -> Result<Json<RoomDoor>> {
    let info = state.store.room(&code).await?.info.clone();
    let join = state
        .store
        .door(user.map(|Identity(u)| u), code, network)
        .await?;
    Ok(Json(RoomDoor { info, join }))
}

/// Party Wrapped: the night in numbers (members only).
#[utoipa::path(get, path = "/rooms/{code}/wrapped", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, description = "The night in numbers", body = Wrapped),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No room with that code"),
    ))]
async fn wrapped(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<Wrapped>> {
    Ok(Json(state.store.wrapped(user, code).await?))
}

/// The night's set list: every song that played, in order, with who added
/// it and its votes (members only). `format` gives it as a file to
/// download instead: `m3u8` (each file by its path in the music folder;
/// songs without a file as comments), `xspf` or `csv`.
#[utoipa::path(get, path = "/rooms/{code}/played", tag = "rooms",
    params(
        RoomCode,
        ("format" = Option<String>, Query, description = "`m3u8`, `xspf` or `csv` for a file; JSON without"),
    ),
    responses(
        (status = 200, description = "The songs played, in order (or the file)", content(
            (Vec<PlayedSong> = "application/json"),
            (String = "audio/x-mpegurl"),
            (String = "application/xspf+xml"),
            (String = "text/csv"),
        )),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No room with that code"),
        (status = 422, description = "A format the box does not write"),
    ))]
async fn played(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    // A map, not a struct: an unknown format is our 422, in words.
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response> {
    let format = params
        .get("format")
        .map(|f| {
            f.parse::<Format>().map_err(|_| {
                Error::refuse(
                    Code::Invalid,
                    "The set list comes as m3u8, xspf or csv (or JSON without a format).",
                )
            })
        })
        .transpose()?;
    let (name, mut songs) = state.store.played(user, code.clone()).await?;
    for song in &mut songs {
        song.file = (song.file.take())
            .and_then(|f| state.library.relative(&f))
            .or(song.uri.take());
    }
    let Some(format) = format else {
        return Ok(Json(songs).into_response());
    };
    let file = format.write(&SetList { name, songs });
    // The code as typed may hold spaces or dashes (they are ignored): the
    // file is named by its letters and digits alone.
    let file_code: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let disposition = format!(
        "attachment; filename=\"democratic-tunes-{file_code}.{}\"",
        format.extension()
    );
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file,
    )
        .into_response())
}
