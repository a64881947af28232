//! Playlists in a party: the host loads one from the music folders or an
//! upload (M3U, M3U8, PLS, XSPF), to let guests add only its songs
//! (`guest_adds: "playlists"`) or to fill the queue before they arrive.

use std::io::Read;

use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::extract::{Identity, JsonBody, RoomCode};
use super::rate_limits::{Action, limited};
use crate::error::{Code, Error, Result};
use crate::limits::MAX_PLAYLIST_BYTES;
use crate::model::{FolderPlaylist, LoadedPlaylist, PlaylistDetail, PlaylistView, SavedPlaylist};
use crate::mpd::MpdError;
use crate::playlists::read;
use crate::store::PlaylistLoad;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(folder_playlists))
        .routes(routes!(playlists))
        .routes(routes!(playlist))
        .routes(limited(Action::ChangeRoom, routes!(remove_playlist)))
        .routes(limited(Action::ChangeRoom, routes!(save_to_mpd)))
        .merge(
            OpenApiRouter::new()
                .routes(limited(Action::ChangeRoom, routes!(load_playlist)))
                // An upload is a file, not a vote: more than the usual body
                // (`security::body_limit` says the same before routing).
                .layer(DefaultBodyLimit::max(
                    MAX_PLAYLIST_BYTES + super::security::PLAYLIST_FIELDS,
                )),
        )
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoadPlaylist {
    /// A playlist file in the music folders, by its path there (from
    /// `GET /library/playlists`).
    file: Option<String>,
    /// Or the text of an uploaded playlist file...
    content: Option<String>,
    /// ...and its file name (`Wedding.xspf`: the format and the
    /// playlist's name come from it).
    name: Option<String>,
    /// Or a stored playlist on the MPD server, by its name (from
    /// `GET /library/playlists`, `source: "mpd"`).
    mpd_playlist: Option<String>,
    /// Also put its songs in the queue, in its order.
    #[serde(default)]
    queue: bool,
}

/// The playlist files in the music folders (M3U, M3U8, PLS, XSPF), then
/// the MPD server's stored playlists (`source: "mpd"`) when the box plays
/// through one and it answers.
#[utoipa::path(get, path = "/library/playlists", tag = "library",
    responses(
        (status = 200, description = "Playlist files, by their path in the music folders; the MPD server's by name", body = Vec<FolderPlaylist>),
        (status = 401, description = "Not signed in"),
    ))]
async fn folder_playlists(
    State(state): State<AppState>,
    Identity(user): Identity,
) -> Result<Json<Vec<FolderPlaylist>>> {
    state.store.user(user).await?;
    let library = state.library.clone();
    let files = tokio::task::spawn_blocking(move || library.playlist_files())
        .await
        .map_err(|e| Error::Other(e.into()))?;
    let mut listed: Vec<FolderPlaylist> = files
        .into_iter()
        .map(|file| FolderPlaylist {
            name: stem(&file),
            file,
            source: "folder",
        })
        .collect();
    if let Some(mpd) = &state.mpd {
        // A server that is down lists nothing: the folders still do.
        let names = mpd.playlists().await.unwrap_or_default();
        listed.extend(names.into_iter().map(|name| FolderPlaylist {
            file: name.clone(),
            name,
            source: "mpd",
        }));
    }
    Ok(Json(listed))
}

/// Load a playlist into the party (host and co-hosts): a file in the music
/// folders (`file`), or an uploaded one (`content`, with its `name`). Each
/// entry is matched to the catalog by its path, else its artist and title;
/// the answer lists what matched nothing. With `queue`, its songs go in
/// the queue in its order (the room's rules apply: a song already there,
/// or one the box cannot play, is passed over).
#[utoipa::path(post, path = "/rooms/{code}/playlists", tag = "rooms",
    params(RoomCode),
    request_body = LoadPlaylist,
    responses(
        (status = 201, description = "Loaded: what matched, what did not, what was queued", body = LoadedPlaylist),
        (status = 403, description = "Not the host or a co-host"),
        (status = 404, description = "No such room, or no such playlist file"),
        (status = 413, description = "A file over 1 MiB"),
        (status = 422, description = "Not a playlist the box can read, or neither file nor content"),
    ))]
async fn load_playlist(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<LoadPlaylist>,
) -> Result<(StatusCode, Json<LoadedPlaylist>)> {
    if let Some(name) = body.mpd_playlist {
        if body.file.is_some() || body.content.is_some() {
            return Err(neither_or_both());
        }
        let load = mpd_playlist(&state, name, body.queue).await?;
        let (_, loaded) = state.store.load_playlist(user, code, load).await?;
        return Ok((StatusCode::CREATED, Json(loaded)));
    }
    let upload_name = body.name.clone();
    let (name, file, base, text) = match (body.file, body.content) {
        (Some(file), None) => {
            let library = state.library.clone();
            let wanted = file.clone();
            let (path, text) = tokio::task::spawn_blocking(move || {
                let path = library.playlist_file(&wanted)?;
                let mut bytes = Vec::new();
                std::fs::File::open(&path)
                    .ok()?
                    .take(MAX_PLAYLIST_BYTES as u64)
                    .read_to_end(&mut bytes)
                    .ok()?;
                Some((path, String::from_utf8_lossy(&bytes).into_owned()))
            })
            .await
            .map_err(|e| Error::Other(e.into()))?
            .ok_or_else(|| {
                Error::refuse(
                    Code::PlaylistNotFound,
                    "There is no playlist file by that name in the music folders.",
                )
            })?;
            let base = path.parent().map(|p| p.to_path_buf());
            (stem(&file), Some(file), base, text)
        }
        (None, Some(content)) => {
            let name = body.name.unwrap_or_default();
            (stem(&name), None, None, content)
        }
        _ => return Err(neither_or_both()),
    };
    let entries = read::read(file.as_deref().or(upload_name.as_deref()), &text)
        .map_err(|why| Error::refuse(Code::InvalidPlaylist, why))?;
    let load = PlaylistLoad {
        name: if name.is_empty() {
            "Playlist".into()
        } else {
            name
        },
        file,
        base,
        entries,
        queue: body.queue,
    };
    let (_, loaded) = state.store.load_playlist(user, code, load).await?;
    Ok((StatusCode::CREATED, Json(loaded)))
}

fn neither_or_both() -> Error {
    Error::refuse(
        Code::InvalidPlaylist,
        "Send a playlist's text (content, with its file name), or name a file in the music folders (file) or the MPD server's playlist (mpd_playlist): one of them.",
    )
}

/// The MPD server's stored playlist `name`, its songs put in the catalog
/// (matched by their URI).
async fn mpd_playlist(state: &AppState, name: String, queue: bool) -> Result<PlaylistLoad> {
    let mpd = state.mpd.as_ref().ok_or_else(no_mpd)?;
    let songs = match mpd.playlist(&name).await {
        Ok(songs) => songs,
        Err(MpdError::Refused(_)) => {
            return Err(Error::refuse(
                Code::PlaylistNotFound,
                "The MPD server has no playlist by that name.",
            ));
        }
        Err(e) => return Err(e.unreachable()),
    };
    let entries = songs
        .iter()
        .map(|song| read::Entry {
            location: Some(song.uri.clone()),
            title: Some(song.title.clone()),
            artist: Some(song.artist.clone()),
        })
        .collect();
    state.store.remember_mpd_songs(songs).await?;
    Ok(PlaylistLoad {
        file: Some(format!("mpd:{name}")),
        name,
        base: None,
        entries,
        queue,
    })
}

fn no_mpd() -> Error {
    Error::refuse(
        Code::NoMpdServer,
        "This box plays through no MPD server: start it with --mpd HOST:PORT.",
    )
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveToMpd {
    /// The playlist's name on the server (default: the party's name and
    /// today's date). A playlist of that name is replaced.
    name: Option<String>,
}

/// Save tonight as a stored playlist on the MPD server (host and
/// co-hosts): the server's songs that played, in the order they played
/// (Mopidy's backends can sync it to their service). The host's files and
/// the built-in catalog's songs are counted in `left_out`.
#[utoipa::path(post, path = "/rooms/{code}/played/mpd-playlist", tag = "rooms",
    params(RoomCode),
    request_body = SaveToMpd,
    responses(
        (status = 201, description = "Saved on the server", body = SavedPlaylist),
        (status = 403, description = "Not the host or a co-host"),
        (status = 404, description = "No room with that code"),
        (status = 409, description = "The box plays through no MPD server"),
        (status = 422, description = "A name the server cannot take"),
        (status = 503, description = "The MPD server cannot be reached"),
    ))]
async fn save_to_mpd(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
    JsonBody(body): JsonBody<SaveToMpd>,
) -> Result<(StatusCode, Json<SavedPlaylist>)> {
    let given = body.name.map(|n| n.trim().to_string());
    if let Some(name) = &given {
        mpd_playlist_name(name)?;
    }
    let mpd = state.mpd.as_ref().ok_or_else(no_mpd)?;
    let (party, uris) = state.store.played_on_mpd(user, code).await?;
    let name = given.unwrap_or_else(|| default_mpd_name(&party));
    let saved: Vec<String> = uris.iter().flatten().cloned().collect();
    mpd.save_playlist(&name, &saved)
        .await
        .map_err(|e| match e {
            MpdError::Refused(why) => Error::refuse(
                Code::InvalidPlaylist,
                format!("The MPD server refused the playlist: {why}"),
            ),
            other => other.unreachable(),
        })?;
    Ok((
        StatusCode::CREATED,
        Json(SavedPlaylist {
            name,
            saved: saved.len(),
            left_out: uris.len() - saved.len(),
        }),
    ))
}

/// A stored playlist's name MPD takes: one line, no slash, not too long.
fn mpd_playlist_name(name: &str) -> Result<()> {
    let fine = (1..=100).contains(&name.chars().count())
        && !name
            .chars()
            .any(|c| c == '/' || c == '\\' || c.is_control());
    if fine {
        Ok(())
    } else {
        Err(Error::refuse(
            Code::InvalidPlaylist,
            "Name the playlist in 1 to 100 characters, on one line, without slashes.",
        ))
    }
}

/// "Party name 2026-12-07", made safe for MPD.
fn default_mpd_name(party: &str) -> String {
    let clean: String = party
        .chars()
        .map(|c| {
            if c == '/' || c == '\\' || c.is_control() {
                ' '
            } else {
                c
            }
        })
        .take(80)
        .collect();
    let date = jiff::Zoned::now().date();
    format!("{} {date}", clean.trim())
}

/// The party's playlists (any member).
#[utoipa::path(get, path = "/rooms/{code}/playlists", tag = "rooms",
    params(RoomCode),
    responses(
        (status = 200, description = "The playlists loaded into the party", body = Vec<PlaylistView>),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No room with that code"),
    ))]
async fn playlists(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path(code): Path<String>,
) -> Result<Json<Vec<PlaylistView>>> {
    Ok(Json(state.store.playlists(user, code).await?))
}

/// One playlist's songs, each with its place in the party, to add from
/// (any member); the host and co-hosts also get what matched nothing.
#[utoipa::path(get, path = "/rooms/{code}/playlists/{playlist_id}", tag = "rooms",
    params(RoomCode, ("playlist_id" = String, Path, description = "A playlist in the party")),
    responses(
        (status = 200, description = "Its songs", body = PlaylistDetail),
        (status = 403, description = "Not a member of the room"),
        (status = 404, description = "No such room or playlist"),
    ))]
async fn playlist(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path((code, id)): Path<(String, String)>,
) -> Result<Json<PlaylistDetail>> {
    Ok(Json(state.store.playlist(user, code, id).await?))
}

/// Take a playlist out of the party (host and co-hosts); its songs already
/// in the queue stay.
#[utoipa::path(delete, path = "/rooms/{code}/playlists/{playlist_id}", tag = "rooms",
    params(RoomCode, ("playlist_id" = String, Path, description = "A playlist in the party")),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "Not the host or a co-host"),
        (status = 404, description = "No such room or playlist"),
    ))]
async fn remove_playlist(
    State(state): State<AppState>,
    Identity(user): Identity,
    Path((code, id)): Path<(String, String)>,
) -> Result<StatusCode> {
    state.store.remove_playlist(user, code, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A playlist's name from its file's: `Playlists/Wedding Night.m3u8` →
/// "Wedding Night" (at most 100 characters).
fn stem(file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let name = match read::kind_of_name(name) {
        Some(_) => name.rsplit_once('.').map_or(name, |(stem, _)| stem),
        None => name,
    };
    name.chars()
        .filter(|c| !c.is_control())
        .take(100)
        .collect::<String>()
        .trim()
        .to_string()
}
