//! Creating a VM from a template: a copy-on-write qcow2 overlay of the template's base
//! volume, made through libvirt's storage API, then a domain defined and started on it.
//! Any failure undoes what was made: no orphan volume, no half-defined domain.

use std::{sync::Arc, time::Duration};

use shared::{GuestNetwork, HypervisorKind, Template, Vm};
use virt::{
    connect::Connect,
    enumutil::Enum,
    error::{Error, ErrorNumber},
    storage_pool::StoragePool,
    storage_vol::StorageVol,
    stream::Stream,
};

use super::{
    Host, HostError, Pool,
    guest_net::{FORWARD_PORTS, PortForward},
    layout,
    metadata::VmMetadata,
    placement, xml,
};

/// A VM to create, already validated and checked against the owner's quota.
#[derive(Debug, Clone)]
pub struct NewVm {
    pub name: String,
    pub owner: String,
    /// The owner's stable id, kept in the domain's metadata.
    pub owner_id: String,
    pub template: Template,
    pub cores: u32,
    pub memory_mib: u64,
    /// The host the user picked, if any.
    pub host: Option<String>,
    /// The cloud-init NoCloud seed (an ISO image) for templates that take one.
    pub seed: Option<Vec<u8>>,
}

/// Why a VM was not created.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("a VM or disk named {0} exists already")]
    NameTaken(String),
    #[error("no host named {0}")]
    UnknownHost(String),
    /// Every host with the template's disk is full; says how full.
    #[error("no host has room for {cores} vCPUs and {memory_mib} MiB: {why}")]
    NoCapacity {
        cores: u32,
        memory_mib: u64,
        why: String,
    },
    #[error("the template's disk is not on {0}")]
    TemplateMissing(String),
    #[error("no free ports to forward on host {0}")]
    NoPorts(String),
    #[error(transparent)]
    Host(#[from] HostError),
}

impl Pool {
    /// Creates and starts the VM on the picked host, or on the best host that fits and has
    /// the template's disk. Returns the new VM's row.
    pub async fn create(&self, new: NewVm) -> Result<Vm, CreateError> {
        if self.list_vms().vms.iter().any(|vm| vm.name == new.name) {
            return Err(CreateError::NameTaken(new.name));
        }
        let hosts = match &new.host {
            Some(name) => vec![
                self.host(name)
                    .ok_or_else(|| CreateError::UnknownHost(name.clone()))?,
            ],
            None => self
                .hosts()
                .into_iter()
                .filter(|h| h.info(false).online)
                .collect(),
        };
        // Only hosts that have the template's disk are candidates (asked all at once).
        let t = &new.template;
        let has_disk = futures_util::future::join_all(
            hosts
                .iter()
                .map(|h| h.has_volume(&t.storage_pool, &t.volume)),
        )
        .await;
        let hosts: Vec<_> = hosts
            .into_iter()
            .zip(has_disk)
            .filter_map(|(h, has)| has.then_some(h))
            .collect();
        if hosts.is_empty() {
            return Err(CreateError::TemplateMissing(match &new.host {
                Some(name) => format!("host {name}"),
                None => "any online host".into(),
            }));
        }
        let infos: Vec<_> = hosts.iter().map(|h| h.info(false)).collect();
        let candidates: Vec<_> = placement::rank(&infos, new.cores, new.memory_mib)
            .iter()
            .filter_map(|name| hosts.iter().find(|h| &h.name == name).cloned())
            .collect();
        if candidates.is_empty() {
            let why: Vec<_> = hosts
                .iter()
                .filter_map(|h| h.shortfall(new.cores, new.memory_mib))
                .collect();
            return Err(CreateError::NoCapacity {
                cores: new.cores,
                memory_mib: new.memory_mib,
                why: why.join("; "),
            });
        }
        let mut last = None;
        for host in candidates {
            match build_on(&host, new.clone()).await {
                Ok(uuid) => {
                    self.changed();
                    // The VM is made: a look at the host that failed (a busy host's call
                    // timing out) is tried again rather than answered as an error, which a
                    // client would retry into "the name is taken".
                    for _ in 0..3 {
                        if let Some((_, vm)) = self.find_vm(&uuid) {
                            return Ok(vm);
                        }
                        let _ = host.refresh().await;
                    }
                    return Err(CreateError::Host(HostError::Unreachable(
                        "the new VM does not show on its host".into(),
                    )));
                }
                // This host lacks the template's disk: the next one may have it.
                Err(CreateError::TemplateMissing(h)) => {
                    last = Some(CreateError::TemplateMissing(h))
                }
                Err(other) => return Err(other),
            }
        }
        Err(last.expect("at least one candidate was tried"))
    }
}

/// How long building a VM (its disk, its definition, its first start) may take. Starting
/// QEMU can take long on a busy host (or one whose libvirtd is still probing QEMU after a
/// restart): an answer cut short at the usual call timeout would say "no host is answering"
/// while the VM goes on being made.
const BUILD_TIMEOUT: Duration = Duration::from_secs(120);

async fn build_on(host: &Arc<Host>, mut new: NewVm) -> Result<String, CreateError> {
    let domain_type = match HypervisorKind::of_uri(&host.uri) {
        HypervisorKind::Test => "test",
        _ => "qemu",
    };
    let (host_name, name) = (host.name.clone(), new.name.clone());
    if domain_type == "qemu" {
        host.guard_guests().await?;
    } else {
        // The test driver's simulated guests boot nothing: no seed.
        new.seed = None;
    }
    // Ports are picked and taken (the VM defined, the view refreshed) under one lock, so two
    // creates on this host never pick the same ones.
    let _ports = host.forwards_lock.lock().await;
    let forwards = match new.template.cloud_init && domain_type == "qemu" {
        true => Some(free_ports(host).ok_or(CreateError::NoPorts(host_name.clone()))?),
        false => None,
    };
    let network = host.guest_network;
    let built = host
        .call_with_timeout(BUILD_TIMEOUT, move |_, conn| {
            Ok(build(conn, &new, domain_type, network, forwards))
        })
        .await?;
    let _ = host.refresh().await;
    built.map_err(|err| match err {
        Built::DiskExists => CreateError::NameTaken(name),
        Built::Failed(e) if is_missing_storage(&e) => CreateError::TemplateMissing(host_name),
        Built::Failed(e) => CreateError::Host(HostError::Libvirt(e)),
    })
}

/// Why `build` made nothing.
enum Built {
    /// A volume of the VM's disk name is in the pool already (a disk kept from a deleted VM).
    DiskExists,
    Failed(Error),
}

impl From<Error> for Built {
    fn from(err: Error) -> Self {
        Self::Failed(err)
    }
}

fn is_missing_storage(err: &Error) -> bool {
    matches!(
        err.code(),
        Enum::Known(ErrorNumber::NoStoragePool | ErrorNumber::NoStorageVolume)
    )
}

/// Overlay volume, then domain, then start; each failure removes what came before it.
fn build(
    conn: &Connect,
    new: &NewVm,
    domain_type: &'static str,
    network: GuestNetwork,
    ports: Option<(u16, u16)>,
) -> Result<String, Built> {
    let t = &new.template;
    let pool = conn.lookup_storage_pool_by_name(&t.storage_pool)?;
    let base = pool.lookup_storage_vol_by_name(&t.volume)?;
    let base_format = xml::volume_format(&base.xml_desc(0)?).unwrap_or_else(|| "raw".into());
    let disk_name = format!("{}.qcow2", new.name);
    if pool.lookup_storage_vol_by_name(&disk_name).is_ok() {
        return Err(Built::DiskExists);
    }
    let overlay = xml::overlay_volume(&disk_name, t.disk_gib << 30, &base.path()?, &base_format);
    let volume = StorageVol::create_xml(&pool, &overlay, 0)?;
    let seed = match &new.seed {
        Some(iso) => match make_seed(conn, &pool, &new.name, iso) {
            Ok(seed) => Some(seed),
            Err(err) => {
                let _ = volume.delete(0);
                return Err(err.into());
            }
        },
        None => None,
    };
    let undo = || {
        let _ = volume.delete(0);
        if let Some(seed) = &seed {
            let _ = seed.delete(0);
        }
    };
    let forwards = ports.map_or_else(Vec::new, |(ssh, http)| {
        vec![
            PortForward {
                host_port: ssh,
                guest_port: 22,
            },
            PortForward {
                host_port: http,
                guest_port: 80,
            },
        ]
    });
    let spec = xml::DomainSpec {
        domain_type,
        name: new.name.clone(),
        metadata: VmMetadata {
            ssh_port: ports.map(|(ssh, _)| ssh),
            http_port: ports.map(|(_, http)| http),
            ..VmMetadata::made_now(&new.owner, &new.owner_id, &t.os, t.disk_gib)
        },
        cores: new.cores,
        memory_mib: new.memory_mib,
        disk: volume.path()?,
        kernel_boot: t.kernel_boot.clone(),
        serial_log: (domain_type == "qemu").then(|| layout::serial_log_path(&new.name)),
        network,
        forwards,
        seed: match &seed {
            Some(seed) => match seed.path() {
                Ok(path) => Some(path),
                Err(err) => {
                    undo();
                    return Err(err.into());
                }
            },
            None => None,
        },
        install_media: None,
    };
    let domain = match conn.define_domain_xml(&spec.to_xml()) {
        Ok(domain) => domain,
        Err(err) => {
            undo();
            return Err(err.into());
        }
    };
    if let Err(err) = domain.create() {
        let _ = domain.undefine();
        undo();
        return Err(err.into());
    }
    Ok(domain.uuid_string()?)
}

/// The seed volume `NAME-seed.iso` beside the VM's disk, holding `iso`, uploaded through
/// libvirt's storage API (so it lands on a remote host too).
fn make_seed(
    conn: &Connect,
    pool: &StoragePool,
    vm: &str,
    iso: &[u8],
) -> Result<StorageVol, Error> {
    let name = format!("{vm}{}", xml::SEED_SUFFIX);
    let volume = StorageVol::create_xml(pool, &xml::raw_volume(&name, iso.len() as u64), 0)?;
    let upload = || -> Result<(), Error> {
        let stream = Stream::new(conn, 0)?;
        volume.upload(&stream, 0, iso.len() as u64, 0)?;
        let mut sent = 0;
        while sent < iso.len() {
            sent += stream.send(&iso[sent..])?.max(0) as usize;
        }
        stream.finish()
    };
    match upload() {
        Ok(()) => Ok(volume),
        Err(err) => {
            let _ = volume.delete(0);
            Err(err)
        }
    }
}

/// Two ports of the host's 127.0.0.1 for a new VM's SSH and HTTP: the lowest in
/// `FORWARD_PORTS` that no VM of the host has (running or not) and, on this machine, that
/// nothing listens on.
fn free_ports(host: &Host) -> Option<(u16, u16)> {
    let taken: std::collections::HashSet<u16> = host
        .view()
        .vms
        .iter()
        .flat_map(|vm| [vm.ssh_port, vm.http_port])
        .flatten()
        .collect();
    let local = host.is_local();
    let mut free = FORWARD_PORTS.filter(|port| {
        !taken.contains(port)
            && (!local || std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
    });
    Some((free.next()?, free.next()?))
}
