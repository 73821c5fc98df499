//! The desktop shell: wallpaper, icons, windows and the taskbar.

mod icons;
mod taskbar;
mod window;

use leptos::prelude::*;

use crate::state::windows::use_windows;
use icons::DesktopIcons;
use taskbar::Taskbar;
use window::WindowFrame;

#[component]
pub fn Desktop() -> impl IntoView {
    let windows = use_windows();
    view! {
        <div class="desktop" style="background-image: url('/wallpapers/default.svg')">
            <DesktopIcons />
            <For each=move || windows.list.get() key=|w| w.id let:window>
                <WindowFrame window=window />
            </For>
        </div>
        <Taskbar />
    }
}
