//! The catalog and a room's queue: search, list, add.

use std::collections::HashMap;

use axum::Json;
use axum::extract::{Path, Query, State};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rate_limits::{Action, limited};

use super::extract::{Identity, JsonBody, RoomCode};
use super::{AppState, RoomJson};
use crate::error::{Code, Error, Result};
use crate::limits::{MAX_SEARCH_CHARS, MAX_SEARCH_PAGES, SEARCH_LIMIT};
use crate::model::{Page, QueueItem, SearchHit};
use crate::realtime::Personal;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue))
        .routes(routes!(search))
        .routes(limited(Action::Add, routes!(add_track)))
        .routes(limited(Action::ChangeRoom, routes!(remove_track)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AddTrack {
    /// A track id from search.
    track_id: String,
}

/// The room's queue, best first.
///
/// Seed: `GET /tracks/rooms/{code}/queue` (see `crate::seed`).
#[utoipa::path(get, path = "/tracks/rooms/{code}/queue", tag = "tracks",
    params(RoomCode),
    responses(
        (status = 200, description = "The queue in play order", body = Vec<QueueItem>),
        (status = 404, description = "No room with that code"),
    ))]
async fn queue(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<RoomJson> {
    let room = state.store.room_for(user, &code).await?;
    Ok(RoomJson {
        version: room.version,
        body: room.queue_json.clone(),
    })
}

/// Search the catalog by artist or title: words match word starts, in any
/// case, with or without accents. Up to 50 tracks, best matches first;
/// when few match exactly, close spellings follow, each with the words it
/// matched in `did_you_mean`. With `room`, each says where it stands there.
/// A box playing through an MPD server (`--mpd`) asks it too: its songs
/// come with `source: "mpd"`. `page` asks for the next 50.
///
/// Seed: `GET /tracks/search?artist_or_title=` (see `crate::seed`).
#[utoipa::path(get, path = "/tracks/search", tag = "tracks",
    params(
        ("artist_or_title" = String, Query, description = "What to look for", example = "bad bunny"),
        ("room" = Option<String>, Query, description = "A party you are in: fills each hit's `in_room`"),
        ("page" = Option<usize>, Query, description = "The next 50 (from 0, the default; at most 19)"),
    ),
    responses(
        (status = 200, description = "Matching tracks", body = Vec<SearchHit>),
        (status = 403, description = "Not a member of `room`"),
        (status = 404, description = "No room with that code"),
        (status = 422, description = "Missing, blank or too long query"),
    ))]
async fn search(
    State(state): State<AppState>,
    Identity(user): Identity,
    // A map, not a struct: a missing parameter is our 422, not axum's 400.
    Query(params): Query<HashMap<String, String>>,
) -> Result<Json<Vec<SearchHit>>> {
    let query = params
        .get("artist_or_title")
        .map(|q| q.trim())
        .filter(|q| !q.is_empty())
        .ok_or_else(|| {
            Error::refuse(
                Code::SearchEmpty,
                "Type an artist or a title to search for.",
            )
        })?;
    if query.chars().count() > MAX_SEARCH_CHARS {
        return Err(Error::refuse(
            Code::SearchTooLong,
            format!("That search is too long: at most {MAX_SEARCH_CHARS} characters."),
        ));
    }
    let room = params.get("room").cloned();
    let page = match params.get("page") {
        None => 0,
        Some(page) => page
            .parse::<usize>()
            .ok()
            .filter(|p| *p < MAX_SEARCH_PAGES)
            .ok_or_else(|| {
                Error::refuse(
                    Code::Invalid,
                    format!("page is a number from 0 to {}.", MAX_SEARCH_PAGES - 1),
                )
            })?,
    };
    let page = Page {
        number: page,
        size: SEARCH_LIMIT,
    };
    // Only a known guest's search reaches the MPD server.
    state.store.user(user).await?;
    let remote = match &state.mpd {
        Some(mpd) => mpd.search_into(&state.store, query, page).await,
        None => Vec::new(),
    };
    Ok(Json(
        state
            .store
            .search(user, query.to_string(), room, remote, page)
            .await?,
    ))
}

/// Add a track to the room's queue (once: adding a queued track again
/// changes nothing). Answers the queue.
///
/// Seed: `POST /tracks/rooms/{code}/tracks`: answers the queue (see `crate::seed`).
#[utoipa::path(post, path = "/tracks/rooms/{code}/tracks", tag = "tracks",
    params(RoomCode),
    request_body = AddTrack,
    responses(
        (status = 200, description = "The queue with the song added", body = Vec<QueueItem>),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No such room or track"),
    ))]
async fn add_track(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<AddTrack>,
) -> Result<RoomJson> {
    let room = state.store.add_track(user, code, body.track_id).await?;
    Ok(RoomJson {
        version: room.version,
        body: room.queue_json.clone(),
    })
}

/// Withdraw your own queued song, or (host and co-hosts) remove anyone's,
/// with an optional `reason` (query parameter). The item is kept, marked
/// removed, for the log. Answers the queue.
#[utoipa::path(delete, path = "/tracks/rooms/{code}/tracks/{room_track_id}", tag = "tracks",
    params(
        RoomCode,
        ("room_track_id" = String, Path, description = "The queue item"),
        ("reason" = Option<String>, Query, description = "Why (moderators; shown to the guest)"),
    ),
    responses(
        (status = 200, description = "The queue without the song", body = Vec<QueueItem>),
        (status = 403, description = "Not your song, and not a moderator"),
        (status = 404, description = "No such room or queue item"),
        (status = 409, description = "Playing or played already"),
    ))]
async fn remove_track(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path((code, room_track_id)): Path<(String, String)>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<RoomJson> {
    let reason = super::moderation::reason(params.get("reason").cloned())?;
    let (room, removed) = state
        .store
        .remove_item(user, code, room_track_id, reason)
        .await?;
    if let Some(owner) = &removed.added_by {
        let message = match &removed.reason {
            Some(r) => format!("{} removed your song “{}”: {r}", removed.by, removed.title),
            None => format!("{} removed your song “{}”.", removed.by, removed.title),
        };
        state
            .realtime
            .tell(&room.id, owner, Personal::Notice(message));
    }
    Ok(RoomJson {
        version: room.version,
        body: room.queue_json.clone(),
    })
}
