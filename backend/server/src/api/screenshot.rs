//! `GET /api/v1/vms/{id}/screenshot?width=N`: the VM's screen as PNG, scaled on the server,
//! owner-checked, and kept for about a second so that many viewers cost one grab.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

use axum::{
    body::Bytes,
    extract::State,
    http::{Method, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;
use shared::routes;

use super::{Access, Query, Route, vms::VisibleVm};
use crate::{decode::screenshot, error::ApiError, state::AppState};
use hypervisor::screenshot::Unreadable;

/// A screenshot the host sent that is not shown: the VM's fault (or its host's), not ours.
fn unreadable(why: Unreadable) -> ApiError {
    tracing::warn!(%why, "screenshot refused");
    ApiError::InvalidState(format!("the VM's screen cannot be shown: {why}"))
}

/// How long a screenshot is served again before a new one is taken.
const FRESH: Duration = Duration::from_secs(1);
const DEFAULT_WIDTH: u32 = 640;
const MAX_WIDTH: u32 = 1920;
/// More cached screenshots than this and the cache starts over.
const MAX_ENTRIES: usize = 512;

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            routes::VM_SCREENSHOT,
            Access::User,
            get(screenshot),
        )
        .summary("A running VM's screen as PNG (?width=N)")
        .query::<Size>()
        .returns_raw(200, "image/png"),
    ]
}

#[derive(Deserialize, schemars::JsonSchema)]
struct Size {
    width: Option<u32>,
}

/// Recent screenshots by VM and width.
#[derive(Default)]
pub struct ScreenshotCache {
    entries: Mutex<HashMap<(String, u32), (Instant, Bytes)>>,
}

impl ScreenshotCache {
    fn get(&self, key: &(String, u32), now: Instant) -> Option<Bytes> {
        let entries = self.entries.lock().expect("screenshot cache lock");
        entries
            .get(key)
            .filter(|(at, _)| now.duration_since(*at) < FRESH)
            .map(|(_, png)| png.clone())
    }

    fn put(&self, key: (String, u32), png: Bytes, now: Instant) {
        let mut entries = self.entries.lock().expect("screenshot cache lock");
        if entries.len() >= MAX_ENTRIES {
            entries.retain(|_, (at, _)| now.duration_since(*at) < FRESH);
        }
        entries.insert(key, (now, png));
    }
}

async fn screenshot(
    State(state): State<AppState>,
    VisibleVm(vm): VisibleVm,
    Query(size): Query<Size>,
) -> Result<Response, ApiError> {
    let width = size.width.unwrap_or(DEFAULT_WIDTH);
    if !(1..=MAX_WIDTH).contains(&width) {
        return Err(ApiError::BadRequest(format!("width is 1 to {MAX_WIDTH}")));
    }
    let key = (vm.uuid.clone(), width);
    let png = match state.screenshots.get(&key, Instant::now()) {
        Some(png) => png,
        None => {
            let grab = state.pool.screenshot(&vm.uuid).await?.map_err(unreadable)?;
            let png = state
                .decodes
                .run(move || screenshot::render(&grab, width))
                .await?
                .map_err(unreadable)?;
            let png = Bytes::from(png);
            state.screenshots.put(key, png.clone(), Instant::now());
            png
        }
    };
    let headers = [
        (header::CONTENT_TYPE, "image/png"),
        (header::CACHE_CONTROL, "private, max-age=1"),
    ];
    Ok((headers, png).into_response())
}
