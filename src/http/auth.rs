//! Guests: `POST /auth/guest`, `PATCH /auth/me` and `POST /auth/logout`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rate_limits::{Action, limited};

use super::AppState;
use super::extract::{Identity, JsonBody, UID_COOKIE};
use uuid::Uuid;

/// A long-lived id for the browser itself (not a credential: it only ties
/// guest accounts made on one device together).
pub const DEVICE_COOKIE: &str = "did";
use crate::domain::guest_name;
use crate::error::{Code, Error, Result};
use crate::limits::{COOKIE_MAX_AGE_SECS, DEVICE_COOKIE_MAX_AGE_SECS};
use crate::model::Guest;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(limited(Action::NewGuest, routes!(create_guest)))
        .routes(routes!(logout))
        .routes(limited(Action::ChangeRoom, routes!(rename)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Rename {
    /// Your new name: trimmed, 1 to 64 characters.
    #[schema(max_length = 64, example = "DJ Anto")]
    display_name: String,
}

/// Change your name: the queue, the people list and the log show it from
/// now on, in every party you are in.
#[utoipa::path(patch, path = "/auth/me", tag = "auth", request_body = Rename,
    responses(
        (status = 200, description = "The guest, renamed", body = Guest),
        (status = 401, description = "Not signed in"),
        (status = 422, description = "Name blank, too long or reserved"),
    ))]
async fn rename(
    State(state): State<AppState>,
    Identity(user): Identity,
    JsonBody(body): JsonBody<Rename>,
) -> Result<Json<Guest>> {
    if body.display_name.trim().is_empty() {
        return Err(Error::refuse(
            Code::NameInvalid,
            "Type the name you want to go by.",
        ));
    }
    let name = guest_name::parse(Some(&body.display_name), &mut rand::rng())?;
    let guest = state.store.rename(user, name).await?;
    state.realtime.renamed(&guest.user_id, &guest.display_name);
    Ok(Json(guest))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GuestRequest {
    /// Trimmed; blank or missing gets a friendly generated name.
    #[schema(max_length = 64, example = "Anto")]
    display_name: Option<String>,
}

/// Become a guest: answers the new user and sets the `uid` cookie.
///
/// Seed: `POST /auth/guest`: sets the `uid` cookie, answers `{user_id, display_name}` (see `crate::seed`).
#[utoipa::path(post, path = "/auth/guest", tag = "auth", request_body = GuestRequest,
    responses(
        (status = 201, description = "The new guest; the `uid` cookie is set", body = Guest),
        (status = 422, description = "Name too long or body invalid"),
    ))]
async fn create_guest(
    State(state): State<AppState>,
    jar: CookieJar,
    JsonBody(body): JsonBody<GuestRequest>,
) -> Result<(StatusCode, CookieJar, Json<Guest>)> {
    let name = guest_name::parse(body.display_name.as_deref(), &mut rand::rng())?;
    // The device keeps its id across guest accounts (logout leaves it), so
    // two accounts made on one phone vote as one.
    let device = jar
        .get(DEVICE_COOKIE)
        .and_then(|c| Uuid::try_parse(c.value()).ok())
        .unwrap_or_else(Uuid::new_v4)
        .to_string();
    let guest = state.store.create_guest(name, Some(device.clone())).await?;
    let secure = state.config.tls();
    let uid = Cookie::build((UID_COOKIE, guest.user_id.clone()))
        .secure(secure)
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::seconds(COOKIE_MAX_AGE_SECS));
    let device = Cookie::build((DEVICE_COOKIE, device))
        .secure(secure)
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::seconds(DEVICE_COOKIE_MAX_AGE_SECS));
    Ok((StatusCode::CREATED, jar.add(uid).add(device), Json(guest)))
}

/// Forget this browser's identity: clears the `uid` cookie, and the id
/// (from the cookie or header) stops working.
///
/// Seed: `POST /auth/logout` (see `crate::seed`).
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Cookie cleared")))]
async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
    jar: CookieJar,
) -> Result<(StatusCode, CookieJar)> {
    // The id is a credential: once logged out, it is no id any more.
    if let Ok(user) = super::extract::identity(&headers, &jar) {
        state.store.revoke(user).await?;
    }
    // Always send the expired cookie: the browser may hold one the request
    // did not carry.
    let cookie = Cookie::build((UID_COOKIE, ""))
        .secure(state.config.tls())
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::ZERO);
    Ok((StatusCode::NO_CONTENT, jar.add(cookie)))
}
