//! A VM widget: the VM's live screen, name and state, with quick buttons (start, shut down,
//! its console, its SSH terminal, open in the VM Manager, pin to the taskbar). A deleted VM's widget says so.

use leptos::prelude::*;
use shared::{VmAction, VmState, Widget};

use super::frame::WidgetFrame;
use crate::{
    api,
    apps::AppKind,
    components::vm_screen::VmScreen,
    i18n::{Key, use_i18n},
    state::{desktop::use_personal, live::use_live, screen::screen_frames, windows::use_windows},
};

/// The screen's width in a widget, in pixels.
const SCREEN_WIDTH: u32 = 200;

/// What a widget knows of its VM.
#[derive(Clone, PartialEq)]
pub enum Seen {
    /// The list has not come yet.
    Waiting,
    Present {
        name: String,
        state: VmState,
        /// Whether Ezilla forwards its SSH port (the SSH terminal can open).
        ssh: bool,
    },
    /// The list came without it, while a host is unreachable: it may be there.
    OutOfReach,
    Deleted,
}

impl Seen {
    pub fn name(&self) -> String {
        match self {
            Seen::Present { name, .. } => name.clone(),
            _ => String::new(),
        }
    }

    pub fn state(&self) -> VmState {
        match self {
            Seen::Present { state, .. } => *state,
            _ => VmState::Unknown,
        }
    }

    /// Why the VM cannot be shown, in words, if it cannot.
    pub fn absence(&self) -> Option<Key> {
        match self {
            Seen::Waiting => Some(Key::Loading),
            Seen::Present { .. } => None,
            Seen::OutOfReach => Some(Key::VmOutOfReach),
            Seen::Deleted => Some(Key::VmDeleted),
        }
    }
}

/// The VM `uuid` as the live VM list has it.
pub fn seen_vm(uuid: String) -> Memo<Seen> {
    let live = use_live();
    Memo::new(move |_| {
        live.vms.with(|list| match list {
            Some(Ok(list)) => match list.vms.iter().find(|vm| vm.uuid == uuid) {
                Some(vm) => Seen::Present {
                    name: vm.name.clone(),
                    state: vm.state,
                    ssh: vm.ssh_port.is_some(),
                },
                None if list.unreachable_hosts.is_empty() => Seen::Deleted,
                None => Seen::OutOfReach,
            },
            _ => Seen::Waiting,
        })
    })
}

#[component]
pub fn VmWidget(uuid: String) -> impl IntoView {
    let i18n = use_i18n();
    let personal = use_personal();
    let live = use_live();
    let windows = use_windows();
    let seen = seen_vm(uuid.clone());
    let state = Signal::derive(move || seen.with(Seen::state));
    let name = Signal::derive(move || seen.with(Seen::name));
    let act = {
        let uuid = uuid.clone();
        move |action: VmAction| {
            let uuid = uuid.clone();
            leptos::task::spawn_local(async move {
                if api::vm_action(&uuid, action).await.is_ok() {
                    live.refresh();
                }
            });
        }
    };
    let (start, shutdown) = (act.clone(), act);
    let open = {
        let uuid = uuid.clone();
        move |_| {
            live.select_next.set(Some(uuid.clone()));
            windows.open(AppKind::VmManager);
        }
    };
    let open_console = {
        let uuid = uuid.clone();
        move |_| windows.open_for_vm(AppKind::VncConsole, uuid.clone())
    };
    let open_ssh = {
        let uuid = uuid.clone();
        move |_| windows.open_for_vm(AppKind::SshTerminal, uuid.clone())
    };
    let has_ssh = move || seen.with(|s| matches!(s, Seen::Present { ssh: true, .. }));
    let favourite = format!("vm:{uuid}");
    let pinned = Signal::derive({
        let favourite = favourite.clone();
        move || personal.favourites.with(|f| f.contains(&favourite))
    });
    let toggle_pin = move |_| {
        personal.favourites.update(|f| {
            if let Some(i) = f.iter().position(|s| *s == favourite) {
                f.remove(i);
            } else {
                f.push(favourite.clone());
            }
        })
    };
    let running = move || state.get() == VmState::Running;
    let badge = ViewFn::from(move || {
        view! {
            <span class="state" data-state=move || state.get().name()>
                {move || seen.with(|s| s.absence().is_none()).then(|| i18n.state(state.get()))}
            </span>
        }
    });
    let widget = Widget::Vm { uuid: uuid.clone() };
    view! {
        <WidgetFrame widget class="vm-widget" title=name badge>
            {move || match seen.get().absence() {
                Some(why) => view! { <p class="gone" role="status">{move || i18n.t(why)}</p> }.into_any(),
                None => {
                    let (start, shutdown) = (start.clone(), shutdown.clone());
                    view! {
                        <VmScreen uuid=uuid.clone() width=SCREEN_WIDTH state frame=screen_frames(state) />
                        <div class="widget-buttons">
                            <button class="start" disabled=running on:click=move |_| start(VmAction::Start)>
                                {move || i18n.t(Key::Start)}
                            </button>
                            <button class="shutdown" disabled=move || !running() on:click=move |_| shutdown(VmAction::Shutdown)>
                                {move || i18n.t(Key::Shutdown)}
                            </button>
                            <button class="console" on:click=open_console.clone()>{move || i18n.t(Key::Console)}</button>
                            {has_ssh().then(|| {
                                let open_ssh = open_ssh.clone();
                                view! {
                                    <button class="ssh-terminal" disabled=move || !running() on:click=open_ssh>
                                        {move || i18n.t(Key::SshTerminal)}
                                    </button>
                                }
                            })}
                            <button class="open" title=move || i18n.t(Key::OpenInManager) on:click=open.clone()>{move || i18n.t(Key::Open)}</button>
                            <button class="pin" aria-pressed=move || pinned.get().to_string() on:click=toggle_pin.clone()>
                                {move || i18n.t(if pinned.get() { Key::Unpin } else { Key::Pin })}
                            </button>
                        </div>
                    }.into_any()
                }
            }}
        </WidgetFrame>
    }
}
