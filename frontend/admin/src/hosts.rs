//! The Hosts app (admins): every host with its state, URI, capacity, VM count and last
//! error; add one by URI (the server tries it first); remove one (forced when it has VMs);
//! a host's storage pools with their free space.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{HostInfo, NewHost, StoragePoolInfo};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

const GIB: f64 = (1u64 << 30) as f64;

#[component]
pub fn Hosts() -> impl IntoView {
    let i18n = use_i18n();
    let hosts = RwSignal::new(Vec::<HostInfo>::new());
    let pools = RwSignal::new(None::<(String, Vec<StoragePoolInfo>)>);
    let error = RwSignal::new(None::<String>);
    let (name, uri, force) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(false),
    );
    let reload = move || {
        leptos::task::spawn_local(async move {
            match api::list_hosts().await {
                Ok(list) => hosts.set(list),
                Err(err) => error.set(Some(i18n.error(&err))),
            }
        })
    };
    reload();
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        let host = NewHost {
            name: name.get_untracked().trim().to_owned(),
            uri: uri.get_untracked().trim().to_owned(),
            guest_network: Default::default(),
            connect_later: false,
        };
        leptos::task::spawn_local(async move {
            error.set(api::add_host(&host).await.err().map(|e| i18n.error(&e)));
            reload();
        });
    };
    let remove = move |host: String| {
        leptos::task::spawn_local(async move {
            let forced = force.get_untracked();
            error.set(
                api::remove_host(&host, forced)
                    .await
                    .err()
                    .map(|e| i18n.error(&e)),
            );
            reload();
        });
    };
    let browse = move |host: String| {
        leptos::task::spawn_local(async move {
            match api::host_pools(&host).await {
                Ok(list) => pools.set(Some((host, list))),
                Err(err) => error.set(Some(i18n.error(&err))),
            }
        });
    };
    view! {
        <section class="hosts-app">
            <table class="host-table user-table">
                <tr>
                    <th>{move || i18n.t(Key::ColName)}</th><th>"URI"</th><th>"CPUs"</th>
                    <th>"MiB"</th><th>"VMs"</th><th></th>
                </tr>
                {move || hosts.get().into_iter().map(|h| {
                    let (browsed, removed) = (h.name.clone(), h.name.clone());
                    view! {
                        <tr data-host=h.name.clone() data-online=h.online.to_string()>
                            <td>{h.name.clone()}</td>
                            <td><code>{h.uri.clone()}</code>
                                {h.last_error.clone().map(|e| view! { <div class="error host-error">{e}</div> })}</td>
                            <td>{format!("{} ({} free)", h.cpus, h.free_vcpus)}</td>
                            <td>{format!("{} ({} free)", h.memory_mib, h.free_memory_mib)}</td>
                            <td class="vm-count">{h.vm_count}</td>
                            <td>
                                <button class="browse-pools" on:click=move |_| browse(browsed.clone())>{move || i18n.t(Key::StoragePools)}</button>
                                {(!h.configured).then(|| view! {
                                    <button class="remove-host" on:click=move |_| remove(removed.clone())>{move || i18n.t(Key::Delete)}</button>
                                })}
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </table>
            <label class="force"><input type="checkbox" name="force" bind:checked=force />
                {move || i18n.t(Key::ForceRemove)}</label>
            <form class="add-host" on:submit=add>
                <input name="host-name" required maxlength="63" bind:value=name placeholder=move || i18n.t(Key::Name) />
                <input name="host-uri" required maxlength="500" bind:value=uri placeholder="qemu+ssh://root@host/system" />
                <button type="submit">{move || i18n.t(Key::AddHost)}</button>
            </form>
            <Show when=move || error.get().is_some()>
                <p class="error" role="alert">{move || error.get()}</p>
            </Show>
            {move || pools.get().map(|(host, list)| view! {
                <table class="pool-table user-table" data-host=host>
                    {list.into_iter().map(|p| view! {
                        <tr data-pool=p.name.clone()>
                            <td>{p.name.clone()}</td>
                            <td class="free">{format!("{:.1} / {:.1} GiB", p.available_bytes as f64 / GIB, p.capacity_bytes as f64 / GIB)}</td>
                        </tr>
                    }).collect_view()}
                </table>
            })}
        </section>
    }
}
