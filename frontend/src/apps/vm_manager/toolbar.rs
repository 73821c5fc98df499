//! The actions of the selected VM: Start, Shutdown, Power off, Reboot, Suspend, Resume, its
//! console (VNC), serial console and SSH terminal, its website (a window on the VM's own
//! origin), Delete (with or without its disks), Save as image. Shows the outcome.

use leptos::prelude::*;
use shared::{TaskInfo, Vm, VmAction, VmState};

use crate::{
    api,
    apps::AppKind,
    i18n::{Key, use_i18n},
    state::windows::use_windows,
};

const BUTTONS: [(VmAction, Key, &str); 6] = [
    (VmAction::Start, Key::Start, "start"),
    (VmAction::Shutdown, Key::Shutdown, "shutdown"),
    (VmAction::Poweroff, Key::PowerOff, "poweroff"),
    (VmAction::Reboot, Key::Reboot, "reboot"),
    (VmAction::Suspend, Key::Suspend, "suspend"),
    (VmAction::Resume, Key::Resume, "resume"),
];

/// What the toolbar asks of the server.
#[derive(Clone)]
enum Change {
    Power(String, VmAction),
    Delete { uuid: String, disks: bool },
    SaveImage { uuid: String, name: String },
}

#[component]
pub fn VmToolbar(
    /// The selected VM, if any.
    vm: Signal<Option<Vm>>,
    /// Where a long action's task is shown.
    task: RwSignal<Option<TaskInfo>>,
    /// Called after an action, so the table can refresh.
    on_changed: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let windows = use_windows();
    let with_disks = RwSignal::new(true);
    // One action for all, so the buttons wait for whichever runs and the error line says how
    // the last one went.
    let change = Action::new_local(move |change: &Change| {
        let change = change.clone();
        async move {
            let result = match change {
                Change::Power(uuid, action) => api::vm_action(&uuid, action).await,
                Change::Delete { uuid, disks } => api::delete_vm(&uuid, disks).await,
                Change::SaveImage { uuid, name } => {
                    api::save_image(&uuid, &name).await.map(|started| {
                        // The task's own events may have overtaken this answer: keep the newer.
                        task.update(|t| {
                            if t.as_ref().map(|t| t.id) != Some(started.id) {
                                *t = Some(started);
                            }
                        });
                    })
                }
            };
            on_changed();
            result
        }
    });
    let failed = move || {
        change
            .value()
            .get()
            .and_then(Result::err)
            .map(|e| i18n.error(&e))
    };
    let disabled = move || change.pending().get() || vm.with(Option::is_none);
    view! {
        <div class="toolbar vm-actions" role="toolbar">
            {BUTTONS.map(|(action, key, class)| view! {
                <button class=class disabled=disabled on:click=move |_| {
                    if let Some(vm) = vm.get_untracked() {
                        change.dispatch(Change::Power(vm.uuid, action));
                    }
                }>{move || i18n.t(key)}</button>
            }).collect_view()}
            <button class="vnc-console" disabled=disabled on:click=move |_| {
                if let Some(vm) = vm.get_untracked() {
                    windows.open_for_vm(AppKind::VncConsole, vm.uuid);
                }
            }>{move || i18n.t(Key::Console)}</button>
            <button class="serial-console" disabled=disabled on:click=move |_| {
                if let Some(vm) = vm.get_untracked() {
                    windows.open_for_vm(AppKind::SerialConsole, vm.uuid);
                }
            }>{move || i18n.t(Key::SerialConsole)}</button>
            <button class="ssh-terminal"
                disabled=move || disabled() || vm.with(|v| v.as_ref().is_none_or(|v| v.ssh_port.is_none() || v.id.is_none()))
                on:click=move |_| {
                    if let Some(vm) = vm.get_untracked() {
                        windows.open_for_vm(AppKind::SshTerminal, vm.uuid);
                    }
                }>{move || i18n.t(Key::SshTerminal)}</button>
            // RDP, when it comes, sits beside these.
            <button class="website"
                disabled=move || disabled() || vm.with(|v| v.as_ref().is_none_or(|v| v.http_port.is_none() || v.id.is_none()))
                on:click=move |_| {
                    if let Some(vm) = vm.get_untracked() {
                        windows.open_for_vm(AppKind::Website, vm.uuid);
                    }
                }>{move || i18n.t(Key::Website)}</button>
            <button class="delete" disabled=disabled on:click=move |_| {
                let Some(vm) = vm.get_untracked() else { return };
                if window().confirm_with_message(i18n.t(Key::ConfirmDeleteVm)).unwrap_or(false) {
                    let disks = with_disks.get_untracked();
                    change.dispatch(Change::Delete { uuid: vm.uuid, disks });
                }
            }>{move || i18n.t(Key::DeleteVm)}</button>
            <button class="save-image"
                disabled=move || disabled() || vm.with(|v| v.as_ref().is_some_and(|v| v.state != VmState::Shutoff))
                on:click=move |_| {
                    let Some(vm) = vm.get_untracked() else { return };
                    let name = window().prompt_with_message(i18n.t(Key::NewTemplateName)).ok().flatten();
                    let Some(name) = name.filter(|n| !n.trim().is_empty()) else { return };
                    change.dispatch(Change::SaveImage { uuid: vm.uuid, name: name.trim().to_owned() });
                }
            >{move || i18n.t(Key::SaveAsImage)}</button>
            <label>
                <input type="checkbox" name="with-disks" bind:checked=with_disks />
                {move || i18n.t(Key::WithDisks)}
            </label>
            <span class="selection">
                {move || vm.get().map(|vm| vm.name).unwrap_or_else(|| i18n.t(Key::SelectVm).to_owned())}
            </span>
        </div>
        <Show when=move || failed().is_some()>
            <p class="error" role="alert">{failed}</p>
        </Show>
    }
}
