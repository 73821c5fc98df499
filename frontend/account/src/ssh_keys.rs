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

/// A change to the user's keys. One action for all, so that the error line says how the last
/// one went.
#[derive(Clone)]
enum Change {
    Add(NewSshKey),
    Generate(GenerateKey),
    Remove(i64),
}

#[component]
pub fn SshKeys() -> impl IntoView {
    let i18n = use_i18n();
    let downloaded = RwSignal::new(false);
    let (name, public_key) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        async move {
            match change {
                Change::Add(key) => {
                    api::add_key(&key).await?;
                    name.set(String::new());
                    public_key.set(String::new());
                }
                Change::Generate(request) => {
                    let pair = api::generate_key(&request).await?;
                    download(&pair.private_key, "id_ed25519_ezilla");
                    downloaded.set(true);
                }
                Change::Remove(id) => api::remove_key(id).await?,
            }
            Ok(())
        }
    });
    // Listed again after each change.
    let keys = LocalResource::new(move || {
        change.version().track();
        api::list_keys()
    });
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        change.dispatch(Change::Add(NewSshKey {
            name: name.get_untracked(),
            public_key: public_key.get_untracked(),
        }));
    };
    let generate = move |_| {
        change.dispatch(Change::Generate(GenerateKey {
            name: i18n.t(Key::GeneratedKeyName).to_owned(),
        }));
    };
    let remove = move |id: i64| {
        change.dispatch(Change::Remove(id));
    };
    let failed = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    let list = move |list: Vec<SshKey>| {
        if list.is_empty() {
            return view! { <p class="empty">{move || i18n.t(Key::NoSshKeys)}</p> }.into_any();
        }
        view! {
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
        }
        .into_any()
    };
    view! {
        <section class="ssh-keys">
            <h3>{move || i18n.t(Key::SshKeys)}</h3>
            <p class="hint">{move || i18n.t(Key::SshKeysHint)}</p>
            <ErrorBoundary fallback=move |errors| view! {
                <p class="error" role="alert">{move || i18n.thrown(&errors.read())}</p>
            }>
                <Transition fallback=move || view! { <p>{move || i18n.t(Key::Loading)}</p> }>
                    {move || Suspend::new(async move { keys.await.map(list) })}
                </Transition>
            </ErrorBoundary>
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
            <Show when=move || failed().is_some()>
                <p class="error" role="alert">{failed}</p>
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
