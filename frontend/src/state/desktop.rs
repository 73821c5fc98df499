//! The user's desktop as saved on the server: the wallpaper, where the icons are (and which
//! were removed), what is pinned to the taskbar, the VM widgets, and the open windows, which
//! come back after a reload (or in another browser); every change is saved a moment after it
//! settles. Saves name the version they change; when another tab saved first, the latest is
//! fetched and this tab's changes merged into it, so no change is silently lost.

use std::time::Duration;

use leptos::prelude::*;
use shared::{Desktop, ErrorCode, IconPlace, Position, WidgetPlace, WindowPlace};

use crate::{
    api,
    apps::AppKind,
    state::{
        session::use_session,
        windows::{Rect, Windows},
    },
    timing,
};

/// How long a change must settle (a drag ends) before it is saved.
const SAVE_DELAY: Duration = Duration::from_millis(400);
/// Save attempts when other tabs keep saving in between.
const ATTEMPTS: usize = 3;

/// What the server holds, as this tab last saw it.
#[derive(Clone, Copy)]
struct Saved {
    version: StoredValue<u64>,
    desktop: StoredValue<Desktop>,
    /// Bumped by each change; a delayed save runs only if no newer change came.
    generation: StoredValue<u64>,
    loaded: RwSignal<bool>,
    /// A save is on its way: one at a time, so each starts from what the last one stored.
    saving: StoredValue<bool>,
    /// A change came while a save was on its way: save again when it is done.
    again: StoredValue<bool>,
}

impl Saved {
    fn remember(self, version: u64, desktop: Desktop) {
        self.version.set_value(version);
        self.desktop.set_value(desktop);
    }
}

/// The user's choices that the desktop shows, as a context.
#[derive(Clone, Copy)]
pub struct Personal {
    /// The wallpaper: a file name under `/wallpapers/`, or the user's upload (see
    /// `shared::wallpaper`).
    pub wallpaper: RwSignal<String>,
    /// Icons the user moved; the others keep their place on the grid.
    pub icons: RwSignal<Vec<IconPlace>>,
    /// Apps whose icons were removed from the desktop.
    pub hidden_icons: RwSignal<Vec<String>>,
    /// Apps (slugs) and VMs (`vm:UUID`) pinned to the taskbar.
    pub favourites: RwSignal<Vec<String>>,
    /// VM widgets, where the user put them.
    pub widgets: RwSignal<Vec<WidgetPlace>>,
    /// The user closed the first-time welcome.
    pub welcome_closed: RwSignal<bool>,
    /// The saved desktop has been read (until then nothing is known of the user's choices).
    pub loaded: RwSignal<bool>,
}

/// The wallpapers that come with Ezilla.
pub const WALLPAPERS: [&str; 3] = ["default.svg", "dawn.svg", "forest.svg"];

pub fn use_personal() -> Personal {
    expect_context()
}

/// Provides `Personal`, restores the saved desktop, then keeps the server's copy current
/// while the desktop shows.
pub fn sync_desktop(windows: Windows) {
    let personal = Personal {
        wallpaper: RwSignal::new(WALLPAPERS[0].to_owned()),
        icons: RwSignal::new(Vec::new()),
        hidden_icons: RwSignal::new(Vec::new()),
        favourites: RwSignal::new(Vec::new()),
        widgets: RwSignal::new(Vec::new()),
        welcome_closed: RwSignal::new(false),
        loaded: RwSignal::new(false),
    };
    provide_context(personal);
    let saved = Saved {
        version: StoredValue::new(0),
        desktop: StoredValue::new(Desktop::default()),
        generation: StoredValue::new(0),
        loaded: personal.loaded,
        saving: StoredValue::new(false),
        again: StoredValue::new(false),
    };
    let session = use_session();
    leptos::task::spawn_local(async move {
        if let Ok(loaded) = api::load_desktop().await {
            let desktop = normalized(loaded.desktop);
            for place in &desktop.windows {
                // One window per app (per VM for a console), even if a desktop saved before
                // that rule held two.
                let app = AppKind::from_slug(&place.app);
                if let Some(app) =
                    app.filter(|&app| windows.find(app, place.vm.as_deref()).is_none())
                {
                    let rect = Rect {
                        x: place.at.x,
                        y: place.at.y,
                        w: place.width as i32,
                        h: place.height as i32,
                    };
                    let vm = place.vm.clone();
                    windows.open_at(app, vm, rect, place.minimized, place.maximized);
                }
            }
            show(personal, &desktop);
            saved.remember(loaded.version, desktop);
        }
        saved.loaded.set(true);
        request_animation_frame(|| timing::mark(timing::DESKTOP_READY));
    });
    Effect::new(move || {
        let mine = current(personal, windows);
        if !saved.loaded.get() || saved.desktop.with_value(|d| *d == mine) {
            return;
        }
        let generation = saved.generation.get_value() + 1;
        saved.generation.set_value(generation);
        set_timeout(
            move || {
                // A newer change is on its way, or the user logged out meanwhile.
                let logged_in = session.user.with_untracked(Option::is_some);
                if saved.generation.get_value() == generation && logged_in {
                    leptos::task::spawn_local(save(saved, personal, windows));
                }
            },
            SAVE_DELAY,
        );
    });
}

/// The desktop as this tab shows it (tracks every part).
fn current(personal: Personal, windows: Windows) -> Desktop {
    Desktop {
        wallpaper: personal.wallpaper.get(),
        icons: personal.icons.get(),
        hidden_icons: personal.hidden_icons.get(),
        favourites: personal.favourites.get(),
        windows: window_places(windows),
        widgets: personal.widgets.get(),
        welcome_closed: personal.welcome_closed.get(),
    }
}

/// Shows a desktop from the server (the open windows stay this tab's own).
fn show(personal: Personal, desktop: &Desktop) {
    set(personal.wallpaper, &desktop.wallpaper);
    set(personal.icons, &desktop.icons);
    set(personal.hidden_icons, &desktop.hidden_icons);
    set(personal.favourites, &desktop.favourites);
    set(personal.widgets, &desktop.widgets);
    set(personal.welcome_closed, &desktop.welcome_closed);
}

/// Sets `signal` to `value` unless it holds that already (no needless re-render or save).
fn set<T: Clone + PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: &T) {
    if signal.with_untracked(|v| v != value) {
        signal.set(value.clone());
    }
}

/// A saved desktop with its defaults spelled out, as this tab shows it.
fn normalized(mut desktop: Desktop) -> Desktop {
    if desktop.wallpaper.is_empty() {
        desktop.wallpaper = WALLPAPERS[0].to_owned();
    }
    desktop
}

/// The open windows as the server keeps them (tracks every window's signals).
fn window_places(windows: Windows) -> Vec<WindowPlace> {
    windows.list.with(|list| {
        list.iter()
            .map(|w| {
                let r = w.rect.get();
                WindowPlace {
                    app: w.app.slug().to_owned(),
                    at: Position { x: r.x, y: r.y },
                    width: r.w.max(0) as u32,
                    height: r.h.max(0) as u32,
                    maximized: w.maximized.get(),
                    minimized: w.minimized.get(),
                    vm: w.vm.get_value(),
                }
            })
            .collect()
    })
}

/// Saves the desktop as this tab shows it, and again while changes come during the save.
async fn save(saved: Saved, personal: Personal, windows: Windows) {
    if saved.saving.get_value() {
        return saved.again.set_value(true);
    }
    saved.saving.set_value(true);
    loop {
        saved.again.set_value(false);
        let mine = untrack(|| current(personal, windows));
        if saved.desktop.with_value(|d| *d != mine) {
            save_once(saved, personal, windows, mine).await;
        }
        if !saved.again.get_value() {
            break;
        }
    }
    saved.saving.set_value(false);
}

/// Saves `mine`, made from the version last seen. When another tab saved in between, this
/// tab's changes are merged into the latest and saved again. What is stored then shows here,
/// with any change made here meanwhile still on top (it is saved next).
async fn save_once(saved: Saved, personal: Personal, windows: Windows, mine: Desktop) {
    let (base, mut version) = (saved.desktop.get_value(), saved.version.get_value());
    let mut latest = base.clone();
    for _ in 0..ATTEMPTS {
        let merged = Desktop::merge(&base, &mine, &latest);
        match api::save_desktop(version, &merged).await {
            Ok(stored) => {
                let desktop = normalized(stored.desktop);
                let now = untrack(|| current(personal, windows));
                show(personal, &Desktop::merge(&mine, &now, &desktop));
                return saved.remember(stored.version, desktop);
            }
            Err(err) if err.code() == Some(ErrorCode::VersionConflict) => {
                let Ok(fetched) = api::load_desktop().await else {
                    return;
                };
                latest = normalized(fetched.desktop);
                version = fetched.version;
            }
            Err(_) => return,
        }
    }
}
