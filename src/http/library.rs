//! The host's music: library status and rescans, and each track's audio,
//! cover art and lyrics.

use axum::Json;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tower::ServiceExt;
use tower_http::services::ServeFile;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::rate_limits::{Action, limited};

use super::AppState;
use super::extract::Identity;
use crate::domain::lyrics::Lyrics;
use crate::error::{Code, Error, Result};
use crate::library::{self, LibraryStatus, files};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status))
        .routes(limited(Action::ChangeRoom, routes!(rescan)))
        .routes(routes!(audio))
        .routes(routes!(cover))
        .routes(routes!(lyrics))
}

/// The music library: how many tracks, and how the scan goes.
#[utoipa::path(get, path = "/library", tag = "library",
    responses(
        (status = 200, description = "What the music folders hold and the scan's progress", body = LibraryStatus),
        (status = 401, description = "No identity"),
    ))]
async fn status(
    State(state): State<AppState>,
    Identity(user): Identity,
) -> Result<Json<LibraryStatus>> {
    state.store.user(user).await?;
    Ok(Json(state.library.status().await?))
}

/// Rescan the music folders now (hosts only). Unchanged files are not
/// read again. Answers at once; `GET /library` follows the scan.
#[utoipa::path(post, path = "/library/rescan", tag = "library",
    responses(
        (status = 202, description = "A scan started; its progress so far", body = LibraryStatus),
        (status = 403, description = "Not the host of any party"),
        (status = 409, description = "The box has no music folders"),
    ))]
async fn rescan(
    State(state): State<AppState>,
    Identity(user): Identity,
) -> Result<(StatusCode, Json<LibraryStatus>)> {
    if !state.store.hosts_a_party(user).await? {
        return Err(Error::refuse(
            Code::HostOnly,
            "Only a party's host can rescan the music folders.",
        ));
    }
    if !state.library.has_folders() {
        return Err(Error::refuse(
            Code::NoMusicFolders,
            "This box has no music folders: start it with --music <folder>.",
        ));
    }
    state.library.rescan();
    Ok((StatusCode::ACCEPTED, Json(state.library.status().await?)))
}

/// The track's audio file, for members of a party. Range requests get 206
/// with the bytes asked for, so players can seek.
#[utoipa::path(get, path = "/tracks/{track_id}/audio", tag = "library",
    params(("track_id" = String, Path, description = "A track id")),
    responses(
        (status = 200, description = "The whole file (audio/mpeg, audio/flac, audio/ogg, audio/mp4, audio/aac or audio/wav)"),
        (status = 206, description = "The range asked for"),
        (status = 403, description = "Not queued, playing or played in a party you are in"),
        (status = 404, description = "No such track, or the box has no audio for it"),
        (status = 416, description = "A range outside the file"),
    ))]
async fn audio(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(track_id): Path<String>,
    request: Request,
) -> Result<Response> {
    let track = state.store.track_audio(user, track_id).await?;
    let Some(path) = track.path else {
        return Err(Error::refuse(
            Code::NoAudio,
            "This song is from the built-in catalog: the box has its details, not its audio.",
        ));
    };
    let path = confined(&state, path).await?;
    let mime = files::content_type(&path).unwrap_or("application/octet-stream");
    let mime = mime
        .parse()
        .map_err(|e| Error::Other(anyhow::anyhow!("{e}")))?;
    let response = ServeFile::new_with_mime(&path, &mime)
        .oneshot(request)
        .await
        .map_err(|e| Error::Other(e.into()))?;
    if response.status() == StatusCode::NOT_FOUND {
        return Err(Error::refuse(
            Code::FileGone,
            "The song's file is gone from the music folder.",
        ));
    }
    Ok(response.map(Body::new))
}

/// The track's lyrics, for members of a party it is queued, playing or
/// played in: a `.lrc` file beside the song, else what its tags hold (an
/// ID3 `SYLT` frame, LRC or plain text). Synced lines have `at_ms`; the
/// TV highlights the one playing.
#[utoipa::path(get, path = "/tracks/{track_id}/lyrics", tag = "library",
    params(("track_id" = String, Path, description = "A track id")),
    responses(
        (status = 200, description = "The lyrics, synced or plain", body = Lyrics),
        (status = 403, description = "Not queued, playing or played in a party you are in"),
        (status = 404, description = "No such track, or no lyrics for it"),
    ))]
async fn lyrics(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(track_id): Path<String>,
) -> Result<Response> {
    let track = state.store.track_audio(user, track_id).await?;
    let none = || {
        Error::refuse(
            Code::NoLyrics,
            "No lyrics for this song: a .lrc file beside it, or lyrics in its tags, would show here.",
        )
    };
    let path = confined(&state, track.path.ok_or_else(none)?).await?;
    let library = state.library.clone();
    let found =
        tokio::task::spawn_blocking(move || library::lyrics::read(&path, |p| library.confined(p)))
            .await
            .map_err(|e| Error::Other(e.into()))?
            .ok_or_else(none)?;
    // A file's lyrics change only when the host edits it: a TV asks once a song.
    Ok((
        [(header::CACHE_CONTROL, "private, max-age=60")],
        Json(found),
    )
        .into_response())
}

/// The track's cover art: the picture embedded in its file (for the MPD
/// server's song, the picture the server finds for it), else a
/// placeholder drawn from its title and artist (SVG).
#[utoipa::path(get, path = "/tracks/{track_id}/cover", tag = "library",
    params(("track_id" = String, Path, description = "A track id")),
    responses(
        (status = 200, description = "An image (JPEG, PNG... or the SVG placeholder)"),
        (status = 403, description = "Not a member of any party"),
        (status = 404, description = "No such track"),
    ))]
async fn cover(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(track_id): Path<String>,
) -> Result<Response> {
    let track = state.store.track_file(user, track_id.clone()).await?;
    let embedded = match (&track.path, track.has_cover) {
        (Some(path), true) => match confined(&state, path.clone()).await {
            Ok(path) => tokio::task::spawn_blocking(move || {
                files::cover(&path).map(|(bytes, mime)| (bytes, mime.to_string()))
            })
            .await
            .map_err(|e| Error::Other(e.into()))?,
            // Gone or moved out of the folder: the placeholder.
            Err(_) => None,
        },
        _ => match (&track.uri, &state.mpd) {
            // The MPD server's song: its cover, as the server finds it.
            (Some(uri), Some(mpd)) => mpd.cover(uri).await,
            _ => None,
        },
    };
    // Covers change only with their file, whose id is its path (or URI).
    let cache = (header::CACHE_CONTROL, "private, max-age=3600");
    Ok(match embedded {
        Some((bytes, mime)) => {
            ([(header::CONTENT_TYPE, mime.as_str()), cache], bytes).into_response()
        }
        None => (
            [(header::CONTENT_TYPE, "image/svg+xml"), cache],
            placeholder(&track_id, &track.title, &track.artist),
        )
            .into_response(),
    })
}

/// A square of two colours from the track id, with the title's initials.
/// The file's real place, checked to be inside a music folder now.
async fn confined(state: &AppState, path: std::path::PathBuf) -> Result<std::path::PathBuf> {
    let library = state.library.clone();
    tokio::task::spawn_blocking(move || library.confined(&path))
        .await
        .map_err(|e| Error::Other(e.into()))?
        .ok_or_else(|| {
            Error::refuse(
                Code::FileGone,
                "The song's file is gone from the music folder.",
            )
        })
}

fn placeholder(track_id: &str, title: &str, artist: &str) -> String {
    let hash = track_id
        .bytes()
        .fold(0u32, |h, b| h.wrapping_mul(31).wrapping_add(u32::from(b)));
    let (hue_a, hue_b) = (hash % 360, (hash / 360 + 120) % 360);
    // Only letters and digits reach the SVG: nothing to escape.
    let initials: String = title
        .split_whitespace()
        .chain(artist.split_whitespace())
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .take(2)
        .flat_map(char::to_uppercase)
        .collect();
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" role="img"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="hsl({hue_a},60%,35%)"/><stop offset="1" stop-color="hsl({hue_b},60%,25%)"/></linearGradient></defs><rect width="200" height="200" fill="url(#g)"/><text x="100" y="100" dy=".35em" text-anchor="middle" font-family="system-ui,sans-serif" font-size="72" font-weight="700" fill="#fff">{initials}</text></svg>"##
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_show_initials_and_only_safe_text() {
        let svg = placeholder("id", "<script>alert(1)</script> x", "&Band");
        assert!(svg.contains(">SX</text>"), "{svg}");
        assert!(!svg.contains("<script"));
        let svg = placeholder("id", "bohemian rhapsody", "Queen");
        assert!(svg.contains(">BR</text>"));
    }
}
