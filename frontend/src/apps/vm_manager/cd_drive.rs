//! The selected VM's CD drive: the ISO in it, eject, and insert one of the user's ISOs (at
//! once in a running VM, and kept across restarts); and whether the VM boots from its disk or
//! its CD first (from its next start: the CD for an install, the disk once it is done).

use leptos::prelude::*;
use shared::{BootDevice, Vm};

use crate::{
    api,
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
    // says so), until another VM is selected; else the drive's own.
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
    let failed = move || {
        error.get().or_else(|| {
            let (media, boot) = media.get().flatten()?;
            media.err().or(boot.err()).map(|e| i18n.error(&e))
        })
    };
    let inserted = Memo::new(
        move |last: Option<&Option<i64>>| match media.get().flatten() {
            Some((Ok(media), _)) => media.iso,
            // Until the drive answers, what it last held.
            _ => last.copied().flatten(),
        },
    );
    let send = move |to: Change| {
        if let Some(id) = uuid.get_untracked() {
            change.dispatch((id, to));
        }
    };
    let insert = move |iso| send(Change::Media(iso));
    let first = move || match media.get().flatten() {
        Some((_, Ok(BootDevice::Cdrom))) => "cdrom",
        Some((_, Ok(BootDevice::Disk))) => "disk",
        _ => "",
    };
    let shown = move || match inserted.get() {
        None => "-".to_owned(),
        Some(id) => isos
            .get()
            .unwrap_or_default()
            .into_iter()
            .find(|i| i.id == id)
            .map_or_else(|| format!("#{id}"), |i| i.name),
    };
    view! {
        <div class="cd-drive">
            <span>"CD: "</span>
            <span class="cd-media">{shown}</span>
            <Show when=move || inserted.get().is_some()>
                <button class="eject" on:click=move |_| insert(None)>{move || i18n.t(Key::Eject)}</button>
            </Show>
            <select name="cd-iso" on:change=move |ev| picked.set(event_target_value(&ev))>
                <option value="">"…"</option>
                {move || isos.get().unwrap_or_default().into_iter().map(|i| view! {
                    <option value=i.id.to_string()>{i.name}</option>
                }).collect_view()}
            </select>
            <button class="insert" on:click=move |_| insert(picked.get_untracked().parse().ok())>
                {move || i18n.t(Key::Insert)}
            </button>
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
            <Show when=move || failed().is_some()>
                <p class="error" role="alert">{failed}</p>
            </Show>
        </div>
    }
}
