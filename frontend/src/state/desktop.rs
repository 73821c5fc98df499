//! The user's desktop as saved on the server: the wallpaper, where the icons are (and which
//! were removed), the apps pinned to the taskbar, and the open windows, which come back after a reload (or in another browser); every change is
//! saved a moment after it settles. Saves name the
//! version they change; when another tab saved first, the latest is fetched and this tab's
//! change applied on top of it, so no change is silently lost.

use std::time::Duration;

use leptos::prelude::*;
use shared::{Desktop, ErrorCode, IconPlace, Position, WindowPlace};

use crate::{
    api,
    apps::AppKind,
    state::{
        session::use_session,
        windows::{Rect, Windows},
    },
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
    /// Apps pinned to the taskbar.
    pub favourites: RwSignal<Vec<String>>,
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
    };
    provide_context(personal);
    let saved = Saved {
        version: StoredValue::new(0),
        desktop: StoredValue::new(Desktop::default()),
        generation: StoredValue::new(0),
        loaded: RwSignal::new(false),
    };
    let session = use_session();
    leptos::task::spawn_local(async move {
        if let Ok(loaded) = api::load_desktop().await {
            for place in &loaded.desktop.windows {
                if let Some(app) = AppKind::from_slug(&place.app) {
                    let rect = Rect {
                        x: place.at.x,
                        y: place.at.y,
                        w: place.width as i32,
                        h: place.height as i32,
                    };
                    windows.open_at(app, rect, place.minimized, place.maximized);
                }
            }
            if !loaded.desktop.wallpaper.is_empty() {
                personal.wallpaper.set(loaded.desktop.wallpaper.clone());
            }
            personal.icons.set(loaded.desktop.icons.clone());
            personal
                .hidden_icons
                .set(loaded.desktop.hidden_icons.clone());
            personal.favourites.set(loaded.desktop.favourites.clone());
            saved.remember(loaded.version, loaded.desktop);
        }
        saved.loaded.set(true);
    });
    Effect::new(move || {
        let mine = Mine {
            windows: window_places(windows),
            wallpaper: personal.wallpaper.get(),
            icons: personal.icons.get(),
            hidden_icons: personal.hidden_icons.get(),
            favourites: personal.favourites.get(),
        };
        if !saved.loaded.get() || saved.desktop.with_value(|d| mine.is_in(d)) {
            return;
        }
        let generation = saved.generation.get_value() + 1;
        saved.generation.set_value(generation);
        set_timeout(
            move || {
                // A newer change is on its way, or the user logged out meanwhile.
                let logged_in = session.user.with_untracked(Option::is_some);
                if saved.generation.get_value() == generation && logged_in {
                    leptos::task::spawn_local(save(saved, mine));
                }
            },
            SAVE_DELAY,
        );
    });
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
                }
            })
            .collect()
    })
}

/// What this tab decides of the desktop.
#[derive(Clone)]
struct Mine {
    windows: Vec<WindowPlace>,
    wallpaper: String,
    icons: Vec<IconPlace>,
    hidden_icons: Vec<String>,
    favourites: Vec<String>,
}

impl Mine {
    fn is_in(&self, desktop: &Desktop) -> bool {
        desktop.windows == self.windows
            && desktop.wallpaper == self.wallpaper
            && desktop.icons == self.icons
            && desktop.hidden_icons == self.hidden_icons
            && desktop.favourites == self.favourites
    }

    /// `desktop` with this tab's part applied (the rest, another tab's, stays).
    fn applied_to(&self, mut desktop: Desktop) -> Desktop {
        desktop.windows = self.windows.clone();
        desktop.wallpaper = self.wallpaper.clone();
        desktop.icons = self.icons.clone();
        desktop.hidden_icons = self.hidden_icons.clone();
        desktop.favourites = self.favourites.clone();
        desktop
    }
}

/// Saves `mine` over the version last seen; on a conflict, takes the latest and retries.
async fn save(saved: Saved, mine: Mine) {
    for _ in 0..ATTEMPTS {
        let desktop = mine.applied_to(saved.desktop.get_value());
        match api::save_desktop(saved.version.get_value(), &desktop).await {
            Ok(stored) => return saved.remember(stored.version, stored.desktop),
            Err(err) if err.code() == Some(ErrorCode::VersionConflict) => {
                let Ok(latest) = api::load_desktop().await else {
                    return;
                };
                saved.remember(latest.version, latest.desktop);
            }
            Err(_) => return,
        }
    }
}
