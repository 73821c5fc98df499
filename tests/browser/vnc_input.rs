//! The VNC console's keyboard and mouse, seen from the server's side: a recording VNC server
//! stands behind a test-driver VM, and the test checks each event the console sends. Keys go
//! down and up with their scancodes and modifiers; keys still held when the console loses
//! the focus are released (none stick); the keys of other layouts (AltGr, dead keys, the ISO
//! key, the keypad) go by their scancodes; mouse buttons, drags and the wheel arrive at the
//! framebuffer's coordinates; the screen is scaled to the window or shown 1:1.

use std::time::Duration;

use fantoccini::actions::{
    InputSource, KeyAction, KeyActions, MOUSE_BUTTON_LEFT, MOUSE_BUTTON_RIGHT, MouseActions,
    PointerAction, WheelAction, WheelActions,
};
use serde_json::json;
use shared::Role;

use testkit::{
    browser::Browser,
    eventually,
    server::{PASSWORD, TestServer, console_window, frontend_dist},
    vnc_server::{HEIGHT, Input, RecordingVnc, WIDTH},
};

const VM: &str = "a11ce000-0000-4000-8000-0000000000f1";
const SHIFT: char = '\u{E008}';

/// A test-driver host whose one VM, alice's, has its VNC display on the Unix socket `socket`.
fn host_with_display(dir: &std::path::Path, socket: &std::path::Path) -> String {
    let xml = format!(
        "<node><cpu><mhz>2400</mhz><model>x86_64</model><active>4</active><nodes>1</nodes>\
         <sockets>1</sockets><cores>4</cores><threads>1</threads></cpu><memory>8388608</memory>\
         <domain type='test'><name>alice-desk</name><uuid>{VM}</uuid>\
         <memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type>hvm</type></os>\
         <devices><graphics type='vnc' socket='{}'/></devices>\
         <metadata><ezilla:vm xmlns:ezilla='https://ezilla.nchc.org.tw/xmlns/libvirt/1'>\
         <ezilla:owner>alice</ezilla:owner></ezilla:vm></metadata></domain></node>",
        socket.display()
    );
    let file = dir.join("host.xml");
    std::fs::write(&file, xml).unwrap();
    format!("test://{}", file.display())
}

/// Waits until the server has received inputs satisfying `done`; returns them all.
async fn inputs_until(
    vnc: &RecordingVnc,
    what: &str,
    done: impl Fn(&[Input]) -> bool,
) -> Vec<Input> {
    let mut seen = Vec::new();
    eventually(what, Duration::from_secs(10), || {
        seen.extend(vnc.take());
        let ok = done(&seen);
        async move { ok.then_some(()) }
    })
    .await;
    seen
}

fn key(down: bool, keysym: u32, scancode: u32) -> Input {
    Input::Key {
        down,
        keysym,
        scancode: Some(scancode),
    }
}

#[tokio::test]
async fn keys_and_the_mouse_reach_the_vnc_server_and_no_key_sticks() {
    let vnc = RecordingVnc::start().await;
    let dir = tempfile::tempdir().unwrap();
    let host = host_with_display(dir.path(), &vnc.socket);
    let server = TestServer::start_with_static(&[("one1", host.as_str())], frontend_dist()).await;
    server.add_user("alice", Role::User);
    let alice = server.login("alice").await;
    alice
        .save_windows(json!([console_window("vnc-console", VM, 20)]))
        .await;
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    browser
        .find(".vnc-console .console-status[data-link='open']")
        .await;
    let canvas = browser.find(".vnc-console canvas").await;
    browser
        .client
        .execute(
            "document.querySelector('.vnc-console .screen').focus()",
            vec![],
        )
        .await
        .unwrap();

    // Shift and A go down (scancodes 0x2a and 0x1e; the keysym is the shifted letter)...
    let keys = KeyActions::new("keys".into())
        .then(KeyAction::Down { value: SHIFT })
        .then(KeyAction::Down { value: 'a' });
    browser.client.perform_actions(keys).await.unwrap();
    let down = [key(true, 0xffe1, 0x2a), key(true, 0x41, 0x1e)];
    let seen = inputs_until(&vnc, "Shift and A down", |i| i.ends_with(&down)).await;
    assert_eq!(seen, down, "nothing else was sent");
    // ...and are let go of when the console loses the focus while they are still held.
    browser
        .client
        .execute("document.activeElement.blur()", vec![])
        .await
        .unwrap();
    let seen = inputs_until(&vnc, "Shift and A up", |i| i.len() >= 2).await;
    assert_eq!(seen, [key(false, 0xffe1, 0x2a), key(false, 0x41, 0x1e)]);
    browser.client.release_actions().await.unwrap();

    // Keys of other layouts than the US one go by their scancodes (keyboard events as a
    // German or Japanese keyboard makes them; WebDriver types as a US one): AltGr, a dead
    // key (no keysym: X11's VoidSymbol), the ISO key beside the left Shift, the keypad.
    let script = r#"
        const screen = document.querySelector('.vnc-console .screen');
        for (const [key, code] of arguments[0]) {
            for (const type of ['keydown', 'keyup']) {
                screen.dispatchEvent(new KeyboardEvent(type, { key, code, bubbles: true, cancelable: true }));
            }
        }
    "#;
    let pressed = json!([
        ["AltGraph", "AltRight"],
        ["Dead", "BracketLeft"],
        ["<", "IntlBackslash"],
        ["1", "Numpad1"]
    ]);
    browser.client.execute(script, vec![pressed]).await.unwrap();
    let seen = inputs_until(&vnc, "the other layouts' keys", |i| i.len() >= 8).await;
    let expected: Vec<Input> = [
        (0xfe03, 0xb8),
        (0x00ff_ffff, 0x1a),
        (0x3c, 0x56),
        (0x31, 0x4f),
    ]
    .into_iter()
    .flat_map(|(keysym, scancode)| [key(true, keysym, scancode), key(false, keysym, scancode)])
    .collect();
    assert_eq!(seen, expected);

    // The mouse: a left-button drag from the middle, a right click, the wheel turned up.
    let rect = browser
        .client
        .execute(
            "const r = arguments[0].getBoundingClientRect(); return [r.left, r.top, r.width, r.height]",
            vec![serde_json::to_value(&canvas).unwrap()],
        )
        .await
        .unwrap();
    let rect: Vec<f64> = serde_json::from_value(rect).unwrap();
    let (middle_x, middle_y) = (rect[0] + rect[2] / 2.0, rect[1] + rect[3] / 2.0);
    let scale = f64::from(WIDTH) / rect[2];
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: middle_x,
            y: middle_y,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: None,
            x: 40.0,
            y: 20.0,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_RIGHT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_RIGHT,
        });
    browser.client.perform_actions(mouse).await.unwrap();
    let wheel = WheelActions::new("wheel".into()).then(WheelAction::Scroll {
        duration: None,
        x: middle_x as i64 + 40,
        y: middle_y as i64 + 20,
        delta_x: 0,
        delta_y: -120,
    });
    browser.client.perform_actions(wheel).await.unwrap();
    let buttons_seen = |inputs: &[Input]| -> Vec<(u8, u16, u16)> {
        inputs
            .iter()
            .filter_map(|i| match *i {
                Input::Pointer { buttons, x, y } => Some((buttons, x, y)),
                Input::Key { .. } => None,
            })
            .collect()
    };
    let seen = inputs_until(&vnc, "the wheel", |i| {
        buttons_seen(i).iter().any(|&(buttons, _, _)| buttons == 8)
    })
    .await;
    let pointer = buttons_seen(&seen);
    // Each change of the buttons, in order (moves with the same buttons left out).
    let mut changes: Vec<(u8, u16, u16)> = Vec::new();
    for p in pointer {
        if changes.last().is_none_or(|last| last.0 != p.0) {
            changes.push(p);
        }
    }
    // Within one CSS pixel (WebDriver moves the pointer by whole ones).
    let near = |(x, y): (u16, u16), (ex, ey): (f64, f64)| {
        (f64::from(x) - ex).abs() <= scale + 0.5 && (f64::from(y) - ey).abs() <= scale + 0.5
    };
    let (mid, dragged) = (
        (f64::from(WIDTH) / 2.0, f64::from(HEIGHT) / 2.0),
        (
            f64::from(WIDTH) / 2.0 + 40.0 * scale,
            f64::from(HEIGHT) / 2.0 + 20.0 * scale,
        ),
    );
    let masks: Vec<u8> = changes.iter().map(|c| c.0).collect();
    assert!(masks.ends_with(&[1, 0, 4, 0, 8, 0]), "{changes:?}");
    let at = |from_end: usize| {
        let c = changes[changes.len() - from_end];
        (c.1, c.2)
    };
    assert!(near(at(6), mid), "pressed in the middle: {changes:?}");
    assert!(near(at(5), dragged), "let go where dragged to: {changes:?}");
    assert!(
        near(at(2), dragged),
        "the wheel where the pointer is: {changes:?}"
    );
    assert!(
        seen.iter().all(|i| matches!(i, Input::Pointer { .. })),
        "no keys: {seen:?}"
    );

    // Scaled to the window (the default: the 640-pixel screen in a 480-pixel window), or 1:1.
    let shown_width = || async {
        let script = "return document.querySelector('.vnc-console canvas').clientWidth";
        let width = browser.client.execute(script, vec![]).await.unwrap();
        width.as_u64().unwrap()
    };
    assert!(
        shown_width().await < u64::from(WIDTH),
        "scaled to the window"
    );
    browser.click(".vnc-console button.scale").await;
    browser
        .find(".vnc-console button.scale[aria-pressed='false']")
        .await;
    assert_eq!(shown_width().await, u64::from(WIDTH), "1:1");
    browser.close().await;
}
