//! The desktop shell: wallpaper, icons, windows and the taskbar; the window manager's
//! keyboard shortcut (Alt+` brings the next window to the front) and keeping windows within
//! reach when the browser window shrinks.

mod icons;
mod taskbar;
mod window;

use leptos::{ev, prelude::*};

use crate::state::{
    desktop::{sync_desktop, use_personal},
    windows::{Windows, use_windows},
};
use icons::DesktopIcons;
use taskbar::Taskbar;
use window::WindowFrame;

/// The taskbar's height, as in the CSS.
const TASKBAR_HEIGHT: i32 = 44;

#[component]
pub fn Desktop() -> impl IntoView {
    let windows = use_windows();
    sync_desktop(windows);
    let personal = use_personal();
    let resize = window_event_listener(ev::resize, move |_| keep_windows_inside(windows));
    let keys = window_event_listener(ev::keydown, move |ev| {
        if ev.alt_key() && ev.code() == "Backquote" {
            ev.prevent_default();
            windows.cycle();
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
            <For each=move || windows.list.get() key=|w| w.id let:window>
                <WindowFrame window=window />
            </For>
        </div>
        <Taskbar />
    }
}

fn keep_windows_inside(windows: Windows) {
    let size =
        |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
    let (width, height) = (size(window().inner_width()), size(window().inner_height()));
    windows.keep_inside(width, height - TASKBAR_HEIGHT);
}
