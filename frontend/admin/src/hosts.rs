//! The Hosts app (admins): every host with its state, URI, capacity, VM count and last
//! error; add one by URI (the server tries it first); remove one (forced when it has VMs);
//! a host's storage pools with their free space.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{HostInfo, NewHost};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

const GIB: f64 = (1u64 << 30) as f64;

/// A change to the pool. One action for all, so that the line under the form says how the
/// last one went, whichever it was.
#[derive(Clone)]
enum Change {
    Add(NewHost),
    Remove { host: String, forced: bool },
}

#[component]
pub fn Hosts() -> impl IntoView {
    let i18n = use_i18n();
    let (name, uri, force) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(false),
    );
    let change = Action::new_local(|change: &Change| {
        let change = change.clone();
        async move {
            match change {
                Change::Add(host) => api::add_host(&host).await.map(drop),
                Change::Remove { host, forced } => api::remove_host(&host, forced).await,
            }
        }
    });
    // Listed again after each change, failed or not.
    let hosts = LocalResource::new(move || {
        change.version().track();
        api::list_hosts()
    });
    let browsed = RwSignal::new(None::<String>);
    let pools = LocalResource::new(move || {
        let host = browsed.get();
        async move {
            match host {
                Some(host) => Ok(Some((host.clone(), api::host_pools(&host).await?))),
                None => Ok::<_, api::Error>(None),
            }
        }
    });
    let add = move |ev: SubmitEvent| {
        ev.prevent_default();
        change.dispatch(Change::Add(NewHost {
            name: name.get_untracked().trim().to_owned(),
            uri: uri.get_untracked().trim().to_owned(),
            guest_network: Default::default(),
            connect_later: false,
        }));
    };
    let remove = move |host: String| {
        change.dispatch(Change::Remove {
            host,
            forced: force.get_untracked(),
        });
    };
    let browse = move |host: String| browsed.set(Some(host));
    let row = move |h: HostInfo| {
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
    };
    let failed = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    view! {
        <section class="hosts-app">
            <table class="host-table user-table">
                <tr>
                    <th>{move || i18n.t(Key::ColName)}</th><th>"URI"</th><th>"CPUs"</th>
                    <th>"MiB"</th><th>"VMs"</th><th></th>
                </tr>
                // A failed load says why where the rows would be.
                <ErrorBoundary fallback=move |errors| view! {
                    <tr><td colspan="6" class="error" role="alert">{move || i18n.thrown(&errors.read())}</td></tr>
                }>
                <Transition>
                    {move || Suspend::new(async move {
                        hosts.await.map(|list| list.into_iter().map(row).collect_view())
                    })}
                </Transition>
                </ErrorBoundary>
            </table>
            <label class="force"><input type="checkbox" name="force" bind:checked=force />
                {move || i18n.t(Key::ForceRemove)}</label>
            <form class="add-host" on:submit=add>
                <input name="host-name" required maxlength="63" bind:value=name placeholder=move || i18n.t(Key::Name) />
                <input name="host-uri" required maxlength="500" bind:value=uri placeholder="qemu+ssh://root@host/system" />
                <button type="submit">{move || i18n.t(Key::AddHost)}</button>
            </form>
            <Show when=move || failed().is_some()>
                <p class="error" role="alert">{failed}</p>
            </Show>
            <ErrorBoundary fallback=move |errors| view! {
                <p class="error" role="alert">{move || i18n.thrown(&errors.read())}</p>
            }>
            <Transition>
                {move || Suspend::new(async move {
                    pools.await.map(|browsed| browsed.map(|(host, list)| view! {
                        <table class="pool-table user-table" data-host=host>
                            {list.into_iter().map(|p| view! {
                                <tr data-pool=p.name.clone()>
                                    <td>{p.name.clone()}</td>
                                    <td class="free">{format!("{:.1} / {:.1} GiB", p.available_bytes as f64 / GIB, p.capacity_bytes as f64 / GIB)}</td>
                                </tr>
                            }).collect_view()}
                        </table>
                    }))
                })}
            </Transition>
            </ErrorBoundary>
        </section>
    }
}
