//! The selected VM's CD drive: the ISO in it, eject, and insert one of the user's ISOs (at
//! once in a running VM, and kept across restarts); and whether the VM boots from its disk or
//! its CD first (from its next start: the CD for an install, the disk once it is done).

use leptos::prelude::*;
use shared::{BootDevice, Iso, Vm};

use crate::{
    api,
    components::loaded::loaded,
    i18n::{Key, use_i18n},
};

/// A change to the drive: the ISO in it (`None`: eject), or the device booted first. One
/// action and one load for both, which keeps the initial bundle small.
#[derive(Clone, Copy)]
enum Change {
    Media(Option<i64>),
    Boot(BootDevice),
}

#[component]
pub fn CdDrive(
    /// The selected VM, if any.
    vm: Signal<Option<Vm>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let uuid = Memo::new(move |_| vm.with(|v| v.as_ref().map(|v| v.uuid.clone())));
    let picked = RwSignal::new(String::new());
    let change = Action::new_local(|(id, change): &(String, Change)| {
        let (id, change) = (id.clone(), *change);
        async move {
            match change {
                Change::Media(iso) => api::set_cd_media(&id, iso).await,
                Change::Boot(first) => api::set_boot_order(&id, first).await,
            }
        }
    });
    // The selected VM's drive and boot order, and the user's ISOs, loaded again after each
    // change, failed or not.
    let media = LocalResource::new(move || {
        change.version().track();
        let id = uuid.get();
        async move {
            match id {
                Some(id) => Some((api::cd_media(&id).await, api::boot_order(&id).await)),
                None => None,
            }
        }
    });
    let isos = LocalResource::new(move || {
        change.version().track();
        uuid.track();
        async { api::list_isos().await.unwrap_or_default() }
    });
    // The last change's error (a VM that boots its kernel directly keeps its boot order, and
    // says so), until another VM is selected.
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
    let send = move |to: Change| {
        if let Some(id) = uuid.get_untracked() {
            change.dispatch((id, to));
        }
    };
    let insert = move |iso| send(Change::Media(iso));
    // An ISO's name, as listed.
    let shown = move |iso: Option<i64>, isos: &[Iso]| match iso {
        None => "-".to_owned(),
        Some(id) => isos
            .iter()
            .find(|i| i.id == id)
            .map_or_else(|| format!("#{id}"), |i| i.name.clone()),
    };
    let boot = move |first: Option<BootDevice>| {
        let first = match first {
            Some(BootDevice::Cdrom) => "cdrom",
            _ => "disk",
        };
        view! {
            <label class="boot-from" data-first=first>
                {move || i18n.t(Key::BootFrom)}" "
                <select name="boot-first" prop:value=first disabled=move || change.pending().get()
                    on:change=move |ev| send(Change::Boot(if event_target_value(&ev) == "cdrom" {
                        BootDevice::Cdrom
                    } else {
                        BootDevice::Disk
                    }))>
                    <option value="disk">{move || i18n.t(Key::Disk)}</option>
                    <option value="cdrom">"CD"</option>
                </select>
                " "<span class="hint">{move || i18n.t(Key::FromNextStart)}</span>
            </label>
        }
    };
    // The whole row from one load: until the drive first answers "CD: -", then what it holds
    // (the last answer while it loads again); a drive that cannot be read says why.
    view! {
        <div class="cd-drive">
            {loaded(
                ViewFnOnce::from(|| view! { <span>"CD: "</span><span class="cd-media">"-"</span> }),
                move || Suspend::new(async move {
                    let isos = isos.await;
                    let (media, first) = match media.await {
                        Some((media, first)) => (Some(media?), Some(first?)),
                        None => (None, None),
                    };
                    let iso = media.and_then(|media| media.iso);
                    Ok(view! {
                        <span>"CD: "</span>
                        <span class="cd-media">{shown(iso, &isos)}</span>
                        {iso.map(|_| view! {
                            <button class="eject" on:click=move |_| insert(None)>{move || i18n.t(Key::Eject)}</button>
                        })}
                        <select name="cd-iso" prop:value=move || picked.get() on:change=move |ev| picked.set(event_target_value(&ev))>
                            <option value="">"…"</option>
                            {isos.into_iter().map(|i| view! {
                                <option value=i.id.to_string()>{i.name}</option>
                            }).collect_view()}
                        </select>
                        <button class="insert" on:click=move |_| insert(picked.get_untracked().parse().ok())>
                            {move || i18n.t(Key::Insert)}
                        </button>
                        {boot(first)}
                    }
                    .into_any())
                }),
            )}
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </div>
    }
}
