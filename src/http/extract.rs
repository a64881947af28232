//! Extractors shared by every resource: who is asking, and JSON bodies that
//! fail with the box's own error shape.

use axum::extract::{FromRequest, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum_extra::extract::CookieJar;
use uuid::Uuid;

use crate::error::{Code, Error};

pub use crate::seed::{UID_COOKIE, UID_HEADER};

/// The id the request claims: the `X-User-ID` header if present, else the
/// `uid` cookie. Only its shape is checked here (401 if missing or
/// malformed); the store checks the box knows it.
#[derive(Debug, Clone, Copy)]
pub struct Identity(pub Uuid);

impl<S: Send + Sync> FromRequestParts<S> for Identity {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_request_parts(parts, state)
            .await
            .unwrap_or_default();
        identity(&parts.headers, &jar).map(Identity)
    }
}

/// `Option<Identity>`: the id if the request carries a well-formed one.
impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Identity {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(
            <Identity as FromRequestParts<S>>::from_request_parts(parts, state)
                .await
                .ok(),
        )
    }
}

/// The id a request claims, from the `X-User-ID` header, else the `uid`
/// cookie: the one way every handler and the rate limiter read it. Never
/// from the URL (ids are credentials; URLs end up in logs): a live socket
/// without either uses a ticket.
pub fn identity(headers: &HeaderMap, jar: &CookieJar) -> Result<Uuid, Error> {
    let raw = headers
        .get(UID_HEADER)
        .map(|v| v.to_str().unwrap_or_default())
        .or_else(|| jar.get(UID_COOKIE).map(|c| c.value()))
        .ok_or_else(|| {
            Error::refuse(
                Code::NotSignedIn,
                "Not signed in: join as a guest first (POST /auth/guest).",
            )
        })?;
    Uuid::try_parse(raw.trim()).map_err(|_| {
        Error::refuse(
            Code::InvalidIdentity,
            "That user id is not valid. Join again as a guest.",
        )
    })
}

/// `axum::Json`, but a bad body becomes the box's `{"detail"}` error
/// (422 for malformed or mistyped JSON, 413 too large, 415 not JSON).
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct JsonBody<T>(pub T);

/// A JSON body that may be left out: no body at all is `None`; a body that
/// is there must be valid JSON (with a JSON content type), as for `JsonBody`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<T, S> FromRequest<S> for OptionalJsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::Bytes::from_request(
            axum::extract::Request::from_parts(parts.clone(), body),
            state,
        )
        .await
        .map_err(|e| Error::Client {
            status: e.status(),
            detail: e.body_text(),
        })?;
        if bytes.is_empty() {
            return Ok(OptionalJsonBody(None));
        }
        let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        let JsonBody(value) = JsonBody::<T>::from_request(req, state).await?;
        Ok(OptionalJsonBody(Some(value)))
    }
}

/// The network a request comes from (`domain::voices::network_of` of the
/// client's address): what decides how many voices it carries.
#[derive(Debug, Clone)]
pub struct Network(pub String);

impl FromRequestParts<super::AppState> for Network {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &super::AppState,
    ) -> Result<Self, Self::Rejection> {
        let ip = super::connections::client_ip(parts, &state.config.trust_proxy)
            .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        Ok(Network(crate::domain::voices::network_of(ip)))
    }
}

/// A room's code in a path (`/rooms/{code}/…`), declared once for the API
/// document. Handlers read it as `Path<String>`; the store forgives case,
/// spaces and dashes.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Path)]
#[expect(dead_code, reason = "it declares the parameter; nothing reads it")]
pub struct RoomCode {
    /// Room code (any case; spaces and dashes are ignored)
    code: String,
}

/// `?since=`: the room version a client shows (its last `X-Room-Version`).
/// An answer that carries the room is then only what changed since, in the
/// live socket's delta form, when the box still holds that version (the
/// latest few); else it is whole, as without it. On a lossy Wi-Fi a 40-song
/// queue is four packets, each a chance to wait a retransmission out; what
/// one vote changed fits in one.
#[derive(Debug, Clone, Copy, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Since {
    /// The room version you show: the answer is then what changed since
    /// (`{"type": "delta", …}`) while the box still holds it.
    pub since: Option<i64>,
}

impl<S: Send + Sync> FromRequestParts<S> for Since {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query =
            axum::extract::Query::<std::collections::HashMap<String, String>>::try_from_uri(
                &parts.uri,
            )
            .map(|q| q.0)
            .unwrap_or_default();
        let since = match query.get("since") {
            None => None,
            Some(v) => Some(v.parse::<i64>().ok().filter(|v| *v >= 0).ok_or_else(|| {
                Error::refuse(
                    Code::Invalid,
                    "since is a room version: a whole number from 0, as X-Room-Version gave it.",
                )
            })?),
        };
        Ok(Since { since })
    }
}
