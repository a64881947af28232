//! Search benchmark (not a test): how long a guest waits for search as they
//! type, through the real box (release build, HTTP on loopback), for exact
//! words, typos (the trigram index and the edit-distance ranking), and
//! with `room=` (each hit's place in a party with a long queue). First on
//! the built-in catalog, then on a 10,000-file music library. Prints a
//! table: hits, and the answer's p50 and p99 in ms over 200 searches.
//!
//!   cargo bench --bench search [-- files]

mod common;

use std::ffi::OsStr;

use serde_json::json;

use common::{Api, generate, start_box_with};

const ROUNDS: usize = 200;

#[tokio::main]
async fn main() {
    let files: usize = common::numbers(&[10_000])[0];
    let mut rows = Vec::new();

    let builtin = start_box_with(false, &[]).await;
    let api = Api {
        http: reqwest::Client::new(),
        base: builtin.url.clone(),
    };
    let (host, code) = party(&api).await;
    for (kind, query) in [
        ("exact", "bohemian"),
        ("exact, two fields", "queen rhapsody"),
        ("typo", "beyounce"),
        ("typo, two words", "taylor swfit"),
        ("nothing close", "qxzvkwj"),
    ] {
        rows.push(measure(&api, &host, "built-in (960)", kind, query, None).await);
        if kind == "typo" {
            rows.push(
                measure(
                    &api,
                    &host,
                    "built-in (960)",
                    "typo, room=",
                    query,
                    Some(&code),
                )
                .await,
            );
        }
    }
    drop(builtin);

    let music = tempfile::tempdir().unwrap();
    generate(music.path(), files);
    let library = start_box_with(false, &[OsStr::new("--music"), music.path().as_os_str()]).await;
    let api = Api {
        http: reqwest::Client::new(),
        base: library.url.clone(),
    };
    let (host, code) = party(&api).await;
    common::scanned(&api, &host, files).await;
    let label = format!("library ({files})");
    for (kind, query) in [
        ("exact", "generated song 4242"),
        ("exact, many hits", "bench artist"),
        ("typo", "genrated sogn"),
        ("typo, two fields", "bench artst 7"),
        ("nothing close", "qxzvkwj"),
    ] {
        rows.push(measure(&api, &host, &label, kind, query, None).await);
        if kind == "typo" {
            rows.push(measure(&api, &host, &label, "typo, room=", query, Some(&code)).await);
        }
    }

    common::print_search_table(ROUNDS, &rows);
}

/// A host with a room, and the room's queue filled from the catalog (so
/// `room=` marks hits against a long queue).
async fn party(api: &Api) -> (String, String) {
    let host = api.guest("Bench host").await;
    let code = api.room(&host, "Bench").await;
    for word in ["love", "night", "the", "you"] {
        for hit in api.search(&host, word).await {
            let _ = api
                .http
                .post(format!("{}/tracks/rooms/{code}/tracks", api.base))
                .header("x-user-id", &host)
                .json(&json!({ "track_id": hit["id"] }))
                .send()
                .await;
        }
    }
    (host, code)
}

async fn measure(
    api: &Api,
    user: &str,
    catalog: &str,
    kind: &str,
    query: &str,
    room: Option<&str>,
) -> String {
    let mut params = vec![("artist_or_title", query)];
    if let Some(room) = room {
        params.push(("room", room));
    }
    let (hits, p50, p99) = common::time_searches(api, user, &params, ROUNDS).await;
    format!("| {catalog} | {query} | {kind} | {hits} | {p50:.2} | {p99:.2} |")
}
