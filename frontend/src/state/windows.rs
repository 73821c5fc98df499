//! The window manager's state: which windows are open, where and how big, minimised or
//! maximised, and in what stacking order.

use leptos::prelude::*;

use crate::apps::AppKind;

/// A window's place, in CSS pixels from the desktop's top-left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x: i32,
    pub y: i32,
    pub w: i32,
    pub h: i32,
}

/// The smallest a window can be made.
pub const MIN_W: i32 = 320;
pub const MIN_H: i32 = 200;
/// How much of a window stays on screen when the viewport shrinks, so it can be grabbed.
const KEEP_VISIBLE: i32 = 120;

/// One open window. Its parts are signals so that changing one re-renders only that window.
#[derive(Clone, Copy, PartialEq)]
pub struct Window {
    pub id: u32,
    pub app: AppKind,
    pub rect: RwSignal<Rect>,
    /// Stacking order: the highest is in front.
    pub z: RwSignal<u32>,
    pub minimized: RwSignal<bool>,
    pub maximized: RwSignal<bool>,
    /// The VM the window is of (a console's), by UUID.
    pub vm: StoredValue<Option<String>>,
}

/// The open windows.
#[derive(Clone, Copy)]
pub struct Windows {
    pub list: RwSignal<Vec<Window>>,
    next_id: StoredValue<u32>,
    top_z: StoredValue<u32>,
    /// The desktop's reactive owner. A window's signals belong to it, not to whatever opened
    /// the window (a launcher menu item, another app), which may go away first.
    owner: StoredValue<Owner>,
}

impl Windows {
    /// Opens a new window of `app`, in front, cascaded from the last one.
    pub fn open(self, app: AppKind) {
        self.open_cascaded(app, None);
    }

    /// Opens a new window of `app` about the VM `uuid` (a console), in front.
    pub fn open_for_vm(self, app: AppKind, uuid: String) {
        self.open_cascaded(app, Some(uuid));
    }

    fn open_cascaded(self, app: AppKind, vm: Option<String>) {
        let offset = 32 * (self.list.with_untracked(Vec::len) as i32 % 8);
        let rect = Rect {
            x: 120 + offset,
            y: 60 + offset,
            w: 760,
            h: 480,
        };
        self.open_at(app, vm, rect, false, false);
    }

    /// Opens a window of `app` (about `vm`, for a console) at `rect`, in front (restoring a
    /// saved desktop).
    pub fn open_at(
        self,
        app: AppKind,
        vm: Option<String>,
        rect: Rect,
        minimized: bool,
        maximized: bool,
    ) {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let z = self.raise_z();
        let window = self.owner.get_value().with(|| Window {
            id,
            app,
            rect: RwSignal::new(rect),
            z: RwSignal::new(z),
            minimized: RwSignal::new(minimized),
            maximized: RwSignal::new(maximized),
            vm: StoredValue::new(vm),
        });
        self.list.update(|list| list.push(window));
    }

    pub fn close(self, id: u32) {
        self.list.update(|list| list.retain(|w| w.id != id));
    }

    /// Brings a window to the front (and back from the taskbar).
    pub fn focus(self, id: u32) {
        let Some(window) = self.get(id) else { return };
        window.minimized.set(false);
        if window.z.get_untracked() != self.top_z.get_value() {
            window.z.set(self.raise_z());
        }
    }

    pub fn minimize(self, id: u32) {
        if let Some(window) = self.get(id) {
            window.minimized.set(true);
        }
    }

    pub fn toggle_maximize(self, id: u32) {
        if let Some(window) = self.get(id) {
            window.maximized.update(|m| *m = !*m);
            self.focus(id);
        }
    }

    /// The taskbar button: a hidden or background window comes to the front; the front one
    /// goes to the taskbar.
    pub fn toggle_from_taskbar(self, id: u32) {
        let Some(window) = self.get(id) else { return };
        if !window.minimized.get_untracked() && self.focused_untracked() == Some(id) {
            window.minimized.set(true);
        } else {
            self.focus(id);
        }
    }

    /// Brings the rearmost visible-or-minimised window to the front: pressed again and again,
    /// it goes through them all. Returns the window now in front.
    pub fn cycle(self) -> Option<u32> {
        let rearmost = self
            .list
            .with_untracked(|l| l.iter().min_by_key(|w| w.z.get_untracked()).map(|w| w.id))?;
        self.focus(rearmost);
        Some(rearmost)
    }

    /// The window in front, if any is visible.
    pub fn focused(self) -> Option<u32> {
        self.list.with(|l| {
            l.iter()
                .filter(|w| !w.minimized.get())
                .max_by_key(|w| w.z.get())
                .map(|w| w.id)
        })
    }

    /// Moves windows back within a `width` x `height` desktop, so each can still be grabbed.
    pub fn keep_inside(self, width: i32, height: i32) {
        for window in self.list.get_untracked() {
            window.rect.update(|r| {
                r.x = r.x.min(width - KEEP_VISIBLE).max(KEEP_VISIBLE - r.w);
                r.y = r.y.min(height - 40).max(0);
            });
        }
    }

    fn focused_untracked(self) -> Option<u32> {
        self.list.with_untracked(|l| {
            l.iter()
                .filter(|w| !w.minimized.get_untracked())
                .max_by_key(|w| w.z.get_untracked())
                .map(|w| w.id)
        })
    }

    fn get(self, id: u32) -> Option<Window> {
        self.list
            .with_untracked(|l| l.iter().find(|w| w.id == id).copied())
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
        owner: StoredValue::new(Owner::current().expect("provide_windows runs inside the app")),
    });
}

pub fn use_windows() -> Windows {
    expect_context()
}
