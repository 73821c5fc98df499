//! Settings' account sections: the user's SSH keys and access tokens. Only a user changing
//! them needs their code, so they are a WASM module of their own that the Settings window
//! fetches the first time it opens and drives through [`mount`].

mod access_tokens;
mod ssh_keys;

use frontend_base::{AppKind, lazy};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use access_tokens::AccessTokens;
// What the sections call `crate::api` and `crate::i18n`, as in the desktop.
use frontend_base::{api, i18n};
use ssh_keys::SshKeys;

/// The sections mounted in a Settings window: the desktop frees them when it closes.
#[wasm_bindgen]
pub struct MountedApp(lazy::Mounted);

#[wasm_bindgen]
impl MountedApp {
    /// Follows the desktop's language (a BCP 47 tag).
    pub fn set_language(&self, tag: &str) {
        self.0.set_language(tag);
    }
}

/// Mounts the part of `app` (an `AppKind` slug) this module holds in `parent`: for Settings,
/// its account sections; none for another app. `vm` is unused.
#[wasm_bindgen]
pub fn mount(parent: HtmlElement, app: &str, _vm: String, language: &str) -> Option<MountedApp> {
    if AppKind::from_slug(app)? != AppKind::Settings {
        return None;
    }
    let view = || view! { <SshKeys /> <AccessTokens /> }.into_any();
    Some(MountedApp(lazy::mount(parent, language, view)))
}
