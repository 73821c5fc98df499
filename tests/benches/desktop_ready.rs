//! Benchmark: the desktop's budget in real headless Chromium on loopback. How long from
//! submitting the login form to the first frame of the user's own desktop, and from a page
//! load with a session to that frame (`testkit::bench::desktop_ready`, full size); and the
//! release build's WASM + JS + CSS, gzipped: the initial bundle (every file `index.html`
//! names, which the desktop loads at start) against the budget, and each module loaded on
//! demand (the other files, by name: the consoles, the administrators' apps) on its own.
//! Bounded: a fixed number of logins, then it stops.
//!
//! Run (after `trunk build --release`): `cargo bench -p ezilla-tests --bench desktop_ready`

use std::{
    collections::BTreeMap,
    path::{Path, PathBuf},
    process::Command,
};

use testkit::{
    bench::{Mode, desktop_ready},
    server::frontend_dist,
};

/// The budget of issue 5.
const SIZE_BUDGET_BYTES: u64 = 400 * 1000;

#[tokio::main]
async fn main() {
    desktop_ready::run(Mode::Full).await;

    let dist = frontend_dist();
    let size = gzipped_size(&dist);
    println!(
        "release WASM + JS + CSS, gzip -9, initial bundle (what the desktop loads at start): \
         {size} bytes (budget {SIZE_BUDGET_BYTES}){}",
        if size <= SIZE_BUDGET_BYTES {
            ""
        } else {
            "  OVER BUDGET"
        }
    );
    for (module, size) in lazy_module_sizes(&dist) {
        println!("  module loaded on demand, {module}: {size} bytes");
    }
}

/// The gzip -9 size of the initial bundle: the built WASM, JS and CSS that `dist/index.html`
/// names (its scripts, preloads and stylesheet), which the desktop loads before any app opens.
fn gzipped_size(dist: &Path) -> u64 {
    let (initial, _) = built_files(dist);
    initial.iter().map(|path| gzip_len(path)).sum()
}

/// The gzip -9 size of each module loaded on demand (WASM and its JS), by name: the built
/// files that `index.html` does not name.
fn lazy_module_sizes(dist: &Path) -> BTreeMap<String, u64> {
    let (_, lazy) = built_files(dist);
    let mut modules = BTreeMap::new();
    for path in lazy {
        let name = path.file_stem().unwrap().to_string_lossy();
        let module = name.trim_end_matches("_bg").to_owned();
        *modules.entry(module).or_default() += gzip_len(&path);
    }
    modules
}

/// Every built WASM, JS and CSS file under `dist`: those `index.html` names, and the others.
fn built_files(dist: &Path) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let index = std::fs::read_to_string(dist.join("index.html"))
        .expect("the frontend is built: trunk build --release");
    let mut files = Vec::new();
    let mut dirs = vec![dist.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for path in std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
        {
            if path.is_dir() {
                dirs.push(path);
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("wasm" | "js" | "css")
            ) {
                files.push(path);
            }
        }
    }
    files.into_iter().partition(|path| {
        let url = path.strip_prefix(dist).unwrap().to_string_lossy();
        index.contains(&format!("/{url}"))
    })
}

fn gzip_len(path: &Path) -> u64 {
    let out = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .output()
        .expect("gzip");
    out.stdout.len() as u64
}
