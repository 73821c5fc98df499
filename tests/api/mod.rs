//! The HTTP API, against the real backend on libvirt's test driver.

mod accounts;
mod authz;
mod authz_tokens;
mod boot;
mod console_bridge;
mod desktop;
mod events;
mod fuzz;
mod health;
mod host_admin;
mod keys;
mod lifecycle;
mod limits;
mod metrics;
mod openapi;
mod owners;
mod screenshot;
mod spa;
mod templates_admin;
mod tokens;
mod vms;
mod wallpaper;
mod website;

use serde_json::Value;

/// GETs `url` and returns the status and the JSON body.
pub async fn get_json(url: &str) -> (u16, Value) {
    let response = reqwest::get(url).await.expect("request");
    let status = response.status().as_u16();
    let body = response.json().await.expect("JSON body");
    (status, body)
}

/// libvirt's built-in test host: one running domain named `test`.
pub const TEST_HOST: (&str, &str) = ("one1", "test:///default");
/// A host whose libvirt can never be reached: the test driver refuses a missing file.
pub const DEAD_HOST: (&str, &str) = ("one2", "test:///nonexistent/ezilla-host.xml");
