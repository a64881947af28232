//! Sound made and measured with sox, and a sound device that records what
//! the box's speaker plays (ALSA's `file` plugin), for the tests that must
//! tell real playback from the room's clock moving on alone.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `sox ARGS`, which must succeed; answers what it printed on stderr (where
/// its `stat` effect reports).
pub fn sox(args: &[&str]) -> String {
    let out = Command::new("sox")
        .args(args)
        .output()
        .expect("sox is installed (scripts/deps installs it)");
    assert!(
        out.status.success(),
        "sox {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Makes a 44.1 kHz stereo WAV at `path` with sox's `effects` (a tone:
/// `synth SECONDS sine HZ gain DB`; silence: `trim 0 SECONDS`).
pub fn tone(path: &str, effects: &[&str]) {
    let mut args = vec!["-n", "-r", "44100", "-c", "2", path];
    args.extend(effects);
    sox(&args);
}

/// `wav` cut where it falls silent (sox's `silence` effect): the RMS
/// amplitude, in dBFS, of each part that sounds for at least a second, in
/// order.
pub fn sounding_parts_rms_db(wav: &Path) -> Vec<f64> {
    let parts = tempfile::tempdir().unwrap();
    let first = parts.path().join("part.wav");
    sox(&[
        "--ignore-length",
        wav.to_str().unwrap(),
        first.to_str().unwrap(),
        "silence",
        "1",
        "0.05",
        "-50d",
        "1",
        "0.5",
        "-50d",
        ":",
        "newfile",
        ":",
        "restart",
    ]);
    let mut names: Vec<_> = std::fs::read_dir(parts.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    let stat = |path: &Path, key: &str| -> f64 {
        sox(&[path.to_str().unwrap(), "-n", "stat"])
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split(':').nth(1))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(f64::NAN)
    };
    names
        .iter()
        .filter(|p| stat(p, "Length (seconds)") >= 1.0)
        .map(|p| 20.0 * stat(p, "RMS     amplitude").log10())
        .collect()
}

/// An ALSA device, `dtcapture`, that takes what the box plays and writes it
/// to `wav` (its `null` slave takes sound faster than real time, so only
/// the level says anything, not the length in time).
pub struct CaptureDevice {
    /// A HOME whose `.asoundrc` defines the device.
    pub home: tempfile::TempDir,
    pub wav: PathBuf,
}

impl CaptureDevice {
    pub fn new() -> CaptureDevice {
        let home = tempfile::tempdir().unwrap();
        let wav = home.path().join("capture.wav");
        std::fs::write(
            home.path().join(".asoundrc"),
            format!(
                "pcm.dtcapture {{\n  type plug\n  slave {{ pcm \"dtfile\"; format S16_LE; rate 44100; channels 2; }}\n  hint {{ show on description \"Democratic Tunes capture\" }}\n}}\npcm.dtfile {{\n  type file\n  slave.pcm \"null\"\n  file \"{}\"\n  format \"wav\"\n}}\n",
                wav.display()
            ),
        )
        .unwrap();
        CaptureDevice { home, wav }
    }

    /// The environment that runs the binary's speaker on this device, with
    /// `music` as its music folder.
    pub fn env<'a>(&'a self, music: &'a Path) -> [(&'a str, &'a str); 4] {
        [
            ("HOME", self.home.path().to_str().unwrap()),
            ("DT_MUSIC", music.to_str().unwrap()),
            ("DT_SPEAKER", "1"),
            ("DT_SPEAKER_DEVICE", "dtcapture"),
        ]
    }
}
