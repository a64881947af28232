//! Reactions: an emoji on the playing song, kept, then sent to everyone
//! in the room as a live event (the party's screen shows it rising).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::{Identity, JsonBody, Network, RoomCode};
use super::rate_limits::{Action, limited};
use crate::domain::reactions;
use crate::error::Result;
use crate::model::Reaction;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(limited(Action::Vote, routes!(react)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReactionRequest {
    /// The playing item (a reaction meant for a song that just ended is
    /// refused, not pinned on the next).
    room_track_id: String,
    /// One of 🔥 ❤️ 💃 🙌 😂 🤯 👏 🎉.
    #[schema(example = "🔥")]
    emoji: String,
}

/// React to the playing song with an emoji. Everyone in the room gets it
/// live (`{"type": "reaction", "emoji", "room_track_id"}`); the party's
/// screen shows it rising. Each phone may send 5 every 10 seconds (a
/// network as many phones' worth as it carries voices).
#[utoipa::path(post, path = "/rooms/{code}/now-playing/reactions", tag = "rooms",
    params(RoomCode),
    request_body = ReactionRequest,
    responses(
        (status = 201, description = "Kept, and sent to the room", body = Reaction),
        (status = 403, description = "Not a member of the room, or a party screen"),
        (status = 404, description = "No room with that code"),
        (status = 409, description = "That song is not playing (any more)"),
        (status = 422, description = "Not one of the reactions"),
        (status = 429, description = "Too many reactions from this phone or network just now"),
    ))]
async fn react(
    State(state): State<AppState>,
    Identity(user): Identity,
    Network(network): Network,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<ReactionRequest>,
) -> Result<(StatusCode, Json<Reaction>)> {
    let emoji = reactions::parse(&body.emoji)?;
    let (room_id, reaction) = state
        .store
        .react(user, code, body.room_track_id, emoji, network)
        .await?;
    state.realtime.announce(&room_id, &reaction);
    Ok((StatusCode::CREATED, Json(reaction)))
}
