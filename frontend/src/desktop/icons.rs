//! Desktop icons: one per app, on a grid; dragged to another cell they stay there (saved with
//! the desktop). Double-click (or Enter) opens the app in a new window.

use leptos::prelude::*;
use shared::{IconPlace, Position};
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;

use crate::{
    apps::AppKind,
    i18n::use_i18n,
    state::{desktop::use_personal, session::use_session, windows::use_windows},
};

/// The grid: cell size and the margin of the first cell, in CSS pixels.
const CELL: i32 = 108;
const MARGIN: i32 = 16;
/// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD: i32 = 4;

/// The `index`th cell of the default layout: a column down the left edge.
fn default_cell(index: usize) -> Position {
    Position {
        x: MARGIN,
        y: MARGIN + CELL * index as i32,
    }
}

/// The grid cell nearest to `at`.
fn snap(at: Position) -> Position {
    let cell = |v: i32| MARGIN + ((v - MARGIN) as f64 / CELL as f64).round().max(0.0) as i32 * CELL;
    Position {
        x: cell(at.x),
        y: cell(at.y),
    }
}

/// A drag in progress: the pointer's offset from the icon's corner, and whether it moved yet.
#[derive(Clone, Copy)]
struct Grab {
    dx: i32,
    dy: i32,
    from: (i32, i32),
    moved: bool,
}

#[component]
pub fn DesktopIcons() -> impl IntoView {
    let is_admin = use_session().is_admin();
    view! {
        <ul class="desktop-icons">
            {AppKind::available(is_admin).enumerate().map(|(i, app)| view! { <Icon app index=i /> }).collect_view()}
        </ul>
    }
}

#[component]
fn Icon(app: AppKind, index: usize) -> impl IntoView {
    let windows = use_windows();
    let i18n = use_i18n();
    let personal = use_personal();
    let saved_at = move || {
        personal
            .icons
            .with(|icons| icons.iter().find(|i| i.app == app.slug()).map(|i| i.at))
    };
    // Where the icon shows: following the pointer while dragged, else its saved cell.
    let dragging = RwSignal::new(None::<Position>);
    let at = move || {
        dragging
            .get()
            .or_else(saved_at)
            .unwrap_or_else(|| default_cell(index))
    };
    let grab = RwSignal::new(None::<Grab>);

    let press = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let here = at();
        let from = (ev.client_x(), ev.client_y());
        grab.set(Some(Grab {
            dx: from.0 - here.x,
            dy: from.1 - here.y,
            from,
            moved: false,
        }));
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };
    let follow = move |ev: PointerEvent| {
        let Some(mut g) = grab.get_untracked() else {
            return;
        };
        let (x, y) = (ev.client_x(), ev.client_y());
        g.moved |= (x - g.from.0).abs() + (y - g.from.1).abs() > DRAG_THRESHOLD;
        grab.set(Some(g));
        if g.moved {
            dragging.set(Some(Position {
                x: x - g.dx,
                y: y - g.dy,
            }));
        }
    };
    let release = move |_: PointerEvent| {
        grab.set(None);
        let Some(dropped) = dragging.get_untracked() else {
            return;
        };
        dragging.set(None);
        let place = IconPlace {
            app: app.slug().to_owned(),
            at: snap(dropped),
        };
        personal.icons.update(|icons| {
            icons.retain(|i| i.app != place.app);
            icons.push(place);
        });
    };

    view! {
        <li class="desktop-icon-slot" style:left=move || format!("{}px", at().x) style:top=move || format!("{}px", at().y)>
            <button
                class="desktop-icon"
                class:dragging=move || dragging.with(Option::is_some)
                data-app=app.slug()
                on:pointerdown=press
                on:pointermove=follow
                on:pointerup=release
                on:pointercancel=release
                on:dblclick=move |_| windows.open(app)
                on:keydown=move |ev| if ev.key() == "Enter" { windows.open(app) }
            >
                <img src=app.icon() alt="" draggable="false" />
                <span>{move || i18n.t(app.title())}</span>
            </button>
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_snap_to_the_nearest_cell() {
        assert_eq!(snap(Position { x: 16, y: 16 }), Position { x: 16, y: 16 });
        assert_eq!(
            snap(Position { x: 300, y: 170 }),
            Position { x: 340, y: 124 }
        );
        assert_eq!(snap(Position { x: -50, y: -50 }), Position { x: 16, y: 16 });
    }
}
