//! A running VM's screen as a small picture (frame `frame` of it: the caller moves it on to
//! fetch it again, see `state::screen`). A VM that is not running shows its state.

use leptos::prelude::*;
use shared::{VmState, routes};

use crate::i18n::{Key, use_i18n};

#[component]
pub fn VmScreen(
    uuid: String,
    /// The picture's width in pixels, as the server scales it.
    width: u32,
    /// The VM's state: only a running VM has a screen to show.
    #[prop(into)]
    state: Signal<VmState>,
    /// Which picture: a new number fetches it again.
    #[prop(into)]
    frame: Signal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
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
