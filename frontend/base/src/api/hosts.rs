//! Host and template management calls, for the Hosts and Templates apps (admins).

use gloo_net::http::Request;
use shared::{HostInfo, NewHost, StoragePoolInfo, Template, TemplateDefaults, VolumeInfo, routes};

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

pub async fn pool_volumes(host: &str, pool: &str) -> Result<Vec<VolumeInfo>, Error> {
    get_json(&routes::fill(
        routes::ADMIN_HOST_POOL_VOLUMES,
        &[host, pool],
    ))
    .await
}

pub async fn add_template(template: &Template) -> Result<Template, Error> {
    decode(send_json(Request::post(routes::TEMPLATES), template).await?).await
}

pub async fn delete_template(name: &str) -> Result<(), Error> {
    no_content(send_empty(Request::delete(&routes::fill(routes::TEMPLATE, &[name]))).await?).await
}

/// `PUT /api/v1/templates/{name}`: what shared template `name` gives new VMs.
pub async fn edit_template(name: &str, defaults: &TemplateDefaults) -> Result<Template, Error> {
    let url = routes::fill(routes::TEMPLATE, &[name]);
    decode(send_json(Request::put(&url), defaults).await?).await
}

/// Publishes user `owner`'s saved image `name` to the shared catalogue.
pub async fn publish_image(owner: &str, name: &str) -> Result<(), Error> {
    let url = routes::fill(routes::ADMIN_IMAGE_PUBLISH, &[owner, name]);
    no_content(send_empty(Request::post(&url)).await?).await
}
