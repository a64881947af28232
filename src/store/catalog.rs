use std::collections::{HashMap, HashSet};

use rusqlite::{Connection, params};
use uuid::Uuid;

use super::snapshot::RoomSnapshot;
use super::{Store, guards};
use crate::catalog;
use crate::domain::player::Audio;
use crate::domain::settings::GuestAdds;
use crate::domain::{fuzzy, song};
use crate::error::Result;
use crate::model::{InRoom, Page, SearchHit, Track};
use crate::timestamp::Timestamp;

/// Loads the built-in catalog: new songs are added, changed ones updated,
/// unchanged ones left alone (so start-up writes almost nothing).
pub fn load_builtin(conn: &mut Connection) -> Result<()> {
    let tx = conn.transaction()?;
    let mut changed = 0;
    {
        let mut upsert = tx.prepare(
            "INSERT INTO tracks (id, title, artist, album, year, duration_ms, source)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'builtin')
             ON CONFLICT (id) DO UPDATE SET
                title = excluded.title, artist = excluded.artist, album = excluded.album,
                year = excluded.year, duration_ms = excluded.duration_ms
             WHERE (title, artist, album, year, duration_ms)
                IS NOT (excluded.title, excluded.artist, excluded.album,
                        excluded.year, excluded.duration_ms)",
        )?;
        for Track {
            id,
            title,
            artist,
            album,
            year,
            duration_ms,
            ..
        } in catalog::builtin()
        {
            changed += upsert.execute(params![id, title, artist, album, year, duration_ms])?;
        }
    }
    tx.commit()?;
    if changed > 0 {
        tracing::info!(tracks = changed, "loaded the built-in catalog");
    }
    Ok(())
}

impl Store {
    /// Search; with `room`, each hit also says where it stands in that
    /// party (playing, queued at #n, played and when it may come back).
    /// With audio sources, only what the box can play. `remote`: what the
    /// MPD server found (in the catalog already), kept among the hits
    /// even where its words matched only there (an album, a file name).
    pub async fn search(
        &self,
        user: Uuid,
        query: String,
        room: Option<String>,
        remote: Vec<Track>,
        page: Page,
    ) -> Result<Vec<SearchHit>> {
        let user = self.user(user).await?;
        let playable_only = self.audio() == Audio::Sources;
        let snapshot = match &room {
            Some(code) => Some(self.room(code).await?),
            None => None,
        };
        self.read(move |conn| {
            // A curated party's guest finds only what the party's
            // playlists list (searched among many more candidates).
            let mut listed = None;
            if let Some(room) = &snapshot {
                let (_, member) = guards::require_member(conn, &room.info.code, &user)?;
                if member.role.bound_by_guest_limits()
                    && room.settings.guest_adds == GuestAdds::Playlists
                {
                    listed = Some(super::listed::room_playlist_tracks(conn, &room.id)?);
                }
            }
            let kept = |id: &str| listed.as_ref().is_none_or(|l| l.contains(id));
            // A curated party's page is cut from the candidates it keeps.
            let (candidates, offset, skip) = if listed.is_some() {
                (CURATED_CANDIDATES, 0, page.start())
            } else {
                (page.size, page.start(), 0)
            };
            let mut hits: Vec<SearchHit> = search(conn, &query, playable_only, candidates, offset)?
                .into_iter()
                .filter(|track| kept(&track.id))
                .skip(skip)
                .take(page.size)
                .map(|track| SearchHit {
                    track,
                    did_you_mean: None,
                    in_room: None,
                })
                .collect();
            let known: HashSet<String> = hits.iter().map(|h| h.track.id.clone()).collect();
            let extra: Vec<SearchHit> = remote
                .into_iter()
                .filter(|t| !known.contains(&t.id) && kept(&t.id))
                .map(|track| SearchHit {
                    track,
                    did_you_mean: None,
                    in_room: None,
                })
                .collect();
            // The server's songs keep at least half the places.
            hits.truncate(page.size - extra.len().min(page.size / 2));
            hits.extend(extra);
            hits.truncate(page.size);
            // Close spellings follow the first page's few exact hits.
            if page.number == 0 && hits.len() < FUZZY_BELOW {
                let known: HashSet<String> = hits.iter().map(|h| h.track.id.clone()).collect();
                let close = close_matches(conn, &query, playable_only)?;
                hits.extend(
                    close
                        .into_iter()
                        .filter(|h| !known.contains(&h.track.id) && kept(&h.track.id))
                        .take(page.size - hits.len()),
                );
            }
            if let Some(room) = snapshot {
                mark_in_room(conn, &room, &mut hits)?;
            }
            Ok(hits)
        })
        .await
    }
}

/// Matches a curated party's search looks through for what its playlists
/// list (a generic word matches much of a large library).
const CURATED_CANDIDATES: usize = 5_000;
/// Below this many exact hits, search also looks for close spellings.
const FUZZY_BELOW: usize = 5;
/// Candidates the trigram index hands over for ranking.
const FUZZY_CANDIDATES: i64 = 300;

/// Tracks whose title and artist are close to what was typed (typos,
/// missing or doubled letters), best first, each with what the guest
/// probably meant.
fn close_matches(conn: &Connection, query: &str, playable_only: bool) -> Result<Vec<SearchHit>> {
    let Some(expression) = fuzzy::trigram_expression(query) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.title, t.artist, t.album, t.year, t.duration_ms, t.source
         FROM tracks_trigram f JOIN tracks t ON t.seq = f.rowid
         WHERE tracks_trigram MATCH ?1 AND t.available = 1 AND (?3 = 0 OR t.source != 'builtin')
         ORDER BY bm25(tracks_trigram) LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![expression, FUZZY_CANDIDATES, playable_only], track)?;
    let mut scored: Vec<(f64, SearchHit)> = Vec::new();
    for track in rows {
        let track = track?;
        if let Some((score, meant)) = fuzzy::close_match(query, &track.title, &track.artist) {
            scored.push((
                score,
                SearchHit {
                    track,
                    did_you_mean: Some(meant),
                    in_room: None,
                },
            ));
        }
    }
    scored.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.track.artist.cmp(&b.1.track.artist))
            .then_with(|| a.1.track.title.cmp(&b.1.track.title))
    });
    Ok(scored.into_iter().map(|(_, hit)| hit).collect())
}

/// Where each hit stands in the room: playing, queued (and where), or
/// played lately (and when it may come back, under the re-add cooldown).
/// Another version of a song stands where the song stands.
pub(super) fn mark_in_room(
    conn: &Connection,
    room: &RoomSnapshot,
    hits: &mut [SearchHit],
) -> Result<()> {
    let playing = room
        .now_playing
        .as_ref()
        .map(|item| song::key(&item.title, &item.artist));
    let queued: HashMap<String, usize> = room
        .queue
        .iter()
        .enumerate()
        .map(|(i, item)| (song::key(&item.title, &item.artist), i + 1))
        .collect();
    let cooldown = i64::from(room.settings.readd_cooldown_minutes) * 60_000_000;
    let mut last_played = conn.prepare_cached(
        "SELECT max(started_at) FROM room_tracks
         WHERE room_id = ?1 AND song_key = ?2 AND started_at IS NOT NULL AND status != 'playing'",
    )?;
    for hit in hits {
        let key = song::key(&hit.track.title, &hit.track.artist);
        hit.in_room = if playing.as_ref() == Some(&key) {
            Some(InRoom::Playing)
        } else if let Some(position) = queued.get(&key) {
            Some(InRoom::Queued {
                position: *position,
            })
        } else {
            let played: Option<String> =
                last_played.query_row(params![room.id, key], |r| r.get(0))?;
            played.map(|at| {
                let back = Timestamp::parse(&at).micros() + cooldown;
                InRoom::Played {
                    back_at: (back > Timestamp::now().micros())
                        .then(|| Timestamp::from_micros(back).text()),
                    played_at: at,
                }
            })
        };
    }
    Ok(())
}

pub(super) fn track(r: &rusqlite::Row) -> rusqlite::Result<Track> {
    Ok(Track {
        id: r.get(0)?,
        title: r.get(1)?,
        artist: r.get(2)?,
        album: r.get(3)?,
        year: r.get(4)?,
        duration_ms: r.get(5)?,
        playable: r.get::<_, String>(6)? != "builtin",
        source: r.get(6)?,
    })
}

/// Word-prefix search on title and artist: every word the guest typed must
/// start a word of either ("bad bun" finds Bad Bunny). Case and accents are
/// folded by the index's tokenizer, on both sides.
fn search(
    conn: &Connection,
    query: &str,
    playable_only: bool,
    limit: usize,
    offset: usize,
) -> Result<Vec<Track>> {
    let Some(expression) = match_expression(query) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.title, t.artist, t.album, t.year, t.duration_ms, t.source
         FROM tracks_fts f JOIN tracks t ON t.seq = f.rowid
         WHERE tracks_fts MATCH ?1 AND t.available = 1 AND (?3 = 0 OR t.source != 'builtin')
         ORDER BY bm25(tracks_fts, 2.0, 2.0, 0.0), t.artist, t.title
         LIMIT ?2 OFFSET ?4",
    )?;
    let rows = stmt.query_map(
        params![expression, limit as i64, playable_only, offset as i64],
        track,
    )?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The FTS5 expression for what the guest typed, or `None` when it holds no
/// word at all. Each word is quoted, so FTS5 syntax in the input ("NEAR",
/// `*`, quotes, column filters) is just text.
fn match_expression(query: &str) -> Option<String> {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| format!("{{title artist}} : ({})", words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_become_quoted_prefixes() {
        assert_eq!(
            match_expression("bad bun").as_deref(),
            Some("{title artist} : (\"bad\"* \"bun\"*)")
        );
    }

    #[test]
    fn fts_syntax_is_neutralised() {
        assert_eq!(
            match_expression("a\" OR title:* NEAR(").as_deref(),
            Some("{title artist} : (\"a\"* \"OR\"* \"title\"* \"NEAR\"*)")
        );
        assert_eq!(match_expression("!!! ..."), None);
    }
}
