//! The Templates app (admins): the catalogue and users' saved images; add a template from a
//! volume picked from a host's storage pool (no paths typed), delete one (refused while VMs
//! are backed by it), publish a user's saved image.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{HostInfo, StoragePoolInfo, Template, VolumeInfo};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

#[component]
pub fn Templates() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::<Template>::new());
    let hosts = RwSignal::new(Vec::<HostInfo>::new());
    let pools = RwSignal::new(Vec::<StoragePoolInfo>::new());
    let volumes = RwSignal::new(Vec::<VolumeInfo>::new());
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
    let error = RwSignal::new(None::<String>);
    let fail = move |err: api::Error| error.set(Some(i18n.error(&err)));
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::list_templates().await {
                Ok(l) => list.set(l),
                Err(err) => fail(err),
            }
            hosts.set(api::list_hosts().await.unwrap_or_default());
        })
    };
    reload();
    let pick_host = move |h: String| {
        host.set(h.clone());
        leptos::task::spawn_local(async move {
            pools.set(api::host_pools(&h).await.unwrap_or_default());
        });
    };
    let pick_pool = move |p: String| {
        pool.set(p.clone());
        leptos::task::spawn_local(async move {
            volumes.set(
                api::pool_volumes(&host.get_untracked(), &p)
                    .await
                    .unwrap_or_default(),
            );
        });
    };
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<u64>().unwrap_or(0);
        let template = Template {
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
        };
        leptos::task::spawn_local(async move {
            error.set(
                api::add_template(&template)
                    .await
                    .err()
                    .map(|e| i18n.error(&e)),
            );
            reload();
        });
    };
    let act =
        move |job: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), api::Error>>>>| {
            leptos::task::spawn_local(async move {
                error.set(job.await.err().map(|e| i18n.error(&e)));
                reload();
            })
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
                {move || list.get().into_iter().map(|t| {
                    let (gone, owner, image) = (t.name.clone(), t.owner.clone(), t.name.clone());
                    view! {
                        <tr data-template=t.name.clone()>
                            <td>{t.name.clone()}</td><td>{t.os.clone()}</td>
                            <td>{format!("{}/{}", t.storage_pool, t.volume)}</td>
                            <td>{format!("{} vCPU, {} MiB, {} GiB", t.cores, t.memory_mib, t.disk_gib)}</td>
                            <td>{t.owner.clone()}</td>
                            <td>{match owner {
                                None => view! {
                                    <button class="delete-template" on:click=move |_| { let gone = gone.clone(); act(Box::pin(async move { api::delete_template(&gone).await })) }>
                                        {move || i18n.t(Key::Delete)}</button>
                                }.into_any(),
                                Some(owner) => view! {
                                    <button class="publish-image" on:click=move |_| { let (o, n) = (owner.clone(), image.clone()); act(Box::pin(async move { api::publish_image(&o, &n).await })) }>
                                        {move || i18n.t(Key::Publish)}</button>
                                }.into_any(),
                            }}</td>
                        </tr>
                    }
                }).collect_view()}
            </table>
            <form class="add-template" on:submit=add>
                <select name="tpl-host" on:change=move |ev| pick_host(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Key::Host)}</option>
                    {move || options(hosts.get().into_iter().map(|h| h.name).collect())}
                </select>
                <select name="tpl-pool" on:change=move |ev| pick_pool(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Key::StoragePools)}</option>
                    {move || options(pools.get().into_iter().map(|p| p.name).collect())}
                </select>
                <select name="tpl-volume" on:change=move |ev| volume.set(event_target_value(&ev))>
                    <option value="">"…"</option>
                    {move || options(volumes.get().into_iter().map(|v| v.name).collect())}
                </select>
                <input name="tpl-name" required maxlength="63" bind:value=name placeholder=move || i18n.t(Key::Name) />
                <input name="tpl-os" required maxlength="100" bind:value=os placeholder="OS" />
                <input name="tpl-cores" type="number" min="1" bind:value=cores />
                <input name="tpl-memory" type="number" min="64" bind:value=memory />
                <input name="tpl-disk" type="number" min="1" bind:value=disk />
                <label><input type="checkbox" name="tpl-cloud-init" bind:checked=cloud_init />"cloud-init"</label>
                <button type="submit">{move || i18n.t(Key::AddTemplate)}</button>
            </form>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
        </section>
    }
}
