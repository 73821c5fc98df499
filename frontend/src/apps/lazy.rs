//! The desktop's side of loading apps on demand. The consoles, the administrators' apps,
//! Settings' account sections and the ISO library are WASM modules of their own
//! (`frontend/consoles`, `frontend/admin`, `frontend/account`, `frontend/library`), which
//! Trunk builds beside the desktop's (`data-type="worker"` assets: built, not loaded). A window
//! of one of their apps fetches its module the first time one opens (once per page), mounts
//! the app (or the module's part of it) in its body, tells it when the language changes, and
//! unmounts it when the window closes.

use leptos::{html::Div, prelude::*, task::spawn_local};
use wasm_bindgen::{JsCast, prelude::*};
use wasm_bindgen_futures::JsFuture;

use super::AppKind;
use crate::i18n::{Key, use_i18n};

/// A module loaded on demand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Module {
    /// The VNC, serial and SSH consoles.
    Consoles,
    /// User Admin, the hosts and the templates.
    Admin,
    /// Settings' SSH keys and access tokens.
    Account,
    /// The ISO library: the Images app and its uploads.
    Library,
}

impl Module {
    /// Its JavaScript, named by Trunk after the crate (worker assets are not content-hashed,
    /// so the server has browsers revalidate them).
    fn url(self) -> &'static str {
        match self {
            Self::Consoles => "/consoles.js",
            Self::Admin => "/admin.js",
            Self::Account => "/account.js",
            Self::Library => "/library.js",
        }
    }
}

#[wasm_bindgen(inline_js = r#"
const modules = new Map();
function load(url) {
  if (!modules.has(url)) {
    const loading = import(url).then(async (module) => { await module.default(); return module; });
    loading.catch(() => modules.delete(url));
    modules.set(url, loading);
  }
  return modules.get(url);
}
export async function mount_app(url, parent, app, vm, language) {
  return (await load(url)).mount(parent, app, vm, language);
}
"#)]
extern "C" {
    /// Mounts `app` in `parent` from the module at `url`, fetched and started the first time
    /// (a failed fetch is tried again by the next window). Resolves to the module's
    /// `MountedApp`, or undefined when the module does not hold the app.
    fn mount_app(
        url: &str,
        parent: &web_sys::HtmlElement,
        app: &str,
        vm: &str,
        language: &str,
    ) -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// An app mounted by a module (its `MountedApp`).
    type MountedApp;

    #[wasm_bindgen(method)]
    fn set_language(this: &MountedApp, tag: &str);

    /// Unmounts the app.
    #[wasm_bindgen(method)]
    fn free(this: &MountedApp);
}

/// A window's content from `module`: empty while the module loads, an error line if it
/// cannot be fetched.
#[component]
pub fn LazyApp(module: Module, app: AppKind, vm: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let body = NodeRef::<Div>::new();
    let failed = RwSignal::new(false);
    let mounted = StoredValue::new_local(None::<MountedApp>);
    body.on_load(move |parent| {
        let language = i18n.language.get_untracked().tag();
        let vm = vm.unwrap_or_default();
        spawn_local(async move {
            let promise = mount_app(module.url(), &parent, app.slug(), &vm, language);
            match JsFuture::from(promise).await {
                Ok(handle) if !handle.is_undefined() => {
                    let handle: MountedApp = handle.unchecked_into();
                    // In the language of now, which may have changed while the module loaded.
                    handle.set_language(i18n.language.get_untracked().tag());
                    // The window may have closed meanwhile.
                    if let Some(Some(handle)) = mounted.try_set_value(Some(handle)) {
                        handle.free();
                    }
                }
                _ => {
                    failed.try_set(true);
                }
            }
        });
    });
    Effect::new(move || {
        let tag = i18n.language.get().tag();
        mounted.with_value(|handle| handle.as_ref().map(|handle| handle.set_language(tag)));
    });
    on_cleanup(move || {
        if let Some(Some(handle)) = mounted.try_update_value(Option::take) {
            handle.free();
        }
    });
    view! {
        <div class="lazy-app" node_ref=body></div>
        <Show when=move || failed.get()>
            <p class="error" role="alert">{move || i18n.t(Key::ErrUnreachable)}</p>
        </Show>
    }
}
