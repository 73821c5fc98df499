//! A VM's own website in a desktop window: the page its guest serves on port 80, in a frame on
//! the VM's own origin (never Ezilla's: its pages cannot reach Ezilla's API with the user's
//! cookie), entered with a one-time token the server gives; and in a new tab on request.

use leptos::prelude::*;

use crate::{
    api,
    i18n::{Key, use_i18n},
};

/// The entry's query says it is opened in a frame: the server then gives the site's cookie
/// in the form a frame of another site keeps (partitioned to the desktop).
const IN_FRAME: &str = "&frame=1";

#[component]
pub fn Website(uuid: String) -> impl IntoView {
    let i18n = use_i18n();
    let error = RwSignal::new(None::<String>);
    let src = RwSignal::new(None::<String>);
    // A one-time entry, asked for again by the reload button.
    let entry = LocalResource::new({
        let uuid = uuid.clone();
        move || {
            let uuid = uuid.clone();
            async move { api::website_entry(&uuid).await }
        }
    });
    // A failed reload keeps the page shown, under the error (as does a blocked new tab).
    Effect::new(move || match entry.get() {
        Some(Ok(entry)) => {
            error.set(None);
            src.set(Some(format!("{}{IN_FRAME}", entry.url)));
        }
        Some(Err(err)) => error.set(Some(i18n.error(&err))),
        None => {}
    });
    let new_tab = move |_| open_in_tab(uuid.clone(), error);
    view! {
        <div class="website-window">
            <div class="console-bar">
                <button class="reload" on:click=move |_| entry.refetch()>{move || i18n.t(Key::Refresh)}</button>
                <button class="new-tab" on:click=new_tab>{move || i18n.t(Key::OpenInNewTab)}</button>
                <Show when=move || error.get().is_some()>
                    <span class="error" role="alert">{move || error.get()}</span>
                </Show>
            </div>
            {move || src.get().map(|src| view! {
                <iframe class="site" src=src title=move || i18n.t(Key::Website)
                    referrerpolicy="no-referrer"></iframe>
            })}
        </div>
    }
}

/// Opens VM `uuid`'s website in a new tab: the tab opens now, while the click counts as the
/// user's, and goes to the one-time entry once the server has given it.
pub fn open_in_tab(uuid: String, error: RwSignal<Option<String>>) {
    let i18n = use_i18n();
    let tab = window()
        .open_with_url_and_target("about:blank", "_blank")
        .ok()
        .flatten();
    leptos::task::spawn_local(async move {
        match (api::website_entry(&uuid).await, tab) {
            (Ok(entry), Some(tab)) => {
                let _ = tab.location().set_href(&entry.url);
            }
            (Ok(_), None) => error.set(Some(i18n.t(Key::PopupBlocked).to_owned())),
            (Err(err), tab) => {
                if let Some(tab) = tab {
                    let _ = tab.close();
                }
                error.set(Some(i18n.error(&err)));
            }
        }
    });
}
