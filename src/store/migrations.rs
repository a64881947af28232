use anyhow::Context;
use rusqlite::{Connection, OptionalExtension};

refinery::embed_migrations!("migrations");

/// Brings the schema up to date; runs before the server binds.
pub fn run(conn: &mut Connection) -> anyhow::Result<()> {
    // Some migrations rebuild a table (SQLite cannot alter a CHECK), which
    // needs foreign keys off while it runs and checked after (SQLite's
    // documented way to change a table's schema).
    conn.pragma_update(None, "foreign_keys", false)?;
    let report = migrations::runner()
        .run(conn)
        .context("cannot migrate the database")?;
    let broken: Option<String> = conn
        .query_row("PRAGMA foreign_key_check", [], |r| r.get(0))
        .optional()?;
    anyhow::ensure!(broken.is_none(), "migration broke references in {broken:?}");
    conn.pragma_update(None, "foreign_keys", true)?;
    for m in report.applied_migrations() {
        tracing::info!(migration = %m, "applied migration");
    }
    Ok(())
}
