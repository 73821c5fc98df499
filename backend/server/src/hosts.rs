//! The pool's hosts: those of the configuration and those admins added at runtime, which the
//! store keeps so the pool connects to them again after a restart.

use hypervisor::{HostSpec, Pool};
use store::{Store, StoreError, hosts::AddedHost};

use crate::config::Settings;

/// Starts the pool on the configured hosts and the added ones.
pub async fn start_pool(settings: &Settings, store: &Store) -> anyhow::Result<Pool> {
    let added: Vec<HostSpec> = store.hosts().list().await?.into_iter().map(spec).collect();
    Pool::start(
        &settings.hosts,
        &added,
        settings.libvirt_timeout(),
        settings.refresh_interval(),
    )
    .await
}

/// Keeps a host an admin added.
pub async fn remember(store: &Store, host: &HostSpec) -> Result<(), StoreError> {
    let added = AddedHost {
        name: host.name.clone(),
        uri: host.uri.clone(),
        guest_network: host.guest_network,
    };
    store.hosts().insert(&added).await
}

/// An added host as the pool takes it: overcommitted as hosts are by default.
fn spec(added: AddedHost) -> HostSpec {
    HostSpec {
        name: added.name,
        uri: added.uri,
        guest_network: added.guest_network,
        vcpu_overcommit: None,
        memory_overcommit: None,
    }
}
