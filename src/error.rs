//! The one error type of the box, and how each kind becomes an HTTP answer.
//!
//! Every answer has FastAPI's shape, `{"detail": "..."}`, so the seed's
//! clients can show it. Internal failures are logged in full and answered
//! with a generic 500: their text may hold paths or SQL.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

pub use crate::domain::refusal::{Code, Refusal};

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Code {
    pub fn status(self) -> StatusCode {
        use Code::*;
        match self {
            NotSignedIn | InvalidIdentity | UnknownIdentity | IdentityExpired | LoggedOut
            | TicketInvalid => StatusCode::UNAUTHORIZED,
            CrossSite | Banned | RoomClosed | RoomFull | NeedsPin | WrongPin | NeedsScreenCode
            | NotAMember | HostOnly | ModeratorsOnly | NotThePlayer | ScreenCannotVote
            | ExplicitOff | DownvotesOff | NotYourSong | NotInYourParty | NotInPlaylists
            | GuestAddsOff => StatusCode::FORBIDDEN,
            NotFound | RoomNotFound | TrackNotFound | NotInQueue | AlreadyRemoved
            | MemberNotFound | BanNotFound | PlaylistNotFound | NoAudio | NoLyrics | FileGone => {
                StatusCode::NOT_FOUND
            }
            MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            OutOfRange => StatusCode::RANGE_NOT_SATISFIABLE,
            TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            TooManyRooms
            | NoMusicFolders
            | NoMpdServer
            | Unplayable
            | PlayedRecently
            | QueueFull
            | GuestLimit
            | LeftQueue
            | JustJoined
            | NothingPlaying
            | SongPlaying
            | SongPlayed
            | SongEnded
            | HostStaysHost
            | NotYourself
            | TooManySharedNetworks => StatusCode::CONFLICT,
            Invalid | InvalidBody | SearchEmpty | SearchTooLong | NameTooLong | NameInvalid
            | NameReserved | RoomNameTooLong | RoomNameInvalid | InvalidVote | InvalidReaction
            | InvalidRole | InvalidReason | InvalidNetwork | InvalidSetting | InvalidPlaylist
            | SeekOutOfRange => StatusCode::UNPROCESSABLE_ENTITY,
            TooManyRequests | LockedOut | ReactingTooFast => StatusCode::TOO_MANY_REQUESTS,
            Unavailable | MpdUnreachable => StatusCode::SERVICE_UNAVAILABLE,
            Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The code for a client error that has only a status (a framework
    /// rejection).
    pub fn for_status(status: StatusCode) -> Code {
        match status {
            StatusCode::NOT_FOUND => Code::NotFound,
            StatusCode::METHOD_NOT_ALLOWED => Code::MethodNotAllowed,
            StatusCode::PAYLOAD_TOO_LARGE => Code::TooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Code::UnsupportedMediaType,
            StatusCode::FORBIDDEN => Code::CrossSite,
            StatusCode::TOO_MANY_REQUESTS => Code::TooManyRequests,
            StatusCode::RANGE_NOT_SATISFIABLE => Code::OutOfRange,
            _ => Code::InvalidBody,
        }
    }
}

/// Every error answer's body.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// What went wrong, in English, for a person.
    pub detail: String,
    pub code: Code,
    /// Numbers the detail holds, by name (`tries_left`, `seconds`,
    /// `minutes`...), when it has some.
    #[schema(value_type = Option<Object>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<serde_json::Map<String, serde_json::Value>>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A client error: its code decides the status.
    #[error("{}", .0.detail)]
    Refused(Box<Refusal>),
    /// Any other client error with its own status (413, 415, 405...).
    #[error("{detail}")]
    Client { status: StatusCode, detail: String },
    /// The store cannot take writes right now (disk full, read-only file).
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Sqlite(#[from] rusqlite::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl Error {
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Refused(r) => r.code.status(),
            Error::Client { status, .. } => *status,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Sqlite(e) if storage_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Sqlite(_) | Error::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable code of this answer.
    pub fn code(&self) -> Code {
        match self {
            Error::Refused(r) => r.code,
            Error::Client { status, .. } => Code::for_status(*status),
            Error::Unavailable(_) => Code::Unavailable,
            Error::Sqlite(e) if storage_unavailable(e) => Code::Unavailable,
            Error::Sqlite(_) | Error::Other(_) => Code::Internal,
        }
    }

    /// Refuse with this code and text.
    pub fn refuse(code: Code, detail: impl Into<String>) -> Self {
        Refusal::new(code, detail).into()
    }

    /// Adds a number the page needs to say the same in another language.
    pub fn with(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        if let Error::Refused(r) = &mut self {
            r.params.insert(name.to_string(), value.into());
        }
        self
    }

    /// The error every waiting writer gets when their shared commit failed.
    /// `rusqlite::Error` is not `Clone`, so each gets a fresh one.
    pub fn from_failed_commit(e: &rusqlite::Error) -> Self {
        if storage_unavailable(e) {
            Error::Unavailable(UNAVAILABLE.into())
        } else {
            Error::Other(anyhow::anyhow!("commit failed: {e}"))
        }
    }
}

const UNAVAILABLE: &str =
    "The box cannot save anything right now (its storage is full or read-only). Try again soon.";

/// Disk full, read-only or locked file: the box is fine, its storage is not.
fn storage_unavailable(e: &rusqlite::Error) -> bool {
    use rusqlite::ErrorCode::*;
    matches!(
        e.sqlite_error_code(),
        Some(DiskFull | ReadOnly | DatabaseBusy | DatabaseLocked | CannotOpen | SystemIoFailure)
    )
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Error::Refused(Box::new(refusal))
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.code();
        let detail = match &self {
            Error::Sqlite(e) if status == StatusCode::SERVICE_UNAVAILABLE => {
                tracing::warn!(error = %e, "storage unavailable");
                UNAVAILABLE.to_string()
            }
            Error::Sqlite(e) => {
                tracing::error!(error = ?e, "database error");
                "Internal Server Error".to_string()
            }
            Error::Other(e) => {
                tracing::error!(error = ?e, "internal error");
                "Internal Server Error".to_string()
            }
            other => other.to_string(),
        };
        let params = match self {
            Error::Refused(r) if !r.params.is_empty() => Some(r.params),
            _ => None,
        };
        let body = ErrorBody {
            detail,
            code,
            params,
        };
        (status, axum::Json(body)).into_response()
    }
}

impl From<JsonRejection> for Error {
    fn from(rejection: JsonRejection) -> Self {
        use JsonRejection::*;
        let detail = match &rejection {
            JsonSyntaxError(_) => format!("The body is not valid JSON: {}", rejection.body_text()),
            JsonDataError(_) => rejection.body_text(),
            MissingJsonContentType(_) => {
                "Send the body as JSON with `Content-Type: application/json`.".to_string()
            }
            _ => rejection.body_text(),
        };
        let status = crate::seed::body_rejection_status(rejection.status());
        Error::Client { status, detail }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    /// The page shows each refusal in the guest's language: every code has
    /// words in the reference catalog (the others must match it).
    #[test]
    fn every_code_has_words_in_the_page() {
        let english = include_str!("../web/src/i18n/en.ts");
        for code in Code::iter() {
            let key = format!("'error.{}'", code.as_str());
            assert!(english.contains(&key), "web/src/i18n/en.ts has no {key}");
        }
    }

    #[test]
    fn every_code_is_an_error_status_and_spelt_as_serde_spells_it() {
        for code in Code::iter() {
            assert!(code.status().is_client_error() || code.status().is_server_error());
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::Value::String(code.as_str().into())
            );
        }
    }
}
