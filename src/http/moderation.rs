//! Running the room: members and roles, kicks and bans, settings, the
//! moderation log and the TV's join code.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rate_limits::{Action, limited};

use super::AppState;
use super::extract::{Identity, JsonBody, OptionalJsonBody, RoomCode};
use crate::domain::role::Role;
use crate::domain::settings::SettingsPatch;
use crate::domain::voices;
use crate::error::{Code, Error, Result};
use crate::model::{
    AuditEntry, BanView, JoinToken, MemberView, NetworkView, SettingsView, WifiCard,
};
use crate::realtime::Personal;
use crate::store::Ouster;

/// Longest reason a moderator may give.
const MAX_REASON_CHARS: usize = 200;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(members))
        .routes(limited(Action::ChangeRoom, routes!(set_role)))
        .routes(limited(Action::ChangeRoom, routes!(oust)))
        .routes(routes!(get_settings))
        .routes(limited(Action::ChangeRoom, routes!(patch_settings)))
        .routes(routes!(audit))
        .routes(routes!(join_token))
        .routes(routes!(wifi))
        .routes(routes!(networks))
        .routes(limited(Action::ChangeRoom, routes!(share_network)))
        .routes(routes!(bans))
        .routes(limited(Action::ChangeRoom, routes!(lift_ban)))
}

/// The bans in force, newest first. A ban binds the guest's account, their
/// device and their network address. Host and co-hosts.
#[utoipa::path(get, path = "/rooms/{code}/bans", tag = "moderation",
    params(RoomCode),
    responses(
        (status = 200, description = "Who is banned", body = Vec<BanView>),
        (status = 403, description = "Not the host or a co-host"),
        (status = 404, description = "No room with that code"),
    ))]
async fn bans(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<Vec<BanView>>> {
    Ok(Json(state.store.bans(user, code).await?))
}

/// Lift a ban: the guest may join again. Host and co-hosts.
#[utoipa::path(delete, path = "/rooms/{code}/bans/{ban_id}", tag = "moderation",
    params(
        RoomCode,
        ("ban_id" = String, Path, description = "From GET /rooms/{code}/bans"),
    ),
    responses(
        (status = 204, description = "Lifted"),
        (status = 403, description = "Not the host or a co-host"),
        (status = 404, description = "No such room or ban"),
    ))]
async fn lift_ban(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path((code, ban_id)): Path<(String, String)>,
) -> Result<StatusCode> {
    state.store.lift_ban(user, code, ban_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Networks many guests share (one address each, or an IPv6 /64): each
/// counts as a few voices at most, so thirty tabs on one phone cannot
/// outvote five friends. Lists the crowded ones, those holding back votes
/// and those the host lets count in full. Host and co-hosts.
#[utoipa::path(get, path = "/rooms/{code}/networks", tag = "moderation",
    params(RoomCode),
    responses(
        (status = 200, description = "Networks whose voices are held back", body = Vec<NetworkView>),
        (status = 403, description = "Not the host or a co-host"),
        (status = 404, description = "No room with that code"),
    ))]
async fn networks(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<Vec<NetworkView>>> {
    let room = state.store.room_for(user, &code).await?;
    let present = state.realtime.present(&room.id);
    Ok(Json(state.store.networks(user, code, present).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NetworkShare {
    /// A network from `GET /rooms/{code}/networks`.
    #[schema(example = "192.168.1.50")]
    network: String,
    /// `true`: everyone on it counts (its held votes count at once);
    /// `false`: back to the room's `voters_per_network`.
    counts_in_full: bool,
}

/// The host lets a shared network count in full ("12 guests share one
/// network address: let them all count?"), or caps it again.
#[utoipa::path(post, path = "/rooms/{code}/networks", tag = "moderation",
    params(RoomCode),
    request_body = NetworkShare,
    responses(
        (status = 204, description = "Done"),
        (status = 403, description = "Not the host"),
        (status = 404, description = "No room with that code"),
        (status = 409, description = "Too many networks already count in full"),
        (status = 422, description = "Not a network address"),
    ))]
async fn share_network(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<NetworkShare>,
) -> Result<StatusCode> {
    let network = voices::parse_network(&body.network).ok_or_else(|| {
        Error::refuse(
            Code::InvalidNetwork,
            "Pick a network from the list: an address, or an IPv6 /64.",
        )
    })?;
    state
        .store
        .share_network(user, code, network, body.counts_in_full)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The room's members, host first, with who is online now.
#[utoipa::path(get, path = "/rooms/{code}/members", tag = "moderation",
    params(RoomCode),
    responses(
        (status = 200, description = "The room's members", body = Vec<MemberView>),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No room with that code"),
    ))]
async fn members(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<Vec<MemberView>>> {
    let room = state.store.room_for(user, &code).await?;
    let online = state.realtime.online(&room.id);
    Ok(Json(state.store.members(user, code, online).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RoleChange {
    /// "cohost" or "guest".
    #[schema(example = "cohost")]
    role: Role,
}

/// The host makes a member a co-host, or a guest again.
#[utoipa::path(put, path = "/rooms/{code}/members/{member_id}/role", tag = "moderation",
    params(
        RoomCode,
        ("member_id" = String, Path, description = "The member's public id"),
    ),
    request_body = RoleChange,
    responses(
        (status = 204, description = "Role changed"),
        (status = 403, description = "Only the host changes roles"),
        (status = 404, description = "No such room or member"),
        (status = 409, description = "The host's own role"),
        (status = 422, description = "Not \"cohost\" or \"guest\""),
    ))]
async fn set_role(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path((code, member_id)): Path<(String, String)>,
    JsonBody(body): JsonBody<RoleChange>,
) -> Result<StatusCode> {
    let change = state
        .store
        .set_role(user, code, member_id, body.role)
        .await?;
    if change.changed {
        let message = match body.role {
            Role::Cohost => format!(
                "{} made you a co-host: you can skip and moderate now.",
                change.by
            ),
            _ => format!("{} made you a guest again.", change.by),
        };
        state
            .realtime
            .tell(&change.room_id, &change.user_id, Personal::Notice(message));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct Ousting {
    /// Why, for the log and the guest (optional).
    reason: Option<String>,
}

/// Host and co-hosts put a guest out of the room: `kick` (they may join
/// again; their votes stop counting) or `ban` (for good: they cannot join
/// again, and their queued songs go). Their phone is told.
#[utoipa::path(post, path = "/rooms/{code}/members/{member_id}/{action}", tag = "moderation",
    params(
        RoomCode,
        ("member_id" = String, Path, description = "The member's public id"),
        ("action" = String, Path, description = "`kick` or `ban`", pattern = "^(kick|ban)$"),
    ),
    request_body(content = Option<Ousting>),
    responses(
        (status = 204, description = "Kicked or banned"),
        (status = 403, description = "Not allowed to remove that member"),
        (status = 404, description = "No such room, member or action"),
    ))]
async fn oust(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path((code, member_id, action)): Path<(String, String, String)>,
    body: OptionalJsonBody<Ousting>,
) -> Result<StatusCode> {
    let how = match action.as_str() {
        "kick" => Ouster::Kick,
        "ban" => Ouster::Ban,
        _ => return Err(Error::refuse(Code::NotFound, "Not Found")),
    };
    let reason = reason(body.0.and_then(|b| b.reason))?;
    let ousted = state
        .store
        .oust(user, code, member_id, how, reason.clone())
        .await?;
    let verb = match how {
        Ouster::Kick => "removed you from the party",
        Ouster::Ban => "removed you from the party for good",
    };
    let message = match reason {
        Some(r) => format!("{} {verb}: {r}", ousted.by),
        None => format!("{} {verb}.", ousted.by),
    };
    state
        .realtime
        .tell(&ousted.room_id, &ousted.user_id, Personal::Removed(message));
    Ok(StatusCode::NO_CONTENT)
}

/// A moderator's optional reason: trimmed, blank is none, bounded.
pub fn reason(raw: Option<String>) -> Result<Option<String>> {
    let reason = raw.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON_CHARS)
    {
        return Err(Error::refuse(
            Code::InvalidReason,
            format!("A reason is at most {MAX_REASON_CHARS} characters."),
        ));
    }
    if reason
        .as_ref()
        .is_some_and(|r| r.chars().any(char::is_control))
    {
        return Err(Error::refuse(
            Code::InvalidReason,
            "A reason cannot contain control characters (new lines, tabs).",
        ));
    }
    Ok(reason)
}

/// The room's settings (the join PIN only for the host and co-hosts).
#[utoipa::path(get, path = "/rooms/{code}/settings", tag = "moderation",
    params(RoomCode),
    responses(
        (status = 200, description = "The room's settings", body = SettingsView),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No room with that code"),
    ))]
async fn get_settings(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<SettingsView>> {
    Ok(Json(state.store.settings(user, code).await?))
}

/// The host changes settings: only the fields sent change.
#[utoipa::path(patch, path = "/rooms/{code}/settings", tag = "moderation",
    params(RoomCode),
    request_body = SettingsPatch,
    responses(
        (status = 200, description = "The settings, changed", body = SettingsView),
        (status = 403, description = "Only the host changes settings"),
        (status = 404, description = "No room with that code"),
        (status = 422, description = "Unknown setting or value out of range"),
    ))]
async fn patch_settings(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    JsonBody(patch): JsonBody<SettingsPatch>,
) -> Result<Json<SettingsView>> {
    Ok(Json(state.store.update_settings(user, code, patch).await?))
}

/// The moderation log, newest first (host and co-hosts).
#[utoipa::path(get, path = "/rooms/{code}/audit", tag = "moderation",
    params(RoomCode),
    responses(
        (status = 200, description = "The moderation log, newest first", body = Vec<AuditEntry>),
        (status = 403, description = "Only the host and co-hosts"),
        (status = 404, description = "No room with that code"),
    ))]
async fn audit(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<Vec<AuditEntry>>> {
    Ok(Json(state.store.audit(user, code).await?))
}

/// The join code the TV shows now (changes every minute); with "guests
/// must be here" on, joining needs it (`POST /rooms/join` `{code, token}`).
#[utoipa::path(get, path = "/rooms/{code}/join-token", tag = "moderation",
    params(RoomCode),
    responses(
        (status = 200, description = "The join token for the QR link", body = JoinToken),
        (status = 403, description = "Only the host and co-hosts"),
        (status = 404, description = "No room with that code"),
    ))]
async fn join_token(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<JoinToken>> {
    Ok(Json(state.store.join_token(user, code).await?))
}

/// The guest Wi-Fi the party's screen shows as a QR code beside the
/// party's own (`null` when the host has set none; `wifi_name` and
/// `wifi_password` in the settings). It holds the password: the host and
/// the party's screens only.
#[utoipa::path(get, path = "/rooms/{code}/wifi", tag = "moderation",
    params(RoomCode),
    responses(
        (status = 200, description = "The network, its password and the QR code's text", body = Option<WifiCard>),
        (status = 403, description = "Only the host and the party's screens"),
        (status = 404, description = "No room with that code"),
    ))]
async fn wifi(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<Option<WifiCard>>> {
    Ok(Json(state.store.wifi(user, code).await?))
}
