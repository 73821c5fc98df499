//! Settings: the wallpaper (saved with the desktop) and the interface language (saved as the
//! user's language).

use leptos::prelude::*;
use shared::{Language, SetLanguage};

use crate::{
    api,
    i18n::{Key, use_i18n},
    state::{
        desktop::{WALLPAPERS, use_personal},
        session::use_session,
    },
};

#[component]
pub fn Settings() -> impl IntoView {
    let i18n = use_i18n();
    let personal = use_personal();
    let session = use_session();
    let error = RwSignal::new(None::<String>);
    let pick_language = move |tag: String| {
        let Some(language) = Language::from_tag(&tag) else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::set_language(&SetLanguage { language }).await {
                Ok(user) => {
                    i18n.language.set(user.language);
                    session.user.set(Some(user));
                    error.set(None);
                }
                Err(err) => error.set(Some(err.to_string())),
            }
        });
    };
    view! {
        <div class="settings">
            <h3>{move || i18n.t(Key::Wallpaper)}</h3>
            <div class="wallpapers" role="radiogroup" aria-label=move || i18n.t(Key::Wallpaper)>
                {WALLPAPERS.map(|name| view! {
                    <button
                        class="wallpaper"
                        role="radio"
                        data-wallpaper=name
                        aria-checked=move || (personal.wallpaper.get() == name).to_string()
                        class:chosen=move || personal.wallpaper.get() == name
                        on:click=move |_| personal.wallpaper.set(name.to_owned())
                    >
                        <img src=format!("/wallpapers/{name}") alt=name />
                    </button>
                }).collect_view()}
            </div>
            <h3>{move || i18n.t(Key::Language)}</h3>
            <select name="settings-language" on:change=move |ev| pick_language(event_target_value(&ev))>
                {Language::ALL.map(|lang| view! {
                    <option value=lang.tag() selected=move || i18n.language.get() == lang>
                        {lang.native_name()}
                    </option>
                }).collect_view()}
            </select>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}
