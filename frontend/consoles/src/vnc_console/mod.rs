//! The VNC console: the VM's screen on a canvas, through the server's VNC WebSocket and our
//! RFB client (the `rfb` crate, `frontend/rfb/`). Keys go as QEMU extended key events
//! (scancodes, so the guest's layout decides) and are all released when the console loses the
//! focus; the mouse with its buttons and wheel; text pasted here is typed into the guest as
//! keystrokes; text the guest's clipboard offers goes to the browser's. A toolbar:
//! Ctrl-Alt-Del, a menu of keys the browser would keep for itself, scale to the window or
//! 1:1, full screen, view only, reconnect.

mod canvas;
mod keys;

use leptos::{
    ev,
    html::{Canvas, Div},
    prelude::*,
};
use rfb::{Client, Limits, Op};
use shared::routes;
use wasm_bindgen::JsCast;
use web_sys::{HtmlCanvasElement, PointerEvent, WheelEvent};

use crate::console_link::{Link, connecting, reconnect_when_dropped};
use crate::{
    api::{self, Closed, ConsoleSocket},
    i18n::{Key, use_i18n},
};
use keys::{CTRL_ALT_DEL, SHIFT, Stroke, VOID, combos, keysym, typed, xt_scancode};

/// The connection: our RFB client and its socket.
#[derive(Clone, Copy)]
struct Session {
    client: StoredValue<Option<Client>, LocalStorage>,
    socket: StoredValue<Option<ConsoleSocket>, LocalStorage>,
    /// Keys down now: released when the focus goes.
    pressed: StoredValue<Vec<(u32, Option<u16>)>>,
}

impl Session {
    /// Does `act` on the client, then sends what it has to send.
    fn with_client(self, act: impl FnOnce(&mut Client)) {
        let output = self
            .client
            .try_update_value(|c| {
                c.as_mut().map(|c| {
                    act(c);
                    c.take_output()
                })
            })
            .flatten();
        if let Some(bytes) = output.filter(|b| !b.is_empty()) {
            self.socket
                .with_value(|s| s.as_ref().map(|s| s.send(&bytes)));
        }
    }

    fn key(self, keysym: u32, scancode: Option<u16>, down: bool) {
        self.pressed.update_value(|p| {
            p.retain(|k| k.0 != keysym);
            if down {
                p.push((keysym, scancode));
            }
        });
        self.with_client(|c| c.key(keysym, scancode, down));
    }

    fn release_all(self) {
        for (keysym, scancode) in self.pressed.get_value() {
            self.key(keysym, scancode, false);
        }
    }

    /// Presses `keys` in order and releases them in reverse, as fingers on a keyboard would.
    fn press(self, keys: &[Stroke]) {
        for &(keysym, scancode) in keys {
            self.key(keysym, Some(scancode), true);
        }
        for &(keysym, scancode) in keys.iter().rev() {
            self.key(keysym, Some(scancode), false);
        }
    }

    /// Types `text` as keystrokes on a US layout (what a keyboard would send).
    fn type_text(self, text: &str) {
        for (keysym, scancode, shifted) in text.chars().filter_map(typed) {
            let keys = [SHIFT, (keysym, scancode)];
            self.press(if shifted { &keys } else { &keys[1..] });
        }
    }
}

/// The framebuffer position and RFB button mask of a pointer event on the canvas.
fn pointer_at(canvas: &HtmlCanvasElement, ev: &PointerEvent) -> (u16, u16, u8) {
    let scale = |offset: i32, shown: i32, real: u32| {
        (f64::from(offset) * f64::from(real) / f64::from(shown.max(1)))
            .clamp(0.0, f64::from(u16::MAX)) as u16
    };
    let x = scale(ev.offset_x(), canvas.client_width(), canvas.width());
    let y = scale(ev.offset_y(), canvas.client_height(), canvas.height());
    // DOM: 1 left, 2 right, 4 middle. RFB: 1 left, 2 middle, 4 right.
    let dom = ev.buttons();
    let buttons = (dom & 1) | ((dom & 4) >> 1) | ((dom & 2) << 1);
    (x, y, buttons as u8)
}

#[component]
pub fn VncConsole(uuid: String) -> impl IntoView {
    let i18n = use_i18n();
    let canvas_ref = NodeRef::<Canvas>::new();
    let screen_ref = NodeRef::<Div>::new();
    let link = RwSignal::new(Link::Connecting);
    let scaled = RwSignal::new(true);
    let view_only = RwSignal::new(false);
    // The framebuffer's size, as the server last set it.
    let size = RwSignal::new((0u16, 0u16));
    // What the guest's clipboard last offered: written to the browser's only when the user
    // asks (a guest must not fill the user's clipboard behind their back).
    let guest_clip = RwSignal::new(None::<String>);
    let session = Session {
        client: StoredValue::new_local(None),
        socket: StoredValue::new_local(None),
        pressed: StoredValue::new(Vec::new()),
    };
    let path = routes::fill(routes::VM_CONSOLE_VNC, &[&uuid]);

    let on_ops = move |ops: Vec<Op>| {
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        for op in ops {
            match op {
                Op::CutText(text) => guest_clip.set(Some(text)),
                Op::DesktopName(_) | Op::Leds { .. } | Op::Bell | Op::Cursor { .. } => {}
                draw => canvas::draw(&canvas, draw),
            }
        }
    };
    let connect = move || {
        session.socket.set_value(None);
        session
            .client
            .set_value(Some(Client::new(None, Limits::default())));
        connecting(link);
        let on_bytes = move |bytes: Vec<u8>| {
            let fed = session
                .client
                .try_update_value(|c| {
                    c.as_mut()
                        .map(|c| c.feed(&bytes).map(|ops| (ops, c.is_ready(), c.size())))
                })
                .flatten();
            match fed {
                Some(Ok((ops, ready, now))) => {
                    on_ops(ops);
                    if ready && link.get_untracked() != Link::Open {
                        link.set(Link::Open);
                    }
                    if size.get_untracked() != now {
                        size.set(now);
                    }
                    session.with_client(|_| {});
                }
                Some(Err(error)) => {
                    link.set(Link::Closed(Closed::Ended(error.to_string())));
                    session.socket.set_value(None);
                }
                None => {}
            }
        };
        let on_close = move |closed: Closed| {
            link.try_set(Link::Closed(closed));
        };
        match api::open_console(&path, || {}, on_bytes, |_| {}, on_close) {
            Ok(socket) => session.socket.set_value(Some(socket)),
            Err(_) => link.set(Link::Closed(Closed::Refused(None))),
        }
    };
    connect();
    reconnect_when_dropped(link, connect.clone());
    on_cleanup(move || session.socket.set_value(None));

    let on_key = move |ev: ev::KeyboardEvent, down: bool| {
        ev.stop_propagation();
        if view_only.get_untracked() {
            return;
        }
        // Ctrl+V is the browser's paste: typed into the guest by `on_paste`.
        if ev.ctrl_key() && ev.key().eq_ignore_ascii_case("v") {
            return;
        }
        ev.prevent_default();
        let scancode = xt_scancode(&ev.code());
        // A key without a keysym (a dead key) still goes, by its scancode.
        let sym = keysym(&ev.key()).or(scancode.map(|_| VOID));
        if let Some(sym) = sym {
            session.key(sym, scancode, down);
        }
    };
    let on_paste = move |ev: ev::ClipboardEvent| {
        if view_only.get_untracked() {
            return;
        }
        if let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) {
            ev.prevent_default();
            // Offered to the guest's clipboard too, for guests that read it.
            session.with_client(|c| c.cut_text(&text));
            session.type_text(&text);
        }
    };
    let on_pointer = move |ev: PointerEvent| {
        if view_only.get_untracked() {
            return;
        }
        if let Some(canvas) = canvas_ref.get_untracked() {
            let (x, y, buttons) = pointer_at(&canvas, &ev);
            session.with_client(|c| c.pointer(x, y, buttons));
        }
    };
    let on_wheel = move |ev: WheelEvent| {
        ev.prevent_default();
        if view_only.get_untracked() {
            return;
        }
        let Some(canvas) = canvas_ref.get_untracked() else {
            return;
        };
        let (x, y, buttons) = pointer_at(&canvas, ev.unchecked_ref());
        let wheel = if ev.delta_y() < 0.0 { 8 } else { 16 };
        session.with_client(|c| {
            c.pointer(x, y, buttons | wheel);
            c.pointer(x, y, buttons);
        });
    };
    let combos = StoredValue::new(combos());
    let send_combo = move |index: usize| {
        if view_only.get_untracked() {
            return;
        }
        combos.with_value(|c| session.press(&c[index].1));
        // Back to the guest's screen, so typing goes on there.
        if let Some(screen) = screen_ref.get_untracked() {
            let _ = screen.focus();
        }
    };
    let on_send_keys = move |ev: ev::Event| {
        let menu = event_target::<web_sys::HtmlSelectElement>(&ev);
        if let Ok(index) = menu.value().parse() {
            send_combo(index);
        }
        menu.set_value("");
    };
    let full_screen = move |_| {
        if let Some(canvas) = canvas_ref.get_untracked() {
            let _ = canvas.request_fullscreen();
        }
    };
    let status = move || {
        link.get().status(i18n, || {
            let (w, h) = size.get();
            format!("{} ({w}×{h})", i18n.t(Key::ConsoleConnected))
        })
    };
    view! {
        <div class="vnc-console">
            <div class="console-bar" role="toolbar">
                <button class="ctrl-alt-del" disabled=move || view_only.get() on:click=move |_| send_combo(CTRL_ALT_DEL)>{move || i18n.t(Key::CtrlAltDel)}</button>
                <select class="send-keys" aria-label=move || i18n.t(Key::SendKeys)
                    disabled=move || view_only.get() on:change=on_send_keys>
                    <option value="" selected>{move || i18n.t(Key::SendKeys)}</option>
                    {combos.with_value(|c| c.iter().enumerate().map(|(i, (name, _))| {
                        view! { <option value=i.to_string()>{name.clone()}</option> }
                    }).collect_view())}
                </select>
                <button class="scale" aria-pressed=move || scaled.get().to_string()
                    on:click=move |_| scaled.update(|s| *s = !*s)>{move || i18n.t(Key::ScaleToWindow)}</button>
                <button class="full-screen" on:click=full_screen>{move || i18n.t(Key::FullScreen)}</button>
                <button class="view-only" aria-pressed=move || view_only.get().to_string()
                    on:click=move |_| view_only.update(|v| *v = !*v)>{move || i18n.t(Key::ViewOnly)}</button>
                <button class="copy-guest-clipboard" disabled=move || guest_clip.with(Option::is_none)
                    on:click=move |_| {
                        if let Some(text) = guest_clip.get_untracked() {
                            let _ = window().navigator().clipboard().write_text(&text);
                        }
                    }>{move || i18n.t(Key::CopyGuestClipboard)}</button>
                <button class="reconnect" disabled=move || !link.with(Link::can_reconnect)
                    on:click=move |_| connect()>{move || i18n.t(Key::Reconnect)}</button>
                <span class="console-status" role="status" data-link=move || link.with(Link::name)>{status}</span>
            </div>
            <div class="screen" node_ref=screen_ref class:scaled=move || scaled.get() tabindex="0" data-keys-to-vm=""
                aria-label=move || i18n.t(Key::Console)
                on:keydown=move |ev| on_key(ev, true)
                on:keyup=move |ev| on_key(ev, false)
                on:blur=move |_| session.release_all()
                on:paste=on_paste
            >
                <canvas node_ref=canvas_ref width="640" height="400"
                    on:pointermove=on_pointer on:pointerdown=on_pointer on:pointerup=on_pointer
                    on:contextmenu=|ev| ev.prevent_default() on:wheel=on_wheel></canvas>
            </div>
        </div>
    }
}
