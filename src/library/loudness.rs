//! How loud a file is: its integrated loudness (EBU R128, with the
//! `ebur128` crate) over its decoded audio (rodio's decoders, the ones the
//! speaker plays with). Slow next to reading tags (the whole file is
//! decoded), so the library measures after a scan, off the request path,
//! and only files whose tags carry no ReplayGain.

use std::path::Path;

use ebur128::{EbuR128, Mode};
use rodio::{Decoder, Source};

/// Frames handed to the meter at a time.
const CHUNK_FRAMES: usize = 4096;

/// The file's integrated loudness in LUFS, or why it cannot be measured.
pub fn measure(path: &Path) -> Result<f64, String> {
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut decoder = Decoder::try_from(file).map_err(|e| e.to_string())?;
    let channels = decoder.channels().get();
    let rate = decoder.sample_rate().get();
    let mut meter = EbuR128::new(u32::from(channels), rate, Mode::I).map_err(|e| e.to_string())?;
    let chunk = CHUNK_FRAMES * usize::from(channels);
    let mut buffer: Vec<f32> = Vec::with_capacity(chunk);
    loop {
        buffer.clear();
        buffer.extend(decoder.by_ref().take(chunk));
        // Whole frames only: a truncated file can end mid-frame.
        let whole = buffer.len() - buffer.len() % usize::from(channels);
        if whole == 0 {
            break;
        }
        meter
            .add_frames_f32(&buffer[..whole])
            .map_err(|e| e.to_string())?;
        if buffer.len() < chunk {
            break;
        }
    }
    let lufs = meter.loudness_global().map_err(|e| e.to_string())?;
    if lufs.is_finite() {
        Ok(lufs)
    } else {
        Err("silent (no loudness to measure)".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> std::path::PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/music")
            .join(name)
    }

    #[test]
    fn real_files_have_a_loudness() {
        for name in ["sunrise.mp3", "flac-attack.flac", "vorbis.ogg"] {
            let lufs = measure(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!((-70.0..0.0).contains(&lufs), "{name}: {lufs}");
        }
    }

    #[test]
    fn a_broken_file_says_why() {
        let dir = tempfile::tempdir().unwrap();
        let broken = dir.path().join("broken.mp3");
        std::fs::write(&broken, b"this is not audio at all").unwrap();
        assert!(measure(&broken).is_err());
        assert!(measure(Path::new("/no/such/file.mp3")).is_err());
    }
}
