//! What keeps another origin from acting for a guest, and the browser
//! hardening headers.
//!
//! - State-changing requests (and live sockets) from another origin are
//!   refused (403) unless that origin is allowed with `--cors-origin`.
//! - State-changing requests never take form bodies (415): a form on
//!   another site cannot post for a guest, JSON needs a CORS preflight.
//! - CORS is off unless `--cors-origin` names the front ends to allow (with
//!   credentials, as the seed's separate front end needed).
//! - Every answer says `nosniff` and sends no referrer (join links carry
//!   codes); the web app's pages add a strict Content-Security-Policy (no
//!   inline script) and may not be framed.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::AppState;
use crate::error::{Code, Error};

/// The web app's Content-Security-Policy: its own files only, nothing
/// inline, no framing. `connect-src 'self'` covers the same-origin socket.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; font-src 'self'; \
     manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

/// Headers for the web app's files.
pub fn page_headers(headers: &mut axum::http::HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// Every answer's headers, around the Host check and the same-origin guard
/// (one middleware for all: each layer costs every request).
pub async fn guard(state: State<AppState>, request: Request, next: Next) -> Response {
    let docs = request.uri().path().starts_with("/docs");
    let mut response = match named_host(&request) {
        Some(host) if !host_allowed(&host, &state) => misdirected(&host),
        // Refused before the body is asked for: a client that sent
        // `Expect: 100-continue` gets the 413, not a 100.
        _ if too_large(&request) => Error::Client {
            status: axum::http::StatusCode::PAYLOAD_TOO_LARGE,
            detail: format!(
                "The request body is too large: at most {} KiB.",
                body_limit(&request) / 1024
            ),
        }
        .into_response(),
        _ => same_origin(state, request, next).await,
    };
    if response.status().is_client_error() || response.status().is_server_error() {
        response = with_detail(response).await;
    }
    if docs {
        docs_headers(response.headers_mut());
    }
    let h = response.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

fn too_large(request: &Request) -> bool {
    request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|n| n > body_limit(request) as u64)
}

/// The most a request's body may hold: a playlist upload is a file (its
/// route lets bodies without a length grow as far); everything else is a
/// few fields.
pub fn body_limit(request: &Request) -> usize {
    let path = request.uri().path();
    let playlist_upload = request.method() == axum::http::Method::POST
        && path
            .strip_prefix("/rooms/")
            .and_then(|rest| rest.strip_suffix("/playlists"))
            .is_some_and(|code| !code.is_empty() && !code.contains('/'));
    match playlist_upload {
        true => crate::limits::MAX_PLAYLIST_BYTES + PLAYLIST_FIELDS,
        false => crate::limits::MAX_BODY_BYTES,
    }
}

/// Room beside a playlist's text for the other fields and JSON escapes.
pub const PLAYLIST_FIELDS: usize = 64 * 1024;

/// Every error answer in the box's one shape, `{"detail": "..."}`: those
/// made outside its handlers (a path that is not UTF-8, a range outside a
/// file) say their text there, or what their status means.
async fn with_detail(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&text).trim().to_string();
    let detail = match parts.status {
        axum::http::StatusCode::RANGE_NOT_SATISFIABLE => {
            "That range is outside the file.".to_string()
        }
        _ if !text.is_empty() => text,
        status => status.canonical_reason().unwrap_or("Error").to_string(),
    };
    let code = crate::error::Code::for_status(parts.status);
    let body =
        serde_json::to_vec(&serde_json::json!({ "detail": detail, "code": code })).expect("JSON");
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// The API's documentation page: Swagger UI's own script and styles, no
/// framing, nothing from elsewhere.
fn docs_headers(headers: &mut axum::http::HeaderMap) {
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// The host a request names (Host, or HTTP/2's authority), lower case,
/// without its port.
fn named_host(request: &Request) -> Option<String> {
    let raw = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()))?;
    let raw = raw.trim().to_ascii_lowercase();
    if let Some(rest) = raw.strip_prefix('[') {
        // An IPv6 literal: "[::1]:8000".
        return Some(rest.split(']').next().unwrap_or_default().to_string());
    }
    match raw.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => Some(host.to_string()),
        _ => Some(raw),
    }
}

/// Hosts the box answers to: its addresses (any IP literal), its `.local`
/// name (asked for, and held after a clash renamed it), names only the home
/// network can give (one label like `raspberrypi`, or under `.lan`, `.home`,
/// `.home.arpa`, `.internal`, `.localhost`: no outsider can register them)
/// and the names `--public-host` gives. A page on another site that rebinds
/// its own name to the box's address names its own host, and is refused.
fn host_allowed(host: &str, state: &AppState) -> bool {
    let config = &state.config;
    const HOME_SUFFIXES: [&str; 5] = [".lan", ".home", ".home.arpa", ".internal", ".localhost"];
    let host = host.trim_end_matches('.');
    host.parse::<std::net::IpAddr>().is_ok()
        || !host.contains('.')
        || HOME_SUFFIXES.iter().any(|s| host.ends_with(s))
        || host
            .strip_suffix(".local")
            .is_some_and(|name| name == config.hostname || name == state.lan_names.held().hostname)
        || config.public_hosts.iter().any(|h| h == host)
}

fn misdirected(host: &str) -> Response {
    let shown: String = host.chars().take(100).collect();
    Error::Client {
        status: axum::http::StatusCode::MISDIRECTED_REQUEST,
        detail: format!(
            "This box does not answer to “{shown}”: open it by its address or its .local name (a tunnel's or domain's name needs --public-host)."
        ),
    }
    .into_response()
}

/// Refuses cross-origin writes and form bodies (see the module's doc).
async fn same_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let unsafe_method = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    let upgrade = request.headers().contains_key(header::UPGRADE);
    if unsafe_method || upgrade {
        if let Some(origin) = request.headers().get(header::ORIGIN)
            && !is_allowed(origin, request.headers().get(header::HOST), &state)
        {
            return Error::refuse(Code::CrossSite,
                "Requests from another site are not accepted: open the party from the box's own page.",
            )
            .into_response();
        }
        if unsafe_method && has_form_body(request.headers()) {
            return Error::Client {
                status: axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                detail: "Send JSON (Content-Type: application/json), not a form.".into(),
            }
            .into_response();
        }
    }
    next.run(request).await
}

fn is_allowed(origin: &HeaderValue, host: Option<&HeaderValue>, state: &AppState) -> bool {
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    // Same origin: the Origin's authority is the Host the request names.
    let authority = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    let same = match (authority, host.and_then(|h| h.to_str().ok())) {
        (Some(a), Some(h)) => a.eq_ignore_ascii_case(h),
        _ => false,
    };
    same || state
        .config
        .cors_origins
        .iter()
        .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(origin))
}

fn has_form_body(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .is_some_and(|t| {
            matches!(
                t.as_str(),
                "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
            )
        })
}

/// CORS for the origins `--cors-origin` allows; `None` (no CORS) by default.
pub fn cors(origins: &[String]) -> anyhow::Result<Option<CorsLayer>> {
    if origins.is_empty() {
        return Ok(None);
    }
    let origins = origins
        .iter()
        .map(|o| HeaderValue::from_str(o.trim_end_matches('/')))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(
        CorsLayer::new()
            .allow_origin(AllowOrigin::list(origins))
            .allow_credentials(true)
            .allow_methods([
                Method::GET,
                Method::POST,
                Method::PUT,
                Method::PATCH,
                Method::DELETE,
            ])
            .allow_headers([
                header::CONTENT_TYPE,
                HeaderName::from_static(super::UID_HEADER),
            ])
            .expose_headers([HeaderName::from_static(super::ROOM_VERSION_HEADER)]),
    ))
}
