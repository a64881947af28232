//! A disk whose power can be cut: `tests/support/lossyfs.py`, a FUSE file
//! system that keeps every unsynced write in its own memory, mounted over a
//! backing directory. Killing it drops what was not fsynced, as a pulled
//! plug drops a disk's volatile cache; its backing directory is what the
//! disk holds when the power comes back. It can also turn read-only.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const LOSSYFS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/lossyfs.py");
/// Debian's Python, where python3-fusepy lives (a pyenv's would not see it).
const PYTHON: &str = "/usr/bin/python3";

pub struct LossyDisk {
    daemon: Option<Child>,
    /// Where the box keeps its files (the FUSE mount).
    pub mount: PathBuf,
    /// What survives a power cut.
    pub backing: PathBuf,
    readonly_flag: PathBuf,
    _dir: tempfile::TempDir,
}

fn mounted(path: &Path) -> bool {
    let mounts = std::fs::read_to_string("/proc/mounts").unwrap_or_default();
    let path = path.to_string_lossy();
    mounts.lines().any(|l| l.split(' ').nth(1) == Some(&path))
}

impl LossyDisk {
    /// Mounts a fresh disk, or says why it cannot here.
    pub fn mount() -> Result<LossyDisk, String> {
        if !Path::new("/dev/fuse").exists() {
            return Err("no /dev/fuse".into());
        }
        let probe = Command::new(PYTHON)
            .args(["-c", "import fusepy"])
            .output()
            .map_err(|e| format!("no {PYTHON}: {e}"))?;
        if !probe.status.success() {
            return Err(
                "Debian's python3-fusepy is not installed (scripts/test installs it)".into(),
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let mut disk = LossyDisk {
            daemon: None,
            mount: dir.path().join("mnt"),
            backing: dir.path().join("disk"),
            readonly_flag: dir.path().join("read-only"),
            _dir: dir,
        };
        std::fs::create_dir(&disk.mount).unwrap();
        std::fs::create_dir(&disk.backing).unwrap();
        disk.power_on()?;
        Ok(disk)
    }

    /// Mounts the file system over what the disk holds.
    pub fn power_on(&mut self) -> Result<(), String> {
        let mut daemon = Command::new(PYTHON)
            .arg(LOSSYFS)
            .arg(&self.backing)
            .arg(&self.mount)
            .arg("--readonly-flag")
            .arg(&self.readonly_flag)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| e.to_string())?;
        let started = Instant::now();
        while !mounted(&self.mount) {
            if let Ok(Some(status)) = daemon.try_wait() {
                let mut why = String::new();
                use std::io::Read;
                daemon.stderr.take().unwrap().read_to_string(&mut why).ok();
                return Err(format!("lossyfs exited ({status}): {why}"));
            }
            if started.elapsed() > Duration::from_secs(10) {
                let _ = daemon.kill();
                return Err("lossyfs did not mount within 10 s".into());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        self.daemon = Some(daemon);
        Ok(())
    }

    /// The power goes: the file system dies with every unsynced write.
    pub fn cut_power(&mut self) {
        if let Some(mut daemon) = self.daemon.take() {
            let _ = daemon.kill();
            let _ = daemon.wait();
        }
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }

    /// From now on every change is refused (EROFS), or allowed again.
    pub fn read_only(&self, on: bool) {
        if on {
            std::fs::write(&self.readonly_flag, b"").unwrap();
        } else {
            let _ = std::fs::remove_file(&self.readonly_flag);
        }
    }
}

impl Drop for LossyDisk {
    fn drop(&mut self) {
        self.cut_power();
    }
}
