//! The selected VM's snapshots: take one, revert to one, delete one.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::{Snapshot, Vm};

use crate::{
    api,
    i18n::{Key, use_i18n},
};

#[component]
pub fn Snapshots(
    /// The selected VM, if any.
    vm: Signal<Option<Vm>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let uuid = Memo::new(move |_| vm.with(|v| v.as_ref().map(|v| v.uuid.clone())));
    let list = RwSignal::new(None::<Result<Vec<Snapshot>, api::Error>>);
    let error = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let reload = move || {
        let Some(id) = uuid.get_untracked() else {
            list.set(None);
            return;
        };
        leptos::task::spawn_local(async move { list.set(Some(api::list_snapshots(&id).await)) });
    };
    Effect::new(move || {
        uuid.track();
        reload();
    });
    // Runs a change, shows its error if any, and reloads the list.
    let change =
        move |job: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), api::Error>>>>| {
            leptos::task::spawn_local(async move {
                error.set(job.await.err().map(|e| i18n.error(&e)));
                reload();
            });
        };
    let take = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Some(id), snapshot) = (uuid.get_untracked(), name.get_untracked()) else {
            return;
        };
        name.set(String::new());
        change(Box::pin(async move {
            api::take_snapshot(&id, snapshot.trim()).await.map(drop)
        }));
    };

    view! {
        <Show when=move || uuid.with(Option::is_some)>
            <section class="snapshots">
                <h3>{move || i18n.t(Key::Snapshots)}</h3>
                <form class="toolbar" on:submit=take>
                    <input name="snapshot-name" required maxlength="63" bind:value=name
                        placeholder=move || i18n.t(Key::SnapshotName) aria-label=move || i18n.t(Key::SnapshotName) />
                    <button type="submit">{move || i18n.t(Key::TakeSnapshot)}</button>
                </form>
                <Show when=move || error.get().is_some()>
                    <p class="error" role="alert">{move || error.get()}</p>
                </Show>
                {move || match list.get() {
                    None => ().into_any(),
                    Some(Err(err)) => view! { <p class="error" role="alert">{i18n.error(&err)}</p> }.into_any(),
                    Some(Ok(snapshots)) if snapshots.is_empty() => {
                        view! { <p class="empty">{i18n.t(Key::NoSnapshots)}</p> }.into_any()
                    }
                    Some(Ok(snapshots)) => view! {
                        <ul class="snapshot-list">
                            {snapshots.into_iter().map(|s| {
                                let (revert_name, delete_name) = (s.name.clone(), s.name.clone());
                                view! {
                                    <li data-snapshot=s.name.clone() class:current=s.current>
                                        <span>{format!("{} ({})", s.name, s.vm_state)}</span>
                                        <button class="revert" on:click=move |_| {
                                            let (Some(id), n) = (uuid.get_untracked(), revert_name.clone()) else { return };
                                            change(Box::pin(async move { api::revert_snapshot(&id, &n).await }));
                                        }>{move || i18n.t(Key::Revert)}</button>
                                        <button class="delete" on:click=move |_| {
                                            let (Some(id), n) = (uuid.get_untracked(), delete_name.clone()) else { return };
                                            change(Box::pin(async move { api::delete_snapshot(&id, &n).await }));
                                        }>{move || i18n.t(Key::Delete)}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </section>
        </Show>
    }
}
