//! VM widgets on the desktop: the VM's live screen, name and state, with quick buttons (start,
//! shut down, open in the VM Manager, pin to the taskbar). Dragged by the title to move
//! (saved with the desktop); removing one never touches the VM; a deleted VM's widget says so.
//! Also the label that follows the pointer while a VM row is carried out of the VM Manager.

use leptos::prelude::*;
use shared::{Position, VmAction, VmState, Widget};
use wasm_bindgen::JsCast;
use web_sys::PointerEvent;

use crate::{
    api,
    apps::AppKind,
    components::vm_screen::VmScreen,
    i18n::{Key, use_i18n},
    state::{carry::use_carry, desktop::use_personal, live::use_live, windows::use_windows},
};

/// The screen's width in a widget, in pixels.
const SCREEN_WIDTH: u32 = 200;

#[component]
pub fn DesktopWidgets() -> impl IntoView {
    let personal = use_personal();
    let carry = use_carry();
    let uuids = move || {
        personal.widgets.with(|widgets| {
            widgets
                .iter()
                .map(|place| match &place.widget {
                    Widget::Vm { uuid } => uuid.clone(),
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <For each=uuids key=|uuid| uuid.clone() let:uuid>
            <VmWidget uuid />
        </For>
        {move || carry.carried.get().filter(|c| c.moving).map(|c| view! {
            <div class="carried-vm" style:left=format!("{}px", c.at.x + 12) style:top=format!("{}px", c.at.y + 12)>
                {c.name}
            </div>
        })}
    }
}

/// What the widget knows of its VM.
#[derive(Clone, PartialEq)]
enum Seen {
    /// The list has not come yet.
    Waiting,
    Present {
        name: String,
        state: VmState,
    },
    /// The list came without it, while a host is unreachable: it may be there.
    OutOfReach,
    Deleted,
}

#[component]
fn VmWidget(uuid: String) -> impl IntoView {
    let i18n = use_i18n();
    let personal = use_personal();
    let live = use_live();
    let windows = use_windows();
    let widget = Widget::Vm { uuid: uuid.clone() };
    let seen = Memo::new({
        let uuid = uuid.clone();
        move |_| {
            live.vms.with(|list| match list {
                Some(Ok(list)) => match list.vms.iter().find(|vm| vm.uuid == uuid) {
                    Some(vm) => Seen::Present {
                        name: vm.name.clone(),
                        state: vm.state,
                    },
                    None if list.unreachable_hosts.is_empty() => Seen::Deleted,
                    None => Seen::OutOfReach,
                },
                _ => Seen::Waiting,
            })
        }
    });
    let state = Signal::derive(move || match seen.get() {
        Seen::Present { state, .. } => state,
        _ => VmState::Unknown,
    });
    let name = move || match seen.get() {
        Seen::Present { name, .. } => name,
        _ => String::new(),
    };

    // Moving: the title bar drags the widget; the place is saved when it is let go.
    let saved_at = Memo::new({
        let widget = widget.clone();
        move |_| {
            personal.widgets.with(|widgets| {
                widgets
                    .iter()
                    .find(|w| w.widget == widget)
                    .map(|w| w.at)
                    .unwrap_or_default()
            })
        }
    });
    let dragging = RwSignal::new(None::<(Position, Position)>);
    let at = Signal::derive(move || {
        dragging
            .get()
            .map(|(_, at)| at)
            .unwrap_or_else(|| saved_at.get())
    });
    let press = move |ev: PointerEvent| {
        if ev.button() != 0 {
            return;
        }
        let here = saved_at.get_untracked();
        let grip = Position {
            x: ev.client_x() - here.x,
            y: ev.client_y() - here.y,
        };
        dragging.set(Some((grip, here)));
        if let Some(el) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };
    let follow = move |ev: PointerEvent| {
        dragging.update(|d| {
            if let Some((grip, at)) = d {
                *at = Position {
                    x: (ev.client_x() - grip.x).max(0),
                    y: (ev.client_y() - grip.y).max(0),
                };
            }
        });
    };
    let release = {
        let widget = widget.clone();
        move |_: PointerEvent| {
            let Some((_, dropped)) = dragging.get_untracked() else {
                return;
            };
            dragging.set(None);
            personal.widgets.update(|widgets| {
                if let Some(place) = widgets.iter_mut().find(|w| w.widget == widget) {
                    place.at = dropped;
                }
            });
        }
    };

    let remove = {
        let widget = widget.clone();
        move |_| {
            personal
                .widgets
                .update(|w| w.retain(|w| w.widget != widget))
        }
    };
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
    let favourite = format!("vm:{uuid}");
    let pinned = Signal::derive({
        let favourite = favourite.clone();
        move || personal.favourites.with(|f| f.contains(&favourite))
    });
    let toggle_pin = {
        let favourite = favourite.clone();
        move |_| {
            personal.favourites.update(|f| {
                if let Some(i) = f.iter().position(|s| *s == favourite) {
                    f.remove(i);
                } else {
                    f.push(favourite.clone());
                }
            })
        }
    };
    let running = move || state.get() == VmState::Running;
    let screen_uuid = uuid.clone();

    view! {
        <article
            class="widget vm-widget"
            data-uuid=uuid.clone()
            data-vm=name
            aria-label=name
            style:left=move || format!("{}px", at.get().x)
            style:top=move || format!("{}px", at.get().y)
        >
            <header
                class="widget-title"
                on:pointerdown=press
                on:pointermove=follow
                on:pointerup=release.clone()
                on:pointercancel=release
            >
                <span class="name">{name}</span>
                <span class="state" data-state=move || format!("{:?}", state.get()).to_lowercase()>
                    {move || matches!(seen.get(), Seen::Present { .. }).then(|| i18n.state(state.get()))}
                </span>
                <button class="remove" title=move || i18n.t(Key::RemoveWidget) aria-label=move || i18n.t(Key::RemoveWidget)
                    on:pointerdown=|ev| ev.stop_propagation() on:click=remove>"×"</button>
            </header>
            {move || match seen.get() {
                Seen::Waiting => view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }.into_any(),
                Seen::Deleted => view! { <p class="gone" role="status">{move || i18n.t(Key::VmDeleted)}</p> }.into_any(),
                Seen::OutOfReach => view! { <p class="gone" role="status">{move || i18n.t(Key::VmOutOfReach)}</p> }.into_any(),
                Seen::Present { .. } => {
                    let (start, shutdown) = (start.clone(), shutdown.clone());
                    view! {
                        <VmScreen uuid=screen_uuid.clone() width=SCREEN_WIDTH state />
                        <div class="widget-buttons">
                            <button class="start" disabled=running on:click=move |_| start(VmAction::Start)>
                                {move || i18n.t(Key::Start)}
                            </button>
                            <button class="shutdown" disabled=move || !running() on:click=move |_| shutdown(VmAction::Shutdown)>
                                {move || i18n.t(Key::Shutdown)}
                            </button>
                            <button class="open" title=move || i18n.t(Key::OpenInManager) on:click=open.clone()>{move || i18n.t(Key::Open)}</button>
                            <button class="pin" aria-pressed=move || pinned.get().to_string() on:click=toggle_pin.clone()>
                                {move || i18n.t(if pinned.get() { Key::Unpin } else { Key::Pin })}
                            </button>
                        </div>
                    }.into_any()
                }
            }}
        </article>
    }
}
