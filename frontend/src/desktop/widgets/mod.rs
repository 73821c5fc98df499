//! Desktop widgets: a VM's screen with quick buttons, and a host's or a VM's live graphs. Each
//! sits in a frame that moves by its title (the place is saved with the desktop) and is
//! removed by its × (which never touches what it shows). Also the label that follows the
//! pointer while something is carried onto the desktop.

mod frame;
mod graph;
mod vm;

use leptos::prelude::*;
use shared::Widget;

use crate::state::{carry::use_carry, desktop::use_personal};
use graph::GraphWidget;
use vm::VmWidget;

#[component]
pub fn DesktopWidgets() -> impl IntoView {
    let personal = use_personal();
    let carry = use_carry();
    let widgets = move || {
        personal
            .widgets
            .with(|places| places.iter().map(|p| p.widget.clone()).collect::<Vec<_>>())
    };
    view! {
        <For each=widgets key=Widget::clone let:widget>
            {match widget {
                Widget::Vm { uuid } => view! { <VmWidget uuid /> }.into_any(),
                graph @ (Widget::HostGraph { .. } | Widget::VmGraph { .. }) => {
                    view! { <GraphWidget widget=graph /> }.into_any()
                }
            }}
        </For>
        {move || carry.carried.get().filter(|c| c.moving).map(|c| view! {
            <div class="carried" style:left=format!("{}px", c.at.x + 12) style:top=format!("{}px", c.at.y + 12)>
                {c.label}
            </div>
        })}
    }
}
