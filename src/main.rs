use std::io::IsTerminal;

use clap::Parser;
use democratic_tunes::{App, Config, http, lan};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    // Logs go to stderr (stdout stays free for tools), coloured only on a
    // terminal so journald and log files get plain text.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let config = Config::parse();
    let app = App::build(config.clone()).await?;
    // Before the box says it is up (see `shutdown_signal`).
    let shutdown = http::shutdown_signal();
    let addr = app.local_addr();
    let tls = config.tls();
    let to_open = lan::secure_if(lan::url_to_open(addr), tls);
    match lan::join_url(addr, app.lan_names().mdns_host().as_deref()) {
        Some(by_name) => tracing::info!(
            db = %config.db.display(),
            "🎶 {} is up: open {} or {to_open} (listening on {addr})",
            config.name,
            lan::secure_if(by_name, tls),
        ),
        None => tracing::info!(
            db = %config.db.display(),
            "🎶 {} is up: open {to_open} (listening on {addr})",
            config.name,
        ),
    }
    app.run(shutdown).await
}
