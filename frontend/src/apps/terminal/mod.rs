//! Serial console: the guest's serial line in a terminal window, through the server's console
//! WebSocket. The `vt100` crate emulates the terminal (a VT100/xterm parser with the screen's
//! state, pure Rust, so it compiles into this WASM with no JavaScript); this module draws its
//! screen and sends keys and pastes as an xterm would. Keys typed here go to the guest only.

mod keys;

use leptos::{ev, prelude::*};
use shared::routes;

use super::console_link::{Link, connecting, reconnect_when_dropped};
use crate::{
    api::{self, Closed, ConsoleSocket},
    i18n::{Key, use_i18n},
};
use keys::{key_bytes, paste_bytes};

const ROWS: u16 = 25;
const COLS: u16 = 80;
const SCROLLBACK: usize = 500;

/// The screen as drawn: the rows' text and the cursor.
#[derive(Debug, Clone, Default, PartialEq)]
struct Screen {
    rows: Vec<String>,
    cursor: (u16, u16),
}

#[component]
pub fn SerialConsole(uuid: String) -> impl IntoView {
    let i18n = use_i18n();
    let parser = StoredValue::new_local(vt100::Parser::new(ROWS, COLS, SCROLLBACK));
    let screen = RwSignal::new(Screen::default());
    let link = RwSignal::new(Link::Connecting);
    let socket = StoredValue::new_local(None::<ConsoleSocket>);
    let path = routes::fill(routes::VM_CONSOLE_SERIAL, &[&uuid]);

    let connect = move || {
        // The server starts each connection with the log's tail: a fresh screen for it.
        parser.set_value(vt100::Parser::new(ROWS, COLS, SCROLLBACK));
        connecting(link);
        let on_open = move || {
            link.try_set(Link::Open);
        };
        let on_bytes = move |bytes: Vec<u8>| {
            let drawn = parser.try_update_value(|p| {
                p.process(&bytes);
                let s = p.screen();
                Screen {
                    rows: s.rows(0, COLS).collect(),
                    cursor: s.cursor_position(),
                }
            });
            if let Some(drawn) = drawn {
                screen.try_set(drawn);
            }
        };
        let on_close = move |closed: Closed| {
            link.try_set(Link::Closed(closed));
        };
        match api::open_console(&path, on_open, on_bytes, on_close) {
            Ok(open) => socket.set_value(Some(open)),
            Err(_) => link.set(Link::Closed(Closed::Refused(None))),
        }
    };
    connect();
    reconnect_when_dropped(link, connect.clone());
    on_cleanup(move || socket.set_value(None));

    let send = move |bytes: &[u8]| socket.with_value(|s| s.as_ref().map(|s| s.send(bytes)));
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
    let status = move || {
        link.get()
            .status(i18n, || i18n.t(Key::ConsoleConnected).to_owned())
    };
    view! {
        <div class="serial-console">
            <div class="console-bar">
                <span class="console-status" role="status"
                    data-link=move || link.with(Link::name)>{status}</span>
                <button class="reconnect" disabled=move || !link.with(Link::can_reconnect) on:click=move |_| connect()>
                    {move || i18n.t(Key::Reconnect)}
                </button>
            </div>
            <pre class="terminal" tabindex="0" data-keys-to-vm="" aria-label=move || i18n.t(Key::SerialConsole)
                on:keydown=on_key on:paste=on_paste>
                {move || screen.with(|s| s.rows.iter().enumerate().map(|(r, row)| {
                    let row = format!("{row:<width$}", width = COLS as usize);
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
