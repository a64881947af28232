//! The README's rate-limit table, row by row, against the running box: for
//! each action, one identity (on the box's own machine, which has no
//! per-address budget) runs until its first 429, then waits one refill and
//! gets exactly one more; and one phone address (127.0.0.x, with its own
//! budget) does the same with as many identities as it takes. A burst is
//! what went through before the first 429, give or take what refilled while
//! the requests went out.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

/// A token bucket as the README states it.
#[derive(Debug, Clone, Copy)]
struct Budget {
    burst: u32,
    every: Duration,
}

/// "300, 5" (a burst, then so many per second) or "5, then one per 10
/// minutes"; `None` for a budget the row says there is not.
fn budget(cell: &str) -> Option<Budget> {
    let cell = cell.trim();
    if cell.starts_with('(') {
        return None;
    }
    let (burst, rest) = cell.split_once(',').expect("burst, then refill");
    let rest = rest.trim();
    let every = if let Some(minutes) = rest
        .strip_prefix("then one per ")
        .and_then(|r| r.strip_suffix(" minutes"))
    {
        Duration::from_secs(60 * minutes.parse::<u64>().unwrap())
    } else {
        Duration::from_secs(1) / rest.parse::<u32>().unwrap()
    };
    Some(Budget {
        burst: burst.trim().parse().unwrap(),
        every,
    })
}

/// The table's rows: the action's words, per address, per identity.
fn readme_rows() -> Vec<(String, Budget, Option<Budget>)> {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("| action | per address: burst, then per second | per identity: burst, then per second |")
        .expect("the rate-limit table");
    readme[start..]
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').collect();
            (
                cells[0].trim().to_string(),
                budget(cells[1]).expect("every row has a per-address budget"),
                budget(cells[2]),
            )
        })
        .collect()
}

/// One request of a row's action, by `who` from `phone`: its status.
type Act<'a> = Box<
    dyn Fn(reqwest::Client, Guest, usize) -> futures_util::future::BoxFuture<'a, StatusCode> + 'a,
>;

/// The path and body of the `n`th request by a guest.
type Request<'a> = Box<dyn Fn(&Guest, usize) -> (String, Value) + 'a>;

/// A party to act in: a host, a room that takes many songs, tracks to add.
struct Party {
    host: Guest,
    code: String,
    tracks: Vec<String>,
}

async fn party(app: &TestApp) -> Party {
    let host = app.guest("Host").await;
    let code = app.bare_room(&host).await;
    app.settings(
        &host,
        &code,
        json!({ "max_queued_per_guest": 50, "readd_cooldown_minutes": 0 }),
    )
    .await;
    let mut tracks: Vec<String> = Vec::new();
    for query in [
        "love", "night", "girl", "heart", "baby", "time", "the", "you", "me", "day", "a", "e", "o",
        "i",
    ] {
        for hit in app.search(&host, query).await {
            let id = hit["id"].as_str().unwrap().to_string();
            if !tracks.contains(&id) {
                tracks.push(id);
            }
        }
    }
    assert!(tracks.len() >= 260, "{} tracks", tracks.len());
    // Something to vote on, waiting.
    app.add(&host, &code, "autobahn").await;
    Party { host, code, tracks }
}

/// The request a row's words name, as `who` would make it.
fn act<'a>(app: &'a TestApp, party: &'a Party, item: &'a str, action: &str) -> Act<'a> {
    let code = party.code.as_str();
    // (path, body) of the `n`th request by `who`; POST unless `patch`.
    let (patch, request): (bool, Request<'a>) = match action {
        "new guest (`POST /auth/guest`)" => (
            false,
            Box::new(|_, _| ("/auth/guest".into(), json!({ "display_name": "G" }))),
        ),
        "join" => (
            false,
            Box::new(move |_, _| ("/rooms/join".into(), json!({ "code": code }))),
        ),
        "add a song" => (
            false,
            Box::new(move |_, n| {
                let track = &party.tracks[n % party.tracks.len()];
                (
                    format!("/tracks/rooms/{code}/tracks"),
                    json!({ "track_id": track }),
                )
            }),
        ),
        "vote" => (
            false,
            Box::new(move |_, n| {
                let value = if n % 2 == 0 { 1 } else { -1 };
                (
                    format!("/votes/rooms/{code}/votes"),
                    json!({ "room_track_id": item, "value": value }),
                )
            }),
        ),
        "a live ticket, a live socket" => (
            false,
            Box::new(move |_, _| (format!("/rooms/{code}/live-ticket"), Value::Null)),
        ),
        "start a party" => (
            false,
            Box::new(|_, _| ("/rooms".into(), json!({ "name": "P" }))),
        ),
        // Each acting identity hosts a room of its own (its name says
        // which); toggling a setting is a change.
        a if a.starts_with("change the party") => (
            true,
            Box::new(move |who, n| {
                let code = who.name.strip_prefix("host of ").unwrap_or(code);
                (
                    format!("/rooms/{code}/settings"),
                    json!({ "allow_downvotes": n % 2 == 0 }),
                )
            }),
        ),
        other => panic!("the README's table has a row the test does not know: {other}"),
    };
    Box::new(move |phone, who, n| {
        let (path, body) = request(&who, n);
        let url = app.url(&path);
        Box::pin(async move {
            let req = if patch {
                phone.patch(url)
            } else {
                phone.post(url)
            };
            let req = if body.is_null() { req } else { req.json(&body) };
            req.header("x-user-id", &who.id)
                .send()
                .await
                .unwrap()
                .status()
        })
    })
}

/// Requests until the first 429, spreading them over `who` (each while it
/// has budget left, when `per_identity` is given); answers how many went
/// through, how long that took, and when the refused request left.
async fn until_refused(
    act: &Act<'_>,
    phone: &reqwest::Client,
    who: &[Guest],
    per_identity: Option<u32>,
    n: &mut usize,
    limit: usize,
) -> (u32, Duration, Instant) {
    let started = Instant::now();
    let mut through = 0u32;
    loop {
        let one = match per_identity {
            Some(each) => &who[(through / (each - 1)) as usize % who.len()],
            None => &who[0],
        };
        let sent = Instant::now();
        let status = act(phone.clone(), one.clone(), *n).await;
        *n += 1;
        if status == StatusCode::TOO_MANY_REQUESTS {
            return (through, started.elapsed(), sent);
        }
        assert!(status.is_success(), "{status} before any 429");
        through += 1;
        assert!(
            (through as usize) < limit,
            "no 429 after {through} requests"
        );
    }
}

fn assert_burst(what: &str, budget: Budget, (through, took, _): (u32, Duration, Instant)) {
    let refilled = (took.as_secs_f64() / budget.every.as_secs_f64()).ceil() as u32;
    println!(
        "{what}: {through} through in {took:?} (burst {}, refill every {:?})",
        budget.burst, budget.every
    );
    assert!(
        through >= budget.burst && through <= budget.burst + refilled + 1,
        "{what}: {through} went through in {took:?}; the README says a burst of {} refilled every {:?}",
        budget.burst,
        budget.every
    );
}

/// Right after a refusal: one refill later at least one more goes
/// through, and no more than refilled in all the time since the refused
/// request left (the box refused it somewhere in its round trip, which a
/// busy machine stretches; refills count from there).
async fn assert_refill(
    what: &str,
    budget: Budget,
    act: &Act<'_>,
    phone: &reqwest::Client,
    who: &Guest,
    n: &mut usize,
    refused: Instant,
) {
    if budget.every > Duration::from_secs(5) {
        return; // checked by Retry-After instead
    }
    tokio::time::sleep(budget.every.mul_f64(1.2)).await;
    let mut back = 0u32;
    while act(phone.clone(), who.clone(), *n).await.is_success() {
        *n += 1;
        back += 1;
        assert!(back < 100, "{what}: no end to it");
    }
    *n += 1;
    let refilled = (refused.elapsed().as_secs_f64() / budget.every.as_secs_f64()).ceil() as u32;
    println!("{what}: {back} back after a refill ({refilled} refilled in all)");
    assert!(
        (1..=refilled).contains(&back),
        "{what}: {back} back in {:?}; the README says one every {:?}",
        refused.elapsed(),
        budget.every
    );
}

#[tokio::test]
async fn every_row_of_the_readmes_rate_limit_table_is_what_the_box_does() {
    let app = spawn_app().await;
    let rows = readme_rows();
    assert_eq!(rows.len(), 7, "{rows:?}");
    let the_box = app.phone("127.0.0.1".parse().unwrap());
    let mut n = 0usize;
    for (i, (action, per_address, per_identity)) in rows.iter().enumerate() {
        // A party of its own for each row (a long queue slows votes down).
        let party = party(&app).await;
        let item = {
            let queue = app.add(&party.host, &party.code, "take on me").await;
            queue[0]["room_track_id"].as_str().unwrap().to_string()
        };
        let act = act(&app, &party, &item, action);
        let changes = action.starts_with("change the party");
        // Identities that may do it: members (hosts, for changes).
        let mut identities = Vec::new();
        // Enough that the address runs out before they do, each taking one
        // less than its own burst, with room for what refills meanwhile.
        let wanted = per_identity.map_or(2, |b| {
            (per_address.burst * 3 / 2 / (b.burst - 1) + 3) as usize
        });
        for k in 0..wanted {
            let mut who = app.guest(&format!("Guest {i} {k}")).await;
            if changes {
                let code = app.bare_room(&who).await;
                who.name = format!("host of {code}");
            } else if action != "join" {
                app.join(&who, &party.code).await;
            }
            identities.push(who);
        }
        if let Some(budget) = per_identity {
            let what = format!("{action}, per identity");
            let run = until_refused(&act, &the_box, &identities[..1], None, &mut n, 10_000).await;
            assert_burst(&what, *budget, run);
            assert_refill(
                &what,
                *budget,
                &act,
                &the_box,
                &identities[0],
                &mut n,
                run.2,
            )
            .await;
        }
        let ip: IpAddr = format!("127.0.0.{}", 100 + i).parse().unwrap();
        let phone = app.phone(ip);
        let what = format!("{action}, per address");
        let fresh = &identities[usize::from(per_identity.is_some())..];
        let run = until_refused(
            &act,
            &phone,
            fresh,
            per_identity.map(|b| b.burst),
            &mut n,
            10_000,
        )
        .await;
        assert_burst(&what, *per_address, run);
        if per_address.every > Duration::from_secs(5) {
            // "one per 10 minutes": the refusal says when.
            let res = act(phone.clone(), fresh[0].clone(), n).await;
            assert_eq!(res, StatusCode::TOO_MANY_REQUESTS);
            let refused = app
                .phone(ip)
                .post(app.url("/rooms"))
                .header("x-user-id", &fresh[0].id)
                .json(&json!({ "name": "P" }))
                .send()
                .await
                .unwrap();
            let seconds: u64 = refused.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            println!("{what}: try again in {seconds} s");
            assert!(
                seconds > per_address.every.as_secs() * 9 / 10
                    && seconds <= per_address.every.as_secs(),
                "{what}: try again in {seconds} s"
            );
        } else {
            let spare = fresh.last().unwrap();
            assert_refill(&what, *per_address, &act, &phone, spare, &mut n, run.2).await;
        }
    }
}
