//! The administrators' apps: User Admin, the pool's hosts and the template catalogue. Only
//! administrators open them, so they are a WASM module of their own that the desktop fetches
//! the first time one opens and drives through [`mount`].

mod hosts;
mod templates;
mod users;

use frontend_base::{AppKind, lazy};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

// What the apps' modules call `crate::api` and `crate::i18n`, as in the desktop.
use frontend_base::{api, i18n};
use hosts::Hosts;
use templates::Templates;
use users::UserAdmin;

/// An administrators' app mounted in a window: the desktop frees it when the window closes.
#[wasm_bindgen]
pub struct MountedApp(lazy::Mounted);

#[wasm_bindgen]
impl MountedApp {
    /// Follows the desktop's language (a BCP 47 tag).
    pub fn set_language(&self, tag: &str) {
        self.0.set_language(tag);
    }
}

/// Mounts the app `app` (an `AppKind` slug) in `parent`; none for an app this module does
/// not hold. `vm` is unused: these apps are not about one VM.
#[wasm_bindgen]
pub fn mount(parent: HtmlElement, app: &str, _vm: String, language: &str) -> Option<MountedApp> {
    // Built inside `lazy::mount`, so that the app's signals belong to its window.
    let view: fn() -> AnyView = match AppKind::from_slug(app)? {
        AppKind::UserAdmin => || view! { <UserAdmin /> }.into_any(),
        AppKind::Hosts => || view! { <Hosts /> }.into_any(),
        AppKind::Templates => || view! { <Templates /> }.into_any(),
        _ => return None,
    };
    Some(MountedApp(lazy::mount(parent, language, view)))
}
