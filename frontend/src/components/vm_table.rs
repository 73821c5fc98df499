//! The VM table, with the original Ezilla's columns. Rows can be selected and dragged. It
//! scrolls sideways in a window narrower than its columns; with no VMs it says how to make one.

use leptos::prelude::*;
use shared::Vm;
use web_sys::PointerEvent;

use crate::i18n::{Key, use_i18n};

#[component]
pub fn VmTable(
    /// The rows to show.
    vms: Vec<Vm>,
    /// Add the Owner column (admins see everyone's VMs).
    show_owner: bool,
    /// The UUID of the selected row; a click selects.
    selected: RwSignal<Option<String>>,
    /// Called when a row is pressed, with the VM's UUID and name: where a drag starts.
    on_press: Callback<(String, String, PointerEvent)>,
    /// Called by the empty table's button: open VM Creator.
    on_create: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    if vms.is_empty() {
        return view! {
            <p class="empty">
                {move || i18n.t(Key::NoVms)}
                <button class="open-creator" on:click=move |_| on_create.run(())>
                    {move || i18n.t(Key::OpenVmCreator)}
                </button>
            </p>
        }
        .into_any();
    }
    let mut columns = vec![
        Key::ColId,
        Key::ColName,
        Key::ColState,
        Key::ColLcm,
        Key::ColCores,
        Key::ColMemory,
        Key::ColHost,
        Key::ColUptime,
        Key::ColOs,
        Key::ColIp,
    ];
    if show_owner {
        columns.push(Key::ColOwner);
    }
    view! {
        <div class="table-scroll">
        <table class="vm-table">
            <thead>
                <tr>
                    {columns.into_iter().map(|key| view! { <th>{move || i18n.t(key)}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {vms.into_iter().map(|vm| {
                    let key = vm.name.clone();
                    let uuid = vm.uuid.clone();
                    let this = vm.uuid.clone();
                    let pressed = (vm.uuid.clone(), vm.name.clone());
                    let state = vm.state;
                    view! {
                    <tr
                        data-vm=key
                        class:selected=move || selected.with(|s| s.as_deref() == Some(this.as_str()))
                        on:click=move |_| selected.set(Some(uuid.clone()))
                        on:pointerdown=move |ev| on_press.run((pressed.0.clone(), pressed.1.clone(), ev))
                    >
                        <td class="id">{vm.id.map(|id| id.to_string()).unwrap_or_else(|| "-".into())}</td>
                        <td class="name">
                            {vm.name}
                            {vm.unprotected.then(|| view! {
                                <span class="badge unprotected" title=move || i18n.t(Key::UnprotectedHint)>
                                    {move || i18n.t(Key::Unprotected)}
                                </span>
                            })}
                        </td>
                        <td class="state" data-state=vm.state.name()>
                            {move || i18n.state(state)}
                        </td>
                        <td class="lcm">{vm.lcm_state}</td>
                        <td class="cores">{vm.cores}</td>
                        <td class="memory">{format!("{} MiB", vm.memory_mib)}</td>
                        <td class="host">{vm.host}</td>
                        <td class="uptime">{vm.uptime_secs.map(format_uptime).unwrap_or_else(|| "-".into())}</td>
                        <td class="os">{vm.os.unwrap_or_else(|| "-".into())}</td>
                        <td class="ips">{if vm.ips.is_empty() { "-".to_owned() } else { vm.ips.join(", ") }}</td>
                        {show_owner.then(|| view! {
                            <td class="owner">{vm.owner.unwrap_or_else(|| "-".into())}</td>
                        })}
                    </tr>
                }}).collect_view()}
            </tbody>
        </table>
        </div>
    }
    .into_any()
}

/// `3d 04:05:06`, or `04:05:06` under a day.
fn format_uptime(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86_400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}d {h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::format_uptime;

    #[test]
    fn uptime_reads_like_a_clock() {
        assert_eq!(format_uptime(0), "00:00:00");
        assert_eq!(format_uptime(3_725), "01:02:05");
        assert_eq!(format_uptime(2 * 86_400 + 61), "2d 00:01:01");
    }
}
