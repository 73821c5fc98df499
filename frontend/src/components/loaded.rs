//! How the desktop's apps show a load: one `Transition` inside one `ErrorBoundary`, the same
//! for every load, so that the main module carries their code once (it has a size budget).

use leptos::prelude::*;

use crate::{api, i18n::use_i18n};

/// What a load shows once it has arrived: its view, or the error that ends it.
pub type Shown = Suspend<Result<AnyView, api::Error>>;

/// A load's view: `fallback` until it first arrives, the last one shown while it loads again,
/// and an error it ends with as an alert in its place.
pub fn loaded(fallback: ViewFnOnce, view: impl Fn() -> Shown + Send + Sync + 'static) -> AnyView {
    boundary(fallback, Box::new(view))
}

fn boundary(fallback: ViewFnOnce, view: Box<dyn Fn() -> Shown + Send + Sync>) -> AnyView {
    let i18n = use_i18n();
    view! {
        <ErrorBoundary fallback=move |errors| view! {
            <p class="error" role="alert">{move || i18n.thrown(&errors.read())}</p>
        }>
            <Transition fallback>{move || view()}</Transition>
        </ErrorBoundary>
    }
    .into_any()
}
