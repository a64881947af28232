//! Rescans when files in the music folders change (notify: inotify on
//! Linux), once per burst of changes.

use notify::{EventKind, RecursiveMode, Watcher};

use super::Library;
use crate::limits::WATCH_QUIET;

/// Watches the library's folders for as long as the runtime runs. A folder
/// that cannot be watched is logged; rescans by request still work.
pub fn start(library: Library) {
    let (changed, mut changes) = tokio::sync::mpsc::channel::<()>(1);
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        // Reading a file (a scan, or a guest's phone playing it) is no change.
        if event.is_ok_and(|e| !matches!(e.kind, EventKind::Access(_))) {
            // Full means a rescan is already on its way.
            let _ = changed.try_send(());
        }
    });
    let mut watcher = match watcher {
        Ok(watcher) => watcher,
        Err(e) => {
            tracing::warn!(error = %e, "cannot watch the music folders; rescan by hand");
            return;
        }
    };
    for root in library.roots() {
        if let Err(e) = watcher.watch(root, RecursiveMode::Recursive) {
            tracing::warn!(folder = %root.display(), error = %e, "cannot watch a music folder");
        }
    }
    tokio::spawn(async move {
        let _watcher = watcher;
        while changes.recv().await.is_some() {
            loop {
                match tokio::time::timeout(WATCH_QUIET, changes.recv()).await {
                    Ok(Some(())) => continue,
                    Ok(None) => return,
                    Err(_) => break,
                }
            }
            tracing::debug!("music folders changed: rescanning");
            library.rescan();
        }
    });
}
