use std::io::IsTerminal;

use clap::Parser;
use democratic_tunes::{Config, Server, http, lan};
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
    let server = Server::bind(config.clone()).await?;
    let addr = server.local_addr();
    tracing::info!(
        db = %config.db.display(),
        "🎶 Democratic Tunes is up: open {} (listening on {addr})",
        lan::url_to_open(addr)
    );
    server.run(http::shutdown_signal()).await
}
