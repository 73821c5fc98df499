//! API request counts and latency histograms, by method and route template (never the raw
//! path, so the number of series stays bounded by the route table).

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use axum::{body::Body, http::Method, http::Request, middleware::Next, response::Response};

/// Upper bounds of the latency buckets, in seconds.
pub const BUCKETS: [f64; 11] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// One route's figures.
#[derive(Debug, Clone, Default)]
pub struct RouteStats {
    /// Responses by status code.
    pub statuses: HashMap<u16, u64>,
    /// Requests that took at most `BUCKETS[i]` (not cumulative).
    pub buckets: [u64; BUCKETS.len()],
    pub count: u64,
    pub sum_secs: f64,
}

/// Every route's figures.
#[derive(Default)]
pub struct HttpStats {
    routes: Mutex<HashMap<(Method, &'static str), RouteStats>>,
}

impl HttpStats {
    /// Counts one response.
    pub fn record(&self, method: &Method, route: &'static str, status: u16, secs: f64) {
        let mut routes = self.routes.lock().expect("http stats lock");
        let stats = routes.entry((method.clone(), route)).or_default();
        *stats.statuses.entry(status).or_default() += 1;
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            stats.buckets[i] += 1;
        }
        stats.count += 1;
        stats.sum_secs += secs;
    }

    /// Every route's figures, sorted by route and method.
    pub fn snapshot(&self) -> Vec<(String, &'static str, RouteStats)> {
        let routes = self.routes.lock().expect("http stats lock");
        let mut all: Vec<_> = routes
            .iter()
            .map(|((method, route), stats)| (method.to_string(), *route, stats.clone()))
            .collect();
        all.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
        all
    }
}

/// Middleware for one route of the table: times the request and counts its response.
pub async fn track(
    stats: Arc<super::Monitor>,
    route: &'static str,
    req: Request<Body>,
    next: Next,
) -> Response {
    let method = req.method().clone();
    let started = Instant::now();
    let response = next.run(req).await;
    let secs = started.elapsed().as_secs_f64();
    stats
        .http
        .record(&method, route, response.status().as_u16(), secs);
    response
}
