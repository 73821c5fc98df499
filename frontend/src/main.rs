//! Ezilla's WebOS desktop, a Leptos client-side app.

mod api;
mod app;
mod apps;
mod components;
mod desktop;
mod graphs;
mod i18n;
mod login;
mod state;
mod timing;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
