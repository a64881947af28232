use rusqlite::{Connection, params};
use uuid::Uuid;

use super::Store;
use crate::catalog::{self, CatalogTrack};
use crate::config::SEARCH_LIMIT;
use crate::domain::player::Audio;
use crate::error::Result;
use crate::model::Track;

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
        for CatalogTrack {
            id,
            title,
            artist,
            album,
            year,
            duration_ms,
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
    /// With audio sources, only what the box can play.
    pub async fn search(&self, user: Uuid, query: String) -> Result<Vec<Track>> {
        self.user(user).await?;
        let playable_only = self.audio() == Audio::Sources;
        self.read(move |conn| search(conn, &query, playable_only))
            .await
    }
}

/// Word-prefix search on title and artist: every word the guest typed must
/// start a word of either ("bad bun" finds Bad Bunny). Case and accents are
/// folded by the index's tokenizer, on both sides.
fn search(conn: &Connection, query: &str, playable_only: bool) -> Result<Vec<Track>> {
    let Some(expression) = match_expression(query) else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.title, t.artist, t.album, t.year, t.duration_ms, t.source = 'file'
         FROM tracks_fts f JOIN tracks t ON t.seq = f.rowid
         WHERE tracks_fts MATCH ?1 AND t.available = 1 AND (?3 = 0 OR t.source = 'file')
         ORDER BY bm25(tracks_fts, 2.0, 2.0, 0.0), t.artist, t.title
         LIMIT ?2",
    )?;
    let rows = stmt.query_map(
        params![expression, SEARCH_LIMIT as i64, playable_only],
        |r| {
            Ok(Track {
                id: r.get(0)?,
                title: r.get(1)?,
                artist: r.get(2)?,
                album: r.get(3)?,
                year: r.get(4)?,
                duration_ms: r.get(5)?,
                playable: r.get(6)?,
            })
        },
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
