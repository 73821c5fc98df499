//! How many character cells fit in the terminal's element, kept current as its window is
//! resized: a hidden run of `PROBE_CHARS` characters in the terminal's font gives a cell's
//! width and height.

use leptos::{html, prelude::*};
use shared::terminal::MAX_SIZE;
use wasm_bindgen::{JsCast, closure::Closure};

/// Characters in the probe (more give a finer cell width).
pub const PROBE_CHARS: usize = 100;
/// The terminal's padding on each side, in CSS pixels (style.css: `.terminal`).
const PADDING: f64 = 6.0;

/// Calls `fitted(columns, rows)` once the terminal is in the page and whenever its size
/// changes.
pub fn follow(
    pre: NodeRef<html::Pre>,
    probe: NodeRef<html::Span>,
    fitted: impl Fn(u16, u16) + Clone + 'static,
) {
    Effect::new(move || {
        let (Some(el), Some(probe)) = (pre.get(), probe.get()) else {
            return;
        };
        let fitted = fitted.clone();
        let measure = move || {
            let cell = probe.get_bounding_client_rect();
            let (w, h) = (cell.width() / PROBE_CHARS as f64, cell.height());
            if w <= 0.0 || h <= 0.0 {
                return;
            }
            let fit = |space: i32, cell: f64| {
                let n = ((f64::from(space) - 2.0 * PADDING) / cell).floor();
                n.clamp(1.0, f64::from(MAX_SIZE)) as u16
            };
            fitted(fit(el.client_width(), w), fit(el.client_height(), h));
        };
        measure();
        let on_resize = Closure::<dyn FnMut()>::new(measure);
        let Ok(observer) = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
            return;
        };
        observer.observe(&pre.get_untracked().expect("mounted"));
        let kept = StoredValue::new_local((observer, on_resize));
        on_cleanup(move || kept.with_value(|(observer, _)| observer.disconnect()));
    });
}
