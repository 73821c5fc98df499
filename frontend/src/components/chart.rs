//! A line chart drawn as SVG by the app itself: a series over time with its axes, units and
//! the value under the pointer. Gaps (nothing measured) break the line; nothing is made up.
//! A chart with nothing measured yet says so.

use leptos::prelude::*;
use shared::{Metric, Point};
use web_sys::PointerEvent;

use crate::i18n::{Key, use_i18n};

/// The drawing's size in SVG units, and the room kept for the axes' labels.
const WIDTH: f64 = 320.0;
const HEIGHT: f64 = 120.0;
const LEFT: f64 = 52.0;
const BOTTOM: f64 = 16.0;
const TOP: f64 = 8.0;
const RIGHT: f64 = 6.0;

/// How a metric's values read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unit {
    Percent,
    Mib,
    BytesPerSec,
}

impl Unit {
    pub fn of(metric: Metric) -> Unit {
        match metric {
            Metric::CpuPercent => Unit::Percent,
            Metric::MemoryUsedMib | Metric::MemoryTotalMib => Unit::Mib,
            Metric::DiskReadBps | Metric::DiskWriteBps | Metric::NetRxBps | Metric::NetTxBps => {
                Unit::BytesPerSec
            }
        }
    }

    /// `v` with its unit, for labels.
    pub fn format(self, v: f64) -> String {
        match self {
            Unit::Percent => format!("{v:.1} %"),
            Unit::Mib if v >= 10_240.0 => format!("{:.1} GiB", v / 1024.0),
            Unit::Mib if v < 10.0 => format!("{v:.1} MiB"),
            Unit::Mib => format!("{v:.0} MiB"),
            Unit::BytesPerSec => {
                let (scaled, prefix) = [(1e9, "G"), (1e6, "M"), (1e3, "k")]
                    .into_iter()
                    .find(|(size, _)| v >= *size)
                    .map_or((v, ""), |(size, prefix)| (v / size, prefix));
                format!("{scaled:.1} {prefix}B/s")
            }
        }
    }

    /// The top of the y axis for values up to `max`: 100 for percentages, else a round number.
    fn axis_top(self, max: f64) -> f64 {
        if self == Unit::Percent {
            return 100.0;
        }
        let max = if max > 0.0 { max } else { 1.0 };
        let magnitude = 10f64.powf(max.log10().floor());
        [1.0, 2.0, 5.0, 10.0]
            .into_iter()
            .map(|step| step * magnitude)
            .find(|top| *top >= max)
            .unwrap_or(10.0 * magnitude)
    }
}

/// Where the points go: the time span and the value range.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Frame {
    from: u64,
    to: u64,
    top: f64,
}

impl Frame {
    fn of(points: &[Point], unit: Unit) -> Frame {
        let from = points.first().map_or(0, |p| p.t);
        let to = points.last().map_or(0, |p| p.t).max(from + 1);
        let max = points.iter().filter_map(|p| p.v).fold(0.0, f64::max);
        Frame {
            from,
            to,
            top: unit.axis_top(max),
        }
    }

    fn x(self, t: u64) -> f64 {
        LEFT + (t - self.from) as f64 / (self.to - self.from) as f64 * (WIDTH - LEFT - RIGHT)
    }

    fn y(self, v: f64) -> f64 {
        let v = v.clamp(0.0, self.top);
        HEIGHT - BOTTOM - v / self.top * (HEIGHT - BOTTOM - TOP)
    }
}

/// The SVG path of the series: a new stroke after every gap.
fn path(points: &[Point], frame: Frame) -> String {
    let mut d = String::new();
    let mut pen_down = false;
    for point in points {
        match point.v {
            Some(v) => {
                let command = if pen_down { 'L' } else { 'M' };
                d.push_str(&format!(
                    "{command}{:.1} {:.1} ",
                    frame.x(point.t),
                    frame.y(v)
                ));
                pen_down = true;
            }
            None => pen_down = false,
        }
    }
    d
}

/// `12:03:05`, in the browser's time zone.
fn clock(t: u64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t as f64 * 1000.0));
    format!(
        "{:02}:{:02}:{:02}",
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}

#[component]
pub fn LineChart(
    #[prop(into)] points: Signal<Vec<Point>>,
    unit: Unit,
    /// What the chart shows, for screen readers.
    #[prop(into)]
    label: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let frame = Memo::new(move |_| points.with(|p| Frame::of(p, unit)));
    let nothing_yet = move || points.with(|p| p.iter().all(|p| p.v.is_none()));
    let hovered = RwSignal::new(None::<Point>);
    let last = move || points.with(|p| p.iter().rev().find_map(|p| p.v).map(|v| format!("{v:.3}")));
    let on_move = move |ev: PointerEvent| {
        let Some(svg) = ev
            .current_target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        else {
            return;
        };
        let scale = WIDTH / f64::from(svg.client_width().max(1));
        let x = f64::from(ev.offset_x()) * scale;
        let f = frame.get_untracked();
        let nearest = points.with_untracked(|p| {
            p.iter()
                .filter(|p| p.v.is_some())
                .min_by(|a, b| (f.x(a.t) - x).abs().total_cmp(&(f.x(b.t) - x).abs()))
                .copied()
        });
        hovered.set(nearest);
    };
    let ticks = move || {
        let f = frame.get();
        [0.0, f.top / 2.0, f.top]
            .into_iter()
            .map(|v| {
                let y = f.y(v);
                view! {
                    <line class="grid" x1=LEFT x2=WIDTH - RIGHT y1=y y2=y />
                    <text class="tick" x=LEFT - 4.0 y=y + 3.0 text-anchor="end">{unit.format(v)}</text>
                }
            })
            .collect_view()
    };
    let span = move || {
        let f = frame.get();
        view! {
            <text class="tick" x=LEFT y=HEIGHT - 3.0>{clock(f.from)}</text>
            <text class="tick" x=WIDTH - RIGHT y=HEIGHT - 3.0 text-anchor="end">{clock(f.to)}</text>
        }
    };
    view! {
        <svg
            class="chart"
            role="img"
            aria-label=move || label.get()
            viewBox=format!("0 0 {WIDTH} {HEIGHT}")
            data-last=last
            on:pointermove=on_move
            on:pointerleave=move |_| hovered.set(None)
        >
            {ticks}
            {span}
            <line class="axis" x1=LEFT x2=LEFT y1=TOP y2=HEIGHT - BOTTOM />
            <line class="axis" x1=LEFT x2=WIDTH - RIGHT y1=HEIGHT - BOTTOM y2=HEIGHT - BOTTOM />
            <path class="series" d=move || points.with(|p| path(p, frame.get())) />
            <Show when=nothing_yet>
                <text class="chart-empty" x=(LEFT + WIDTH - RIGHT) / 2.0 y=(HEIGHT - BOTTOM) / 2.0
                    text-anchor="middle">{move || i18n.t(Key::NoMeasurements)}</text>
            </Show>
            {move || hovered.get().and_then(|p| {
                let f = frame.get();
                let v = p.v?;
                let (x, y) = (f.x(p.t), f.y(v));
                let anchor = if x > WIDTH / 2.0 { "end" } else { "start" };
                let text_x = if x > WIDTH / 2.0 { x - 4.0 } else { x + 4.0 };
                Some(view! {
                    <line class="cursor" x1=x x2=x y1=TOP y2=HEIGHT - BOTTOM />
                    <circle class="dot" cx=x cy=y r="2.5" />
                    <text class="chart-value" x=text_x y=TOP + 10.0 text-anchor=anchor>
                        {format!("{} · {}", unit.format(v), clock(p.t))}
                    </text>
                })
            })}
        </svg>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(t: u64, v: Option<f64>) -> Point {
        Point { t, v }
    }

    #[test]
    fn gaps_break_the_line() {
        let points = [
            point(0, Some(0.0)),
            point(5, Some(50.0)),
            point(10, None),
            point(15, Some(100.0)),
        ];
        let d = path(&points, Frame::of(&points, Unit::Percent));
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 1, "{d}");
    }

    #[test]
    fn axes_end_on_round_numbers_and_values_read_with_units() {
        assert_eq!(Unit::Percent.axis_top(3.0), 100.0);
        assert_eq!(Unit::Mib.axis_top(300.0), 500.0);
        assert_eq!(Unit::BytesPerSec.axis_top(0.0), 1.0);
        assert_eq!(Unit::BytesPerSec.format(1_500_000.0), "1.5 MB/s");
        assert_eq!(Unit::Mib.format(512.0), "512 MiB");
        assert_eq!(Unit::Percent.format(42.0), "42.0 %");
    }
}
