//! The login page, like the original's: username, password, language; Enter submits.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{Language, LoginRequest};

use crate::{
    i18n::{Key, use_i18n},
    state::session::use_session,
    timing,
};

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    let submit = Action::new_local(move |request: &LoginRequest| {
        let request = request.clone();
        async move {
            match session.login(request).await {
                Ok(()) => error.set(None),
                Err(err) => error.set(Some(i18n.error(&err))),
            }
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        timing::mark(timing::LOGIN_SUBMITTED);
        submit.dispatch(LoginRequest {
            username: username.get_untracked(),
            password: password.get_untracked(),
            language: Some(i18n.language.get_untracked()),
        });
    };

    view! {
        <main class="login-page">
            <form class="login-card" on:submit=on_submit>
                <h1>{move || i18n.t(Key::LoginTitle)}</h1>
                <label>
                    <span>{move || i18n.t(Key::Username)}</span>
                    <input name="username" autocomplete="username" required autofocus
                        bind:value=username />
                </label>
                <label>
                    <span>{move || i18n.t(Key::Password)}</span>
                    <input name="password" type="password" autocomplete="current-password" required
                        bind:value=password />
                </label>
                <label>
                    <span>{move || i18n.t(Key::Language)}</span>
                    <select name="language" on:change=move |ev| {
                        if let Some(lang) = Language::from_tag(&event_target_value(&ev)) {
                            i18n.language.set(lang);
                        }
                    }>
                        {Language::ALL.into_iter().map(|lang| view! {
                            <option value=lang.tag() selected=move || i18n.language.get() == lang>
                                {lang.native_name()}
                            </option>
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get()}</p>
                </Show>
                <button type="submit" disabled=move || submit.pending().get()>
                    {move || i18n.t(if submit.pending().get() { Key::LoggingIn } else { Key::LogIn })}
                </button>
            </form>
        </main>
    }
}
