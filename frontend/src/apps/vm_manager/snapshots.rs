//! The selected VM's snapshots: take one, revert to one, delete one.

use leptos::{ev::SubmitEvent, prelude::*};
use shared::Vm;

use crate::{
    api,
    components::loaded::loaded,
    i18n::{Key, use_i18n},
};

/// A change to one of the VM's snapshots (VM uuid, snapshot name). One action for all, so
/// that the error line says how the last one went.
#[derive(Clone)]
enum Change {
    Take(String, String),
    Revert(String, String),
    Delete(String, String),
}

#[component]
pub fn Snapshots(
    /// The selected VM, if any.
    vm: Signal<Option<Vm>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let uuid = Memo::new(move |_| vm.with(|v| v.as_ref().map(|v| v.uuid.clone())));
    let name = RwSignal::new(String::new());
    let change = Action::new_local(|change: &Change| {
        let change = change.clone();
        async move {
            match change {
                Change::Take(id, name) => api::take_snapshot(&id, &name).await.map(drop),
                Change::Revert(id, name) => api::revert_snapshot(&id, &name).await,
                Change::Delete(id, name) => api::delete_snapshot(&id, &name).await,
            }
        }
    });
    // The selected VM's, listed again after each change; none without a selection.
    let list = LocalResource::new(move || {
        change.version().track();
        let id = uuid.get();
        async move {
            match id {
                Some(id) => Some(api::list_snapshots(&id).await),
                None => None,
            }
        }
    });
    let failed = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    let take = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Some(id), snapshot) = (uuid.get_untracked(), name.get_untracked()) else {
            return;
        };
        name.set(String::new());
        change.dispatch(Change::Take(id, snapshot.trim().to_owned()));
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
                <Show when=move || failed().is_some()>
                    <p class="error" role="alert">{failed}</p>
                </Show>
                // Nothing while the first list loads; the last one while another does.
                {loaded(
                    ViewFnOnce::default(),
                    move || Suspend::new(async move {
                        list.await.transpose().map(|list| list.map(|snapshots| if snapshots.is_empty() {
                            view! { <p class="empty">{i18n.t(Key::NoSnapshots)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="snapshot-list">
                                    {snapshots.into_iter().map(|s| {
                                        let (revert_name, delete_name) = (s.name.clone(), s.name.clone());
                                        view! {
                                            <li data-snapshot=s.name.clone() class:current=s.current>
                                                <span>{format!("{} ({})", s.name, s.vm_state)}</span>
                                                <button class="revert" on:click=move |_| {
                                                    let (Some(id), n) = (uuid.get_untracked(), revert_name.clone()) else { return };
                                                    change.dispatch(Change::Revert(id, n));
                                                }>{move || i18n.t(Key::Revert)}</button>
                                                <button class="delete" on:click=move |_| {
                                                    let (Some(id), n) = (uuid.get_untracked(), delete_name.clone()) else { return };
                                                    change.dispatch(Change::Delete(id, n));
                                                }>{move || i18n.t(Key::Delete)}</button>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }).into_any())
                    }),
                )}
            </section>
        </Show>
    }
}
