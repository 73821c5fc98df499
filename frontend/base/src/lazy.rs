//! The apps' side of loading on demand. A module the desktop loads when one of its apps first
//! opens (see the desktop's `apps/lazy.rs`) exports `mount(parent, app, vm, language)`, which
//! calls [`mount`] here: the app runs in the module's own reactive runtime, inside the window
//! the desktop made, in the desktop's language until told otherwise.

use leptos::prelude::*;
use shared::Language;
use web_sys::HtmlElement;

use crate::i18n::I18n;

/// An app mounted in a window. Dropping it unmounts the app and ends its reactive scope (its
/// sockets and timers with it).
pub struct Mounted {
    _view: Box<dyn std::any::Any>,
    language: ArcRwSignal<Language>,
}

impl Mounted {
    /// Follows the desktop's language (a BCP 47 tag, as `Language::tag`).
    pub fn set_language(&self, tag: &str) {
        if let Some(language) = Language::from_tag(tag) {
            self.language.set(language);
        }
    }
}

/// Mounts `app` as the only content of `parent`, in the language tagged `language`.
pub fn mount(
    parent: HtmlElement,
    language: &str,
    app: impl FnOnce() -> AnyView + 'static,
) -> Mounted {
    console_error_panic_hook::set_once();
    let language = ArcRwSignal::new(Language::from_tag(language).unwrap_or_default());
    let signal = language.clone();
    let view = leptos::mount::mount_to(parent, move || {
        provide_context(I18n {
            language: signal.into(),
        });
        app()
    });
    Mounted {
        _view: Box::new(view),
        language,
    }
}
