//! The party to Snapcast (`--snapcast`): the box's own player (the
//! speaker's engine) plays into a mixer of its own, and a writer drains it
//! in real time as 48000:16:2 PCM into snapserver's pipe or TCP source, so
//! every Snapcast room hears the party in sync.
//!
//! The writer never waits on snapserver: the pipe is opened without
//! blocking and a chunk it cannot take now is dropped (real time goes on),
//! and a lost pipe or connection is opened again with backoff.

use std::io::Write;
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::time::{Duration, Instant};

use rodio::mixer::MixerSource;
use tokio_util::sync::CancellationToken;

use crate::config::SnapcastTarget;
use crate::limits::{OUTPUT_BACKOFF_MAX, OUTPUT_TIMEOUT};
use crate::outputs::{Output, Outputs};
use crate::speaker;
use crate::store::Store;

/// snapserver's default sample format: 48 kHz, 16 bits, stereo.
const RATE: u32 = 48_000;
const CHANNELS: u16 = 2;
/// One write: 20 ms (snapserver reads its sources in 20-ms chunks), 3,840
/// bytes, under a pipe's atomic-write size (4,096), so a write is whole or
/// not at all.
const CHUNK: Duration = Duration::from_millis(20);
const CHUNK_FRAMES: usize = (RATE / 50) as usize;

/// The Snapcast output at work; it stops when this drops.
pub struct Snapcast {
    stop: CancellationToken,
}

impl Drop for Snapcast {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

/// Starts playing the party to `target`.
pub fn start(
    store: Store,
    target: SnapcastTarget,
    shutdown: &CancellationToken,
    runtime: tokio::runtime::Handle,
    outputs: Outputs,
) -> std::io::Result<Snapcast> {
    let stop = shutdown.child_token();
    let (mixer, source) = rodio::mixer::mixer(
        std::num::NonZero::new(CHANNELS).expect("two channels"),
        std::num::NonZero::new(RATE).expect("a rate"),
    );
    outputs.report(Output {
        kind: "snapcast",
        name: target.to_string(),
        connected: false,
        playing: false,
        error: Some("connecting".into()),
    });
    let (token, reports) = (stop.clone(), outputs.clone());
    std::thread::Builder::new()
        .name("snapcast".into())
        .spawn(move || pump(source, &target, &token, &reports))?;
    let token = stop.clone();
    std::thread::Builder::new()
        .name("snapcast-player".into())
        .spawn(move || speaker::run(&mixer, &store, &runtime, &token, &outputs, "snapcast"))?;
    Ok(Snapcast { stop })
}

/// Drains the mixer at real time into the target, (re)opening it as
/// needed.
fn pump(
    mut source: MixerSource,
    target: &SnapcastTarget,
    shutdown: &CancellationToken,
    outputs: &Outputs,
) {
    let mut sink: Option<Box<dyn Write>> = None;
    let mut retry_at = Instant::now();
    let mut backoff = Duration::from_millis(500);
    let mut anchor = Instant::now();
    let mut chunks: u32 = 0;
    let mut bytes = Vec::with_capacity(CHUNK_FRAMES * usize::from(CHANNELS) * 2);
    while !shutdown.is_cancelled() {
        let due = anchor + CHUNK * chunks;
        let now = Instant::now();
        if let Some(wait) = due.checked_duration_since(now) {
            std::thread::sleep(wait);
        } else if now - due > CHUNK * 10 {
            // Behind by more than a moment (the machine stalled): pick up
            // from now rather than rush to catch up.
            (anchor, chunks) = (now, 0);
        }
        chunks += 1;
        bytes.clear();
        for _ in 0..CHUNK_FRAMES * usize::from(CHANNELS) {
            // An empty mixer is silence.
            let sample = source.next().unwrap_or(0.0).clamp(-1.0, 1.0);
            bytes.extend_from_slice(&((sample * f32::from(i16::MAX)) as i16).to_le_bytes());
        }
        if sink.is_none() && Instant::now() >= retry_at {
            match open(target) {
                Ok(opened) => {
                    tracing::info!(target = %target, "🔈 playing the party to Snapcast");
                    sink = Some(opened);
                    backoff = Duration::from_millis(500);
                    report(outputs, target, None);
                }
                Err(e) => {
                    report(outputs, target, Some(e.to_string()));
                    retry_at = Instant::now() + backoff;
                    backoff = (backoff * 2).min(OUTPUT_BACKOFF_MAX);
                }
            }
        }
        if let Some(writer) = &mut sink {
            match writer.write_all(&bytes) {
                Ok(()) => {}
                // snapserver is behind: this chunk is dropped, time goes on.
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => {
                    tracing::warn!(target = %target, error = %e, "Snapcast stopped taking the party's sound; trying again");
                    report(outputs, target, Some(e.to_string()));
                    sink = None;
                    retry_at = Instant::now() + backoff;
                }
            }
        }
    }
}

fn report(outputs: &Outputs, target: &SnapcastTarget, error: Option<String>) {
    outputs.report(Output {
        kind: "snapcast",
        name: target.to_string(),
        connected: error.is_none(),
        playing: false,
        error,
    });
}

/// Opens the pipe (never blocking) or connects.
fn open(target: &SnapcastTarget) -> std::io::Result<Box<dyn Write>> {
    match target {
        SnapcastTarget::Pipe(path) => {
            let is_fifo = std::fs::metadata(path)?.file_type().is_fifo();
            if !is_fifo {
                return Err(std::io::Error::other(format!(
                    "{} is not a named pipe (snapserver's pipe source creates one)",
                    path.display()
                )));
            }
            // Read and write, as MPD's fifo output does: the box's own read
            // end keeps the pipe open (snapserver reopens its end whenever
            // it finds no writer, and an open for writing alone fails while
            // it has none), and snapserver never reads an end of file.
            let pipe = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .custom_flags(libc::O_NONBLOCK)
                .open(path)?;
            Ok(Box::new(pipe))
        }
        SnapcastTarget::Tcp(address) => {
            let addr = std::net::ToSocketAddrs::to_socket_addrs(address)?
                .next()
                .ok_or_else(|| std::io::Error::other("no address for that host"))?;
            let stream = std::net::TcpStream::connect_timeout(&addr, OUTPUT_TIMEOUT)?;
            stream.set_nodelay(true)?;
            stream.set_write_timeout(Some(Duration::from_secs(1)))?;
            Ok(Box::new(stream))
        }
    }
}
