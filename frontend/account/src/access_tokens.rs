//! Settings' access tokens: for the `ezilla` command line and other tools. Make one (name,
//! scope, lifetime; its secret shown this once), see each one's expiry and last use, revoke.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{AccessToken, NewAccessToken, TokenScope};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

/// The lifetimes offered, in days.
const LIFETIMES: [u32; 4] = [7, 30, 90, 365];

/// A change to the user's tokens. One action for both, so that the error line says how the
/// last one went.
#[derive(Clone)]
enum Change {
    Create(NewAccessToken),
    Revoke(i64),
}

#[component]
pub fn AccessTokens() -> impl IntoView {
    let i18n = use_i18n();
    let secret = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let (scope, days) = (RwSignal::new(TokenScope::Read), RwSignal::new(30u32));
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        async move {
            match change {
                Change::Create(token) => {
                    let made = api::create_token(&token).await?;
                    name.set(String::new());
                    secret.set(Some(made.secret));
                    Ok(())
                }
                Change::Revoke(id) => api::revoke_token(id).await,
            }
        }
    });
    // Listed again after each change.
    let tokens = LocalResource::new(move || {
        change.version().track();
        api::list_tokens()
    });
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        change.dispatch(Change::Create(NewAccessToken {
            name: name.get_untracked(),
            scope: scope.get_untracked(),
            expires_in_days: days.get_untracked(),
        }));
    };
    let revoke = move |id: i64| {
        change.dispatch(Change::Revoke(id));
    };
    let failed = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    let row = move |token: AccessToken| {
        let id = token.id;
        let scope = match token.scope {
            TokenScope::Read => Key::TokenScopeRead,
            TokenScope::Write => Key::TokenScopeWrite,
        };
        let last_used = token.last_used.map(day_and_time);
        view! {
            <li data-token=id>
                <span class="token-name">{token.name}</span>
                <span class="token-scope">{move || i18n.t(scope)}</span>
                <span class="token-expires">
                    {move || i18n.t(Key::TokenExpires)} " " {day_and_time(token.expires)}
                </span>
                <span class="token-last-used">
                    {move || i18n.t(Key::TokenLastUsed)} " "
                    {move || last_used.clone().unwrap_or_else(|| i18n.t(Key::TokenNeverUsed).into())}
                </span>
                <button class="revoke-token" on:click=move |_| revoke(id)>
                    {move || i18n.t(Key::Revoke)}
                </button>
            </li>
        }
    };
    view! {
        <section class="access-tokens">
            <h3>{move || i18n.t(Key::AccessTokens)}</h3>
            <p class="hint">
                {move || i18n.t(Key::AccessTokensHint)} " "
                <a class="api-reference" href=shared::routes::API_DOCS target="_blank" rel="noopener">
                    {move || i18n.t(Key::ApiReference)}
                </a>
            </p>
            <ErrorBoundary fallback=move |errors| view! {
                <p class="error" role="alert">{move || i18n.thrown(&errors.read())}</p>
            }>
                <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
                    {move || Suspend::new(async move {
                        tokens.await.map(|list| if list.is_empty() {
                            view! { <p class="empty">{move || i18n.t(Key::NoAccessTokens)}</p> }.into_any()
                        } else {
                            view! { <ul class="token-list">{list.into_iter().map(row).collect_view()}</ul> }.into_any()
                        })
                    })}
                </Transition>
            </ErrorBoundary>
            <form class="create-token" on:submit=create>
                <input name="token-name" maxlength="100" required bind:value=name
                    placeholder=move || i18n.t(Key::Name) />
                <select name="token-scope" on:change=move |ev| scope.set(
                    if event_target_value(&ev) == "write" { TokenScope::Write } else { TokenScope::Read })>
                    <option value="read" selected>{move || i18n.t(Key::TokenScopeRead)}</option>
                    <option value="write">{move || i18n.t(Key::TokenScopeWrite)}</option>
                </select>
                <select name="token-days" on:change=move |ev| {
                    days.set(event_target_value(&ev).parse().unwrap_or(30))
                }>
                    {LIFETIMES.map(|d| view! {
                        <option value=d.to_string() selected=d == 30>
                            {d} " " {move || i18n.t(Key::Days)}
                        </option>
                    }).collect_view()}
                </select>
                <button type="submit">{move || i18n.t(Key::CreateToken)}</button>
            </form>
            {move || secret.get().map(|secret| view! {
                <p class="notice" role="status">{move || i18n.t(Key::TokenShownOnce)}</p>
                <code class="new-token">{secret}</code>
            })}
            <Show when=move || failed().is_some()>
                <p class="error" role="alert">{failed}</p>
            </Show>
        </section>
    }
}

/// `YYYY-MM-DD HH:MM` (UTC) of Unix seconds.
fn day_and_time(secs: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    let iso: String = date.to_iso_string().into();
    iso.get(..16).unwrap_or(&iso).replace('T', " ")
}
