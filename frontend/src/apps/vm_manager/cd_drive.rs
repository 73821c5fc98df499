//! The selected VM's CD drive: the ISO in it, eject, and insert one of the user's ISOs (at
//! once in a running VM, and kept across restarts).

use leptos::prelude::*;
use shared::{Iso, Vm};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

#[component]
pub fn CdDrive(
    /// The selected VM, if any.
    vm: Signal<Option<Vm>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let uuid = Memo::new(move |_| vm.with(|v| v.as_ref().map(|v| v.uuid.clone())));
    let inserted = RwSignal::new(None::<i64>);
    let isos = RwSignal::new(Vec::<Iso>::new());
    let picked = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        let Some(id) = uuid.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            match api::cd_media(&id).await {
                Ok(media) => inserted.set(media.iso),
                Err(err) => error.set(Some(i18n.error(&err))),
            }
            isos.set(api::list_isos().await.unwrap_or_default());
        });
    };
    Effect::new(move || {
        uuid.track();
        error.set(None);
        reload();
    });
    let change = move |iso: Option<i64>| {
        let Some(id) = uuid.get_untracked() else {
            return;
        };
        leptos::task::spawn_local(async move {
            error.set(
                api::set_cd_media(&id, iso)
                    .await
                    .err()
                    .map(|e| i18n.error(&e)),
            );
            reload();
        });
    };
    let shown = move || match inserted.get() {
        None => "-".to_owned(),
        Some(id) => isos.with(|l| {
            l.iter()
                .find(|i| i.id == id)
                .map_or_else(|| format!("#{id}"), |i| i.name.clone())
        }),
    };
    view! {
        <div class="cd-drive">
            <span>"CD: "</span>
            <span class="cd-media">{shown}</span>
            <Show when=move || inserted.get().is_some()>
                <button class="eject" on:click=move |_| change(None)>{move || i18n.t(Key::Eject)}</button>
            </Show>
            <select name="cd-iso" on:change=move |ev| picked.set(event_target_value(&ev))>
                <option value="">"…"</option>
                {move || isos.get().into_iter().map(|i| view! {
                    <option value=i.id.to_string()>{i.name}</option>
                }).collect_view()}
            </select>
            <button class="insert" on:click=move |_| change(picked.get_untracked().parse().ok())>
                {move || i18n.t(Key::Insert)}
            </button>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}
