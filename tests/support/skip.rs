//! A test that cannot run on this machine (no root for a mount or a
//! network namespace, no FUSE): under CI (`CI` set, as `.ci/run` sets it)
//! that is a failure, since a claim it checks would go unproven; elsewhere
//! the test returns, and the skip is written to `target/skipped-tests`,
//! which the test command prints at its end.

use std::io::Write;
use std::path::PathBuf;

/// Where skips are listed for the test command's summary.
pub fn skip_list() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/skipped-tests")
}

fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Call, then return from the test: `test` cannot run here, because `why`.
pub fn cannot_run(test: &str, why: &str) {
    assert!(
        !under_ci(),
        "{test} cannot run here ({why}); under CI a test that cannot run fails"
    );
    eprintln!("SKIPPED {test}: {why}");
    let line = format!("{test}: {why}\n");
    let appended = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(skip_list())
        .and_then(|mut f| f.write_all(line.as_bytes()));
    if let Err(e) = appended {
        eprintln!(
            "(could not record the skip in {}: {e})",
            skip_list().display()
        );
    }
}
