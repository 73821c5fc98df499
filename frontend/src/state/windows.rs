//! The window manager's state: which windows are open, where, and in what stacking order.

use leptos::prelude::*;

use crate::apps::AppKind;

/// One open window. Position and stacking are signals so that moving or focusing a window
/// re-renders only that window.
#[derive(Clone, Copy, PartialEq)]
pub struct Window {
    pub id: u32,
    pub app: AppKind,
    /// Top-left corner, in CSS pixels from the desktop's top-left.
    pub pos: RwSignal<(i32, i32)>,
    /// Stacking order: the highest is in front.
    pub z: RwSignal<u32>,
}

/// The open windows.
#[derive(Clone, Copy)]
pub struct Windows {
    pub list: RwSignal<Vec<Window>>,
    next_id: StoredValue<u32>,
    top_z: StoredValue<u32>,
}

impl Windows {
    /// Opens a new window of `app`, in front, cascaded from the last one.
    pub fn open(self, app: AppKind) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let offset = 32 * (self.list.with_untracked(Vec::len) as i32 % 8);
        let window = Window {
            id,
            app,
            pos: RwSignal::new((120 + offset, 60 + offset)),
            z: RwSignal::new(self.raise_z()),
        };
        self.list.update(|list| list.push(window));
    }

    pub fn close(self, id: u32) {
        self.list.update(|list| list.retain(|w| w.id != id));
    }

    /// Brings a window to the front.
    pub fn focus(self, id: u32) {
        let window = self
            .list
            .with_untracked(|l| l.iter().find(|w| w.id == id).copied());
        if let Some(window) = window {
            if window.z.get_untracked() != self.top_z.get_value() {
                window.z.set(self.raise_z());
            }
        }
    }

    /// The window in front, if any.
    pub fn focused(self) -> Option<u32> {
        self.list
            .with(|l| l.iter().max_by_key(|w| w.z.get()).map(|w| w.id))
    }

    fn raise_z(self) -> u32 {
        let z = self.top_z.get_value() + 1;
        self.top_z.set_value(z);
        z
    }
}

pub fn provide_windows() {
    provide_context(Windows {
        list: RwSignal::new(Vec::new()),
        next_id: StoredValue::new(1),
        top_z: StoredValue::new(10),
    });
}

pub fn use_windows() -> Windows {
    expect_context()
}
