//! Settings' SSH keys: the public keys that the VMs Ezilla makes for the user accept. Add one
//! (pasted, checked by the server, its fingerprint shown), remove one, or generate a pair:
//! the server keeps the public half and hands the private half over once, as a download.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{GenerateKey, NewSshKey, SshKey};
use wasm_bindgen::JsCast;

use crate::{
    api,
    i18n::{Key, use_i18n},
};

#[component]
pub fn SshKeys() -> impl IntoView {
    let i18n = use_i18n();
    let keys = RwSignal::new(None::<Vec<SshKey>>);
    let error = RwSignal::new(None::<String>);
    let downloaded = RwSignal::new(false);
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::list_keys().await {
                Ok(list) => keys.set(Some(list)),
                Err(err) => error.set(Some(i18n.error(&err))),
            }
        })
    };
    reload();
    let (name, public_key) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let key = NewSshKey {
            name: name.get_untracked(),
            public_key: public_key.get_untracked(),
        };
        leptos::task::spawn_local(async move {
            match api::add_key(&key).await {
                Ok(_) => {
                    name.set(String::new());
                    public_key.set(String::new());
                    error.set(None);
                    reload();
                }
                Err(err) => error.set(Some(i18n.error(&err))),
            }
        });
    };
    let generate = move |_| {
        let request = GenerateKey {
            name: i18n.t(Key::GeneratedKeyName).to_owned(),
        };
        leptos::task::spawn_local(async move {
            match api::generate_key(&request).await {
                Ok(pair) => {
                    download(&pair.private_key, "id_ed25519_ezilla");
                    downloaded.set(true);
                    error.set(None);
                    reload();
                }
                Err(err) => error.set(Some(i18n.error(&err))),
            }
        });
    };
    let remove = move |id: i64| {
        leptos::task::spawn_local(async move {
            match api::remove_key(id).await {
                Ok(()) => reload(),
                Err(err) => error.set(Some(i18n.error(&err))),
            }
        })
    };
    view! {
        <section class="ssh-keys">
            <h3>{move || i18n.t(Key::SshKeys)}</h3>
            <p class="hint">{move || i18n.t(Key::SshKeysHint)}</p>
            {move || match keys.get() {
                None => view! { <p>{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Some(list) if list.is_empty() => {
                    view! { <p class="empty">{move || i18n.t(Key::NoSshKeys)}</p> }.into_any()
                }
                Some(list) => view! {
                    <ul class="key-list">
                        {list.into_iter().map(|key| {
                            let (id, fingerprint) = (key.id, key.fingerprint.clone());
                            view! {
                                <li data-fingerprint=fingerprint>
                                    <span class="key-name">{key.name}</span>
                                    <code class="fingerprint">{key.fingerprint}</code>
                                    <button class="remove-key" on:click=move |_| remove(id)>
                                        {move || i18n.t(Key::Delete)}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <form class="add-key" on:submit=add>
                <input name="key-name" maxlength="100" bind:value=name
                    placeholder=move || i18n.t(Key::Name) />
                <textarea name="public-key" rows="3" required bind:value=public_key
                    placeholder="ssh-ed25519 AAAA… you@laptop"></textarea>
                <button type="submit">{move || i18n.t(Key::AddSshKeyAction)}</button>
            </form>
            <button class="generate-key" on:click=generate>{move || i18n.t(Key::GenerateKeypair)}</button>
            <Show when=move || downloaded.get()>
                <p class="notice" role="status">{move || i18n.t(Key::PrivateKeyDownloaded)}</p>
            </Show>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </section>
    }
}

/// Hands `text` to the browser as a file download named `filename`.
fn download(text: &str, filename: &str) {
    let parts = js_sys::Array::of1(&text.into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    if let Some(link) = link {
        link.set_href(&url);
        link.set_download(filename);
        link.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}
