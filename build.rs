//! Builds the web app (`web/`, React + Vite) so the binary can embed it, and
//! precompresses every file (brotli and gzip) so the box never compresses at
//! run time.
//!
//! Needs Node.js and npm. Without them the build stops with a message,
//! rather than shipping a box with an empty page. `DT_SKIP_WEB_BUILD=1`
//! embeds an existing `web/dist` as it is (for cross builds that reuse it).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("web");
    for input in [
        "src",
        "public",
        "index.html",
        "package.json",
        "package-lock.json",
        "vite.config.ts",
        "tsconfig.json",
        "scripts",
    ] {
        println!("cargo:rerun-if-changed=web/{input}");
    }
    println!("cargo:rerun-if-env-changed=DT_SKIP_WEB_BUILD");

    let dist = web.join("dist");
    if std::env::var_os("DT_SKIP_WEB_BUILD").is_some_and(|v| v != "0") {
        if !dist.join("index.html").exists() {
            fail(
                "DT_SKIP_WEB_BUILD is set but web/dist/index.html does not exist: build the web app first (cd web && npm ci && npm run build).",
            );
        }
    } else {
        build_web(&web);
    }
    precompress(&dist);
}

fn build_web(web: &Path) {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    if Command::new(npm).arg("--version").output().is_err() {
        fail(
            "Building Democratic Tunes needs Node.js (20 or newer) and npm, to build its web app in web/. Install them (Debian: apt-get install nodejs npm) and build again.",
        );
    }
    if !web.join("node_modules").exists() {
        run(
            Command::new(npm)
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(web),
            "npm ci",
        );
    }
    run(
        Command::new(npm).args(["run", "build"]).current_dir(web),
        "npm run build",
    );
}

fn run(command: &mut Command, what: &str) {
    match command.status() {
        Ok(status) if status.success() => {}
        Ok(status) => fail(&format!(
            "`{what}` in web/ failed ({status}); see its output above."
        )),
        Err(e) => fail(&format!("cannot run `{what}` in web/: {e}")),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("\nerror: {message}\n");
    std::process::exit(1);
}

/// Writes `file.br` and `file.gz` beside every compressible file of `dir`.
fn precompress(dir: &Path) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("cannot read {}: {e}", dir.display())));
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            precompress(&path);
            continue;
        }
        let compressible = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("html" | "js" | "css" | "svg" | "json" | "webmanifest" | "txt" | "map")
        );
        if !compressible {
            continue;
        }
        let bytes = fs::read(&path).expect("read a built file");
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&bytes).expect("gzip in memory");
        write_if_changed(
            &with_suffix(&path, "gz"),
            &gz.finish().expect("gzip in memory"),
        );
        let mut br = Vec::new();
        let params = brotli::enc::BrotliEncoderParams {
            quality: 11,
            ..Default::default()
        };
        brotli::BrotliCompress(&mut bytes.as_slice(), &mut br, &params).expect("brotli in memory");
        write_if_changed(&with_suffix(&path, "br"), &br);
    }
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().expect("a file name").to_os_string();
    name.push(".");
    name.push(suffix);
    path.with_file_name(name)
}

/// Written whole or not at all (a temporary file renamed over it): the
/// test run builds for the Pi and for fuzzing beside the main build, and
/// each build script precompresses the same `web/dist`.
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if fs::read(path).ok().as_deref() != Some(bytes) {
        let mut partial = path.as_os_str().to_os_string();
        partial.push(format!(".{}.partial", std::process::id()));
        fs::write(&partial, bytes).expect("write a compressed file");
        fs::rename(&partial, path).expect("move a compressed file into place");
    }
}
