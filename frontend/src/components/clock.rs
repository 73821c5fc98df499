//! The taskbar clock (HH:MM, local time), ticking every second.

use std::time::Duration;

use leptos::prelude::*;

#[component]
pub fn Clock() -> impl IntoView {
    let now = RwSignal::new(hh_mm());
    set_interval(move || now.set(hh_mm()), Duration::from_secs(1));
    view! { <time class="clock">{now}</time> }
}

fn hh_mm() -> String {
    let date = js_sys::Date::new_0();
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}
