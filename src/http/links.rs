//! OpenAPI links: how one answer leads to the next call, so a client (or a
//! stateful fuzzer such as schemathesis) can walk a party as guests do:
//! create or join a room, then act in it by its code; vote on or remove
//! what the queue holds; set roles, kick or ban whom the members list
//! names; fetch the audio and cover of what search found.

use serde_json::json;
use utoipa::openapi::link::LinkBuilder;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi, RefOr};

/// Adds the links to the document's operations.
pub fn add(doc: &mut OpenApi) {
    let in_a_room: Vec<String> = operations(doc)
        .filter(|(path, _, _)| path.contains("{code}") && path.matches('{').count() == 1)
        .map(|(_, _, op)| op.operation_id.clone().unwrap_or_default())
        .collect();
    // A room's code: from creating it, or from the code a join sent.
    for (path, method, status, code) in [
        ("/rooms", "post", "201", "$response.body#/code"),
        ("/rooms/join", "post", "200", "$request.body#/code"),
    ] {
        for target in &in_a_room {
            link(doc, (path, method, status), target, |l| {
                l.parameter("code", code)
            });
        }
    }
    // A queued item: from the queue, or from the queue an add answers.
    for (path, method) in [
        ("/tracks/rooms/{code}/queue", "get"),
        ("/tracks/rooms/{code}/tracks", "post"),
    ] {
        let item = "$response.body#/0/room_track_id";
        for (name, value) in [("vote_up", 1), ("vote_down", -1)] {
            link_named(doc, (path, method, "200"), "vote", name, |l| {
                l.parameter("code", "$request.path.code")
                    .request_body(Some(json!({ "room_track_id": item, "value": value })))
            });
        }
        link(doc, (path, method, "200"), "remove_track", |l| {
            l.parameter("code", "$request.path.code")
                .parameter("room_track_id", item)
        });
    }
    // A member: from the members list.
    let member = "$response.body#/0/member_id";
    let members = ("/rooms/{code}/members", "get", "200");
    link(doc, members, "set_role", |l| {
        l.parameter("code", "$request.path.code")
            .parameter("member_id", member)
            .request_body(Some(json!({ "role": "cohost" })))
    });
    for action in ["kick", "ban"] {
        link_named(doc, members, "oust", action, |l| {
            l.parameter("code", "$request.path.code")
                .parameter("member_id", member)
                .parameter("action", action)
        });
    }
    // A ban: from the bans list, to lifting it.
    link(doc, ("/rooms/{code}/bans", "get", "200"), "lift_ban", |l| {
        l.parameter("code", "$request.path.code")
            .parameter("ban_id", "$response.body#/0/ban_id")
    });
    // A track: from search, to adding it (to the room a client is in: the
    // link cannot know which), its audio and its cover.
    link(doc, ("/tracks/search", "get", "200"), "add_track", |l| {
        l.request_body(Some(json!({ "track_id": "$response.body#/0/id" })))
    });
    for target in ["audio", "cover"] {
        link(doc, ("/tracks/search", "get", "200"), target, |l| {
            l.parameter("track_id", "$response.body#/0/id")
        });
    }
}

/// Every operation: its path, method and the operation.
fn operations(doc: &OpenApi) -> impl Iterator<Item = (&str, &'static str, &Operation)> {
    doc.paths.paths.iter().flat_map(|(path, item)| {
        [
            ("get", &item.get),
            ("post", &item.post),
            ("put", &item.put),
            ("patch", &item.patch),
            ("delete", &item.delete),
        ]
        .into_iter()
        .filter_map(move |(method, op)| op.as_ref().map(|op| (path.as_str(), method, op)))
    })
}

/// Links the `status` answer of `method path` to the operation `target`
/// (the link is named for it).
fn link(
    doc: &mut OpenApi,
    source: (&str, &str, &str),
    target: &str,
    build: impl FnOnce(LinkBuilder) -> LinkBuilder,
) {
    link_named(doc, source, target, target, build);
}

fn link_named(
    doc: &mut OpenApi,
    (path, method, status): (&str, &str, &str),
    target: &str,
    name: &str,
    build: impl FnOnce(LinkBuilder) -> LinkBuilder,
) {
    let item = doc
        .paths
        .paths
        .get_mut(path)
        .unwrap_or_else(|| panic!("no path {path}"));
    let op = match method {
        "get" => item.get.as_mut(),
        "post" => item.post.as_mut(),
        _ => None,
    };
    let op = op.unwrap_or_else(|| panic!("no {method} {path}"));
    let Some(RefOr::T(response)) = op.responses.responses.get_mut(status) else {
        panic!("no {status} answer for {method} {path}");
    };
    let link = build(LinkBuilder::new().operation_id(target)).build();
    response.links.insert(name.to_string(), RefOr::T(link));
}
