//! A graph widget: a host's or a VM's CPU and memory over the last hour, live. A deleted VM's
//! graph widget says so.

use leptos::prelude::*;
use shared::{Range, Widget};

use super::{frame::WidgetFrame, vm::seen_vm};
use crate::{
    api::Subject,
    graphs::{Charts, GLANCE},
    i18n::use_i18n,
};

#[component]
pub fn GraphWidget(widget: Widget) -> impl IntoView {
    let i18n = use_i18n();
    let (subject, title, absence) = match &widget {
        Widget::HostGraph { host } => (
            Subject::Host(host.clone()),
            Signal::stored(host.clone()),
            Signal::stored(None),
        ),
        Widget::VmGraph { uuid } | Widget::Vm { uuid } => {
            let seen = seen_vm(uuid.clone());
            (
                Subject::Vm(uuid.clone()),
                Signal::derive(move || seen.with(|s| s.name())),
                Signal::derive(move || seen.with(|s| s.absence())),
            )
        }
    };
    view! {
        <WidgetFrame widget class="graph-widget" title>
            {move || match absence.get() {
                Some(why) => view! { <p class="gone" role="status">{move || i18n.t(why)}</p> }.into_any(),
                None => view! { <Charts subject=subject.clone() metrics=&GLANCE range=Range::Hour /> }.into_any(),
            }}
        </WidgetFrame>
    }
}
