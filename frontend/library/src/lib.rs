//! The ISO library: the Images app, with its uploads. Most sessions never open it, so it is a
//! WASM module of its own that the desktop fetches the first time an Images window opens and
//! drives through [`mount`].

mod images;

use frontend_base::{AppKind, lazy};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

// What the app calls `crate::api` and `crate::i18n`, as in the desktop.
use frontend_base::{api, i18n};
use images::Images;

/// The Images app mounted in a window: the desktop frees it when the window closes.
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
/// not hold. `vm` is unused: the library is not about one VM.
#[wasm_bindgen]
pub fn mount(parent: HtmlElement, app: &str, _vm: String, language: &str) -> Option<MountedApp> {
    if AppKind::from_slug(app)? != AppKind::Images {
        return None;
    }
    let view = || view! { <Images /> }.into_any();
    Some(MountedApp(lazy::mount(parent, language, view)))
}
