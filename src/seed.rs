//! The seed's contract, in one place. Democratic Tunes began as a FastAPI
//! + Postgres app; the quick tour in its README is a promise to its
//! clients, and this box keeps it: the same paths, bodies, status codes and
//! answer shapes. Each route the tour names has a `/// Seed:` line on its
//! handler, and `tests/api/seed.rs` replays the tour as written.
//!
//! | The tour's route | Handler | What the seed's clients rely on |
//! |---|---|---|
//! | `GET /health` | `http::health` | 200 while the box is up |
//! | `POST /auth/guest` `{display_name}` | `http::auth::create_guest` | sets the `uid` HttpOnly cookie; answers `{user_id, display_name}` |
//! | `POST /auth/logout` | `http::auth::logout` | clears the cookie |
//! | `POST /rooms` `{name}` | `http::rooms::create_room` | answers `{code, id, host_user_id}` |
//! | `POST /rooms/join` `{code}` | `http::rooms::join_room` | answers `{room_id, user_id}` |
//! | `GET /rooms/{code}/now-playing` | `http::rooms::now_playing` | the playing item, or `null` |
//! | `POST /rooms/{code}/advance` | `http::rooms::advance` | host only; anyone else gets 403 with [`NOT_THE_HOST`] |
//! | `GET /tracks/rooms/{code}/queue` | `http::tracks::queue` | the queue, best first, with `votes` and `status` |
//! | `GET /tracks/search?artist_or_title=` | `http::tracks::search` | the catalog's matches |
//! | `POST /tracks/rooms/{code}/tracks` `{track_id}` | `http::tracks::add_track` | answers the queue |
//! | `POST /votes/rooms/{code}/votes` `{room_track_id, value: 1 or -1}` | `http::votes::vote` | answers the queue |
//!
//! Across every route:
//! - **Who is asking:** the `uid` cookie, or the same id in an `X-User-ID`
//!   header (the seed's page mirrors it in localStorage for browsers that
//!   block cookies): [`UID_COOKIE`], [`UID_HEADER`], read by
//!   `http::extract::Identity`.
//! - **Errors** are FastAPI's `{"detail": "..."}` (`error::ErrorBody`; the
//!   box adds a `code` and `params`, which old clients ignore), and a body
//!   that is not valid JSON is a 422 as in FastAPI, not axum's 400
//!   ([`body_rejection_status`]).
//! - **Path prefixes** `/tracks/rooms/{code}/…` and `/votes/rooms/{code}/…`
//!   are the seed's FastAPI router prefixes, kept as they were; the box's
//!   own routes since then live under `/rooms/{code}/…`.

use axum::http::StatusCode;

/// The tour's routes, as (method, path) in OpenAPI's spelling.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/health"),
    ("post", "/auth/guest"),
    ("post", "/auth/logout"),
    ("post", "/rooms"),
    ("post", "/rooms/join"),
    ("get", "/rooms/{code}/now-playing"),
    ("post", "/rooms/{code}/advance"),
    ("get", "/tracks/rooms/{code}/queue"),
    ("get", "/tracks/search"),
    ("post", "/tracks/rooms/{code}/tracks"),
    ("post", "/votes/rooms/{code}/votes"),
];

/// The `uid` cookie the box sets for a guest.
pub const UID_COOKIE: &str = "uid";

/// The header the seed's web client falls back to when cookies are blocked.
pub const UID_HEADER: &str = "x-user-id";

/// The seed's playful answer to anyone but the host who tries to skip.
pub const NOT_THE_HOST: &str =
    "Nice try! 🎧 Only the host can skip tracks. Vote it down and let democracy do its thing.";

/// The status of a refused JSON body: FastAPI answers malformed JSON with
/// 422, and so does the box; other rejections (a missing content type, a
/// body too large) keep theirs.
pub fn body_rejection_status(status: StatusCode) -> StatusCode {
    match status {
        StatusCode::BAD_REQUEST => StatusCode::UNPROCESSABLE_ENTITY,
        s => s,
    }
}
