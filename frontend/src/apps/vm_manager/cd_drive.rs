//! The selected VM's CD drive: the ISO in it, eject, and insert one of the user's ISOs (at
//! once in a running VM, and kept across restarts).

use leptos::prelude::*;
use shared::{Iso, Vm};

use crate::{
    api,
    components::loaded::loaded,
    i18n::{Key, use_i18n},
};

#[component]
pub fn CdDrive(
    /// The selected VM, if any.
    vm: Signal<Option<Vm>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let uuid = Memo::new(move |_| vm.with(|v| v.as_ref().map(|v| v.uuid.clone())));
    let picked = RwSignal::new(String::new());
    let change = Action::new_local(|(id, iso): &(String, Option<i64>)| {
        let (id, iso) = (id.clone(), *iso);
        async move { api::set_cd_media(&id, iso).await }
    });
    // The selected VM's drive and the user's ISOs, loaded again after each change.
    let media = LocalResource::new(move || {
        change.version().track();
        let id = uuid.get();
        async move {
            match id {
                Some(id) => Some(api::cd_media(&id).await),
                None => None,
            }
        }
    });
    let isos = LocalResource::new(move || {
        change.version().track();
        uuid.track();
        async { api::list_isos().await.unwrap_or_default() }
    });
    // The last change's error, until another VM is selected.
    let error = RwSignal::new(None::<String>);
    Effect::new(move || {
        uuid.track();
        error.set(None);
    });
    Effect::new(move || {
        if let Some(outcome) = change.value().get() {
            error.set(outcome.err().map(|e| i18n.error(&e)));
        }
    });
    let insert = move |iso: Option<i64>| {
        if let Some(id) = uuid.get_untracked() {
            change.dispatch((id, iso));
        }
    };
    // An ISO's name, as listed.
    let shown = move |iso: Option<i64>, isos: &[Iso]| match iso {
        None => "-".to_owned(),
        Some(id) => isos
            .iter()
            .find(|i| i.id == id)
            .map_or_else(|| format!("#{id}"), |i| i.name.clone()),
    };
    view! {
        <div class="cd-drive">
            <span>"CD: "</span>
            // Until the drive answers, what it last held; a drive that cannot be read says why.
            {loaded(
                ViewFnOnce::from(|| view! { <span class="cd-media">"-"</span> }),
                move || Suspend::new(async move {
                    let isos = isos.await;
                    media.await.transpose().map(|media| {
                        let iso = media.and_then(|media| media.iso);
                        view! {
                            <span class="cd-media">{shown(iso, &isos)}</span>
                            {iso.map(|_| view! {
                                <button class="eject" on:click=move |_| insert(None)>{move || i18n.t(Key::Eject)}</button>
                            })}
                        }
                        .into_any()
                    })
                }),
            )}
            <select name="cd-iso" on:change=move |ev| picked.set(event_target_value(&ev))>
                <option value="">"…"</option>
                {loaded(ViewFnOnce::default(), move || Suspend::new(async move {
                    Ok(isos.await.into_iter().map(|i| view! {
                        <option value=i.id.to_string()>{i.name}</option>
                    }).collect_view().into_any())
                }))}
            </select>
            <button class="insert" on:click=move |_| insert(picked.get_untracked().parse().ok())>
                {move || i18n.t(Key::Insert)}
            </button>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}
