//! The frame every widget sits in: placed where the user put it, moved by its title (saved
//! with the desktop when let go), removed by its ×. It always lies wholly inside the desktop:
//! one put (or dropped) too near an edge, or left there when the browser window shrinks,
//! shows moved in, above the taskbar.

use leptos::prelude::*;
use shared::{Position, Widget};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::PointerEvent;

use crate::{
    i18n::{Key, use_i18n},
    state::{desktop::use_personal, windows::use_windows},
};

#[component]
pub fn WidgetFrame(
    widget: Widget,
    /// The CSS class of the kind of widget.
    class: &'static str,
    /// The title: what the widget shows.
    #[prop(into)]
    title: Signal<String>,
    /// Shown beside the title (a VM's state).
    #[prop(optional)]
    badge: Option<ViewFn>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let personal = use_personal();
    let windows = use_windows();
    let frame = NodeRef::<leptos::html::Article>::new();
    let size = measured_size(frame);
    let saved_at = Memo::new({
        let widget = widget.clone();
        move |_| {
            personal.widgets.with(|widgets| {
                widgets
                    .iter()
                    .find(|w| w.widget == widget)
                    .map(|w| w.at)
                    .unwrap_or_default()
            })
        }
    });
    // While dragged: where the pointer holds the title, and where the frame is now.
    let dragging = RwSignal::new(None::<(Position, Position)>);
    // Where it shows: where it was put or is being dragged, moved in to lie inside.
    let at = Signal::derive(move || {
        let wanted = dragging
            .get()
            .map(|(_, at)| at)
            .unwrap_or_else(|| saved_at.get());
        let ((width, height), (w, h)) = (windows.area.get(), size.get());
        Position {
            x: wanted.x.min(width - w).max(0),
            y: wanted.y.min(height - h).max(0),
        }
    });
    let press = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let here = at.get_untracked();
        let grip = Position {
            x: ev.client_x() - here.x,
            y: ev.client_y() - here.y,
        };
        dragging.set(Some((grip, here)));
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };
    let follow = move |ev: PointerEvent| {
        dragging.update(|d| {
            if let Some((grip, at)) = d {
                *at = Position {
                    x: (ev.client_x() - grip.x).max(0),
                    y: (ev.client_y() - grip.y).max(0),
                };
            }
        });
    };
    let release = {
        let widget = widget.clone();
        move |_: PointerEvent| {
            if dragging.get_untracked().is_none() {
                return;
            }
            let dropped = at.get_untracked();
            dragging.set(None);
            personal.widgets.update(|widgets| {
                if let Some(place) = widgets.iter_mut().find(|w| w.widget == widget) {
                    place.at = dropped;
                }
            });
        }
    };
    let remove = move |_| {
        personal
            .widgets
            .update(|w| w.retain(|w| w.widget != widget))
    };
    view! {
        <article
            node_ref=frame
            class=format!("widget {class}")
            data-name=title
            aria-label=title
            style:left=move || format!("{}px", at.get().x)
            style:top=move || format!("{}px", at.get().y)
        >
            <header
                class="widget-title"
                on:pointerdown=press
                on:pointermove=follow
                on:pointerup=release.clone()
                on:pointercancel=release
            >
                <span class="name">{title}</span>
                {badge.map(|badge| badge.run())}
                <button class="remove" title=move || i18n.t(Key::RemoveWidget) aria-label=move || i18n.t(Key::RemoveWidget)
                    on:pointerdown=|ev| ev.stop_propagation() on:click=remove>"×"</button>
            </header>
            {children()}
        </article>
    }
}

/// The element's size in CSS pixels, kept current as it changes (a screenshot loading, the
/// language changing its buttons).
fn measured_size(frame: NodeRef<leptos::html::Article>) -> RwSignal<(i32, i32)> {
    let size = RwSignal::new((0, 0));
    Effect::new(move || {
        let Some(el) = frame.get() else { return };
        let measure = move || size.set((el.offset_width(), el.offset_height()));
        measure();
        let on_resize = Closure::<dyn FnMut()>::new(measure);
        let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&frame.get_untracked().expect("mounted"));
        let kept = StoredValue::new_local((observer, on_resize));
        on_cleanup(move || kept.with_value(|(observer, _)| observer.disconnect()));
    });
    size
}
