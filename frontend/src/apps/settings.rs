//! Settings: the wallpaper (one of Ezilla's or an uploaded image, saved with the desktop) and
//! the interface language (saved as the user's language).

use leptos::prelude::*;
use shared::{
    ErrorCode, Language, SetLanguage,
    wallpaper::{self, MAX_UPLOAD_BYTES},
};
use web_sys::HtmlInputElement;

use super::{
    AppKind,
    lazy::{LazyApp, Module},
};
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
    let set_language = Action::new_local(move |language: &Language| {
        let language = *language;
        async move {
            let user = api::set_language(&SetLanguage { language }).await?;
            i18n.language.set(user.language);
            session.user.set(Some(user));
            Ok(())
        }
    });
    let pick_language = move |tag: String| {
        if let Some(language) = Language::from_tag(&tag) {
            set_language.dispatch(language);
        }
    };
    let failed = move || {
        set_language
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
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
                <UploadedChoice />
            </div>
            <UploadWallpaper />
            <h3>{move || i18n.t(Key::Language)}</h3>
            <select name="settings-language" on:change=move |ev| pick_language(event_target_value(&ev))>
                {Language::ALL.map(|lang| view! {
                    <option value=lang.tag() selected=move || i18n.language.get() == lang>
                        {lang.native_name()}
                    </option>
                }).collect_view()}
            </select>
            <Show when=move || failed().is_some()>
                <p class="error" role="alert">{failed}</p>
            </Show>
            // The SSH keys and access tokens: a module of their own, fetched on first use.
            <LazyApp module=Module::Account app=AppKind::Settings vm=None />
        </div>
    }
}

/// The user's uploaded image among the wallpapers, once they have one.
#[component]
fn UploadedChoice() -> impl IntoView {
    let i18n = use_i18n();
    let personal = use_personal();
    let upload = RwSignal::new(None::<String>);
    leptos::task::spawn_local(async move {
        if let Ok(Some(stored)) = api::uploaded_wallpaper().await {
            upload.update(|known| {
                known.get_or_insert(stored);
            });
        }
    });
    // The latest upload (this tab's or another's) stays on offer after choosing another.
    Effect::new(move || {
        let current = personal.wallpaper.get();
        if wallpaper::is_upload(&current) {
            upload.set(Some(current));
        }
    });
    move || {
        upload.get().map(|value| {
            let chosen = {
                let value = value.clone();
                move || personal.wallpaper.get() == value
            };
            view! {
                <button
                    class="wallpaper uploaded"
                    role="radio"
                    data-wallpaper=value.clone()
                    aria-checked={
                        let chosen = chosen.clone();
                        move || chosen().to_string()
                    }
                    class:chosen=chosen
                    on:click={
                        let value = value.clone();
                        move |_| personal.wallpaper.set(value.clone())
                    }
                >
                    <img src=wallpaper::url(&value) alt=move || i18n.t(Key::WallpaperMine) />
                </button>
            }
        })
    }
}

/// "Upload image…": a file input whose image, once the server has taken it, becomes the
/// wallpaper; a refused file leaves the wallpaper as it was and says why.
#[component]
fn UploadWallpaper() -> impl IntoView {
    let i18n = use_i18n();
    let personal = use_personal();
    let send = Action::new_local(move |file: &web_sys::File| {
        let file = file.clone();
        async move {
            let uploaded = api::upload_wallpaper(&file).await?;
            personal.wallpaper.set(uploaded.wallpaper);
            Ok(())
        }
    });
    let busy = send.pending();
    // Why the last file was refused: here when too large, else by the server.
    let refused = RwSignal::new(None::<Key>);
    Effect::new(move || {
        if let Some(outcome) = send.value().get() {
            refused.set(outcome.err().map(|e| why_refused(&e)));
        }
    });
    let upload = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // So that choosing the same file again uploads it again.
        input.set_value("");
        if file.size() > MAX_UPLOAD_BYTES as f64 {
            refused.set(Some(Key::WallpaperTooLarge));
            return;
        }
        send.dispatch(file);
    };
    view! {
        <label class="wallpaper-upload" class:busy=move || busy.get()>
            <span>
                {move || i18n.t(if busy.get() { Key::WallpaperUploading } else { Key::WallpaperUpload })}
            </span>
            <input
                type="file"
                name="wallpaper-upload"
                accept="image/png,image/jpeg,image/gif,image/webp"
                disabled=move || busy.get()
                on:change=upload
            />
        </label>
        <Show when=move || refused.get().is_some()>
            <p class="error wallpaper-error" role="alert">
                {move || refused.get().map(|key| i18n.t(key))}
            </p>
        </Show>
    }
}

/// What the user reads when an upload fails.
fn why_refused(err: &api::Error) -> Key {
    match err.code() {
        Some(ErrorCode::PayloadTooLarge) => Key::WallpaperTooLarge,
        Some(ErrorCode::UnsupportedMediaType) => Key::WallpaperWrongType,
        Some(ErrorCode::BadRequest) => Key::WallpaperUnreadable,
        _ if *err == api::Error::Unreachable => Key::ServerUnreachable,
        _ => Key::WallpaperUploadFailed,
    }
}
