//! Live graphs of a host or a VM: one chart per metric over the last hour or day, kept
//! current by each sampling round. Shown by the Cloud Visualizer, the VM Manager's details and
//! graph widgets; dragged by their title onto the desktop they become a graph widget.

use leptos::prelude::*;
use shared::{Metric, Range, Widget};
use web_sys::PointerEvent;

use crate::{
    api::Subject,
    components::{
        chart::{LineChart, Unit},
        loaded::loaded,
    },
    i18n::{Key, use_i18n},
    state::{
        carry::use_carry,
        metrics::{live_history, series},
    },
};

/// The name of a metric.
pub fn metric_key(metric: Metric) -> Key {
    match metric {
        Metric::CpuPercent => Key::MetricCpu,
        Metric::MemoryUsedMib => Key::MetricMemoryUsed,
        Metric::MemoryTotalMib => Key::MetricMemoryTotal,
        Metric::DiskReadBps => Key::MetricDiskRead,
        Metric::DiskWriteBps => Key::MetricDiskWrite,
        Metric::NetRxBps => Key::MetricNetRx,
        Metric::NetTxBps => Key::MetricNetTx,
    }
}

/// The charts worth a glance (a widget's); a panel shows all of `Metric::HOST` or `Metric::VM`.
pub const GLANCE: [Metric; 2] = [Metric::CpuPercent, Metric::MemoryUsedMib];
/// The charts of `metrics` of `subject` over `range`.
#[component]
pub fn Charts(subject: Subject, metrics: &'static [Metric], range: Range) -> impl IntoView {
    let i18n = use_i18n();
    let live = live_history(subject, range);
    loaded(
        ViewFnOnce::from(move || view! { <p class="loading">{move || i18n.t(Key::Loading)}</p> }),
        move || {
            Suspend::new(async move {
                live.loaded.await.map(|()| {
                    metrics
                        .iter()
                        .map(|&metric| {
                            let points = Signal::derive(move || {
                                live.history.with(|h| {
                                    h.as_ref().map(|h| series(h, metric)).unwrap_or_default()
                                })
                            });
                            let label =
                                Signal::derive(move || i18n.t(metric_key(metric)).to_owned());
                            view! {
                                <figure class="graph" data-metric=format!("{metric:?}")>
                                    <figcaption>{label}</figcaption>
                                    <LineChart points unit=Unit::of(metric) label />
                                </figure>
                            }
                        })
                        .collect_view()
                        .into_any()
                })
            })
        },
    )
}

/// A panel of graphs with a choice of range, whose title can be carried onto the desktop.
#[component]
pub fn GraphPanel(
    subject: Subject,
    /// What the panel's title shows (a host's or a VM's name).
    #[prop(into)]
    title: Signal<String>,
    metrics: &'static [Metric],
) -> impl IntoView {
    let i18n = use_i18n();
    let carry = use_carry();
    let range = RwSignal::new(Range::Hour);
    let widget = match &subject {
        Subject::Host(host) => Widget::HostGraph { host: host.clone() },
        Subject::Vm(uuid) => Widget::VmGraph { uuid: uuid.clone() },
    };
    let grab = move |ev: PointerEvent| carry.pick_up(widget.clone(), title.get_untracked(), &ev);
    let choice = move |r: Range, key: Key| {
        view! {
            <button class="range" aria-pressed=move || (range.get() == r).to_string()
                on:click=move |_| range.set(r)>{move || i18n.t(key)}</button>
        }
    };
    view! {
        <section class="graph-panel">
            <header class="graph-title" title=move || i18n.t(Key::DragGraphToDesktop) on:pointerdown=grab>
                <span>{move || i18n.t(Key::Graphs)} " · " {title}</span>
                <span class="ranges" on:pointerdown=|ev| ev.stop_propagation()>{choice(Range::Hour, Key::RangeHour)}{choice(Range::Day, Key::RangeDay)}</span>
            </header>
            <div class="graphs">
                {move || {
                    let subject = subject.clone();
                    view! { <Charts subject metrics range=range.get() /> }
                }}
            </div>
        </section>
    }
}
