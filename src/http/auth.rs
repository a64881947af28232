//! Guests: `POST /auth/guest` and `POST /auth/logout`.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::{JsonBody, UID_COOKIE};
use crate::config::COOKIE_MAX_AGE_SECS;
use crate::domain::guest_name;
use crate::error::Result;
use crate::model::Guest;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_guest))
        .routes(routes!(logout))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct GuestRequest {
    /// Trimmed; blank or missing gets a friendly generated name.
    #[schema(max_length = 64, example = "Anto")]
    display_name: Option<String>,
}

/// Become a guest: answers the new user and sets the `uid` cookie.
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
    let guest = state.store.create_guest(name).await?;
    let cookie = Cookie::build((UID_COOKIE, guest.user_id.clone()))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::seconds(COOKIE_MAX_AGE_SECS));
    Ok((StatusCode::CREATED, jar.add(cookie), Json(guest)))
}

/// Forget this browser's identity: clears the `uid` cookie.
#[utoipa::path(post, path = "/auth/logout", tag = "auth",
    responses((status = 204, description = "Cookie cleared")))]
async fn logout(jar: CookieJar) -> (StatusCode, CookieJar) {
    // Always send the expired cookie: the browser may hold one the request
    // did not carry.
    let cookie = Cookie::build((UID_COOKIE, ""))
        .http_only(true)
        .same_site(SameSite::Lax)
        .path("/")
        .max_age(time::Duration::ZERO);
    (StatusCode::NO_CONTENT, jar.add(cookie))
}
