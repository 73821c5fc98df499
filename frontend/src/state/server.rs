//! What the server says of itself (health, which hypervisor is in use), polled so that the
//! taskbar can tell the user when the server goes away.

use std::time::Duration;

use leptos::prelude::*;
use shared::Health;

use crate::api;

/// How often the health check runs.
const POLL: Duration = Duration::from_secs(15);

/// The last health answer, or why there was none.
#[derive(Clone, Copy)]
pub struct ServerStatus {
    /// `None` until the first answer arrives.
    pub health: RwSignal<Option<Result<Health, api::Error>>>,
}

impl ServerStatus {
    /// Asks the server again now.
    pub fn refresh(self) {
        leptos::task::spawn_local(async move {
            let answer = api::health().await;
            self.health.set(Some(answer));
        });
    }
}

pub fn provide_server_status() {
    let status = ServerStatus {
        health: RwSignal::new(None),
    };
    status.refresh();
    set_interval(move || status.refresh(), POLL);
    provide_context(status);
}

pub fn use_server_status() -> ServerStatus {
    expect_context()
}
