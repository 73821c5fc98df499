//! Desktop icons: one per app, on a grid; dragged to another cell they stay there (saved with
//! the desktop). Double-click (or Enter) opens the app in a new window; the context menu (right
//! click, the menu key or Shift+F10) opens it, pins it to the taskbar, or removes it from the
//! desktop.

use leptos::prelude::*;
use shared::{IconPlace, Position};
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;

use crate::{
    apps::AppKind,
    components::menu_keys::{focus_first_item, on_menu_key},
    i18n::{Key, use_i18n},
    state::{desktop::use_personal, session::use_session, windows::use_windows},
};

/// The grid: cell size and the margin of the first cell, in CSS pixels.
const CELL: i32 = 108;
const MARGIN: i32 = 16;
/// A press that moves less than this is a click, not a drag.
const DRAG_THRESHOLD: i32 = 4;

/// Icons in a column of the default layout (what fits above the taskbar of a 768-pixel-high
/// screen).
const PER_COLUMN: usize = 6;

/// The `index`th cell of the default layout: columns down the left edge.
fn default_cell(index: usize) -> Position {
    Position {
        x: MARGIN + CELL * (index / PER_COLUMN) as i32,
        y: MARGIN + CELL * (index % PER_COLUMN) as i32,
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
    let personal = use_personal();
    let menu = RwSignal::new(None::<(AppKind, Position)>);
    view! {
        <ul class="desktop-icons">
            {AppKind::available(is_admin).enumerate().map(|(i, app)| view! {
                <Show when=move || personal.hidden_icons.with(|h| !h.iter().any(|s| s == app.slug()))>
                    <Icon app index=i menu />
                </Show>
            }).collect_view()}
        </ul>
        {move || menu.get().map(|(app, at)| view! { <IconMenu app at close=move || menu.set(None) /> })}
    }
}

/// The icon's context menu: open, pin to (or unpin from) the taskbar, remove from the desktop.
#[component]
fn IconMenu(app: AppKind, at: Position, close: impl Fn() + Copy + 'static) -> impl IntoView {
    let windows = use_windows();
    let personal = use_personal();
    let i18n = use_i18n();
    let slug = app.slug().to_owned();
    let pinned = {
        let slug = slug.clone();
        move || personal.favourites.with(|f| f.contains(&slug))
    };
    let toggle_pin = {
        let slug = slug.clone();
        move |_| {
            personal.favourites.update(|f| {
                if let Some(i) = f.iter().position(|s| *s == slug) {
                    f.remove(i);
                } else {
                    f.push(slug.clone());
                }
            });
            close();
        }
    };
    let remove = move |_| {
        personal.hidden_icons.update(|h| h.push(slug.clone()));
        close();
    };
    let menu = NodeRef::new();
    focus_first_item(menu);
    view! {
        <div class="menu-backdrop" on:pointerdown=move |_| close()></div>
        <ul class="icon-menu" role="menu" node_ref=menu style:left=format!("{}px", at.x) style:top=format!("{}px", at.y)
            on:keydown=move |ev| on_menu_key(&ev, close)>
            <li role="none"><button role="menuitem" class="open"
                on:click=move |_| { windows.open(app); close(); }>{move || i18n.t(Key::Open)}</button></li>
            <li role="none"><button role="menuitem" class="pin" on:click=toggle_pin>
                {move || i18n.t(if pinned() { Key::Unpin } else { Key::Pin })}
            </button></li>
            <li role="none"><button role="menuitem" class="remove" on:click=remove>
                {move || i18n.t(Key::RemoveFromDesktop)}
            </button></li>
        </ul>
    }
}

#[component]
fn Icon(app: AppKind, index: usize, menu: RwSignal<Option<(AppKind, Position)>>) -> impl IntoView {
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
                on:keydown=move |ev| match ev.key().as_str() {
                    "Enter" => windows.open(app),
                    "ContextMenu" => menu.set(Some((app, at()))),
                    "F10" if ev.shift_key() => {
                        ev.prevent_default();
                        menu.set(Some((app, at())));
                    }
                    _ => {}
                }
                on:contextmenu=move |ev| {
                    ev.prevent_default();
                    menu.set(Some((app, Position { x: ev.client_x(), y: ev.client_y() })));
                }
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
