//! The box's own sound device (`--speaker`), for a headless Raspberry Pi on
//! a speaker: it plays what the party plays (rodio over ALSA), follows the
//! host's pause and seeks, and tells the room when a track is over, as the
//! host's page does, so a party runs with no page open at all.
//!
//! One thread owns the device (rodio's device handle cannot move between
//! threads) and follows the room by asking the store a few times a second.
//! It plays each track at the room's loudness (the track's gain, within the
//! quiet hours' ceiling) and, when the room crossfades, fades the next song
//! in over the last one.

use std::path::Path;
use std::time::{Duration, Instant};

use rodio::cpal::traits::{DeviceTrait, HostTrait};
use rodio::mixer::Mixer;
use rodio::{Decoder, DeviceSinkBuilder, MixerDeviceSink, Player, Source};
use tokio_util::sync::CancellationToken;

use crate::limits::{FADE_STEP, SPEAKER_POLL};
use crate::outputs::Outputs;
use crate::store::{SpeakerTarget, Store};
use crate::timestamp::Timestamp;

/// Opens the sound device and starts playing the party on it. A device
/// that cannot be opened is an error to log: the box serves on without it.
/// Blocking (it waits for the device): call it from `spawn_blocking`.
/// Answers the playing speaker, which stops when it drops.
pub fn start(
    store: Store,
    device: Option<String>,
    shutdown: &CancellationToken,
    runtime: tokio::runtime::Handle,
    outputs: Outputs,
) -> anyhow::Result<Speaker> {
    let stop = shutdown.child_token();
    let (opened, result) = std::sync::mpsc::channel();
    let token = stop.clone();
    std::thread::Builder::new()
        .name("speaker".into())
        .spawn(move || match open(device.as_deref()) {
            Ok((sink, name)) => {
                let _ = opened.send(Ok(name));
                run(sink.mixer(), &store, &runtime, &token, &outputs, "speaker");
            }
            Err(e) => {
                let _ = opened.send(Err(e));
            }
        })?;
    let device = result.recv()??;
    Ok(Speaker { device, stop })
}

/// The box's speaker at work; it stops when this drops.
pub struct Speaker {
    pub device: String,
    stop: CancellationToken,
}

impl Drop for Speaker {
    fn drop(&mut self) {
        self.stop.cancel();
    }
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
    /// The player with the item's audio, or `None` when there is none:
    /// then the room's clock says when it ends.
    player: Option<Player>,
    /// The end (or the crossfade's start) was reported for this item.
    reported: bool,
}

/// The item before, fading out under the new one.
struct FadingOut {
    player: Player,
    from: f32,
    started: Instant,
    over: Duration,
}

/// One step of the fade-out under way, if any.
fn fade_step(fading: &mut Option<FadingOut>) {
    if let Some(f) = fading {
        let done = f.started.elapsed().as_secs_f32() / f.over.as_secs_f32().max(1e-3);
        if done >= 1.0 {
            f.player.stop();
            *fading = None;
        } else {
            f.player.set_volume(f.from * (1.0 - done));
        }
    }
}

/// The item before gives way to a new one: still sounding and the room
/// crossfades, it fades out under the new one (which fades in over
/// `crossfade`, answered); else it stops here.
fn hand_over(
    old: Option<Player>,
    fading: &mut Option<FadingOut>,
    crossfade: Duration,
) -> Option<Duration> {
    let old = old?;
    if crossfade.is_zero() || old.empty() || old.is_paused() {
        old.stop();
        return None;
    }
    if let Some(f) = fading.take() {
        f.player.stop();
    }
    *fading = Some(FadingOut {
        from: old.volume(),
        player: old,
        started: Instant::now(),
        over: crossfade,
    });
    Some(crossfade)
}

/// Plays the party on `mixer` (a sound device's, or one a Snapcast
/// writer drains) until `shutdown`; `kind` names the output whose playing
/// it reports.
pub fn run(
    mixer: &Mixer,
    store: &Store,
    runtime: &tokio::runtime::Handle,
    shutdown: &CancellationToken,
    outputs: &Outputs,
    kind: &'static str,
) {
    let mut playing: Option<Playing> = None;
    let mut fading: Option<FadingOut> = None;
    // Right after an end, look again at once: the next song starts with
    // no gap the poll would add.
    let mut wait = SPEAKER_POLL;
    while !shutdown.is_cancelled() {
        std::thread::sleep(wait);
        wait = if fading.is_some() {
            FADE_STEP
        } else {
            SPEAKER_POLL
        };
        fade_step(&mut fading);
        outputs.playing(
            kind,
            playing
                .as_ref()
                .and_then(|p| p.player.as_ref())
                .is_some_and(|p| !p.is_paused() && !p.empty()),
        );
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
        let now = Timestamp::now();
        let volume = target.volume(crate::timestamp::local_minute()) as f32;
        let crossfade = Duration::from_millis(target.settings.crossfade_ms().max(0) as u64);
        let same_item = playing
            .as_ref()
            .is_some_and(|p| p.target.room_track_id == target.room_track_id);
        if !same_item {
            let fade_in = hand_over(
                playing.take().and_then(|p| p.player),
                &mut fading,
                crossfade,
            );
            if fade_in.is_some() {
                wait = FADE_STEP;
            }
            let player = match target
                .path
                .as_deref()
                .map(|path| load(mixer, path, fade_in))
            {
                Some(Err(reason)) => {
                    let (code, item) = (target.code.clone(), target.room_track_id.clone());
                    tracing::warn!(%reason, "speaker: cannot play this file; moving on");
                    if let Err(e) = runtime.block_on(store.failed(None, code, item, reason)) {
                        tracing::warn!(error = %e, "speaker: cannot move the room on");
                    }
                    wait = Duration::ZERO;
                    continue;
                }
                Some(Ok(player)) => Some(player),
                None => None,
            };
            playing = Some(Playing {
                target: target.clone(),
                player,
                reported: false,
            });
        }
        let current = playing.as_mut().expect("set above");
        let over = follow(current, &target, same_item, volume, now);
        if over && !current.reported {
            current.reported = true;
            let (code, item) = (target.code.clone(), target.room_track_id.clone());
            if let Err(e) = runtime.block_on(store.ended_by_box(code, item)) {
                tracing::warn!(error = %e, "speaker: cannot move the room on");
            }
            wait = Duration::ZERO;
        }
    }
}

/// Keeps the player where the room is (position, pause, volume); answers
/// whether the item is over. With audio, the room moves on when the file
/// is done, or (with a crossfade) when the fade should begin; without,
/// the clock does.
fn follow(
    current: &mut Playing,
    target: &SpeakerTarget,
    same_item: bool,
    volume: f32,
    now: Timestamp,
) -> bool {
    let position = target.position_ms(now);
    let crossfade_ms = target.settings.crossfade_ms();
    if let Some(player) = &current.player {
        // A new item, or the host moved it: go to the room's position.
        if !same_item || current.target.started_at != target.started_at {
            let _ = player.try_seek(Duration::from_millis(position as u64));
        }
        player.set_volume(volume);
        match target.paused_ms {
            Some(_) => player.pause(),
            None => player.play(),
        }
    }
    current.target = target.clone();
    match &current.player {
        Some(player) if target.paused_ms.is_none() => {
            player.empty() || (crossfade_ms > 0 && position >= target.duration_ms - crossfade_ms)
        }
        _ => false,
    }
}

/// The file's audio on a new player (paused until told; fading in over
/// `fade_in` when given), or why it cannot be played.
fn load(mixer: &Mixer, path: &Path, fade_in: Option<Duration>) -> Result<Player, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open the file: {e}"))?;
    let source = Decoder::try_from(file).map_err(|e| format!("cannot decode the file: {e}"))?;
    let player = Player::connect_new(mixer);
    player.pause();
    match fade_in {
        Some(over) => player.append(source.fade_in(over)),
        None => player.append(source),
    }
    Ok(player)
}
