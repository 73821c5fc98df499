//! VM Creator: a new VM from a template, on a host the scheduler picks or the user names.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{CreateVm, HostInfo, Template};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

#[component]
pub fn VmCreator() -> impl IntoView {
    let i18n = use_i18n();
    let catalogue = LocalResource::new(|| async {
        let templates = api::list_templates().await?;
        let hosts = api::list_hosts().await?;
        Ok::<_, api::Error>((templates, hosts))
    });
    view! {
        <div class="vm-creator">
            {move || match catalogue.get() {
                None => view! { <p class="loading">{i18n.t(Key::Loading)}</p> }.into_any(),
                Some(Err(err)) => view! { <p class="error" role="alert">{i18n.error(&err)}</p> }.into_any(),
                Some(Ok((templates, _))) if templates.is_empty() => {
                    view! { <p class="empty">{i18n.t(Key::NoTemplates)}</p> }.into_any()
                }
                Some(Ok((templates, hosts))) => view! { <CreatorForm templates hosts /> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn CreatorForm(templates: Vec<Template>, hosts: Vec<HostInfo>) -> impl IntoView {
    let i18n = use_i18n();
    let first = templates[0].clone();
    let name = RwSignal::new(String::new());
    let template = RwSignal::new(first.name.clone());
    let cores = RwSignal::new(first.cores.to_string());
    let memory = RwSignal::new(first.memory_mib.to_string());
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
    let create = Action::new_local(move |request: &CreateVm| {
        let request = request.clone();
        async move {
            let result = api::create_vm(&request).await;
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
        create.dispatch(CreateVm {
            name: name.get_untracked().trim().to_owned(),
            template: template.get_untracked(),
            cores: Some(c),
            memory_mib: Some(m),
            host: (!host.is_empty()).then_some(host),
            user_data: None,
        });
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
            <label><span>{move || i18n.t(Key::Host)}</span>
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
