//! Decode throughput of our RFB client (`frontend/rfb/`, as WASM) against noVNC's (npm
//! `@novnc/novnc`, a benchmark peer only, never shipped) in the same headless Chromium, on the
//! sessions recorded from a real QEMU (`tests/fixtures/rfb/`: Raw, Hextile, ZRLE, Tight). Both
//! get each session as the same WebSocket messages (cut where the server waited for the
//! client, and at 64 KiB), a new connection per pass, and draw either on a canvas as they do
//! in use (ours through the console's own canvas layer, `tests/decode-bench/`; noVNC through
//! its RFB class, decoders and Display) or into an RGBA framebuffer in memory, which leaves the
//! decoders alone. A pass is timed from its first message until all is drawn (a canvas
//! rasterised); at full size each side runs 3 alternating rounds of at least 1 s per encoding
//! and target, and the median round counts; a smoke run times one pass of each. Both must end
//! on the same pixels (the blinking text cursor aside) and count the same updates, or the run
//! fails. Bounded: fixed rounds, then it stops (about two minutes once built at full size).
//!
//! noVNC and wasm-opt come from `scripts/install.sh`, in /opt/ezilla-tools (or
//! `EZILLA_TOOLS_DIR`). It builds its WASM as Trunk builds the frontend's (profile
//! `wasm-release`, wasm-bindgen, `wasm-opt -Oz`) into `decode-bench/` of the target directory.

mod session;
mod wasm;

use std::{path::Path, time::Duration};

use axum::{
    Router,
    http::{HeaderName, HeaderValue},
};
use fantoccini::wd::TimeoutConfiguration;
use serde_json::{Value, json};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

use self::session::Session;
use super::Mode;
use crate::{
    browser::{Browser, PATIENCE},
    eventually, workspace_root,
};

/// The recorded sessions' encodings.
pub const ENCODINGS: [&str; 4] = ["raw", "hextile", "zrle", "tight"];
/// The target: at least this multiple of noVNC's rate on these encodings.
const TARGET: f64 = 2.0;
const TARGET_ON: [&str; 2] = ["hextile", "zrle"];
/// What each client draws on: as in use, then with the canvas out of the picture.
const TARGETS: [(&str, &str); 2] = [
    (
        "canvas",
        "drawn on a canvas, as in use (ours: the console's canvas layer; noVNC: its Display)",
    ),
    (
        "memory",
        "decoded into an RGBA framebuffer in memory (the decoders alone, no canvas)",
    ),
];
/// The text cursor blinks between the recording's updates: 9 × 2 pixels may differ.
const CURSOR_PIXELS: u64 = 18;

/// Runs the bench on the sessions of `encodings` (some of [`ENCODINGS`]), printing its report.
pub async fn run(mode: Mode, encodings: &[&str]) {
    let root = workspace_root();
    let tools = wasm::tools_dir();
    let pkg = wasm::build(&root, &tools);
    let base = serve(&root, &pkg, &tools.join("node_modules/@novnc/novnc")).await;

    let browser = Browser::start().await;
    let script_timeout = Some(Duration::from_secs(600));
    let timeouts = TimeoutConfiguration::new(script_timeout, None, None);
    browser.client.update_timeouts(timeouts).await.unwrap();
    browser.client.goto(&base).await.unwrap();
    eventually("the benchmark page to load", PATIENCE, || async {
        let ready = browser
            .client
            .execute("return window.decodeBenchReady === true", vec![])
            .await
            .ok()?;
        ready.as_bool().filter(|r| *r)
    })
    .await;

    let sessions: Vec<(&str, Session)> = encodings
        .iter()
        .map(|&encoding| {
            let path = root.join(format!("tests/fixtures/rfb/qemu-boot-{encoding}.bin"));
            let bytes = std::fs::read(path).expect("the recorded session");
            (encoding, Session::new(bytes))
        })
        .collect();
    // Each side's alternating rounds, each of at least so many ms of passes (one pass at the
    // least), after so many ms of untimed passes to warm the JITs up.
    let (rounds, round_ms, warmup_ms) = mode.pick((3, 1000, 500), (1, 0, 0));
    let timing = json!({"rounds": rounds, "roundMs": round_ms, "warmupMs": warmup_ms});
    println!(
        "decode: QEMU sessions recorded from the demo guest's 720x400 console, in headless \
         Chromium; the same messages to both clients, a new connection per pass; median of {} \
         rounds of >= {} ms per side",
        rounds, round_ms
    );
    let mut verdicts = Vec::new();
    let mut invalid = Vec::new();
    for (target, what) in TARGETS {
        println!("\n{what}");
        println!(
            "{:<8} {:>9} {:>4} {:>7} | {:>26} | {:>26} | {:>8}",
            "",
            "session",
            "msgs",
            "updates",
            "ours: MB/s  upd/s  Mpx/s",
            "noVNC: MB/s  upd/s  Mpx/s",
            "ours/noVNC"
        );
        let mut on_target = Vec::new();
        for (encoding, session) in &sessions {
            let result = decode(&browser, encoding, session, target, &timing).await;
            let ours = Rates::of(&result["rounds"]["ours"], session);
            let novnc = Rates::of(&result["rounds"]["novnc"], session);
            let ratio = ours.passes / novnc.passes;
            println!(
                "{encoding:<8} {:>7.1}KB {:>4} {:>7} | {} | {} | {ratio:>9.2}x",
                session.bytes.len() as f64 / 1e3,
                session.messages.len(),
                session.updates,
                ours.row(),
                novnc.row()
            );
            if result["logged"].as_u64() != Some(0) {
                println!(
                    "  ({} errors or warnings logged in the page)",
                    result["logged"]
                );
            }
            if let Some(why) = mismatch(&result["check"], session.updates) {
                invalid.push(format!("{target}, {encoding}: {why}"));
            }
            if TARGET_ON.contains(encoding) {
                on_target.push((*encoding, ratio));
            }
        }
        verdicts.push((target, on_target));
    }
    browser.close().await;

    println!();
    for (target, on_target) in verdicts {
        let met = on_target.iter().all(|(_, r)| *r >= TARGET);
        let ratios: Vec<String> = on_target
            .iter()
            .map(|(e, r)| format!("{e} {r:.2}x"))
            .collect();
        println!(
            "target (issue 6), ours >= {TARGET}x noVNC on ZRLE and Hextile, {target}: {} ({})",
            if met { "met" } else { "NOT MET" },
            ratios.join(", ")
        );
    }
    assert!(invalid.is_empty(), "the two clients disagree: {invalid:?}");
    println!("check: both clients end on the same pixels and count the same updates");
}

/// Runs the page's benchmark of one session drawn on `target`, timed as `timing` says; its
/// figures and checks.
async fn decode(
    browser: &Browser,
    encoding: &str,
    session: &Session,
    target: &str,
    timing: &Value,
) -> Value {
    let result = browser
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.decodeBench(arguments[0], arguments[1], arguments[2], arguments[3])
                 .then(done, e => done({ error: String(e.stack || e) }));",
            vec![
                json!(encoding),
                json!(session.messages),
                json!(target),
                timing.clone(),
            ],
        )
        .await
        .unwrap();
    assert!(result["error"].is_null(), "{encoding}: {}", result["error"]);
    result
}

/// Why the two clients' final frames or update counts disagree, if they do.
fn mismatch(check: &Value, updates: u64) -> Option<String> {
    let failures = check["failures"].as_array().map_or(0, Vec::len);
    let sizes = &check["size"];
    let counted = &check["updates"];
    let differing = check["differing"].as_u64();
    if failures > 0 {
        Some(format!("failed: {}", check["failures"]))
    } else if sizes[0] != sizes[1] || differing.is_none() {
        Some(format!("frame sizes {sizes}"))
    } else if counted[0] != counted[1] || counted[0].as_u64() != Some(updates) {
        Some(format!("updates {counted}, {updates} in the session"))
    } else if differing > Some(CURSOR_PIXELS) {
        Some(format!("{} pixels differ", differing.unwrap_or_default()))
    } else {
        None
    }
}

/// One side's median round, as rates.
struct Rates<'a> {
    /// Passes (whole sessions) a second.
    passes: f64,
    session: &'a Session,
}

impl<'a> Rates<'a> {
    fn of(rounds: &Value, session: &'a Session) -> Self {
        let mut rates: Vec<f64> = rounds
            .as_array()
            .expect("rounds")
            .iter()
            .map(|r| r["passes"].as_f64().unwrap() / (r["ms"].as_f64().unwrap() / 1e3))
            .collect();
        rates.sort_by(f64::total_cmp);
        Self {
            passes: rates[rates.len() / 2],
            session,
        }
    }

    /// MB/s of the session's bytes, updates/s, Mpx/s drawn.
    fn row(&self) -> String {
        format!(
            "{:>10.1} {:>6.0} {:>8.1}",
            self.passes * self.session.bytes.len() as f64 / 1e6,
            self.passes * self.session.updates as f64,
            self.passes * self.session.pixels as f64 / 1e6
        )
    }
}

/// Serves the page, our WASM, noVNC and the sessions on 127.0.0.1, cross-origin isolated (so
/// `performance.now()` counts in microseconds, not tenths of milliseconds). Returns its URL.
async fn serve(root: &Path, pkg: &Path, novnc: &Path) -> String {
    assert!(
        novnc.join("core/rfb.js").exists(),
        "noVNC at {} (scripts/install.sh installs it)",
        novnc.display()
    );
    let header = |name, value| {
        SetResponseHeaderLayer::overriding(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        )
    };
    let app = Router::new()
        .nest_service("/pkg", ServeDir::new(pkg))
        .nest_service("/novnc", ServeDir::new(novnc))
        .nest_service("/sessions", ServeDir::new(root.join("tests/fixtures/rfb")))
        .fallback_service(ServeDir::new(root.join("tests/decode-bench/page")))
        .layer(header("cross-origin-opener-policy", "same-origin"))
        .layer(header("cross-origin-embedder-policy", "require-corp"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}
