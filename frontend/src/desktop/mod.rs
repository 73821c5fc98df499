//! The desktop shell: wallpaper, icons, VM widgets, windows, the taskbar and a first-time
//! user's welcome; the window manager's keyboard shortcut (Alt+` brings the next window to the
//! front and gives it the focus; not in a console, whose keys go to the VM) and keeping windows
//! inside the desktop when the browser window shrinks.

mod icons;
mod taskbar;
mod welcome;
mod widgets;
mod window;

use leptos::{ev, prelude::*};
use wasm_bindgen::JsCast;

use crate::{
    components::menu_keys::focus,
    state::{
        carry::provide_carry,
        desktop::{sync_desktop, use_personal},
        live::provide_live,
        windows::{Windows, desktop_area, use_windows},
    },
};
use icons::DesktopIcons;
use taskbar::Taskbar;
use welcome::Welcome;
use widgets::DesktopWidgets;
use window::WindowFrame;

#[component]
pub fn Desktop() -> impl IntoView {
    let windows = use_windows();
    sync_desktop(windows);
    provide_live();
    provide_carry();
    let personal = use_personal();
    let resize = window_event_listener(ev::resize, move |_| keep_windows_inside(windows));
    let keys = window_event_listener(ev::keydown, move |ev| {
        if ev.alt_key() && ev.code() == "Backquote" && !keys_go_to_a_vm(&ev) {
            ev.prevent_default();
            if let Some(id) = windows.cycle() {
                focus(&format!("section.window[data-window-id='{id}']"));
            }
        }
    });
    on_cleanup(move || {
        resize.remove();
        keys.remove();
    });
    view! {
        <div
            class="desktop"
            data-wallpaper=move || personal.wallpaper.get()
            style:background-image=move || format!("url('{}')", shared::wallpaper::url(&personal.wallpaper.get()))
        >
            <DesktopIcons />
            <DesktopWidgets />
            <Welcome />
            <For each=move || windows.list.get() key=|w| w.id let:window>
                <WindowFrame window=window />
            </For>
        </div>
        <Taskbar />
    }
}

/// Whether the key was pressed in a console, whose keys all go to the VM.
fn keys_go_to_a_vm(ev: &web_sys::KeyboardEvent) -> bool {
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("[data-keys-to-vm]").ok().flatten())
        .is_some()
}

fn keep_windows_inside(windows: Windows) {
    let (width, height) = desktop_area();
    windows.keep_inside(width, height);
}
