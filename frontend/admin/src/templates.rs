//! The Templates app (admins): the catalogue and users' saved images; add a template from a
//! volume picked from a host's storage pool (no paths typed), delete one (refused while VMs
//! are backed by it), edit a shared template's defaults for new VMs, publish a user's saved
//! image.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{Template, TemplateDefaults};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

/// A change to the catalogue. One action for all, so that the line under the form says how
/// the last one went, whichever it was.
#[derive(Clone)]
enum Change {
    Add(Template),
    Delete(String),
    Edit(String, TemplateDefaults),
    Publish { owner: String, image: String },
}

#[component]
pub fn Templates() -> impl IntoView {
    let i18n = use_i18n();
    let (host, pool, volume) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let (name, os) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (cores, memory, disk) = (
        RwSignal::new("1".to_owned()),
        RwSignal::new("1024".to_owned()),
        RwSignal::new("10".to_owned()),
    );
    let cloud_init = RwSignal::new(false);
    let change = Action::new_local(|change: &Change| {
        let change = change.clone();
        async move {
            match change {
                Change::Add(template) => api::add_template(&template).await.map(drop),
                Change::Delete(name) => api::delete_template(&name).await,
                Change::Edit(name, defaults) => {
                    api::edit_template(&name, &defaults).await.map(drop)
                }
                Change::Publish { owner, image } => api::publish_image(&owner, &image).await,
            }
        }
    });
    // Listed again after each change, failed or not.
    let list = LocalResource::new(move || {
        change.version().track();
        api::list_templates()
    });
    // The pickers' choices: none before the one above is picked, while loading, or when the
    // server would not say.
    let hosts = LocalResource::new(api::list_hosts);
    let pools = LocalResource::new(move || {
        let host = host.get();
        async move {
            if host.is_empty() {
                return Vec::new();
            }
            api::host_pools(&host).await.unwrap_or_default()
        }
    });
    let volumes = LocalResource::new(move || {
        let (host, pool) = (host.get(), pool.get());
        async move {
            if pool.is_empty() {
                return Vec::new();
            }
            api::pool_volumes(&host, &pool).await.unwrap_or_default()
        }
    });
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<u64>().unwrap_or(0);
        change.dispatch(Change::Add(Template {
            name: name.get_untracked().trim().to_owned(),
            os: os.get_untracked(),
            storage_pool: pool.get_untracked(),
            volume: volume.get_untracked(),
            cores: number(cores) as u32,
            memory_mib: number(memory),
            disk_gib: number(disk),
            kernel_boot: None,
            owner: None,
            cloud_init: cloud_init.get_untracked(),
        }));
    };
    // The template whose defaults are being edited, and the form's fields.
    let editing = RwSignal::new(None::<String>);
    let (edit_os, edit_cores, edit_memory, edit_disk) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let edit_cloud_init = RwSignal::new(false);
    // The last change's error, shown in the edit form while it is open (else under the add
    // form); cleared when an edit starts. A saved edit closes its form.
    let error = RwSignal::new(None::<String>);
    Effect::new(move || match change.value().get() {
        Some(Ok(())) => {
            error.set(None);
            editing.set(None);
        }
        Some(Err(e)) => error.set(Some(i18n.error(&e))),
        None => {}
    });
    let failed = move || error.get();
    let edit = move |t: &Template| {
        edit_os.set(t.os.clone());
        edit_cores.set(t.cores.to_string());
        edit_memory.set(t.memory_mib.to_string());
        edit_disk.set(t.disk_gib.to_string());
        edit_cloud_init.set(t.cloud_init);
        error.set(None);
        editing.set(Some(t.name.clone()));
    };
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(name) = editing.get_untracked() else {
            return;
        };
        // Left to the server to refuse (with its reason) what does not parse as a size.
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<u64>().unwrap_or(0);
        change.dispatch(Change::Edit(
            name,
            TemplateDefaults {
                os: edit_os.get_untracked(),
                cores: u32::try_from(number(edit_cores)).unwrap_or(0),
                memory_mib: number(edit_memory),
                disk_gib: number(edit_disk),
                cloud_init: edit_cloud_init.get_untracked(),
            },
        ));
    };
    let row = move |t: Template| {
        let (gone, owner, image) = (t.name.clone(), t.owner.clone(), t.name.clone());
        let edited = t.clone();
        view! {
            <tr data-template=t.name.clone()>
                <td>{t.name.clone()}</td><td>{t.os.clone()}</td>
                <td>{format!("{}/{}", t.storage_pool, t.volume)}</td>
                <td>{format!("{} vCPU, {} MiB, {} GiB", t.cores, t.memory_mib, t.disk_gib)}</td>
                <td>{t.owner.clone()}</td>
                <td>{match owner {
                    None => view! {
                        <button class="edit-template" on:click=move |_| edit(&edited)>
                            {move || i18n.t(Key::Edit)}</button>
                        <button class="delete-template" on:click=move |_| { change.dispatch(Change::Delete(gone.clone())); }>
                            {move || i18n.t(Key::Delete)}</button>
                    }.into_any(),
                    Some(owner) => view! {
                        <button class="publish-image" on:click=move |_| { change.dispatch(Change::Publish { owner: owner.clone(), image: image.clone() }); }>
                            {move || i18n.t(Key::Publish)}</button>
                    }.into_any(),
                }}</td>
            </tr>
        }
    };
    let options = |items: Vec<String>| {
        items
            .into_iter()
            .map(|v| view! { <option value=v.clone()>{v.clone()}</option> })
            .collect_view()
    };
    view! {
        <section class="templates-app">
            <table class="template-table user-table">
                // A failed load says why where the rows would be.
                <ErrorBoundary fallback=move |errors| view! {
                    <tr><td colspan="6" class="error" role="alert">{move || i18n.thrown(&errors.read())}</td></tr>
                }>
                <Transition>
                    {move || Suspend::new(async move {
                        list.await.map(|list| list.into_iter().map(row).collect_view())
                    })}
                </Transition>
                </ErrorBoundary>
            </table>
            <Show when=move || editing.with(Option::is_some)>
                <form class="edit-template" data-template=move || editing.get() on:submit=save>
                    <strong>{move || editing.get()}</strong>
                    <input name="edit-os" required maxlength="64" bind:value=edit_os placeholder="OS" />
                    <label>"vCPU "<input name="edit-cores" type="number" bind:value=edit_cores /></label>
                    <label>"MiB "<input name="edit-memory" type="number" bind:value=edit_memory /></label>
                    <label>"GiB "<input name="edit-disk" type="number" bind:value=edit_disk /></label>
                    <label><input type="checkbox" name="edit-cloud-init" bind:checked=edit_cloud_init />"cloud-init"</label>
                    <button type="submit" disabled=move || change.pending().get()>{move || i18n.t(Key::Save)}</button>
                    <button type="button" class="cancel" on:click=move |_| editing.set(None)>{move || i18n.t(Key::Cancel)}</button>
                    <Show when=move || failed().is_some()>
                        <p class="error" role="alert">{failed}</p>
                    </Show>
                </form>
            </Show>
            <form class="add-template" on:submit=add>
                <select name="tpl-host" on:change=move |ev| host.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Key::Host)}</option>
                    {move || options(hosts.get().and_then(Result::ok).unwrap_or_default().into_iter().map(|h| h.name).collect())}
                </select>
                <select name="tpl-pool" on:change=move |ev| pool.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Key::StoragePools)}</option>
                    {move || options(pools.get().unwrap_or_default().into_iter().map(|p| p.name).collect())}
                </select>
                <select name="tpl-volume" on:change=move |ev| volume.set(event_target_value(&ev))>
                    <option value="">"…"</option>
                    {move || options(volumes.get().unwrap_or_default().into_iter().map(|v| v.name).collect())}
                </select>
                <input name="tpl-name" required maxlength="63" bind:value=name placeholder=move || i18n.t(Key::Name) />
                <input name="tpl-os" required maxlength="100" bind:value=os placeholder="OS" />
                <input name="tpl-cores" type="number" min="1" bind:value=cores />
                <input name="tpl-memory" type="number" min="64" bind:value=memory />
                <input name="tpl-disk" type="number" min="1" bind:value=disk />
                <label><input type="checkbox" name="tpl-cloud-init" bind:checked=cloud_init />"cloud-init"</label>
                <button type="submit">{move || i18n.t(Key::AddTemplate)}</button>
            </form>
            <Show when=move || failed().is_some() && editing.with(Option::is_none)>
                <p class="error" role="alert">{failed}</p>
            </Show>
        </section>
    }
}
