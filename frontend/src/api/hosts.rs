//! Host management calls, for the Hosts app (admins).

use gloo_net::http::Request;
use shared::{HostInfo, NewHost, StoragePoolInfo, routes};

use super::{Error, decode, get_json, no_content, send_empty, send_json};

pub async fn add_host(host: &NewHost) -> Result<HostInfo, Error> {
    decode(send_json(Request::post(routes::ADMIN_HOSTS), host).await?).await
}

/// Removes host `name`; `force`: even while it has Ezilla's VMs.
pub async fn remove_host(name: &str, force: bool) -> Result<(), Error> {
    let url = format!(
        "{}?force={force}",
        routes::fill(routes::ADMIN_HOST, &[name])
    );
    no_content(send_empty(Request::delete(&url)).await?).await
}

pub async fn host_pools(name: &str) -> Result<Vec<StoragePoolInfo>, Error> {
    get_json(&routes::fill(routes::ADMIN_HOST_POOLS, &[name])).await
}
