//! Votes on queued tracks.

use axum::extract::{Path, State};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rate_limits::{Action, limited};

use super::extract::{Identity, JsonBody, Network, RoomCode, Since};
use super::{AppState, RoomJson};
use crate::domain::vote::Vote;
use crate::error::Result;
use crate::model::QueueAnswer;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(limited(Action::Vote, routes!(vote)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct VoteRequest {
    room_track_id: String,
    /// 1 (up) or -1 (down).
    #[schema(example = 1, schema_with = up_or_down)]
    value: i64,
}

/// The only values a vote takes, as the document says them.
fn up_or_down() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::Integer)
        .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
            utoipa::openapi::KnownFormat::Int64,
        )))
        .enum_values(Some([1, -1]))
        .description(Some("1 (up) or -1 (down)."))
        .examples([1])
        .build()
}

/// Vote a queued track up or down; voting again replaces your vote.
/// Answers the queue (with `since`, what changed in it since that version).
///
/// Seed: `POST /votes/rooms/{code}/votes`: answers the queue (see `crate::seed`).
#[utoipa::path(post, path = "/votes/rooms/{code}/votes", tag = "votes",
    params(RoomCode, Since),
    request_body = VoteRequest,
    responses(
        (status = 200, description = "The queue in its new order (with `since`: what changed in it)", body = QueueAnswer),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No such room or queue item"),
        (status = 409, description = "The item is playing or has played"),
        (status = 422, description = "Value other than 1 or -1"),
    ))]
async fn vote(
    State(state): State<AppState>,
    Identity(user): Identity,
    Network(network): Network,
    Path(code): Path<String>,
    since: Since,
    JsonBody(body): JsonBody<VoteRequest>,
) -> Result<RoomJson> {
    let vote = Vote::parse(body.value)?;
    let room = state
        .store
        .vote(user, code, body.room_track_id, vote, network)
        .await?;
    Ok(RoomJson::since(&state.store, &room, since, false, || {
        room.queue_json.clone()
    }))
}
