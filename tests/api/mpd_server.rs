//! A real MPD server for the tests (Debian's `mpd`, installed by
//! `scripts/test-deps`): on 127.0.0.1, a music folder of the test's own,
//! and a `null` output that plays in real time with no sound card.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub struct MpdServer {
    pub port: u16,
    pub dir: tempfile::TempDir,
    music: PathBuf,
    child: Option<Child>,
}

/// A free port on loopback (the OS picks it; released for the server).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl MpdServer {
    /// Starts MPD on `music` and waits until its database holds it; `Err`
    /// says why it cannot run here.
    pub fn start(music: &Path) -> Result<MpdServer, String> {
        if Command::new("mpd").arg("--version").output().is_err() {
            return Err("Debian's mpd is not installed (scripts/test-deps installs it)".into());
        }
        let mut server = MpdServer {
            port: free_port(),
            dir: tempfile::tempdir().unwrap(),
            music: music.to_path_buf(),
            child: None,
        };
        server.restart();
        server.command("update");
        server.wait("the database to be read", |s| {
            s.command("status")
                .contains("updating_db")
                .then_some(())
                .is_none()
                && s.command("stats").contains("songs:")
        });
        Ok(server)
    }

    /// The address the box is given (`--mpd`).
    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// (Re)starts the server process on the same port and folder.
    pub fn restart(&mut self) {
        let dir = self.dir.path();
        std::fs::create_dir_all(dir.join("playlists")).unwrap();
        let conf = dir.join("mpd.conf");
        std::fs::write(
            &conf,
            format!(
                "music_directory \"{}\"\nplaylist_directory \"{}\"\ndb_file \"{}\"\n\
                 bind_to_address \"127.0.0.1\"\nport \"{}\"\nlog_file \"{}\"\n\
                 audio_output {{\n  type \"null\"\n  name \"null\"\n  mixer_type \"software\"\n}}\n",
                self.music.display(),
                dir.join("playlists").display(),
                dir.join("db").display(),
                self.port,
                dir.join("log").display(),
            ),
        )
        .unwrap();
        let child = Command::new("mpd")
            .args(["--no-daemon"])
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        self.child = Some(child);
        let port = self.port;
        self.wait("mpd to listen", |_| {
            TcpStream::connect(("127.0.0.1", port)).is_ok()
        });
    }

    /// Kills the server at once (SIGKILL): a crash, not a goodbye.
    pub fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Sends one command; answers the response's lines (up to `OK`, or the
    /// `ACK` line).
    pub fn command(&self, command: &str) -> String {
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut line = String::new();
        reader.read_line(&mut line).unwrap(); // OK MPD x.y.z
        (&stream)
            .write_all(format!("{command}\n").as_bytes())
            .unwrap();
        let mut out = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap() == 0 {
                break;
            }
            if line == "OK\n" {
                break;
            }
            out.push_str(&line);
            if line.starts_with("ACK") {
                break;
            }
        }
        out
    }

    /// A field of a response (`status`'s `state`...).
    pub fn field(&self, command: &str, key: &str) -> Option<String> {
        self.command(command)
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{key}: ")).map(str::to_string))
    }

    /// Polls `check` every 50 ms for up to 15 s.
    pub fn wait(&self, what: &str, check: impl Fn(&Self) -> bool) {
        let start = Instant::now();
        while !check(self) {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "waited for {what}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for MpdServer {
    fn drop(&mut self) {
        self.kill();
    }
}
