//! A running VM's screen as a small picture, fetched again every few seconds while the page is
//! visible (the server scales and caches it). A VM that is not running shows its state.

use std::time::Duration;

use leptos::prelude::*;
use shared::{VmState, routes};

use crate::i18n::{Key, use_i18n};

/// How often a visible screen is fetched again.
const REFRESH: Duration = Duration::from_secs(3);

#[component]
pub fn VmScreen(
    uuid: String,
    /// The picture's width in pixels, as the server scales it.
    width: u32,
    /// The VM's state: only a running VM has a screen to show.
    #[prop(into)]
    state: Signal<VmState>,
) -> impl IntoView {
    let i18n = use_i18n();
    let frame = RwSignal::new(0u32);
    let ticker = set_interval_with_handle(
        move || {
            if !document().hidden() && state.get_untracked() == VmState::Running {
                frame.update(|f| *f += 1);
            }
        },
        REFRESH,
    )
    .ok();
    on_cleanup(move || {
        if let Some(ticker) = ticker {
            ticker.clear();
        }
    });
    let src = move || {
        let path = routes::fill(routes::VM_SCREENSHOT, &[&uuid]);
        format!("{path}?width={width}&frame={}", frame.get())
    };
    move || {
        if state.get() == VmState::Running {
            view! { <img class="vm-screen" src=src.clone() alt=move || i18n.t(Key::Screen) width=width draggable="false" /> }
                .into_any()
        } else {
            view! {
                <div class="vm-screen off" style:width=format!("{width}px")>
                    {move || i18n.state(state.get())}
                </div>
            }
            .into_any()
        }
    }
}
