//! `GET/PUT /api/v1/me/desktop`: a user's desktop, saved on the server so that it follows
//! them to any browser. Versioned: a PUT names the version it changes (`If-Match`), so two
//! tabs editing at once never silently lose a change.

use serde::{Deserialize, Serialize};

/// Where something sits on the desktop, in CSS pixels from the top-left.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    pub x: i32,
    pub y: i32,
}

/// A desktop icon of an app, where the user put it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IconPlace {
    /// The app's slug (`vm-manager`, ...).
    pub app: String,
    pub at: Position,
}

/// An open window, to be restored after a reload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowPlace {
    pub app: String,
    pub at: Position,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub maximized: bool,
    #[serde(default)]
    pub minimized: bool,
}

/// Everything of a desktop that is the user's own. Fields missing in a saved desktop take
/// their defaults, so old saves keep loading as fields are added.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
}

/// What `GET` answers and `PUT` returns: the desktop and its version (also the `ETag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionedDesktop {
    pub version: u64,
    pub desktop: Desktop,
}
