//! The caller's VMs, the pool's hosts, tasks and metrics as the server pushes them: one events WebSocket for the whole
//! desktop (the VM Manager, VM widgets), reopened after a drop, closed at logout.

use std::time::Duration;

use leptos::prelude::*;
use shared::{Event, HostInfo, Round, TaskInfo, Vm, VmList};

use crate::api;

/// How long to wait before reopening a dropped live connection.
const RECONNECT: Duration = Duration::from_secs(3);

/// The latest VM list and task, as a context.
#[derive(Clone, Copy)]
pub struct Live {
    /// `None` until the first answer.
    pub vms: RwSignal<Option<Result<VmList, api::Error>>>,
    /// The last long action's progress.
    pub task: RwSignal<Option<TaskInfo>>,
    /// The pool's hosts and their capacity; `None` until the first answer.
    pub hosts: RwSignal<Option<Vec<HostInfo>>>,
    /// The latest sampling round (metrics the caller may see).
    pub round: RwSignal<Option<Round>>,
    /// Whether the WebSocket is open.
    pub connected: RwSignal<bool>,
    /// A VM to select in the next VM Manager that opens (a widget's "open").
    pub select_next: RwSignal<Option<String>>,
}

impl Live {
    /// Asks for the VMs and hosts now, besides what the socket pushes.
    pub fn refresh(self) {
        leptos::task::spawn_local(async move {
            let answer = api::list_vms().await;
            self.vms.set(Some(answer));
        });
        leptos::task::spawn_local(async move {
            if let Ok(hosts) = api::list_hosts().await {
                self.hosts.set(Some(hosts));
            }
        });
    }

    /// The VM with `uuid`, when the list has it (reactive).
    pub fn vm(self, uuid: &str) -> Option<Vm> {
        self.vms.with(|list| match list {
            Some(Ok(list)) => list.vms.iter().find(|vm| vm.uuid == uuid).cloned(),
            _ => None,
        })
    }
}

/// Provides `Live` for the desktop's lifetime and keeps it current.
pub fn provide_live() {
    let live = Live {
        vms: RwSignal::new(None),
        task: RwSignal::new(None),
        hosts: RwSignal::new(None),
        round: RwSignal::new(None),
        connected: RwSignal::new(false),
        select_next: RwSignal::new(None),
    };
    provide_context(live);
    live.refresh();
    let socket = StoredValue::new_local(None::<api::VmEvents>);
    let open = StoredValue::new(true);
    connect(live, socket, open);
    on_cleanup(move || {
        open.set_value(false);
        socket.set_value(None);
    });
}

pub fn use_live() -> Live {
    expect_context()
}

fn connect(
    live: Live,
    socket: StoredValue<Option<api::VmEvents>, LocalStorage>,
    open: StoredValue<bool>,
) {
    let on_event = move |event| {
        live.connected.set(true);
        match event {
            Event::Vms(list) => live.vms.set(Some(Ok(list))),
            Event::Task(info) => live.task.set(Some(info)),
            Event::Metrics(round) => live.round.set(Some(round)),
            Event::Hosts { hosts } => live.hosts.set(Some(hosts)),
        }
    };
    let on_close = move || {
        live.connected.set(false);
        if open.get_value() {
            set_timeout(move || connect(live, socket, open), RECONNECT);
        }
    };
    socket.set_value(api::subscribe(on_event, on_close).ok());
}
