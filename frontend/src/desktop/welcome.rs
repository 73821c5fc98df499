//! The first-time welcome: a user with no VMs and no widgets sees a short note on the desktop
//! pointing to VM Creator. Closed once, it never shows again (the desktop saves that).

use leptos::prelude::*;

use crate::{
    apps::AppKind,
    i18n::{Key, use_i18n},
    state::{desktop::use_personal, live::use_live, windows::use_windows},
};

#[component]
pub fn Welcome() -> impl IntoView {
    let i18n = use_i18n();
    let personal = use_personal();
    let live = use_live();
    let windows = use_windows();
    // Only once the saved desktop and the VM list are known: a returning user never sees it
    // flash by while they load.
    let first_time = move || {
        let no_vms = live
            .vms
            .with(|list| matches!(list, Some(Ok(list)) if list.vms.is_empty()));
        personal.loaded.get()
            && !personal.welcome_closed.get()
            && no_vms
            && personal.widgets.with(Vec::is_empty)
    };
    view! {
        <Show when=first_time>
            <aside class="welcome" role="dialog" aria-labelledby="welcome-title">
                <button class="close" aria-label=move || i18n.t(Key::CloseWelcome)
                    on:click=move |_| personal.welcome_closed.set(true)>"×"</button>
                <h2 id="welcome-title">{move || i18n.t(Key::WelcomeTitle)}</h2>
                <p>{move || i18n.t(Key::WelcomeText)}</p>
                <button class="open-creator" on:click=move |_| windows.open(AppKind::VmCreator)>
                    {move || i18n.t(Key::OpenVmCreator)}
                </button>
            </aside>
        </Show>
    }
}
