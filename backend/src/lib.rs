//! Ezilla's server as a library, so tests drive the very app that `ezilla` serves.

pub mod api;
pub mod config;
pub mod error;
pub mod hypervisor;
pub mod spa;
pub mod telemetry;

use std::{future::Future, path::PathBuf, sync::Arc};

use axum::Router;
use tokio::net::TcpListener;

use crate::{config::Settings, hypervisor::Pool};

/// What every request handler can reach. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    /// The hypervisor hosts, and the only way to libvirt.
    pub pool: Arc<Pool>,
    /// The built frontend (Trunk's `dist`), served as the SPA.
    pub static_dir: PathBuf,
}

impl AppState {
    /// Connects the configured hosts (resolving `auto`) and gathers the state.
    pub async fn start(settings: &Settings) -> anyhow::Result<Self> {
        let pool = Pool::start(&settings.hosts, settings.libvirt_timeout()).await?;
        Ok(Self {
            pool: Arc::new(pool),
            static_dir: settings.static_dir.clone(),
        })
    }
}

/// The whole application: the API under `/api`, the SPA everywhere else.
pub fn app(state: AppState) -> Router {
    let router = Router::new()
        .nest("/api", api::router())
        .merge(spa::router(&state.static_dir))
        .with_state(state);
    telemetry::layers(router)
}

/// Serves `app(state)` on `listener` until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}
