//! A desktop window: a title bar to drag it by, a close button, and the app inside.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;

use crate::{
    i18n::{Key, use_i18n},
    state::windows::{Window, use_windows},
};

/// Where a drag started: the pointer's offset from the window's corner.
#[derive(Clone, Copy)]
struct Grab {
    dx: i32,
    dy: i32,
}

#[component]
pub fn WindowFrame(
    /// The window to draw.
    window: Window,
) -> impl IntoView {
    let windows = use_windows();
    let i18n = use_i18n();
    let grab = RwSignal::new(None::<Grab>);

    let start_drag = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let (x, y) = window.pos.get_untracked();
        grab.set(Some(Grab {
            dx: ev.client_x() - x,
            dy: ev.client_y() - y,
        }));
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };
    let drag = move |ev: PointerEvent| {
        if let Some(g) = grab.get_untracked() {
            // Keep the title bar on screen so the window can always be grabbed again.
            let x = (ev.client_x() - g.dx).max(-200);
            let y = (ev.client_y() - g.dy).max(0);
            window.pos.set((x, y));
        }
    };
    let end_drag = move |_: PointerEvent| grab.set(None);

    view! {
        <section
            class="window"
            data-window=window.app.slug()
            role="dialog"
            aria-label=move || i18n.t(window.app.title())
            style:left=move || format!("{}px", window.pos.get().0)
            style:top=move || format!("{}px", window.pos.get().1)
            style:z-index=move || window.z.get().to_string()
            on:pointerdown=move |_| windows.focus(window.id)
        >
            <header
                class="title-bar"
                on:pointerdown=start_drag
                on:pointermove=drag
                on:pointerup=end_drag
                on:pointercancel=end_drag
            >
                <span class="title">{move || i18n.t(window.app.title())}</span>
                <button
                    class="close"
                    aria-label=move || i18n.t(Key::Close)
                    on:pointerdown=|ev| ev.stop_propagation()
                    on:click=move |_| windows.close(window.id)
                >
                    "×"
                </button>
            </header>
            <div class="window-body">{window.app.view()}</div>
        </section>
    }
}
