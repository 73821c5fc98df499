//! The taskbar clock: the time it is given (the taskbar ticks it, `hh_mm` every second).

use leptos::prelude::*;

#[component]
pub fn Clock(
    /// The time shown, as `hh_mm` gives it.
    #[prop(into)]
    now: Signal<String>,
) -> impl IntoView {
    view! { <time class="clock">{now}</time> }
}

/// The local time as HH:MM.
pub fn hh_mm() -> String {
    let date = js_sys::Date::new_0();
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
