//! Consoles in desktop windows (real QEMU, real Chromium): the serial console, opened from the VM
//! Manager, it shows the guest's boot log and shell, takes typed keys and pasted text as keystrokes; the
//! VNC console's canvas matches the VM's screenshot and takes keys and pastes too; its toolbar's
//! view only holds them back, full screen shows it alone, Ctrl-Alt-Del and "Send keys" reach the
//! guest.

use std::time::Duration;

use serde_json::json;

use fantoccini::elements::Element;

use testkit::{
    browser::Browser,
    eventually,
    qemu::{BootedDemo, boot_demo, serial_log},
    server::PASSWORD,
};

use crate::browser::open_app;

const TERMINAL: &str = "section.window[data-window='serial-console'] pre.terminal";

/// Logs alice in, selects the demo VM in the VM Manager and opens its console by the toolbar
/// button of class `button`.
async fn open_console(demo: &BootedDemo, button: &str) -> Browser {
    let browser = Browser::start().await;
    browser
        .login(&demo.server.url("/"), "alice", PASSWORD)
        .await;
    open_app(&browser, "vm-manager").await;
    let row = format!("section.window tr[data-vm='{}'] td.name", demo.name);
    browser.click(&row).await;
    browser.click(&format!(".vm-actions button.{button}")).await;
    browser
}

/// Pastes `text` into `target`, as the browser does on Ctrl+V.
pub(super) async fn paste(browser: &Browser, target: &Element, text: &str) {
    let script = r#"
        const data = new DataTransfer();
        data.setData('text', arguments[1]);
        arguments[0].dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
    "#;
    let target = serde_json::to_value(target).unwrap();
    browser
        .client
        .execute(script, vec![target, json!(text)])
        .await
        .unwrap();
}

/// Waits until the terminal's text satisfies `ok`.
async fn terminal_where(browser: &Browser, what: &str, ok: impl Fn(&str) -> bool) {
    eventually(what, Duration::from_secs(30), || async {
        let text = browser.find(TERMINAL).await.text().await.ok()?;
        ok(&text).then_some(())
    })
    .await;
}

#[tokio::test]
async fn the_serial_console_window_talks_to_the_guest() {
    let demo = boot_demo("serial", |_| {}).await;
    let browser = open_console(&demo, "serial-console").await;
    let terminal = browser.find(TERMINAL).await;
    // It opens on the guest's boot log, written before the window was opened.
    terminal_where(&browser, "the boot log", |t| {
        t.contains("Ezilla demo guest ready")
    })
    .await;
    terminal.click().await.unwrap();

    // Typed keys reach the guest's shell, and its answer shows.
    terminal
        .send_keys("echo typed-$((6*7))\u{E007}")
        .await
        .unwrap();
    terminal_where(&browser, "the guest's answer to typed keys", |t| {
        t.lines().any(|l| l.trim() == "typed-42")
    })
    .await;

    // Pasted text arrives as keystrokes.
    paste(&browser, &terminal, "echo pasted-$((5+5))\n").await;
    terminal_where(&browser, "the guest's answer to pasted text", |t| {
        t.lines().any(|l| l.trim() == "pasted-10")
    })
    .await;
    browser.close().await;
}

/// How far the console's canvas is from the server's screenshot of the VM: the mean absolute
/// difference per colour channel (0-255), or `None` until both are there and the same size.
async fn canvas_vs_screenshot(browser: &Browser, uuid: &str) -> Option<f64> {
    let script = r#"
        const done = arguments[arguments.length - 1];
        const canvas = document.querySelector('.vnc-console canvas');
        fetch(`/api/v1/vms/${arguments[0]}/screenshot?width=${canvas.width}`)
            .then(r => (r.ok ? r.blob() : Promise.reject(r.status)))
            .then(createImageBitmap)
            .then(bitmap => {
                if (bitmap.width !== canvas.width || bitmap.height !== canvas.height) return done(null);
                const shot = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d');
                shot.drawImage(bitmap, 0, 0);
                const a = shot.getImageData(0, 0, bitmap.width, bitmap.height).data;
                const b = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let sum = 0, n = 0;
                for (let i = 0; i < a.length; i += 4) {
                    sum += Math.abs(a[i] - b[i]) + Math.abs(a[i + 1] - b[i + 1]) + Math.abs(a[i + 2] - b[i + 2]);
                    n += 3;
                }
                done(sum / n);
            })
            .catch(() => done(null));
    "#;
    let value = browser
        .client
        .execute_async(script, vec![json!(uuid)])
        .await
        .ok()?;
    value.as_f64()
}

/// A digest of the console canvas's pixels.
async fn canvas_digest(browser: &Browser) -> u64 {
    let script = r#"
        const canvas = document.querySelector('.vnc-console canvas');
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let hash = 2166136261;
        for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
        return hash;
    "#;
    let value = browser.client.execute(script, vec![]).await.unwrap();
    value.as_u64().unwrap()
}

/// The canvas matches the VM's screenshot within a small tolerance (waiting for updates).
async fn canvas_matches(browser: &Browser, uuid: &str, what: &str) -> f64 {
    eventually(what, Duration::from_secs(30), || async {
        canvas_vs_screenshot(browser, uuid)
            .await
            .filter(|d| *d < 4.0)
    })
    .await
}

#[tokio::test]
async fn the_vnc_console_window_shows_the_screen_and_takes_keys_pastes_and_special_keys() {
    let demo = boot_demo("vnc", |_| {}).await;
    let uuid = demo.vm["uuid"].as_str().unwrap().to_owned();
    let browser = open_console(&demo, "vnc-console").await;
    browser
        .find(".vnc-console .console-status[data-link='open']")
        .await;
    let first = canvas_matches(&browser, &uuid, "the canvas to show the VM's screen").await;
    eprintln!("canvas vs screenshot: {first:.2} per channel");

    // Typed keys change the guest's screen, and the canvas follows.
    let before = canvas_digest(&browser).await;
    let screen = browser.find(".vnc-console .screen").await;
    screen.click().await.unwrap();
    screen.send_keys("echo hello-vnc\u{E007}").await.unwrap();
    // The canvas changes, then matches the screen (a screenshot taken before the guest drew
    // the line matched the unchanged canvas too).
    eventually(
        "the typed line on the canvas",
        Duration::from_secs(30),
        || async { (canvas_digest(&browser).await != before).then_some(()) },
    )
    .await;
    let after = canvas_matches(&browser, &uuid, "the canvas to show the typed line").await;
    eprintln!("after typing: {after:.2} per channel");

    // Pasted text is typed into the guest (Shift included): it writes to the serial port,
    // whose log the host keeps.
    let serial = SerialLog::of(&demo);
    paste(
        &browser,
        &screen,
        "echo \"pasted $((2*21))\" > /dev/ttyS0\n",
    )
    .await;
    serial.shows("pasted 42", 1).await;

    // View only: nothing reaches the guest until it is turned off again. What was pasted
    // meanwhile would have come out before what is pasted after.
    browser.click(".vnc-console button.view-only").await;
    browser
        .find(".vnc-console button.view-only[aria-pressed='true']")
        .await;
    paste(&browser, &screen, "echo viewed-only > /dev/ttyS0\n").await;
    screen
        .send_keys("echo typed-in-view-only > /dev/ttyS0\u{E007}")
        .await
        .unwrap();
    browser.click(".vnc-console button.view-only").await;
    paste(&browser, &screen, "echo in-control > /dev/ttyS0\n").await;
    serial.shows("in-control", 1).await;
    assert_eq!(
        serial.count("viewed-only") + serial.count("typed-in-view-only"),
        0
    );

    // Full screen shows the guest's screen alone.
    browser.click(".vnc-console button.full-screen").await;
    eventually(
        "the console in full screen",
        Duration::from_secs(10),
        || async {
            let script =
                "return document.fullscreenElement?.matches('.vnc-console canvas') ?? false";
            let shown = browser.client.execute(script, vec![]).await.ok()?;
            (shown == json!(true)).then_some(())
        },
    )
    .await;
    browser
        .client
        .execute("return document.exitFullscreen()", vec![])
        .await
        .unwrap();

    // The toolbar's keys reach the guest as a keyboard's would. A watcher in the guest tells
    // the serial port which virtual terminal is shown; tty2 is allocated by writing to it,
    // as Linux switches only to allocated ones.
    paste(
        &browser,
        &screen,
        "echo tty2 > /dev/tty2; (a=; while :; do b=$(cat /sys/class/tty/tty0/active); \
         [ \"$b\" = \"$a\" ] || echo \"vt-$b\" > /dev/ttyS0; a=$b; sleep 1; done) &\n",
    )
    .await;
    serial.shows("vt-tty1", 1).await;
    let menu = browser.find(".vnc-console select.send-keys").await;
    menu.select_by_label("Ctrl+Alt+F2").await.unwrap();
    serial.shows("vt-tty2", 1).await;
    let shown = menu.prop("value").await.unwrap();
    assert_eq!(
        shown.as_deref(),
        Some(""),
        "the menu is ready for the next keys"
    );
    menu.select_by_label("Ctrl+Alt+F1").await.unwrap();
    serial.shows("vt-tty1", 2).await;
    // Ctrl-Alt-Del: the guest's init reboots it.
    browser.click(".vnc-console button.ctrl-alt-del").await;
    serial.shows("The system is going down", 1).await;
    browser.close().await;
}

/// The serial log the host keeps of a demo VM.
pub(super) struct SerialLog(String);

impl SerialLog {
    pub(super) fn of(demo: &BootedDemo) -> Self {
        Self(serial_log(&demo.name))
    }

    pub(super) fn count(&self, text: &str) -> usize {
        let log = std::fs::read_to_string(&self.0).unwrap_or_default();
        log.matches(text).count()
    }

    /// Waits until the guest has written `text` to its serial port `times` times.
    pub(super) async fn shows(&self, text: &str, times: usize) {
        let what = format!("{text:?} on the serial port");
        eventually(&what, Duration::from_secs(30), || async {
            (self.count(text) >= times).then_some(())
        })
        .await;
    }
}
