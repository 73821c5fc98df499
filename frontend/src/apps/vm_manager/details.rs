//! The selected VM at a glance, as in the original: name, OS, IP and its screen, the
//! keyboard's way to make it a desktop widget, and its live graphs.

use leptos::prelude::*;
use shared::{Metric, Position, Vm, VmState, Widget, WidgetPlace};

use crate::{
    api::Subject,
    components::vm_screen::VmScreen,
    graphs::GraphPanel,
    i18n::{Key, use_i18n},
    state::{desktop::use_personal, screen::screen_frames, session::use_session},
};

/// Where the host forwards the VM's SSH and HTTP: its own 127.0.0.1 only.
fn forwards(vm: &Vm) -> String {
    let port = |p: Option<u16>| p.map_or_else(|| "-".into(), |p| format!("127.0.0.1:{p}"));
    format!("SSH {}, HTTP {}", port(vm.ssh_port), port(vm.http_port))
}

/// The screen's width in the panel, in pixels.
const SCREEN_WIDTH: u32 = 240;
/// Where a widget added from here appears.
const NEW_WIDGET_AT: Position = Position { x: 160, y: 40 };

#[component]
pub fn Details(
    /// The selected VM, if any.
    vm: Signal<Option<Vm>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let personal = use_personal();
    let session = use_session();
    let uuid = Memo::new(move |_| vm.with(|v| v.as_ref().map(|v| v.uuid.clone())));
    let state =
        Signal::derive(move || vm.with(|v| v.as_ref().map_or(VmState::Unknown, |v| v.state)));
    let field =
        move |get: fn(&Vm) -> String| move || vm.with(|v| v.as_ref().map(get).unwrap_or_default());
    let add_widget = move |_| {
        let Some(uuid) = uuid.get_untracked() else {
            return;
        };
        let widget = Widget::Vm { uuid };
        personal.widgets.update(|widgets| {
            if !widgets.iter().any(|w| w.widget == widget) {
                widgets.push(WidgetPlace {
                    widget,
                    at: NEW_WIDGET_AT,
                });
            }
        });
    };
    view! {
        <Show when=move || uuid.with(Option::is_some)>
            <section class="vm-details" aria-label=move || i18n.t(Key::Details)>
                <dl>
                    <dt>{move || i18n.t(Key::Name)}</dt>
                    <dd class="name">{field(|v| v.name.clone())}</dd>
                    <dt>{move || i18n.t(Key::ColOs)}</dt>
                    <dd class="os">{field(|v| v.os.clone().unwrap_or_else(|| "-".into()))}</dd>
                    <Show when=move || vm.with(|v| v.as_ref().is_some_and(|v| v.guest_os.is_some()))>
                        <dt>{move || i18n.t(Key::GuestOs)}</dt>
                        <dd class="guest-os">{field(|v| v.guest_os.clone().unwrap_or_default())}</dd>
                    </Show>
                    <dt>{move || i18n.t(Key::ColIp)}</dt>
                    <dd class="ips">{field(|v| if v.ips.is_empty() { "-".into() } else { v.ips.join(", ") })}</dd>
                    <Show when=move || session.is_admin() && vm.with(|v| v.as_ref().is_some_and(|v| v.ssh_port.is_some()))>
                        <dt>{move || i18n.t(Key::ForwardedPorts)}</dt>
                        <dd class="forwards">{field(forwards)}</dd>
                    </Show>
                </dl>
                {move || uuid.get().map(|uuid| view! { <VmScreen uuid width=SCREEN_WIDTH state frame=screen_frames(state) /> })}
                <super::cd_drive::CdDrive vm />
                <button class="add-widget" on:click=add_widget>{move || i18n.t(Key::AddToDesktop)}</button>
            </section>
            {move || uuid.get().map(|uuid| {
                let name = Signal::derive(move || vm.with(|v| v.as_ref().map(|v| v.name.clone()).unwrap_or_default()));
                view! { <GraphPanel subject=Subject::Vm(uuid) title=name metrics=&Metric::VM /> }
            })}
        </Show>
    }
}
