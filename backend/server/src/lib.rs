//! Ezilla's server as a library, so tests drive the very app that `ezilla` serves.

pub mod api;
pub mod auth;
pub mod cli;
pub mod config;
pub mod connections;
pub mod decode;
pub mod error;
pub mod hosts;
pub mod metrics;
pub mod owners;
pub mod seed;
pub mod spa;
pub mod ssh;
pub mod state;
pub mod tasks;
pub mod telemetry;
pub mod wallpaper;
pub mod website;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

pub use state::AppState;

/// The whole application: the API under `/api`, `/metrics`, the SPA everywhere else.
pub fn app(state: AppState) -> Router {
    let router = Router::new()
        .nest("/api", api::router(&state))
        .merge(api::root_router(&state))
        .merge(spa::router(&state.static_dir))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            website::dispatch,
        ))
        .with_state(state);
    telemetry::layers(router)
}

/// Serves `app(state)` on `listener`, within the state's connection limits, until `shutdown`
/// completes.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let limits = state.conn_limits.clone();
    connections::serve(listener, app(state), limits, shutdown).await
}
