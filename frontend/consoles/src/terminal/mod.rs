//! Terminal windows: the guest's serial line, and a shell on the guest over SSH, through the
//! server's console WebSockets. The `vt100` crate emulates the terminal (a VT100/xterm parser
//! with the screen's state, pure Rust, so it compiles into this WASM with no JavaScript); this
//! module draws its screen and sends keys and pastes as an xterm would. The serial line is a
//! fixed 80 × 25; the SSH terminal fills its window and tells the server its size whenever the
//! window changes (a window change to the guest), and asks for the VM account's password
//! when the server says the guest did not take Ezilla's key. Keys typed here go to the guest.

mod fit;
mod keys;

use leptos::{ev, prelude::*};
use shared::{
    routes,
    terminal::{Control, Notice},
};

use crate::console_link::{Link, connecting, reconnect_when_dropped};
use crate::{
    api::{self, Closed, ConsoleSocket},
    i18n::{Key, use_i18n},
};
use keys::{key_bytes, paste_bytes};

const ROWS: u16 = 25;
const COLS: u16 = 80;
const SCROLLBACK: usize = 500;

/// Which line the terminal is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TerminalKind {
    Serial,
    Ssh,
}

/// The screen as drawn: the rows' text and the cursor.
#[derive(Debug, Clone, Default, PartialEq)]
struct Screen {
    rows: Vec<String>,
    cursor: (u16, u16),
    cols: u16,
}

fn draw(parser: &vt100::Parser) -> Screen {
    let s = parser.screen();
    let (_, cols) = s.size();
    Screen {
        rows: s.rows(0, cols).collect(),
        cursor: s.cursor_position(),
        cols,
    }
}

#[component]
pub fn Terminal(uuid: String, kind: TerminalKind) -> impl IntoView {
    let i18n = use_i18n();
    let parser = StoredValue::new_local(vt100::Parser::new(ROWS, COLS, SCROLLBACK));
    let screen = RwSignal::new(Screen::default());
    let link = RwSignal::new(Link::Connecting);
    let socket = StoredValue::new_local(None::<ConsoleSocket>);
    // (columns, rows) of the terminal; the SSH one follows its window.
    let size = RwSignal::new((COLS, ROWS));
    // Some(again) while the server waits for the VM account's password.
    let asking = RwSignal::new(None::<bool>);
    let route = match kind {
        TerminalKind::Serial => routes::VM_CONSOLE_SERIAL,
        TerminalKind::Ssh => routes::VM_CONSOLE_SSH,
    };
    let base = routes::fill(route, &[&uuid]);

    let connect = move || {
        let (cols, rows) = size.get_untracked();
        // Each connection starts afresh (the serial console replays the log's tail).
        parser.set_value(vt100::Parser::new(rows, cols, SCROLLBACK));
        asking.set(None);
        connecting(link);
        let path = match kind {
            TerminalKind::Serial => base.clone(),
            TerminalKind::Ssh => format!("{base}?cols={cols}&rows={rows}"),
        };
        let on_open = move || {
            link.try_set(Link::Open);
        };
        let on_bytes = move |bytes: Vec<u8>| {
            let drawn = parser.try_update_value(|p| {
                p.process(&bytes);
                draw(p)
            });
            if let Some(drawn) = drawn {
                screen.try_set(drawn);
            }
        };
        let on_text = move |text: String| {
            if let Ok(Notice::AskPassword { again }) = serde_json::from_str(&text) {
                asking.try_set(Some(again));
            }
        };
        let on_close = move |closed: Closed| {
            asking.try_set(None);
            link.try_set(Link::Closed(closed));
        };
        match api::open_console(&path, on_open, on_bytes, on_text, on_close) {
            Ok(open) => socket.set_value(Some(open)),
            Err(_) => link.set(Link::Closed(Closed::Refused(None))),
        }
    };
    let send = move |bytes: &[u8]| socket.with_value(|s| s.as_ref().map(|s| s.send(bytes)));
    let control = move |control: &Control| {
        let text = serde_json::to_string(control).unwrap_or_default();
        socket.with_value(|s| s.as_ref().map(|s| s.send_text(&text)));
    };

    let pre = NodeRef::<leptos::html::Pre>::new();
    let probe = NodeRef::<leptos::html::Span>::new();
    match kind {
        TerminalKind::Serial => connect(),
        TerminalKind::Ssh => {
            let connect = connect.clone();
            let started = StoredValue::new(false);
            fit::follow(pre, probe, move |cols, rows| {
                if size.get_untracked() == (cols, rows) && started.get_value() {
                    return;
                }
                size.set((cols, rows));
                if !started.get_value() {
                    started.set_value(true);
                    connect();
                    return;
                }
                if let Some(drawn) = parser.try_update_value(|p| {
                    p.set_size(rows, cols);
                    draw(p)
                }) {
                    screen.set(drawn);
                }
                control(&Control::Resize { cols, rows });
            });
        }
    }
    reconnect_when_dropped(link, connect.clone());
    on_cleanup(move || socket.set_value(None));

    let on_key = move |ev: ev::KeyboardEvent| {
        if let Some(bytes) = key_bytes(&ev.key(), ev.ctrl_key(), ev.alt_key()) {
            ev.prevent_default();
            ev.stop_propagation();
            send(&bytes);
        }
    };
    let on_paste = move |ev: ev::ClipboardEvent| {
        if let Some(text) = ev.clipboard_data().and_then(|d| d.get_data("text").ok()) {
            ev.prevent_default();
            send(&paste_bytes(&text));
        }
    };
    let password = NodeRef::<leptos::html::Input>::new();
    let on_password = move |ev: ev::SubmitEvent| {
        ev.prevent_default();
        let Some(input) = password.get() else { return };
        control(&Control::Password(input.value()));
        input.set_value("");
        asking.set(None);
        if let Some(pre) = pre.get() {
            let _ = pre.focus();
        }
    };
    let status = move || {
        link.get()
            .status(i18n, || i18n.t(Key::ConsoleConnected).to_owned())
    };
    let label = match kind {
        TerminalKind::Serial => Key::SerialConsole,
        TerminalKind::Ssh => Key::SshTerminal,
    };
    view! {
        <div class="terminal-console" data-kind=match kind { TerminalKind::Serial => "serial", TerminalKind::Ssh => "ssh" }>
            <div class="console-bar">
                <span class="console-status" role="status"
                    data-link=move || link.with(Link::name)>{status}</span>
                <button class="reconnect" disabled=move || !link.with(Link::can_reconnect) on:click=move |_| connect()>
                    {move || i18n.t(Key::Reconnect)}
                </button>
            </div>
            <Show when=move || asking.get().is_some()>
                <form class="vm-password" on:submit=on_password>
                    <label>
                        {move || i18n.t(if asking.get() == Some(true) { Key::WrongVmPassword } else { Key::VmPassword })}
                        <input type="password" name="vm-password" autocomplete="off" node_ref=password autofocus />
                    </label>
                    <button type="submit">{move || i18n.t(Key::LogIn)}</button>
                </form>
            </Show>
            <pre class="terminal" tabindex="0" data-keys-to-vm="" aria-label=move || i18n.t(label)
                data-size=move || { let (c, r) = size.get(); format!("{c}x{r}") }
                node_ref=pre on:keydown=on_key on:paste=on_paste>
                <span class="cell-probe" aria-hidden="true" node_ref=probe>{"M".repeat(fit::PROBE_CHARS)}</span>
                {move || screen.with(|s| s.rows.iter().enumerate().map(|(r, row)| {
                    let row = format!("{row:<width$}", width = s.cols as usize);
                    if r as u16 != s.cursor.0 {
                        return view! { <div class="row">{row}</div> }.into_any();
                    }
                    let at = (s.cursor.1 as usize).min(row.chars().count().saturating_sub(1));
                    let before: String = row.chars().take(at).collect();
                    let under: String = row.chars().skip(at).take(1).collect();
                    let after: String = row.chars().skip(at + 1).collect();
                    view! { <div class="row">{before}<span class="cursor">{under}</span>{after}</div> }.into_any()
                }).collect_view())}
            </pre>
        </div>
    }
}
