//! Keystroke-to-pixel latency of the VNC console window on a real VM, through the console
//! proxy. The demo guest boots under real QEMU with TCG emulation (no KVM), alice opens its VNC
//! console in headless Chromium, and keys sent through WebDriver to the console are timed in
//! the page: from the keydown (a capture listener of this bench's, not product code) to the
//! first animation frame at which the canvas's pixels differ. That is the whole path: our key
//! handler, the proxy, QEMU's VNC server and its encoding, our RFB decoder, drawing. Each
//! sample is a letter typed at the shell (its glyph echoes) then a Backspace (which erases it),
//! so the line never grows and the screen never scrolls. Checked: every change timed was the
//! key's own (the same glyph drawn, the same screen given back). Bounded: a fixed number of
//! keys; the VM is removed at the end, or when the bench fails. Needs the frontend's release
//! build, libvirtd and the demo pool, as scripts/test.sh prepares them.

use std::time::Duration;

use serde_json::Value;
use virt::connect::Connect;

use super::{Mode, quantile};
use crate::{
    browser::Browser,
    eventually,
    qemu::{LOCAL_QEMU, boot_demo, serial_log},
    server::PASSWORD,
};

/// How long the guest and the page may take to show what the bench waits for.
const PATIENCE: Duration = Duration::from_secs(30);
const LETTER: &str = "x";
const BACKSPACE: &str = "\u{E003}";
const ENTER: &str = "\u{E007}";
/// Typed at the shell first: hides the text cursor (its blinking would change pixels on its
/// own), clears the screen, then says so on the serial port, whose log the host keeps.
const PREPARE: &str = r"printf '\033[?25l'; clear; echo keys-ready > /dev/ttyS0";
const PREPARED: &str = "keys-ready";

/// Arms one sample: the canvas's digest now, and a promise (`window.ezillaKeySample`) of
/// `{ms, after}` for the next keydown: the time from it to the first animation frame whose
/// canvas digest differs, and that digest (or null after 10 s).
const ARM: &str = r#"
    const canvas = document.querySelector('.vnc-console canvas');
    const ctx = canvas.getContext('2d');
    const digest = () => {
        const px = new Uint32Array(ctx.getImageData(0, 0, canvas.width, canvas.height).data.buffer);
        let hash = 2166136261;
        for (let i = 0; i < px.length; i++) hash = Math.imul(hash ^ px[i], 16777619) >>> 0;
        return hash;
    };
    const before = digest();
    window.ezillaKeySample = new Promise(resolve => {
        const pressed = () => {
            document.removeEventListener('keydown', pressed, true);
            const at = performance.now();
            const frame = () => {
                const now = performance.now(), after = digest();
                if (after !== before) return resolve({ ms: now - at, after });
                if (now - at > 10000) return resolve(null);
                requestAnimationFrame(frame);
            };
            requestAnimationFrame(frame);
        };
        document.addEventListener('keydown', pressed, true);
    });
    return before;
"#;
const AWAIT: &str = r#"
    const done = arguments[arguments.length - 1];
    window.ezillaKeySample.then(done);
"#;
/// True once only the canvas's first text row (16 px) has anything on it: the cleared screen
/// with the prompt.
const ONLY_THE_PROMPT: &str = r#"
    const canvas = document.querySelector('.vnc-console canvas');
    const px = new Uint32Array(canvas.getContext('2d')
        .getImageData(0, 16, canvas.width, canvas.height - 16).data.buffer);
    return px.length > 0 && px.every(p => p === px[0]);
"#;

/// One timed key: how long until the canvas changed, and the canvas's digests around it.
#[derive(Clone, Copy)]
struct Sample {
    ms: f64,
    before: u64,
    after: u64,
}

/// Runs the bench, printing its report.
pub async fn run(mode: Mode) {
    // Letter-and-Backspace pairs timed.
    let pairs = mode.pick(25, 2);
    let demo = boot_demo("keys", |_| {}).await;
    let emulation = emulation(&demo.name);
    let browser = Browser::start().await;
    browser
        .login(&demo.server.url("/"), "alice", PASSWORD)
        .await;
    let icon = browser.find(".desktop-icon[data-app='vm-manager']").await;
    icon.send_keys(ENTER).await.unwrap();
    let row = format!("section.window tr[data-vm='{}'] td.name", demo.name);
    browser.click(&row).await;
    browser.click(".vm-actions button.vnc-console").await;
    browser
        .find(".vnc-console .console-status[data-link='open']")
        .await;
    let screen = browser.find(".vnc-console .screen").await;
    screen.click().await.unwrap();
    screen
        .send_keys(&format!("{PREPARE}{ENTER}"))
        .await
        .unwrap();
    let log = serial_log(&demo.name);
    eventually("the shell to run the prepare line", PATIENCE, || async {
        let text = std::fs::read_to_string(&log).ok()?;
        text.contains(PREPARED).then_some(())
    })
    .await;
    eventually(
        "the canvas to show the cleared screen",
        PATIENCE,
        || async {
            let value = browser.client.execute(ONLY_THE_PROMPT, vec![]).await.ok()?;
            (value == Value::Bool(true)).then_some(())
        },
    )
    .await;

    let mut typed = Vec::with_capacity(pairs);
    let mut erased = Vec::with_capacity(pairs);
    for _ in 0..pairs {
        typed.push(sample(&browser, &screen, LETTER).await);
        erased.push(sample(&browser, &screen, BACKSPACE).await);
    }
    browser.close().await;
    check(&typed, &erased);

    println!(
        "VNC console keystroke -> changed canvas pixels, real QEMU guest under {emulation}, \
         through the console proxy, in headless Chromium on loopback (checked once per \
         animation frame):"
    );
    report("letter typed at the shell -> glyph drawn", &typed);
    report("Backspace -> glyph erased", &erased);
    report("all keys", &[typed, erased].concat());
    drop(demo);
}

/// How the VM `name` runs, from its live XML: TCG emulation (`type='qemu'`) or KVM.
fn emulation(name: &str) -> &'static str {
    let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
    let xml = conn
        .lookup_domain_by_name(name)
        .and_then(|dom| dom.xml_desc(0))
        .unwrap();
    if xml.contains("<domain type='kvm'") {
        "KVM"
    } else {
        "TCG emulation (no KVM)"
    }
}

/// Sends `key` to the focused console and times it to the first changed frame of the canvas.
async fn sample(browser: &Browser, screen: &fantoccini::elements::Element, key: &str) -> Sample {
    let before = browser.client.execute(ARM, vec![]).await.unwrap();
    screen.send_keys(key).await.unwrap();
    let result = browser.client.execute_async(AWAIT, vec![]).await.unwrap();
    assert!(
        !result.is_null(),
        "the canvas did not change within 10 s of a key"
    );
    Sample {
        ms: result["ms"].as_f64().unwrap(),
        before: before.as_u64().unwrap(),
        after: result["after"].as_u64().unwrap(),
    }
}

/// Every change timed was the key's own: each letter drew the same glyph on the same screen,
/// and each Backspace gave that screen back. Anything else (a cursor blink, a partial update)
/// would have been timed instead of the echo.
fn check(typed: &[Sample], erased: &[Sample]) {
    let (blank, glyph) = (typed[0].before, typed[0].after);
    let odd = typed
        .iter()
        .filter(|s| s.before != blank || s.after != glyph)
        .chain(
            erased
                .iter()
                .filter(|s| s.before != glyph || s.after != blank),
        )
        .count();
    assert_eq!(
        odd, 0,
        "{odd} samples timed a change other than the key's echo"
    );
}

fn report(what: &str, samples: &[Sample]) {
    let ms: Vec<f64> = samples.iter().map(|s| s.ms).collect();
    println!(
        "  {what}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms, min {:.1} ms over {} keys",
        quantile(&ms, 0.5),
        quantile(&ms, 0.95),
        quantile(&ms, 1.0),
        quantile(&ms, 0.0),
        ms.len()
    );
}
