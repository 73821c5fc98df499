//! `GET/PUT /api/v1/me/desktop`: a user's desktop, saved on the server so that it follows
//! them to any browser. Versioned: a PUT names the version it changes (`If-Match`), so two
//! tabs editing at once never silently lose a change.

use serde::{Deserialize, Serialize};

/// Where something sits on the desktop, in CSS pixels from the top-left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Position {
    pub x: i32,
    pub y: i32,
}

/// A desktop icon of an app, where the user put it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct IconPlace {
    /// The app's slug (`vm-manager`, ...).
    pub app: String,
    pub at: Position,
}

/// An open window, to be restored after a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct WindowPlace {
    pub app: String,
    pub at: Position,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub maximized: bool,
    #[serde(default)]
    pub minimized: bool,
    /// The VM a console window is of (UUID).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm: Option<String>,
}

/// What a desktop widget shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Widget {
    /// A VM: its live screen, name, state and quick buttons.
    Vm { uuid: String },
    /// A host's live graphs (admins).
    HostGraph { host: String },
    /// A VM's live graphs.
    VmGraph { uuid: String },
}

/// A widget and where the user put it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct WidgetPlace {
    pub widget: Widget,
    pub at: Position,
}

/// Everything of a desktop that is the user's own. Fields missing in a saved desktop take
/// their defaults, so old saves keep loading as fields are added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(default)]
pub struct Desktop {
    /// The wallpaper's file name under `/wallpapers/`; the default one when empty.
    pub wallpaper: String,
    /// Icons the user moved; the others sit on the grid in launcher order.
    pub icons: Vec<IconPlace>,
    /// Apps (slugs) whose icons the user removed from the desktop (the launcher still has them).
    pub hidden_icons: Vec<String>,
    /// Apps (slugs) and VMs (`vm:UUID`) pinned to the taskbar.
    pub favourites: Vec<String>,
    pub windows: Vec<WindowPlace>,
    pub widgets: Vec<WidgetPlace>,
    /// The user closed the first-time welcome: it never shows again.
    pub welcome_closed: bool,
}

/// What `GET` answers and `PUT` returns: the desktop and its version (also the `ETag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct VersionedDesktop {
    pub version: u64,
    pub desktop: Desktop,
}

impl Desktop {
    /// A three-way merge for two tabs saving at once: `mine` is this tab's desktop, made from
    /// `base` (the version it last saw); `latest` is what another tab saved since. Whatever
    /// this tab changed from `base` is applied to `latest`; everything else stays as `latest`
    /// has it. Lists merge item by item (an app pinned here and another pinned there are both
    /// kept); the open windows are the saving tab's own.
    pub fn merge(base: &Desktop, mine: &Desktop, latest: &Desktop) -> Desktop {
        Desktop {
            wallpaper: if mine.wallpaper != base.wallpaper {
                mine.wallpaper.clone()
            } else {
                latest.wallpaper.clone()
            },
            icons: merge_by(&base.icons, &mine.icons, &latest.icons, |i| i.app.clone()),
            hidden_icons: merge_by(
                &base.hidden_icons,
                &mine.hidden_icons,
                &latest.hidden_icons,
                Clone::clone,
            ),
            favourites: merge_by(
                &base.favourites,
                &mine.favourites,
                &latest.favourites,
                Clone::clone,
            ),
            windows: mine.windows.clone(),
            widgets: merge_by(&base.widgets, &mine.widgets, &latest.widgets, |w| {
                w.widget.clone()
            }),
            // Closed in any tab is closed for good.
            welcome_closed: mine.welcome_closed || latest.welcome_closed,
        }
    }
}

/// `latest` with the items `mine` added, changed or removed relative to `base`, matched by
/// `key`; `latest`'s order is kept and new items go last.
fn merge_by<T: Clone + PartialEq, K: PartialEq>(
    base: &[T],
    mine: &[T],
    latest: &[T],
    key: impl Fn(&T) -> K,
) -> Vec<T> {
    let find = |list: &[T], k: &K| list.iter().find(|item| key(item) == *k).cloned();
    let mut merged: Vec<T> = latest
        .iter()
        .filter(|item| {
            let k = key(item);
            // Removed here: it was in the base, and this tab no longer has it.
            !(find(base, &k).is_some() && find(mine, &k).is_none())
        })
        .cloned()
        .collect();
    for item in mine {
        let k = key(item);
        if find(base, &k).as_ref() == Some(item) {
            continue;
        }
        match merged.iter_mut().find(|m| key(m) == k) {
            Some(there) => *there = item.clone(),
            None => merged.push(item.clone()),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pinned(favourites: &[&str]) -> Desktop {
        Desktop {
            favourites: favourites.iter().map(|s| s.to_string()).collect(),
            ..Desktop::default()
        }
    }

    #[test]
    fn changes_from_both_tabs_are_kept() {
        let base = pinned(&["settings"]);
        let mine = Desktop {
            wallpaper: "dawn.svg".into(),
            ..pinned(&["settings", "vm-manager"])
        };
        let latest = pinned(&["settings", "vm-creator"]);
        let merged = Desktop::merge(&base, &mine, &latest);
        assert_eq!(merged.wallpaper, "dawn.svg");
        assert_eq!(merged.favourites, ["settings", "vm-creator", "vm-manager"]);
    }

    #[test]
    fn a_welcome_closed_in_any_tab_stays_closed() {
        let closed = Desktop {
            welcome_closed: true,
            ..Desktop::default()
        };
        let open = Desktop::default();
        assert!(Desktop::merge(&open, &open, &closed).welcome_closed);
        assert!(Desktop::merge(&open, &closed, &open).welcome_closed);
        assert!(!Desktop::merge(&open, &open, &open).welcome_closed);
    }

    #[test]
    fn a_removal_here_removes_there_and_untouched_fields_stay_as_latest() {
        let base = pinned(&["settings", "vm-manager"]);
        let mine = pinned(&["vm-manager"]);
        let latest = Desktop {
            wallpaper: "forest.svg".into(),
            ..pinned(&["settings", "vm-manager", "user-admin"])
        };
        let merged = Desktop::merge(&base, &mine, &latest);
        assert_eq!(merged.favourites, ["vm-manager", "user-admin"]);
        assert_eq!(merged.wallpaper, "forest.svg");
    }

    #[test]
    fn a_moved_icon_takes_its_new_place() {
        let icon = |x| IconPlace {
            app: "settings".into(),
            at: Position { x, y: 0 },
        };
        let base = Desktop {
            icons: vec![icon(0)],
            ..Desktop::default()
        };
        let mine = Desktop {
            icons: vec![icon(100)],
            ..Desktop::default()
        };
        let merged = Desktop::merge(&base, &mine, &base);
        assert_eq!(merged.icons, [icon(100)]);
        assert_eq!(Desktop::merge(&base, &base, &mine), mine);
    }
}
