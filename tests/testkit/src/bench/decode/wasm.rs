//! Builds the decode benchmark's WASM (`tests/decode-bench/`) as Trunk builds the frontend's:
//! profile `wasm-release`, wasm-bindgen (`--target web`), `wasm-opt -Oz`.

use std::{
    path::{Path, PathBuf},
    process::Command,
};

/// Where `scripts/install.sh` puts npm's tools (wasm-opt, noVNC).
pub fn tools_dir() -> PathBuf {
    std::env::var_os("EZILLA_TOOLS_DIR").map_or_else(|| "/opt/ezilla-tools".into(), PathBuf::from)
}

/// Builds into `decode-bench/` of the target directory (a target directory of its own: the
/// `cargo bench` or `cargo test` that runs this holds the workspace's); returns the directory
/// wasm-bindgen wrote to.
pub fn build(root: &Path, tools: &Path) -> PathBuf {
    let target = target_dir().join("decode-bench");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    run(Command::new(cargo)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--locked", "-p", "decode-bench", "--lib"])
        .args([
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm-release",
        ]));
    let pkg = target.join("pkg");
    let wasm = target.join("wasm32-unknown-unknown/wasm-release/decode_bench.wasm");
    run(Command::new(tool("wasm-bindgen"))
        .args(["--target", "web", "--no-typescript", "--out-dir"])
        .arg(&pkg)
        .arg(&wasm));
    let bg = pkg.join("decode_bench_bg.wasm");
    run(Command::new(tools.join("node_modules/.bin/wasm-opt"))
        .arg("-Oz")
        .arg(&bg)
        .arg("-o")
        .arg(&bg));
    pkg
}

/// The target directory of the running bench or test binary (`TARGET/PROFILE/deps/NAME`),
/// wherever `CARGO_TARGET_DIR` put it.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.ancestors()
        .nth(3)
        .expect("TARGET/PROFILE/deps/NAME")
        .into()
}

/// `name` on the PATH, or where `cargo install` puts it.
fn tool(name: &str) -> PathBuf {
    let installed =
        std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo/bin").join(name));
    match installed {
        Some(path) if path.exists() => path,
        _ => name.into(),
    }
}

fn run(command: &mut Command) {
    let status = command
        .status()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(status.success(), "{command:?}: {status}");
}
