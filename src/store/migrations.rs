use anyhow::Context;
use rusqlite::Connection;

refinery::embed_migrations!("migrations");

/// Brings the schema up to date; runs before the server binds.
pub fn run(conn: &mut Connection) -> anyhow::Result<()> {
    let report = migrations::runner()
        .run(conn)
        .context("cannot migrate the database")?;
    for m in report.applied_migrations() {
        tracing::info!(migration = %m, "applied migration");
    }
    Ok(())
}
