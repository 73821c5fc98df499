//! VM Creator: a new VM from a template, on a host the scheduler picks or the user names; or
//! from an ISO of the user's library (a blank disk of the size they pick, the ISO in its CD
//! drive, booting from it to install).

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{CreateVm, HostInfo, InstallVm, Iso, Template};

use crate::{
    api,
    components::loaded::loaded,
    i18n::{Key, use_i18n},
};

#[component]
pub fn VmCreator() -> impl IntoView {
    let i18n = use_i18n();
    let catalogue = LocalResource::new(|| async {
        let templates = api::list_templates().await?;
        let hosts = api::list_hosts().await?;
        let isos = api::list_isos().await.unwrap_or_default();
        Ok::<_, api::Error>((templates, hosts, isos))
    });
    view! {
        <div class="vm-creator">
            {loaded(
                ViewFnOnce::from(move || view! { <p class="loading">{i18n.t(Key::Loading)}</p> }),
                move || Suspend::new(async move {
                    catalogue.await.map(|(templates, hosts, isos)| {
                        if templates.is_empty() && isos.is_empty() {
                            view! { <p class="empty">{i18n.t(Key::NoTemplates)}</p> }.into_any()
                        } else {
                            view! { <CreatorForm templates hosts isos /> }.into_any()
                        }
                    })
                }),
            )}
        </div>
    }
}

/// The prefix of an ISO's value among the template options.
const ISO: &str = "iso:";

#[component]
fn CreatorForm(templates: Vec<Template>, hosts: Vec<HostInfo>, isos: Vec<Iso>) -> impl IntoView {
    let i18n = use_i18n();
    let (first, cores, memory) = match templates.first() {
        Some(t) => (t.name.clone(), t.cores, t.memory_mib),
        None => (format!("{ISO}{}", isos[0].id), 1, 1024),
    };
    let name = RwSignal::new(String::new());
    let template = RwSignal::new(first);
    let cores = RwSignal::new(cores.to_string());
    let memory = RwSignal::new(memory.to_string());
    let disk = RwSignal::new("10".to_owned());
    let from_iso = move || template.get().starts_with(ISO);
    let host = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<String, String>>);
    let defaults = StoredValue::new(templates.clone());
    // Picking a template fills in its default size.
    let pick_template = move |picked: String| {
        if let Some(t) = defaults.with_value(|ts| ts.iter().find(|t| t.name == picked).cloned()) {
            cores.set(t.cores.to_string());
            memory.set(t.memory_mib.to_string());
        }
        template.set(picked);
    };
    let create = Action::new_local(move |request: &(CreateVm, Option<(i64, u64)>)| {
        let (request, install) = request.clone();
        async move {
            let result = match install {
                Some((iso, disk_gib)) => {
                    let install = InstallVm {
                        name: request.name,
                        cores: request.cores.unwrap_or(1),
                        memory_mib: request.memory_mib.unwrap_or(1024),
                        disk_gib,
                    };
                    api::install_vm(iso, &install).await
                }
                None => api::create_vm(&request).await,
            };
            outcome.set(Some(match result {
                Ok(vm) => Ok(format!(
                    "{} {} @ {}",
                    i18n.t(Key::Created),
                    vm.name,
                    vm.host
                )),
                Err(err) => Err(i18n.error(&err)),
            }));
        }
    });
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Ok(c), Ok(m)) = (
            cores.get_untracked().trim().parse(),
            memory.get_untracked().trim().parse(),
        ) else {
            outcome.set(Some(Err(format!("{}: 1, 2, 3…", i18n.t(Key::Cores)))));
            return;
        };
        let host = host.get_untracked();
        let picked = template.get_untracked();
        let install = match picked.strip_prefix(ISO) {
            Some(id) => match (id.parse(), disk.get_untracked().trim().parse()) {
                (Ok(id), Ok(gib)) => Some((id, gib)),
                _ => {
                    outcome.set(Some(Err(format!("{}: 1, 2, 3…", i18n.t(Key::MaxDiskGib)))));
                    return;
                }
            },
            None => None,
        };
        create.dispatch((
            CreateVm {
                name: name.get_untracked().trim().to_owned(),
                template: template.get_untracked(),
                cores: Some(c),
                memory_mib: Some(m),
                host: (!host.is_empty()).then_some(host),
                user_data: None,
            },
            install,
        ));
    };
    view! {
        <form class="creator-form" on:submit=submit>
            <label><span>{move || i18n.t(Key::Name)}</span>
                <input name="vm-name" required maxlength="63" pattern="[A-Za-z0-9._\\-]+" bind:value=name />
            </label>
            <label><span>{move || i18n.t(Key::Template)}</span>
                <select name="vm-template" on:change=move |ev| pick_template(event_target_value(&ev))>
                    {
                        let (own, shared): (Vec<_>, Vec<_>) =
                            templates.into_iter().partition(|t| t.owner.is_some());
                        let options = |list: Vec<Template>| list.into_iter().map(|t| view! {
                            <option value=t.name.clone()>{format!("{} ({})", t.name, t.os)}</option>
                        }).collect_view();
                        view! {
                            <optgroup label=move || i18n.t(Key::SharedTemplates)>{options(shared)}</optgroup>
                            <Show when={let mine = !own.is_empty(); move || mine}>
                                <optgroup label=move || i18n.t(Key::MyImages)>{options(own.clone())}</optgroup>
                            </Show>
                            <optgroup label=move || i18n.t(Key::FromIso)>
                                {isos.iter().map(|iso| view! {
                                    <option value=format!("{ISO}{}", iso.id)>{iso.name.clone()}</option>
                                }).collect_view()}
                            </optgroup>
                        }
                    }
                </select>
            </label>
            <label><span>{move || i18n.t(Key::Cores)}</span>
                <input name="vm-cores" type="number" min="1" required bind:value=cores />
            </label>
            <label><span>{move || i18n.t(Key::MemoryMib)}</span>
                <input name="vm-memory" type="number" min="64" required bind:value=memory />
            </label>
            <Show when=from_iso>
                <label><span>{move || i18n.t(Key::MaxDiskGib)}</span>
                    <input name="vm-disk" type="number" min="1" required bind:value=disk />
                </label>
            </Show>
            <label hidden=from_iso><span>{move || i18n.t(Key::Host)}</span>
                <select name="vm-host" on:change=move |ev| host.set(event_target_value(&ev))>
                    <option value="">{move || i18n.t(Key::Automatic)}</option>
                    {hosts.into_iter().filter(|h| h.online).map(|h| view! {
                        <option value=h.name.clone()>
                            {format!("{} ({} MiB, {} vCPU)", h.name, h.free_memory_mib, h.free_vcpus)}
                        </option>
                    }).collect_view()}
                </select>
            </label>
            <button type="submit" disabled=move || create.pending().get()>{move || i18n.t(Key::CreateVm)}</button>
            {move || outcome.get().map(|o| match o {
                Ok(msg) => view! { <p class="done" role="status">{msg}</p> }.into_any(),
                Err(msg) => view! { <p class="error" role="alert">{msg}</p> }.into_any(),
            })}
        </form>
    }
}
