//! Party Wrapped: the night in numbers, straight from the room's history.

use rusqlite::{Connection, OptionalExtension, Row, params};
use uuid::Uuid;

use super::{Store, guards, users};
use crate::error::Result;
use crate::model::{Backer, Contributor, HourActivity, PlayedSong, Wrapped, WrappedTrack};
use crate::timestamp::Timestamp;

/// Each item of the room (removed ones aside) with its up and down votes.
const ITEMS_WITH_VOTES: &str = "
    SELECT t.title, t.artist, u.display_name, rt.votes,
           COALESCE(SUM(v.value = 1), 0) AS ups, COALESCE(SUM(v.value = -1), 0) AS downs,
           rt.started_at IS NOT NULL, rt.seq, rt.skipped
    FROM room_tracks rt
    JOIN tracks t ON t.id = rt.track_id
    JOIN users u ON u.id = rt.added_by
    LEFT JOIN votes v ON v.room_track_id = rt.id
    WHERE rt.room_id = ?1 AND rt.status != 'removed'
    GROUP BY rt.id";

impl Store {
    /// Any member of the room may see it.
    pub async fn wrapped(&self, user: Uuid, code: String) -> Result<Wrapped> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, _) = guards::require_member(conn, &code, &user)?;
            wrapped(conn, &room.id)
        })
        .await
    }
}

/// The party's name and the songs it played, in the order they started
/// (one that failed to play aside), each file as the catalog has it (`file` is the file's full path here;
/// `http::rooms` makes it relative to its music folder).
pub type Played = (String, Vec<PlayedSong>);

impl Store {
    /// Any member of the room may see it.
    pub async fn played(&self, user: Uuid, code: String) -> Result<Played> {
        self.read(move |conn| {
            let user = users::require(conn, user)?;
            let (room, _) = guards::require_member(conn, &code, &user)?;
            let name: String =
                conn.query_row("SELECT name FROM rooms WHERE id = ?1", [&room.id], |r| {
                    r.get(0)
                })?;
            let songs = conn
                .prepare(
                    "SELECT rt.title, rt.artist, rt.album, rt.duration_ms,
                            CASE WHEN rt.auto_dj THEN NULL ELSE rt.added_by_name END,
                            rt.votes, rt.started_at, rt.skipped, t.path, t.uri
                     FROM room_tracks rt JOIN tracks t ON t.id = rt.track_id
                     WHERE rt.room_id = ?1 AND rt.started_at IS NOT NULL AND rt.failed = 0
                     ORDER BY rt.started_at, rt.seq",
                )?
                .query_map([&room.id], |r| {
                    Ok(PlayedSong {
                        title: r.get(0)?,
                        artist: r.get(1)?,
                        album: r.get(2)?,
                        duration_ms: r.get(3)?,
                        added_by: r.get(4)?,
                        votes: r.get(5)?,
                        played_at: r.get(6)?,
                        skipped: r.get(7)?,
                        file: r.get(8)?,
                        uri: r.get(9)?,
                    })
                })?
                .collect::<rusqlite::Result<_>>()?;
            Ok((name, songs))
        })
        .await
    }
}

fn wrapped(conn: &Connection, room_id: &str) -> Result<Wrapped> {
    let room_name: String =
        conn.query_row("SELECT name FROM rooms WHERE id = ?1", [room_id], |r| {
            r.get(0)
        })?;
    let guests: i64 = conn.query_row(
        "SELECT COUNT(*) FROM room_members WHERE room_id = ?1 AND screen = 0",
        [room_id],
        |r| r.get(0),
    )?;
    // Played time: from start to end (or to now, for the one playing),
    // never more than the track's length.
    let (tracks_played, played_ms): (i64, i64) = conn.query_row(
        "SELECT COUNT(*), COALESCE(SUM(MIN(t.duration_ms, MAX(0, CAST(ROUND(
                    (julianday(COALESCE(rt.ended_at, ?2)) - julianday(rt.started_at)) * 86400000
                ) AS INTEGER)))), 0)
         FROM room_tracks rt JOIN tracks t ON t.id = rt.track_id
         WHERE rt.room_id = ?1 AND rt.started_at IS NOT NULL",
        params![room_id, Timestamp::now().text()],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;

    let tracks_skipped: i64 = conn.query_row(
        "SELECT COUNT(*) FROM room_tracks WHERE room_id = ?1 AND skipped = 1",
        [room_id],
        |r| r.get(0),
    )?;
    let top_tracks = conn
        .prepare(&format!(
            // A song the room voted to skip was no favourite, whatever its votes.
            "{ITEMS_WITH_VOTES} HAVING rt.votes > 0 AND rt.skipped = 0
             ORDER BY rt.votes DESC, ups DESC, rt.seq LIMIT 5"
        ))?
        .query_map([room_id], track)?
        .collect::<rusqlite::Result<_>>()?;
    let most_divisive = conn
        .prepare(&format!(
            "{ITEMS_WITH_VOTES} HAVING ups > 0 AND downs > 0
             ORDER BY MIN(ups, downs) DESC, ups + downs DESC, rt.seq LIMIT 1"
        ))?
        .query_row([room_id], track)
        .optional()?;

    let top_contributors = top_contributors(conn, room_id)?;
    let best_backer = best_backer(conn, room_id)?;
    let activity = activity(conn, room_id)?;
    let busiest_hour = activity
        .iter()
        .max_by_key(|h| (h.adds + h.votes, std::cmp::Reverse(h.hour.clone())))
        .cloned();
    let (most_loved, loved_moment) = super::reactions::loved(conn, room_id)?;

    Ok(Wrapped {
        room_name,
        guests,
        tracks_played,
        played_ms,
        tracks_skipped,
        top_tracks,
        top_contributors,
        most_divisive,
        best_backer,
        busiest_hour,
        activity,
        most_loved,
        loved_moment,
    })
}

fn track(r: &Row) -> rusqlite::Result<WrappedTrack> {
    Ok(WrappedTrack {
        title: r.get(0)?,
        artist: r.get(1)?,
        added_by: r.get(2)?,
        votes: r.get(3)?,
        ups: r.get(4)?,
        downs: r.get(5)?,
        played: r.get(6)?,
    })
}

/// Who added the most (the auto-DJ is nobody).
fn top_contributors(conn: &Connection, room_id: &str) -> Result<Vec<Contributor>> {
    Ok(conn
        .prepare(
            "SELECT u.display_name, COUNT(*), SUM(rt.started_at IS NOT NULL), SUM(rt.votes)
             FROM room_tracks rt JOIN users u ON u.id = rt.added_by
             WHERE rt.room_id = ?1 AND rt.status != 'removed' AND rt.auto_dj = 0
             GROUP BY rt.added_by
             ORDER BY COUNT(*) DESC, SUM(rt.started_at IS NOT NULL) DESC, MIN(rt.seq)
             LIMIT 5",
        )?
        .query_map([room_id], |r| {
            Ok(Contributor {
                display_name: r.get(0)?,
                added: r.get(1)?,
                played: r.get(2)?,
                votes_received: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}

/// Who up-voted the most songs that then played.
fn best_backer(conn: &Connection, room_id: &str) -> Result<Option<Backer>> {
    Ok(conn
        .query_row(
            "SELECT u.display_name, COUNT(*)
             FROM votes v
             JOIN room_tracks rt ON rt.id = v.room_track_id
             JOIN users u ON u.id = v.user_id
             WHERE rt.room_id = ?1 AND v.value = 1 AND rt.started_at IS NOT NULL
             GROUP BY v.user_id
             ORDER BY COUNT(*) DESC, MIN(v.created_at)
             LIMIT 1",
            [room_id],
            |r| {
                Ok(Backer {
                    display_name: r.get(0)?,
                    winners: r.get(1)?,
                })
            },
        )
        .optional()?)
}

/// Adds and votes per hour. A vote's time is its latest change; an
/// add's is when it was added.
fn activity(conn: &Connection, room_id: &str) -> Result<Vec<HourActivity>> {
    Ok(conn
        .prepare(
            "SELECT substr(at, 1, 13) || ':00:00Z', SUM(kind = 'add'), SUM(kind = 'vote')
             FROM (
                 SELECT created_at AS at, 'add' AS kind FROM room_tracks WHERE room_id = ?1
                 UNION ALL
                 SELECT v.created_at, 'vote' FROM votes v
                 JOIN room_tracks rt ON rt.id = v.room_track_id WHERE rt.room_id = ?1
             )
             GROUP BY 1 ORDER BY 1",
        )?
        .query_map([room_id], |r| {
            Ok(HourActivity {
                hour: r.get(0)?,
                adds: r.get(1)?,
                votes: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?)
}
