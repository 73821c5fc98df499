//! A desktop window: dragged by its title bar, resized from every edge and corner, minimised
//! to the taskbar, maximised and restored (also by double-clicking the title bar), closed.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;

use crate::{
    apps,
    i18n::{Key, use_i18n},
    state::{
        live::use_live,
        windows::{MIN_H, MIN_W, Rect, Window, use_windows},
    },
};

/// Which sides a drag moves: all four (the title bar) or the edges being resized.
#[derive(Clone, Copy, PartialEq)]
struct Edges {
    left: bool,
    right: bool,
    top: bool,
    bottom: bool,
}

const MOVE: Edges = Edges {
    left: true,
    right: true,
    top: true,
    bottom: true,
};

/// The resize handles: CSS class and the edges each one moves.
const HANDLES: [(&str, Edges); 8] = [
    (
        "n",
        Edges {
            left: false,
            right: false,
            top: true,
            bottom: false,
        },
    ),
    (
        "s",
        Edges {
            left: false,
            right: false,
            top: false,
            bottom: true,
        },
    ),
    (
        "e",
        Edges {
            left: false,
            right: true,
            top: false,
            bottom: false,
        },
    ),
    (
        "w",
        Edges {
            left: true,
            right: false,
            top: false,
            bottom: false,
        },
    ),
    (
        "ne",
        Edges {
            left: false,
            right: true,
            top: true,
            bottom: false,
        },
    ),
    (
        "nw",
        Edges {
            left: true,
            right: false,
            top: true,
            bottom: false,
        },
    ),
    (
        "se",
        Edges {
            left: false,
            right: true,
            top: false,
            bottom: true,
        },
    ),
    (
        "sw",
        Edges {
            left: true,
            right: false,
            top: false,
            bottom: true,
        },
    ),
];

/// A drag in progress: what it moves, where the pointer started, the rect at the start.
#[derive(Clone, Copy)]
struct Drag {
    edges: Edges,
    from: (i32, i32),
    start: Rect,
}

impl Drag {
    /// The rect after the pointer moved to `to`, never smaller than the minimum size nor
    /// outside the `area` (the desktop's width and height).
    fn rect_at(&self, to: (i32, i32), area: (i32, i32)) -> Rect {
        let (dx, dy) = (to.0 - self.from.0, to.1 - self.from.1);
        let s = self.start;
        if self.edges == MOVE {
            let moved = Rect {
                x: s.x + dx,
                y: s.y + dy,
                ..s
            };
            return moved.fit(area.0, area.1);
        }
        let mut r = s;
        if self.edges.left {
            let dx = dx.min(s.w - MIN_W);
            r.x = s.x + dx;
            r.w = s.w - dx;
        }
        if self.edges.right {
            r.w = (s.w + dx).max(MIN_W);
        }
        if self.edges.top {
            let dy = dy.min(s.h - MIN_H).max(-s.y);
            r.y = s.y + dy;
            r.h = s.h - dy;
        }
        if self.edges.bottom {
            r.h = (s.h + dy).max(MIN_H);
        }
        // An edge pulled past the desktop's stops at it.
        if r.x < 0 {
            r.w += r.x;
            r.x = 0;
        }
        r.w = r.w.min(area.0 - r.x).max(MIN_W);
        r.h = r.h.min(area.1 - r.y).max(MIN_H);
        r
    }
}

#[component]
pub fn WindowFrame(
    /// The window to draw.
    window: Window,
) -> impl IntoView {
    let windows = use_windows();
    let i18n = use_i18n();
    let live = use_live();
    let drag = RwSignal::new(None::<Drag>);
    // The app's name, and the VM's for a window about one.
    let title = Signal::derive(move || {
        let app = i18n.t(window.app.title());
        match window.vm.get_value().and_then(|uuid| live.vm(&uuid)) {
            Some(vm) => format!("{app} · {}", vm.name),
            None => app.to_owned(),
        }
    });

    let start = move |edges: Edges, ev: PointerEvent| {
        if ev.button() != 0 || window.maximized.get_untracked() {
            return;
        }
        drag.set(Some(Drag {
            edges,
            from: (ev.client_x(), ev.client_y()),
            start: window.rect.get_untracked(),
        }));
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };
    let follow = move |ev: PointerEvent| {
        if let Some(d) = drag.get_untracked() {
            let area = windows.area.get_untracked();
            window
                .rect
                .set(d.rect_at((ev.client_x(), ev.client_y()), area));
        }
    };
    let stop = move |_: PointerEvent| drag.set(None);
    // Maximised, the window fills the desktop; otherwise it sits at its rect.
    let px = move |part: fn(Rect) -> i32, full: &'static str| {
        if window.maximized.get() {
            full.to_owned()
        } else {
            format!("{}px", part(window.rect.get()))
        }
    };
    view! {
        <section
            class="window"
            class:maximized=move || window.maximized.get()
            data-window=window.app.slug()
            data-window-id=window.id
            tabindex="-1"
            role="dialog"
            aria-label=title
            style:left=move || px(|r| r.x, "0")
            style:top=move || px(|r| r.y, "0")
            style:width=move || px(|r| r.w, "100%")
            style:height=move || px(|r| r.h, "100%")
            style:z-index=move || window.z.get().to_string()
            style:display=move || if window.minimized.get() { "none" } else { "flex" }
            on:pointerdown=move |_| windows.focus(window.id)
        >
            <header
                class="title-bar"
                on:pointerdown=move |ev| start(MOVE, ev)
                on:pointermove=follow
                on:pointerup=stop
                on:pointercancel=stop
                on:dblclick=move |_| windows.toggle_maximize(window.id)
            >
                <span class="title">{title}</span>
                <span class="window-buttons" on:pointerdown=|ev| ev.stop_propagation() on:dblclick=|ev| ev.stop_propagation()>
                    <button class="minimize" aria-label=move || i18n.t(Key::Minimize)
                        on:click=move |_| windows.minimize(window.id)>"–"</button>
                    <button class="maximize" aria-label=move || i18n.t(Key::Maximize)
                        on:click=move |_| windows.toggle_maximize(window.id)>"□"</button>
                    <button class="close" aria-label=move || i18n.t(Key::Close)
                        on:click=move |_| windows.close(window.id)>"×"</button>
                </span>
            </header>
            <div class="window-body">{apps::view(window.app, window.vm.get_value())}</div>
            {HANDLES.map(|(side, edges)| view! {
                <div
                    class=format!("resize {side}")
                    on:pointerdown=move |ev: PointerEvent| { ev.stop_propagation(); start(edges, ev) }
                    on:pointermove=follow
                    on:pointerup=stop
                    on:pointercancel=stop
                ></div>
            }).collect_view()}
        </section>
    }
}
