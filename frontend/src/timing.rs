//! Performance marks, read by the desktop-ready benchmark (`tests/benches/desktop_ready.rs`)
//! through the browser's Performance API.

/// Set when the login form is submitted.
pub const LOGIN_SUBMITTED: &str = "ezilla:login-submitted";
/// Set on the first frame of the desktop with the user's own desktop applied.
pub const DESKTOP_READY: &str = "ezilla:desktop-ready";

/// Marks `name` on the page's performance timeline.
pub fn mark(name: &'static str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}
