//! Ezilla's WebOS desktop, a Leptos client-side app.

mod api;
mod app;
mod apps;
mod components;
#[cfg_attr(
    not(test),
    expect(
        dead_code,
        unused_imports,
        reason = "the console windows that use it come next"
    )
)]
mod console;
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
