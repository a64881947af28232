//! The MPD server's stored playlists: listed and read as a source of a
//! party's playlists, and written ("save tonight as a playlist"), which
//! Mopidy's backends can sync to their service.

use mpd_client::protocol::command::Command as RawCommand;

use super::songs::{MpdSong, parse};
use super::{Mpd, MpdError};

impl Mpd {
    /// The names of the server's stored playlists, sorted.
    pub async fn playlists(&self) -> Result<Vec<String>, MpdError> {
        let frame = self.command(RawCommand::new("listplaylists")).await?;
        let mut names: Vec<String> = frame
            .fields()
            .filter(|(key, _)| *key == "playlist")
            .map(|(_, name)| name.to_string())
            .collect();
        names.sort_by_key(|name| name.to_lowercase());
        Ok(names)
    }

    /// The songs of the stored playlist `name`, in order.
    pub async fn playlist(&self, name: &str) -> Result<Vec<MpdSong>, MpdError> {
        let frame = self
            .command(RawCommand::new("listplaylistinfo").argument(name))
            .await?;
        Ok(parse(&frame))
    }

    /// Writes `uris` as the stored playlist `name`, replacing one of that
    /// name.
    pub async fn save_playlist(&self, name: &str, uris: &[String]) -> Result<(), MpdError> {
        match self.command(RawCommand::new("rm").argument(name)).await {
            Ok(_) | Err(MpdError::Refused(_)) => {}
            Err(e) => return Err(e),
        }
        for uri in uris {
            self.command(
                RawCommand::new("playlistadd")
                    .argument(name)
                    .argument(uri.as_str()),
            )
            .await?;
        }
        Ok(())
    }
}
