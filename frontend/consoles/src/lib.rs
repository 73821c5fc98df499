//! The console windows: a VM's graphical console (VNC, drawn by the `rfb` client) and its
//! terminals (the serial line and SSH, emulated by `vt100`). Most sessions never open one, so
//! they are a WASM module of their own that the desktop fetches the first time one opens and
//! drives through [`mount`].

mod console_link;
mod terminal;
mod vnc_console;

use frontend_base::{AppKind, lazy};
use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

// What the apps' modules call `crate::api` and `crate::i18n`, as in the desktop.
use frontend_base::{api, i18n};
use terminal::{Terminal, TerminalKind};
use vnc_console::VncConsole;

/// A console mounted in a window: the desktop frees it when the window closes.
#[wasm_bindgen]
pub struct MountedApp(lazy::Mounted);

#[wasm_bindgen]
impl MountedApp {
    /// Follows the desktop's language (a BCP 47 tag).
    pub fn set_language(&self, tag: &str) {
        self.0.set_language(tag);
    }
}

/// Mounts the console `app` (an `AppKind` slug) of the VM `vm` in `parent`; none for an app
/// this module does not hold.
#[wasm_bindgen]
pub fn mount(parent: HtmlElement, app: &str, vm: String, language: &str) -> Option<MountedApp> {
    // Built inside `lazy::mount`, so that the app's signals belong to its window.
    let view: Box<dyn FnOnce() -> AnyView> = match AppKind::from_slug(app)? {
        AppKind::VncConsole => Box::new(move || view! { <VncConsole uuid=vm /> }.into_any()),
        AppKind::SerialConsole => {
            Box::new(move || view! { <Terminal uuid=vm kind=TerminalKind::Serial /> }.into_any())
        }
        AppKind::SshTerminal => {
            Box::new(move || view! { <Terminal uuid=vm kind=TerminalKind::Ssh /> }.into_any())
        }
        _ => return None,
    };
    Some(MountedApp(lazy::mount(parent, language, view)))
}
