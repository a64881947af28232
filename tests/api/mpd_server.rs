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
    /// Asked of every client, when set (with every permission).
    password: Option<String>,
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
        MpdServer::start_with_password(music, None)
    }

    /// `start`, asking every client for `password` (without it a client
    /// may do nothing).
    pub fn start_with_password(music: &Path, password: Option<&str>) -> Result<MpdServer, String> {
        if Command::new("mpd").arg("--version").output().is_err() {
            return Err("Debian's mpd is not installed (scripts/test-deps installs it)".into());
        }
        let mut server = MpdServer {
            port: free_port(),
            dir: tempfile::tempdir().unwrap(),
            music: music.to_path_buf(),
            password: password.map(str::to_string),
            child: None,
        };
        server.restart();
        let client = server.client();
        client.command("update");
        // Every file under the folder is a song (a large library takes a
        // while).
        let files = walkdir::WalkDir::new(music)
            .into_iter()
            .filter(|e| e.as_ref().is_ok_and(|e| e.file_type().is_file()))
            .count()
            .to_string();
        client.wait_for(
            "the database to hold every file",
            Duration::from_secs(300),
            |s| s.field("stats", "songs") == Some(files.clone()),
        );
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
                 bind_to_address \"127.0.0.1\"\nport \"{}\"\nlog_file \"{}\"\n{}\
                 audio_output {{\n  type \"null\"\n  name \"null\"\n  mixer_type \"software\"\n}}\n",
                self.music.display(),
                dir.join("playlists").display(),
                dir.join("db").display(),
                self.port,
                dir.join("log").display(),
                match &self.password {
                    Some(password) => format!(
                        "password \"{password}@read,add,control,admin\"\ndefault_permissions \"\"\n"
                    ),
                    None => String::new(),
                },
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
        self.client().wait("mpd to listen", |_| {
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

    /// A client of this server.
    pub fn client(&self) -> MpdClient {
        MpdClient {
            port: self.port,
            password: self.password.clone(),
        }
    }
}

/// A plain MPD protocol client for checking what a server does (one
/// connection a command).
pub struct MpdClient {
    port: u16,
    password: Option<String>,
}

impl MpdClient {
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
        if let Some(password) = &self.password {
            (&stream)
                .write_all(format!("password \"{password}\"\n").as_bytes())
                .unwrap();
            line.clear();
            reader.read_line(&mut line).unwrap();
            assert_eq!(line, "OK\n", "the password");
        }
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

    /// Polls `check` every 50 ms for up to 15 s (failing with the
    /// server's status and queue).
    pub fn wait(&self, what: &str, check: impl Fn(&Self) -> bool) {
        self.wait_for(what, Duration::from_secs(15), check);
    }

    /// `wait`, for up to `within`.
    pub fn wait_for(&self, what: &str, within: Duration, check: impl Fn(&Self) -> bool) {
        let start = Instant::now();
        while !check(self) {
            assert!(
                start.elapsed() < within,
                "waited for {what}; the server says:\n{}{}",
                self.command("status"),
                self.command("playlistinfo")
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

/// A real Mopidy (Debian's 3.4, with Mopidy-MPD and Mopidy-Local),
/// answering MPD's protocol on 127.0.0.1; a `fakesink` that keeps real
/// time stands in for a sound card.
pub struct MopidyServer {
    pub port: u16,
    _dir: tempfile::TempDir,
    child: Child,
}

impl MopidyServer {
    /// Scans `music` into Mopidy-Local and starts Mopidy; `Err` says why
    /// it cannot run here.
    pub fn start(music: &Path) -> Result<MopidyServer, String> {
        let deps = Command::new("/usr/bin/python3")
            .args(["-c", "import mopidy, mopidy_mpd, mopidy_local"])
            .status();
        if !deps.is_ok_and(|s| s.success()) {
            return Err(
                "Mopidy with Mopidy-MPD and Mopidy-Local is not installed (scripts/test-deps installs Debian's)"
                    .into(),
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let port = free_port();
        let d = dir.path();
        let conf = d.join("mopidy.conf");
        std::fs::create_dir_all(d.join("playlists")).unwrap();
        std::fs::write(
            &conf,
            format!(
                "[core]\ncache_dir = {d}/cache\nconfig_dir = {d}/config\ndata_dir = {d}/data\n\
                 [logging]\nverbosity = 0\n\
                 [audio]\noutput = fakesink sync=true\nmixer = software\n\
                 [http]\nenabled = false\n[file]\nenabled = false\n[stream]\nenabled = false\n\
                 [m3u]\nenabled = true\nplaylists_dir = {d}/playlists\nbase_dir = {music}\n\
                 [local]\nenabled = true\nmedia_dir = {music}\n\
                 [mpd]\nenabled = true\nhostname = 127.0.0.1\nport = {port}\n",
                d = d.display(),
                music = music.display(),
            ),
        )
        .unwrap();
        let scanned = Command::new("mopidy")
            .arg("--config")
            .arg(&conf)
            .args(["local", "scan"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|e| format!("cannot run mopidy: {e}"))?;
        assert!(scanned.success(), "mopidy local scan failed");
        let child = Command::new("mopidy")
            .arg("--config")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "mopidy did not listen"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Ok(MopidyServer {
            port,
            _dir: dir,
            child,
        })
    }

    pub fn address(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// The same client as for MPD, on Mopidy's port.
    pub fn client(&self) -> MpdClient {
        MpdClient {
            port: self.port,
            password: None,
        }
    }
}

impl Drop for MopidyServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
