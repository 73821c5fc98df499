//! Ezilla's WebOS desktop, a Leptos client-side app.

mod app;
mod apps;
mod components;
mod desktop;
mod graphs;
mod login;
mod state;
mod timing;

// The API client and the strings, shared with the apps loaded on demand.
use frontend_base::{api, i18n};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
