//! The web app, embedded in the binary: `web/dist`, built and precompressed
//! by `build.rs`.
//!
//! Files are served as built; client routes (`/`, `/r/...`) get
//! `index.html`. Hashed assets are cached for a year; everything else is
//! revalidated (ETag). Brotli or gzip is picked from `Accept-Encoding`.

use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use rust_embed::{EmbeddedFile, RustEmbed};

use crate::error::Error;

#[derive(RustEmbed)]
#[folder = "web/dist"]
struct Dist;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The router's fallback: a built file, the app for a client route, or 404.
pub async fn serve(method: Method, uri: Uri, headers: HeaderMap) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return not_found();
    }
    let path = uri.path().trim_start_matches('/');
    let path = if path.is_empty() || is_client_route(path) {
        "index.html"
    } else {
        path
    };
    match Dist::get(path) {
        Some(file) => respond(path, file, &headers),
        None => not_found(),
    }
}

/// Paths the web app routes itself (see `web/src/lib/router.ts`).
fn is_client_route(path: &str) -> bool {
    path == "r" || path.starts_with("r/")
}

fn respond(path: &str, file: EmbeddedFile, headers: &HeaderMap) -> Response {
    let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..16]));
    if headers
        .get(IF_NONE_MATCH)
        .is_some_and(|v| v.as_bytes() == etag.as_bytes())
    {
        return (StatusCode::NOT_MODIFIED, [(ETAG, etag)]).into_response();
    }
    let cache = if path.starts_with("assets/") {
        IMMUTABLE
    } else {
        REVALIDATE
    };
    let mime = file.metadata.mimetype().to_string();
    let (body, encoding) = match precompressed(path, headers) {
        Some((variant, encoding)) => (variant.data, Some(encoding)),
        None => (file.data, None),
    };
    let mut response = (
        [
            (CONTENT_TYPE, mime),
            (CACHE_CONTROL, cache.to_string()),
            (ETAG, etag),
        ],
        body.into_owned(),
    )
        .into_response();
    let h = response.headers_mut();
    super::security::page_headers(h);
    h.insert(VARY, HeaderValue::from_static("accept-encoding"));
    if let Some(encoding) = encoding {
        h.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    response
}

/// The best precompressed variant the client accepts.
fn precompressed(path: &str, headers: &HeaderMap) -> Option<(EmbeddedFile, &'static str)> {
    let accepted = headers
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let accepts = |coding: &str| {
        accepted.split(',').any(|part| {
            let mut pieces = part.split(';');
            let name = pieces.next().unwrap_or_default().trim();
            let refused = pieces.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            name.eq_ignore_ascii_case(coding) && !refused
        })
    };
    [("br", "br"), ("gzip", "gz")]
        .into_iter()
        .filter(|(coding, _)| accepts(coding))
        .find_map(|(coding, suffix)| Dist::get(&format!("{path}.{suffix}")).map(|f| (f, coding)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn not_found() -> Response {
    Error::Client {
        status: StatusCode::NOT_FOUND,
        detail: "Not Found".into(),
    }
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn client_routes_are_the_apps() {
        assert!(is_client_route("r/ABC234"));
        assert!(is_client_route("r/ABC234/tv"));
        assert!(!is_client_route("rooms/ABC234"));
        assert!(!is_client_route("assets/x.js"));
    }

    #[test]
    fn the_app_is_embedded() {
        let index = Dist::get("index.html").expect("web/dist/index.html is embedded");
        assert!(String::from_utf8_lossy(&index.data).contains("<div id=\"root\">"));
        assert!(Dist::get("index.html.br").is_some());
        assert!(Dist::get("index.html.gz").is_some());
    }
}
