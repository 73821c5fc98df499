//! Carrying something onto the desktop: a VM row out of the VM Manager, or a graph panel's
//! title, pressed and dragged, follows the pointer as a small label; dropped on the bare
//! desktop (not on a window or the taskbar) it becomes a widget there, or moves the widget if
//! it is on the desktop already.

use leptos::{ev, prelude::*};
use shared::{Position, Widget, WidgetPlace};
use web_sys::PointerEvent;

use crate::state::desktop::{Personal, use_personal};

/// A press that moves less than this is a click (selecting the row), not a drag.
const DRAG_THRESHOLD: i32 = 6;
/// Where the widget's corner lands relative to the pointer on the drop.
const DROP_OFFSET: i32 = 16;

/// What is being carried.
#[derive(Debug, Clone, PartialEq)]
pub struct Carried {
    pub widget: Widget,
    /// What the label following the pointer says.
    pub label: String,
    /// The pointer, in viewport pixels.
    pub at: Position,
    from: Position,
    /// Set once the pointer went past the threshold: now it is a drag.
    pub moving: bool,
}

/// The gesture in progress, as a context.
#[derive(Clone, Copy)]
pub struct Carry {
    pub carried: RwSignal<Option<Carried>>,
    listeners: StoredValue<Vec<WindowListenerHandle>, LocalStorage>,
    /// Where dropped widgets go (captured here: the listeners run outside any component).
    personal: Personal,
}

impl Carry {
    /// Starts carrying `widget` (a primary-button press on what shows it).
    pub fn pick_up(self, widget: Widget, label: String, ev: &PointerEvent) {
        if ev.button() != 0 {
            return;
        }
        let at = Position {
            x: ev.client_x(),
            y: ev.client_y(),
        };
        self.carried.set(Some(Carried {
            widget,
            label,
            at,
            from: at,
            moving: false,
        }));
        let follow = window_event_listener(ev::pointermove, move |ev| self.follow(&ev));
        let drop = window_event_listener(ev::pointerup, move |ev| self.put_down(&ev));
        let cancel = window_event_listener(ev::pointercancel, move |_| self.end());
        self.listeners
            .update_value(|l| l.extend([follow, drop, cancel]));
    }

    fn follow(self, ev: &PointerEvent) {
        self.carried.update(|c| {
            if let Some(c) = c {
                c.at = Position {
                    x: ev.client_x(),
                    y: ev.client_y(),
                };
                c.moving |= (c.at.x - c.from.x).abs() + (c.at.y - c.from.y).abs() > DRAG_THRESHOLD;
            }
        });
    }

    fn put_down(self, ev: &PointerEvent) {
        let carried = self.carried.get_untracked();
        self.end();
        let Some(carried) = carried.filter(|c| c.moving) else {
            return;
        };
        let (x, y) = (ev.client_x(), ev.client_y());
        if !on_bare_desktop(x, y) {
            return;
        }
        let place = WidgetPlace {
            widget: carried.widget,
            at: Position {
                x: (x - DROP_OFFSET).max(0),
                y: (y - DROP_OFFSET).max(0),
            },
        };
        self.personal.widgets.update(|widgets| {
            widgets.retain(|w| w.widget != place.widget);
            widgets.push(place);
        });
    }

    fn end(self) {
        self.carried.set(None);
        for listener in self
            .listeners
            .try_update_value(std::mem::take)
            .unwrap_or_default()
        {
            listener.remove();
        }
    }
}

/// Whether the point is on the desktop itself, not covered by a window or the taskbar.
fn on_bare_desktop(x: i32, y: i32) -> bool {
    let Some(hit) = document().element_from_point(x as f32, y as f32) else {
        return false;
    };
    let inside = |selector: &str| hit.closest(selector).ok().flatten().is_some();
    inside(".desktop") && !inside("section.window") && !inside(".taskbar")
}

/// Provided after `Personal`.
pub fn provide_carry() {
    provide_context(Carry {
        carried: RwSignal::new(None),
        listeners: StoredValue::new_local(Vec::new()),
        personal: use_personal(),
    });
}

pub fn use_carry() -> Carry {
    expect_context()
}
