//! When a VM's screen picture is fetched again: a frame count that moves every few seconds
//! while the page is visible and the VM runs (the server scales and caches the picture). Kept
//! here so that `components::vm_screen` only draws.

use std::time::Duration;

use leptos::prelude::*;
use shared::VmState;

/// How often a visible screen is fetched again.
const REFRESH: Duration = Duration::from_secs(3);

/// A frame count for a VM in `state`, ticking until the calling scope ends.
pub fn screen_frames(state: Signal<VmState>) -> Signal<u32> {
    let frame = RwSignal::new(0u32);
    let ticker = set_interval_with_handle(
        move || {
            if !document().hidden() && state.get_untracked() == VmState::Running {
                frame.update(|f| *f += 1);
            }
        },
        REFRESH,
    )
    .ok();
    on_cleanup(move || {
        if let Some(ticker) = ticker {
            ticker.clear();
        }
    });
    frame.into()
}
