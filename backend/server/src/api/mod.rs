//! The JSON API under `/api`. Every route is declared once in a table with its access level
//! and its documentation; the router, the access checks, the authorization tests and the
//! OpenAPI document (`openapi/`) are all built from that table.

mod admin;
mod auth;
mod boot;
mod cache;
pub mod console;
mod desktop;
mod events;
mod extract;
mod health;
mod hosts;
mod images;
mod isos;
mod keys;
mod metrics;
mod names;
pub mod openapi;
pub mod quota;
mod screenshot;
mod snapshots;
mod templates;
mod tokens;
mod vms;
mod wallpaper;
mod website;

use axum::{
    Router,
    extract::Request,
    http::Method,
    middleware::{self, Next, from_fn_with_state},
    routing::MethodRouter,
};

use crate::{
    auth::{Access, bearer, csrf, origin},
    error::ApiError,
    state::AppState,
};
pub use cache::ListCache;
pub use extract::{Json, Query};
pub use isos::{IsoLimits, forget_unfinished};
pub use quota::UserLocks;
pub use screenshot::ScreenshotCache;

/// One route: method, path (from `shared::routes`), access, handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub access: Access,
    /// A WebSocket upgrade: the `Origin` must be the server's own.
    pub websocket: bool,
    /// Also open to the configured metrics token (`Authorization: Bearer`).
    pub bearer: bool,
    /// What the OpenAPI document says of it.
    pub doc: openapi::Doc,
    handler: MethodRouter<AppState>,
}

impl Route {
    fn new(
        method: Method,
        path: &'static str,
        access: Access,
        handler: MethodRouter<AppState>,
    ) -> Self {
        Self {
            method,
            path,
            access,
            websocket: false,
            bearer: false,
            doc: openapi::Doc::default(),
            handler,
        }
    }

    fn websocket(mut self) -> Self {
        self.websocket = true;
        self.doc.status = 101;
        self
    }

    fn bearer(mut self) -> Self {
        self.bearer = true;
        self
    }
}

/// Every API route.
pub fn routes() -> Vec<Route> {
    [
        health::routes(),
        auth::routes(),
        desktop::routes(),
        wallpaper::routes(),
        keys::routes(),
        tokens::routes(),
        website::routes(),
        vms::routes(),
        snapshots::routes(),
        screenshot::routes(),
        images::routes(),
        isos::routes(),
        boot::routes(),
        hosts::routes(),
        templates::routes(),
        events::routes(),
        console::routes(),
        metrics::routes(),
        admin::routes(),
        openapi::routes(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The router of the routes under `/api`: each route wrapped in its access check; CSRF check
/// for all; JSON 404 for unknown `/api/...` paths, never the SPA.
pub fn router(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for route in routes() {
        if let Some(path) = route.path.strip_prefix("/api") {
            router = router.route(path, guarded(route, state));
        }
    }
    router
        .fallback(|| async { ApiError::NotFound })
        .layer(middleware::from_fn(csrf::require_json_or_header))
}

/// The router of the table's routes outside `/api` (`/metrics`), guarded the same way.
pub fn root_router(state: &AppState) -> Router<AppState> {
    let mut router = Router::new();
    for route in routes() {
        if !route.path.starts_with("/api/") {
            router = router.route(route.path, guarded(route, state));
        }
    }
    router.layer(middleware::from_fn(csrf::require_json_or_header))
}

/// A route's handler behind its access check (or its bearer token), its Origin check for
/// WebSockets, and its request count and timing.
fn guarded(route: Route, state: &AppState) -> MethodRouter<AppState> {
    let access = route.access;
    let console = route.websocket && route.path != shared::routes::EVENTS;
    let token = route.bearer.then(|| state.monitor.token.clone()).flatten();
    let mut handler = route.handler.route_layer(from_fn_with_state(
        state.auth.clone(),
        move |st, req: Request, next: Next| {
            let token = token.clone();
            async move {
                if bearer::matches(&req, token.as_deref()) {
                    return next.run(req).await;
                }
                crate::auth::session::require(access, console, st, req, next).await
            }
        },
    ));
    if route.websocket {
        handler = handler.route_layer(middleware::from_fn(origin::require_same_origin));
    }
    let (monitor, path) = (state.monitor.clone(), route.path);
    handler.route_layer(middleware::from_fn(move |req, next| {
        crate::metrics::http::track(monitor.clone(), path, req, next)
    }))
}
