//! The one error type of the box, and how each kind becomes an HTTP answer.
//!
//! Every answer has FastAPI's shape, `{"detail": "..."}`, so the seed's
//! clients can show it. Internal failures are logged in full and answered
//! with a generic 500: their text may hold paths or SQL.

use axum::extract::rejection::JsonRejection;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No identity, or one the box does not know: 401.
    #[error("{0}")]
    Unauthorized(String),
    /// Known, but not allowed: 403.
    #[error("{0}")]
    Forbidden(String),
    /// 404.
    #[error("{0}")]
    NotFound(String),
    /// The request is valid but clashes with the current state: 409.
    #[error("{0}")]
    Conflict(String),
    /// Input that fails validation: 422, as FastAPI answers.
    #[error("{0}")]
    Unprocessable(String),
    /// Over a rate limit: 429 (the middleware adds `Retry-After`).
    #[error("{0}")]
    TooManyRequests(String),
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
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Error::Client { status, .. } => *status,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Sqlite(e) if storage_unavailable(e) => StatusCode::SERVICE_UNAVAILABLE,
            Error::Sqlite(_) | Error::Other(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn unprocessable(detail: impl Into<String>) -> Self {
        Error::Unprocessable(detail.into())
    }

    pub fn not_found(detail: impl Into<String>) -> Self {
        Error::NotFound(detail.into())
    }

    pub fn forbidden(detail: impl Into<String>) -> Self {
        Error::Forbidden(detail.into())
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

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let status = self.status();
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
        (status, axum::Json(json!({ "detail": detail }))).into_response()
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
        let status = match rejection.status() {
            // FastAPI answers malformed JSON with 422, and so do we.
            StatusCode::BAD_REQUEST => StatusCode::UNPROCESSABLE_ENTITY,
            s => s,
        };
        Error::Client { status, detail }
    }
}
