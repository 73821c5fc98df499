//! VMs on a pool of three test-driver hosts of different sizes (see
//! `TestServer::pool_of_three`): `placement` (scheduler, quotas, bad input, runtime hosts) and
//! `actions` (lifecycle actions, delete, snapshots, save as image), `images` (saved images
//! are their maker's own).

mod actions;
mod capacity;
mod images;
mod placement;

use reqwest::Method;
use serde_json::Value;

use testkit::server::{Client, TestServer};

/// The three-host pool with user `alice` and the template `demo`.
pub async fn pool() -> TestServer {
    TestServer::pool_of_three(false).await
}

/// `POST /api/v1/vms` with `body`.
pub async fn create(client: &Client, body: Value) -> (u16, Value) {
    client.send(Method::POST, "/api/v1/vms", Some(body)).await
}

/// The VM's state as the API reports it.
pub async fn vm_state(client: &Client, uuid: &str) -> String {
    let (status, vm) = client.get(&format!("/api/v1/vms/{uuid}")).await;
    assert_eq!(status, 200, "{vm}");
    vm["state"].as_str().unwrap().to_owned()
}
