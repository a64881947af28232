//! The box's own sound device (`--speaker`), for a headless Raspberry Pi on
//! a speaker: it plays what the party plays (rodio over ALSA), follows the
//! host's pause and seeks, and tells the room when a track is over, as the
//! host's page does, so a party runs with no page open at all.
//!
//! One thread owns the device (rodio's device handle cannot move between
//! threads) and follows the room by asking the store a few times a second.

use std::path::Path;
use std::time::Duration;

use rodio::cpal::traits::{DeviceTrait, HostTrait};
use rodio::{Decoder, DeviceSinkBuilder, MixerDeviceSink, Player};
use tokio_util::sync::CancellationToken;

use crate::config::{SPEAKER_CLOCK_GRACE_MS, SPEAKER_POLL};
use crate::store::{SpeakerTarget, Store, now_micros};

/// Opens the sound device and starts playing the party on it. A device
/// that cannot be opened is an error to log: the box serves on without it.
/// Blocking (it waits for the device): call it from `spawn_blocking`.
/// Answers the device's name.
pub fn start(
    store: Store,
    device: Option<String>,
    shutdown: CancellationToken,
    runtime: tokio::runtime::Handle,
) -> anyhow::Result<String> {
    let (opened, result) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("speaker".into())
        .spawn(move || match open(device.as_deref()) {
            Ok((sink, name)) => {
                let _ = opened.send(Ok(name));
                run(&sink, &store, &runtime, &shutdown);
            }
            Err(e) => {
                let _ = opened.send(Err(e));
            }
        })?;
    result.recv()?
}

fn open(device: Option<&str>) -> anyhow::Result<(MixerDeviceSink, String)> {
    let host = rodio::cpal::default_host();
    let device = match device {
        None => host
            .default_output_device()
            .ok_or_else(|| anyhow::anyhow!("this machine has no sound device"))?,
        Some(wanted) => host
            .output_devices()?
            .find(|d| {
                d.id().is_ok_and(|id| id.id() == wanted)
                    || d.description().is_ok_and(|desc| desc.name() == wanted)
            })
            .ok_or_else(|| {
                anyhow::anyhow!("no sound device named {wanted:?} (see `aplay -L` for names)")
            })?,
    };
    let name = device
        .id()
        .map(|id| id.id().to_string())
        .unwrap_or_else(|_| "the default device".into());
    let mut sink = DeviceSinkBuilder::from_device(device)?
        .open_stream()
        .map_err(|e| anyhow::anyhow!("cannot open the sound device {name}: {e}"))?;
    // Closing at shutdown is expected, not worth a line in the log.
    sink.log_on_drop(false);
    Ok((sink, name))
}

/// What the speaker is doing now.
struct Playing {
    target: SpeakerTarget,
    /// The player with the item's audio, or `None` when there is none (or
    /// it could not be decoded): then the clock says when it ends.
    player: Option<Player>,
}

fn run(
    sink: &MixerDeviceSink,
    store: &Store,
    runtime: &tokio::runtime::Handle,
    shutdown: &CancellationToken,
) {
    let mut playing: Option<Playing> = None;
    while !shutdown.is_cancelled() {
        std::thread::sleep(SPEAKER_POLL);
        let target = match runtime.block_on(store.speaker_target()) {
            Ok(target) => target,
            Err(e) => {
                tracing::warn!(error = %e, "speaker: cannot read what plays");
                continue;
            }
        };
        let Some(target) = target else {
            if let Some(p) = playing.take().and_then(|p| p.player) {
                p.stop();
            }
            continue;
        };
        let now = now_micros();
        let same_item = playing
            .as_ref()
            .is_some_and(|p| p.target.room_track_id == target.room_track_id);
        if !same_item {
            if let Some(p) = playing.take().and_then(|p| p.player) {
                p.stop();
            }
            let player = target.path.as_deref().and_then(|path| load(sink, path));
            playing = Some(Playing {
                target: target.clone(),
                player,
            });
        }
        let current = playing.as_mut().expect("set above");
        let position = target.position_ms(now);
        if let Some(player) = &current.player {
            // A new item, or the host moved it: go to the room's position.
            if !same_item || current.target.started_at != target.started_at {
                let _ = player.try_seek(Duration::from_millis(position as u64));
            }
            match target.paused_ms {
                Some(_) => player.pause(),
                None => player.play(),
            }
        }
        current.target = target.clone();
        let over = match &current.player {
            Some(player) => player.empty() && target.paused_ms.is_none(),
            None => {
                target.paused_ms.is_none()
                    && position >= target.duration_ms + SPEAKER_CLOCK_GRACE_MS
            }
        };
        if over {
            let (code, item) = (target.code.clone(), target.room_track_id.clone());
            if let Err(e) = runtime.block_on(store.ended_by_box(code, item)) {
                tracing::warn!(error = %e, "speaker: cannot move the room on");
            }
        }
    }
}

/// The file's audio on a new player (paused until told), or `None` with a
/// warning when it cannot be decoded (the clock then ends it).
fn load(sink: &MixerDeviceSink, path: &Path) -> Option<Player> {
    let decoded = std::fs::File::open(path)
        .map_err(anyhow::Error::from)
        .and_then(|file| Decoder::try_from(file).map_err(anyhow::Error::from));
    match decoded {
        Ok(source) => {
            let player = Player::connect_new(sink.mixer());
            player.pause();
            player.append(source);
            Some(player)
        }
        Err(e) => {
            tracing::warn!(file = %path.display(), error = %e, "speaker: cannot play this file; its time runs silent");
            None
        }
    }
}
