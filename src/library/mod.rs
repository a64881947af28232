//! The host's own music: folders scanned into the catalog (beside or
//! instead of the built-in one), rescanned incrementally at start, when the
//! host asks and when files change, and played from disk.

pub mod files;
pub mod loudness;
pub mod lyrics;
mod watch;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde::Serialize;
use tokio::sync::Notify;
use utoipa::ToSchema;

use crate::domain::player;
use crate::error::Result;
use crate::limits::{LOUDNESS_CHUNK, SCAN_CHUNK, SCAN_PROGRESS_EVERY};
use crate::store::Store;
use crate::store::{FileTrack, Stamp};
use crate::timestamp::Timestamp;
use files::Found;

/// Playlist files listed at most.
const MAX_FOLDER_PLAYLISTS: usize = 500;

/// What `GET /library` answers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LibraryStatus {
    /// Playable tracks from the music folders.
    pub tracks: i64,
    /// Whether a scan is running now.
    pub scanning: bool,
    /// Audio files looked at by the running (or last) scan.
    pub scanned: u64,
    /// Files it could not read (each logged once, with the reason).
    pub skipped: u64,
    /// When the last scan finished, if one has.
    pub last_scan_at: Option<String>,
    /// Whether the loudness pass (after a scan) is measuring files now.
    pub measuring: bool,
    /// Tracks whose loudness is not known yet (they play at their own
    /// level until measured).
    pub loudness_pending: i64,
}

/// A cheap handle to the library; clone it freely.
#[derive(Clone)]
pub struct Library {
    inner: Arc<Inner>,
}

struct Inner {
    roots: Vec<PathBuf>,
    store: Store,
    scanning: AtomicBool,
    measuring: AtomicBool,
    /// A rescan was asked for since the running scan began.
    requested: AtomicBool,
    scanned: AtomicU64,
    skipped: AtomicU64,
    last_scan_at: Mutex<Option<String>>,
    /// Files that could not be read, by path: not read (nor warned about)
    /// again while unchanged.
    unreadable: Mutex<HashMap<PathBuf, Stamp>>,
    wake: Notify,
}

impl Library {
    /// Starts the library: a first scan now, another whenever `rescan` is
    /// called or the folders change. Without folders it only counts.
    pub fn start(store: Store, roots: Vec<PathBuf>) -> Library {
        let library = Library {
            inner: Arc::new(Inner {
                roots,
                store,
                scanning: AtomicBool::new(false),
                measuring: AtomicBool::new(false),
                requested: AtomicBool::new(false),
                scanned: AtomicU64::new(0),
                skipped: AtomicU64::new(0),
                last_scan_at: Mutex::new(None),
                unreadable: Mutex::default(),
                wake: Notify::new(),
            }),
        };
        if !library.inner.roots.is_empty() {
            // Set before the task runs, so a status read right after start
            // already says a scan is on its way.
            library.inner.scanning.store(true, Ordering::SeqCst);
            let inner = library.inner.clone();
            tokio::spawn(async move { scan_loop(inner).await });
            watch::start(library.clone());
        }
        library
    }

    pub fn has_folders(&self) -> bool {
        !self.inner.roots.is_empty()
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.inner.roots
    }

    /// A catalog path as it is inside its music folder (`Artist/Album/01
    /// Song.flac`, `/` between parts), so what is shown or exported never
    /// holds where the host keeps their music. Pure: no file system.
    pub fn relative(&self, path: &str) -> Option<String> {
        let path = Path::new(path);
        self.inner.roots.iter().find_map(|root| {
            let inside = path.strip_prefix(root).ok()?;
            let parts: Vec<_> = inside.iter().map(|p| p.to_string_lossy()).collect();
            (!parts.is_empty()).then(|| parts.join("/"))
        })
    }

    /// Where a catalog path really is now, if that is inside a music
    /// folder: a file swapped for a symlink to elsewhere (/etc/passwd)
    /// since the scan is never served. Blocking (it asks the file system).
    pub fn confined(&self, path: &Path) -> Option<PathBuf> {
        let real = std::fs::canonicalize(path).ok()?;
        self.inner
            .roots
            .iter()
            .filter_map(|root| std::fs::canonicalize(root).ok())
            .any(|root| real.starts_with(&root))
            .then_some(real)
            .filter(|p| p.is_file())
    }

    /// The playlist files (M3U, M3U8, PLS, XSPF) in the music folders, by
    /// their path inside them, sorted; at most `MAX_FOLDER_PLAYLISTS`.
    /// Blocking (it walks the folders).
    pub fn playlist_files(&self) -> Vec<String> {
        let mut found: Vec<String> = self
            .inner
            .roots
            .iter()
            .flat_map(|root| {
                walkdir::WalkDir::new(root)
                    .into_iter()
                    .filter_map(|e| e.ok())
            })
            .filter(|e| e.file_type().is_file())
            .filter(|e| {
                crate::playlists::read::kind_of_name(&e.file_name().to_string_lossy()).is_some()
            })
            .filter_map(|e| self.relative(&e.path().to_string_lossy()))
            .take(MAX_FOLDER_PLAYLISTS)
            .collect();
        found.sort();
        found
    }

    /// A playlist file by its path inside a music folder (as
    /// `playlist_files` names it), if it is one there now (really inside:
    /// not a link to elsewhere), as the scan writes paths. Blocking.
    pub fn playlist_file(&self, relative: &str) -> Option<PathBuf> {
        if crate::playlists::read::kind_of_name(relative).is_none()
            || Path::new(relative)
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return None;
        }
        self.inner
            .roots
            .iter()
            .map(|root| root.join(relative))
            .find(|path| self.confined(path).is_some())
    }

    /// Asks for a rescan; requests made while one runs coalesce into one
    /// more scan after it.
    pub fn rescan(&self) {
        if self.has_folders() {
            self.inner.requested.store(true, Ordering::SeqCst);
            self.inner.scanning.store(true, Ordering::SeqCst);
            self.inner.wake.notify_one();
        }
    }

    pub async fn status(&self) -> Result<LibraryStatus> {
        let inner = &self.inner;
        // The flags are read before the counts: a scan that ends between
        // the two reads then shows as still scanning, never as finished
        // with the count from before it.
        let scanning = inner.scanning.load(Ordering::SeqCst);
        let last_scan_at = inner.last_scan_at.lock().expect("library lock").clone();
        let measuring = inner.measuring.load(Ordering::SeqCst);
        let scanned = inner.scanned.load(Ordering::SeqCst);
        let skipped = inner.skipped.load(Ordering::SeqCst);
        let loudness_pending = inner.store.loudness_pending().await?;
        Ok(LibraryStatus {
            tracks: inner.store.library_tracks().await?,
            scanning,
            scanned,
            skipped,
            last_scan_at,
            measuring,
            loudness_pending,
        })
    }
}

async fn scan_loop(inner: Arc<Inner>) {
    loop {
        inner.requested.store(false, Ordering::SeqCst);
        inner.scanning.store(true, Ordering::SeqCst);
        let started = Instant::now();
        match scan(&inner).await {
            Ok(report) => tracing::info!(
                files = report.files,
                read = report.read,
                gone = report.gone,
                skipped = inner.skipped.load(Ordering::SeqCst),
                ms = started.elapsed().as_millis() as u64,
                "music library scanned"
            ),
            Err(e) => tracing::warn!(error = %e, "music library scan failed"),
        }
        *inner.last_scan_at.lock().expect("library lock") = Some(Timestamp::now().text());
        inner.scanning.store(false, Ordering::SeqCst);
        // Asked again while this scan ran (it may have missed the change):
        // scan again at once, so "not scanning" means up to date.
        if inner.requested.load(Ordering::SeqCst) {
            continue;
        }
        // Then the loudness of what is new, unless a rescan is asked for
        // meanwhile (it goes first; the pass resumes after it).
        inner.measuring.store(true, Ordering::SeqCst);
        let measured = measure_loudness(&inner).await;
        inner.measuring.store(false, Ordering::SeqCst);
        match measured {
            Ok((0, _)) => {}
            Ok((files, secs)) => tracing::info!(
                files,
                per_second = (files as f64 / secs.max(1e-9)).round(),
                "loudness measured"
            ),
            Err(e) => tracing::warn!(error = %e, "loudness pass failed"),
        }
        if inner.requested.load(Ordering::SeqCst) {
            continue;
        }
        inner.wake.notified().await;
    }
}

struct Report {
    files: usize,
    read: usize,
    gone: usize,
}

/// One incremental scan: files whose path, size and modification time the
/// catalog already has are not read again; files gone leave the catalog.
async fn scan(inner: &Arc<Inner>) -> Result<Report> {
    inner.scanned.store(0, Ordering::SeqCst);
    inner.skipped.store(0, Ordering::SeqCst);
    let known = inner.store.library_stamps().await?;
    let roots = inner.roots.clone();
    let found = tokio::task::spawn_blocking(move || walk(&roots))
        .await
        .map_err(anyhow::Error::from)?;

    let present: HashSet<String> = found
        .iter()
        .map(|f| f.path.to_string_lossy().into_owned())
        .collect();
    let gone: Vec<String> = known
        .keys()
        .filter(|p| !present.contains(*p))
        .cloned()
        .collect();
    let mut to_read = Vec::new();
    {
        let mut unreadable = inner.unreadable.lock().expect("library lock");
        unreadable.retain(|path, _| present.contains(&*path.to_string_lossy()));
        for file in found.iter() {
            let path = file.path.to_string_lossy();
            if known.get(&*path) == Some(&file.stamp) {
                inner.scanned.fetch_add(1, Ordering::SeqCst);
            } else if unreadable.get(&file.path) == Some(&file.stamp) {
                inner.scanned.fetch_add(1, Ordering::SeqCst);
                inner.skipped.fetch_add(1, Ordering::SeqCst);
            } else {
                to_read.push(file.clone());
            }
        }
    }
    if !gone.is_empty() {
        inner.store.forget_files(gone.clone()).await?;
    }

    let total = found.len();
    let read = to_read.len();
    let mut last_progress = Instant::now();
    for chunk in to_read.chunks(SCAN_CHUNK) {
        let chunk = chunk.to_vec();
        let results = tokio::task::spawn_blocking(move || read_all(chunk))
            .await
            .map_err(anyhow::Error::from)?;
        let mut tracks = Vec::with_capacity(results.len());
        for (file, result) in results {
            inner.scanned.fetch_add(1, Ordering::SeqCst);
            match result {
                Ok(track) => tracks.push(track),
                Err(reason) => {
                    tracing::warn!(file = %file.path.display(), %reason, "skipping a file the box cannot read");
                    inner.skipped.fetch_add(1, Ordering::SeqCst);
                    inner
                        .unreadable
                        .lock()
                        .expect("library lock")
                        .insert(file.path, file.stamp);
                }
            }
        }
        inner.store.upsert_files(tracks).await?;
        if last_progress.elapsed() >= SCAN_PROGRESS_EVERY {
            last_progress = Instant::now();
            tracing::info!(
                "scanning the music library: {} of {total} files",
                inner.scanned.load(Ordering::SeqCst)
            );
        }
    }
    Ok(Report {
        files: total,
        read,
        gone: gone.len(),
    })
}

/// Measures the loudness of every file track that has none yet (no
/// ReplayGain tags, not measured since it changed), a chunk at a time on
/// every core. Answers how many files and how long it took.
async fn measure_loudness(inner: &Arc<Inner>) -> Result<(usize, f64)> {
    let started = Instant::now();
    let mut files = 0;
    while !inner.requested.load(Ordering::SeqCst) {
        let chunk = inner.store.tracks_to_measure(LOUDNESS_CHUNK).await?;
        if chunk.is_empty() {
            break;
        }
        files += chunk.len();
        let gains = tokio::task::spawn_blocking(move || measure_all(chunk))
            .await
            .map_err(anyhow::Error::from)?;
        inner.store.set_gains(gains).await?;
    }
    Ok((files, started.elapsed().as_secs_f64()))
}

fn measure_all(chunk: Vec<(String, PathBuf)>) -> Vec<(String, Option<f64>)> {
    on_every_core(&chunk, |(id, path)| {
        let measured = std::panic::catch_unwind(|| loudness::measure(path))
            .unwrap_or_else(|_| Err("the decoder gave up on it".into()));
        let gain = match measured {
            Ok(lufs) => player::gain_for_loudness(lufs),
            Err(reason) => {
                tracing::debug!(file = %path.display(), %reason, "cannot measure a file's loudness");
                None
            }
        };
        (id.clone(), gain)
    })
}

/// Every audio file under the roots (symbolic links not followed, so a
/// loop cannot trap the walk). Unreadable folders are logged and passed.
fn walk(roots: &[PathBuf]) -> Vec<Found> {
    let mut found = Vec::new();
    for root in roots {
        for entry in walkdir::WalkDir::new(root) {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot read part of the music folder");
                    continue;
                }
            };
            if !entry.file_type().is_file() || files::content_type(entry.path()).is_none() {
                continue;
            }
            match entry.metadata() {
                Ok(meta) => found.push(Found {
                    path: entry.into_path(),
                    stamp: files::stamp_of(&meta),
                }),
                Err(e) => tracing::warn!(error = %e, "cannot read a music file's details"),
            }
        }
    }
    found
}

/// Reads files on every core; answers each file with what was read.
fn read_all(chunk: Vec<Found>) -> Vec<(Found, std::result::Result<FileTrack, String>)> {
    on_every_core(&chunk, |f| {
        // A panic in a tag parser is one bad file, not a dead scan.
        let result = std::panic::catch_unwind(|| files::read(f))
            .unwrap_or_else(|_| Err("the tag reader gave up on it".into()));
        (f.clone(), result)
    })
}

/// `work` on each item, the items shared out over every core, in order.
fn on_every_core<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per = items.len().div_ceil(workers).max(1);
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(per)
            .map(|part| scope.spawn(move || part.iter().map(work).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    })
}
