//! The window manager's state: which windows are open, where and how big, minimised or
//! maximised, and in what stacking order. An app opens once (opening it again brings its
//! window to the front), a VM's console once per VM; every window is kept inside the desktop
//! (above the taskbar), also when the browser window shrinks.

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
/// The taskbar's height, as in the CSS.
pub const TASKBAR_HEIGHT: i32 = 44;
/// Where the first new window opens; later ones cascade from there.
const FIRST_AT: (i32, i32) = (120, 60);
/// The margin a new window keeps from the desktop's right and bottom edges.
const MARGIN: i32 = 16;

impl Rect {
    /// This rect moved (and, if it is larger, shrunk down to the minimum size) so that it
    /// lies inside a `width` x `height` desktop: nothing under the taskbar or off screen.
    pub fn fit(self, width: i32, height: i32) -> Rect {
        let w = self.w.min(width).max(MIN_W);
        let h = self.h.min(height).max(MIN_H);
        Rect {
            x: self.x.min(width - w).max(0),
            y: self.y.min(height - h).max(0),
            w,
            h,
        }
    }
}

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
    /// The desktop's size (the browser window's less the taskbar), kept current by the
    /// desktop: windows and widgets stay inside it.
    pub area: RwSignal<(i32, i32)>,
    /// The desktop's reactive owner. A window's signals belong to it, not to whatever opened
    /// the window (a launcher menu item, another app), which may go away first.
    owner: StoredValue<Owner>,
}

impl Windows {
    /// Brings `app`'s window to the front, or opens it, cascaded from the last one.
    pub fn open(self, app: AppKind) {
        self.open_cascaded(app, None);
    }

    /// Brings the window of `app` about the VM `uuid` (a console) to the front, or opens it.
    pub fn open_for_vm(self, app: AppKind, uuid: String) {
        self.open_cascaded(app, Some(uuid));
    }

    fn open_cascaded(self, app: AppKind, vm: Option<String>) {
        if let Some(id) = self.find(app, vm.as_deref()) {
            return self.focus(id);
        }
        let offset = 32 * (self.list.with_untracked(Vec::len) as i32 % 8);
        let (x, y) = (FIRST_AT.0 + offset, FIRST_AT.1 + offset);
        let (width, height) = self.area.get_untracked();
        let (w, h) = app.default_size();
        // As large as the app wants, as far as the desktop has room from where it opens.
        let rect = Rect {
            x,
            y,
            w: w.min(width - x - MARGIN),
            h: h.min(height - y - MARGIN),
        };
        self.open_at(app, vm, rect, false, false);
    }

    /// The open window of `app` about `vm`, if there is one.
    pub fn find(self, app: AppKind, vm: Option<&str>) -> Option<u32> {
        self.list.with_untracked(|l| {
            l.iter()
                .find(|w| w.app == app && w.vm.with_value(|v| v.as_deref() == vm))
                .map(|w| w.id)
        })
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
        let (width, height) = self.area.get_untracked();
        let window = self.owner.get_value().with(|| Window {
            id,
            app,
            rect: RwSignal::new(rect.fit(width, height)),
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

    /// The desktop is now `width` x `height`: every window moves (and shrinks if it must)
    /// to lie inside it.
    pub fn keep_inside(self, width: i32, height: i32) {
        self.area.set((width, height));
        for window in self.list.get_untracked() {
            let fitted = window.rect.get_untracked().fit(width, height);
            if fitted != window.rect.get_untracked() {
                window.rect.set(fitted);
            }
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
        area: RwSignal::new(desktop_area()),
        owner: StoredValue::new(Owner::current().expect("provide_windows runs inside the app")),
    });
}

pub fn use_windows() -> Windows {
    expect_context()
}

/// The desktop's size now: the browser window's, less the taskbar.
pub fn desktop_area() -> (i32, i32) {
    let size =
        |v: Result<wasm_bindgen::JsValue, _>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0) as i32;
    let window = window();
    (
        size(window.inner_width()),
        size(window.inner_height()) - TASKBAR_HEIGHT,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_windows_lie_inside_the_desktop() {
        let at = |x, y, w, h| Rect { x, y, w, h };
        assert_eq!(at(10, 20, 400, 300).fit(1366, 756), at(10, 20, 400, 300));
        assert_eq!(
            at(1200, 600, 400, 300).fit(1366, 756),
            at(966, 456, 400, 300),
            "moved back above the taskbar"
        );
        assert_eq!(
            at(-50, -5, 2000, 900).fit(1366, 756),
            at(0, 0, 1366, 756),
            "shrunk to the desktop"
        );
        assert_eq!(
            at(0, 0, 800, 600).fit(200, 100),
            at(0, 0, MIN_W, MIN_H),
            "never below the minimum size"
        );
    }
}
