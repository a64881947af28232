//! The party to Snapcast (`--snapcast`): a real snapserver reads the box's
//! sound from a named pipe or a TCP source, and a real snapclient (writing
//! what it plays to a file) hears it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::helpers::*;
use crate::mpd_server::free_port;
use crate::skip::cannot_run;

/// snapserver with one source named `box`, and a snapclient that writes
/// what it plays (48000:16:2) to `heard.raw`.
struct Snapcast {
    dir: tempfile::TempDir,
    control: u16,
    children: Vec<Child>,
}

impl Snapcast {
    /// `source`: snapserver's source URI, `{dir}` standing for its folder.
    fn start(source: &str) -> Result<Snapcast, String> {
        for tool in ["snapserver", "snapclient"] {
            if Command::new(tool).arg("--version").output().is_err() {
                return Err(format!(
                    "Debian's {tool} is not installed (scripts/test-deps installs it)"
                ));
            }
        }
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("empty.conf"), "").unwrap();
        let (control, stream) = (free_port(), free_port());
        let source = source.replace("{dir}", &d.display().to_string());
        let server = Command::new("snapserver")
            .arg("-c")
            .arg(d.join("empty.conf"))
            .arg(format!("--server.datadir={}", d.display()))
            .args(["--http.enabled=0", "--tcp.bind_to_address=127.0.0.1"])
            .arg(format!("--tcp.port={control}"))
            .args(["--stream.bind_to_address=127.0.0.1", "--stream.codec=pcm"])
            .arg(format!("--stream.port={stream}"))
            .arg(format!("--stream.source={source}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut snapcast = Snapcast {
            dir,
            control,
            children: vec![server],
        };
        snapcast.wait("snapserver to listen", |s| {
            std::net::TcpStream::connect(("127.0.0.1", s.control)).is_ok()
        });
        let client = Command::new("snapclient")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &stream.to_string(),
                "--hostID",
                "living-room",
            ])
            .arg("--player")
            .arg(format!("file:filename={}", snapcast.heard().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        snapcast.children.push(client);
        snapcast.wait("the client to join", |s| {
            s.status()["groups"][0]["clients"][0]["connected"] == true
        });
        Ok(snapcast)
    }

    fn heard(&self) -> std::path::PathBuf {
        self.dir.path().join("heard.raw")
    }

    /// `Server.GetStatus` over the JSON-RPC control port: the server part.
    fn status(&self) -> Value {
        let stream = std::net::TcpStream::connect(("127.0.0.1", self.control)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        (&stream)
            .write_all(b"{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"Server.GetStatus\"}\r\n")
            .unwrap();
        let mut line = String::new();
        BufReader::new(&stream).read_line(&mut line).unwrap();
        let answer: Value = serde_json::from_str(&line).unwrap();
        answer["result"]["server"].clone()
    }

    fn stream_state(&self) -> String {
        self.status()["streams"][0]["status"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// The level (dBFS) of the last half second the client played.
    fn heard_level_db(&self) -> f64 {
        let bytes = std::fs::read(self.heard()).unwrap();
        let tail = &bytes[bytes.len().saturating_sub(48_000 * 4 / 2)..];
        let samples: Vec<f64> = tail
            .chunks_exact(2)
            .map(|b| f64::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
            .collect();
        let rms = (samples.iter().map(|s| s * s).sum::<f64>() / samples.len().max(1) as f64).sqrt();
        20.0 * rms.max(1e-9).log10()
    }

    fn wait(&self, what: &str, check: impl Fn(&Self) -> bool) {
        let start = std::time::Instant::now();
        while !check(self) {
            assert!(
                start.elapsed() < Duration::from_secs(15),
                "waited for {what}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Snapcast {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A music folder with one 30-second tone (sox).
fn tone_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let made = Command::new("sox")
        .args([
            "-n",
            "-r",
            "44100",
            "-c",
            "2",
            "--comment",
            "TITLE=House Tone",
        ])
        .args(["--add-comment", "ARTIST=The Fixtures"])
        .arg(dir.path().join("tone.flac"))
        .args(["synth", "30", "sine", "440", "vol", "0.5"])
        .status()
        .unwrap();
    assert!(made.success());
    dir
}

/// The box plays a song to `target`; the client hears it and the host's
/// page lists the output as playing.
async fn the_client_hears_the_party(snapcast: &Snapcast, target: &str) {
    let music = tone_folder();
    let dir = tempfile::tempdir().unwrap();
    let music_path = music.path().display().to_string();
    let running = start_binary(
        &dir.path().join("party.db"),
        &[("DT_SNAPCAST", target), ("DT_MUSIC", &music_path)],
    )
    .await;
    let app = TestApp::of_binary(&running);
    let host = app.guest("Anto").await;
    crate::library::scanned(&app, &host, None).await;
    wait_until(
        Duration::from_secs(10),
        "the box to reach snapserver",
        || async { (box_output(&app, "snapcast").await["connected"] == true).then_some(()) },
    )
    .await;
    let code = app.bare_room(&host).await;
    app.add(&host, &code, "house tone").await;
    wait_until(Duration::from_secs(10), "the output to play", || async {
        (box_output(&app, "snapcast").await["playing"] == true).then_some(())
    })
    .await;
    snapcast.wait("snapserver's stream to play", |s| {
        s.stream_state() == "playing"
    });
    // Two seconds in, the client plays the tone, not silence.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let level = snapcast.heard_level_db();
    assert!(level > -30.0, "the client heard {level:.1} dBFS");
    // Paused, the rooms go quiet.
    app.pause(&host, &code).await;
    wait_until(
        Duration::from_secs(5),
        "the output to stop playing",
        || async { (box_output(&app, "snapcast").await["playing"] == false).then_some(()) },
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let level = snapcast.heard_level_db();
    assert!(level < -60.0, "paused, the client heard {level:.1} dBFS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapcast_rooms_hear_the_party_through_a_pipe() {
    let snapcast = match Snapcast::start("pipe://{dir}/fifo?name=box&mode=create") {
        Ok(s) => s,
        Err(why) => {
            return cannot_run(
                "snapcast::snapcast_rooms_hear_the_party_through_a_pipe",
                &why,
            );
        }
    };
    let fifo = snapcast.dir.path().join("fifo");
    snapcast.wait("snapserver to make its pipe", |_| fifo.exists());
    the_client_hears_the_party(&snapcast, &fifo.display().to_string()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn snapcast_rooms_hear_the_party_over_tcp() {
    let port = free_port();
    let source = format!("tcp://127.0.0.1:{port}?name=box&mode=server");
    let snapcast = match Snapcast::start(&source) {
        Ok(s) => s,
        Err(why) => return cannot_run("snapcast::snapcast_rooms_hear_the_party_over_tcp", &why),
    };
    the_client_hears_the_party(&snapcast, &format!("tcp://127.0.0.1:{port}")).await;
}

/// Where the box writes must exist as snapserver's: a plain file is not a
/// pipe, and the box says so instead of filling the disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plain_file_is_not_taken_for_snapcasts_pipe() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-fifo");
    std::fs::write(&file, b"").unwrap();
    let running = start_binary(
        &dir.path().join("party.db"),
        &[("DT_SNAPCAST", &file.display().to_string())],
    )
    .await;
    let app = TestApp::of_binary(&running);
    let out = wait_until(Duration::from_secs(5), "the error", || async {
        let out = box_output(&app, "snapcast").await;
        out["error"]
            .as_str()
            .is_some_and(|e| e.contains("not a named pipe"))
            .then_some(out)
    })
    .await;
    assert_eq!(out["connected"], false);
    assert_eq!(std::fs::metadata(&file).unwrap().len(), 0);
}
