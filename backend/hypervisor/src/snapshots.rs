//! VM snapshots: list, take, revert to, delete.

use shared::Snapshot;
use virt::{
    connect::Connect,
    domain::Domain,
    domain_snapshot::DomainSnapshot,
    enumutil::Enum,
    error::{Error, ErrorNumber},
};

use super::{ActionError, HostError, Pool, xml};

impl Pool {
    /// The VM's snapshots, oldest first (by name within a second).
    pub async fn snapshots(&self, uuid: &str) -> Result<Vec<Snapshot>, ActionError> {
        self.with_domain(uuid, |_, dom| {
            let mut all = dom
                .list_all_snapshots(0)?
                .iter()
                .map(describe)
                .collect::<Result<Vec<_>, _>>()?;
            all.sort_by(|a, b| (a.created, &a.name).cmp(&(b.created, &b.name)));
            Ok(Ok(all))
        })
        .await
    }

    /// Takes a snapshot named `name`; `Conflict` if the VM has one of that name.
    pub async fn take_snapshot(&self, uuid: &str, name: &str) -> Result<Snapshot, ActionError> {
        let name = name.to_owned();
        self.with_domain(uuid, move |_, dom| {
            if Domain::lookup_snapshot_by_name(dom, &name, 0).is_ok() {
                return Ok(Err(ActionError::Conflict(format!(
                    "a snapshot named {name} exists"
                ))));
            }
            let xml = format!(
                "<domainsnapshot><name>{}</name></domainsnapshot>",
                xml::escape(&name)
            );
            let snapshot = dom.create_snapshot_xml(&xml, 0)?;
            Ok(Ok(describe(&snapshot)?))
        })
        .await
    }

    /// Brings the VM back to the snapshot `name` (its state included).
    pub async fn revert_snapshot(&self, uuid: &str, name: &str) -> Result<(), ActionError> {
        let name = name.to_owned();
        let reverted = self
            .with_domain(uuid, move |_, dom| {
                Ok(Ok(
                    Domain::lookup_snapshot_by_name(dom, &name, 0)?.revert(0)?
                ))
            })
            .await;
        self.refresh_host_of(uuid).await;
        reverted
    }

    pub async fn delete_snapshot(&self, uuid: &str, name: &str) -> Result<(), ActionError> {
        let name = name.to_owned();
        self.with_domain(uuid, move |_, dom| {
            Ok(Ok(
                Domain::lookup_snapshot_by_name(dom, &name, 0)?.delete(0)?
            ))
        })
        .await
    }

    /// Runs `f` on the VM's domain on its host. A missing snapshot is `NotFound`.
    async fn with_domain<T: Send + 'static>(
        &self,
        uuid: &str,
        f: impl FnOnce(&Connect, &Domain) -> Result<Result<T, ActionError>, Error> + Send + 'static,
    ) -> Result<T, ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let outcome = host
            .call(move |_, conn| f(conn, &conn.lookup_domain_by_uuid_string(&id)?))
            .await;
        match outcome {
            Ok(inner) => inner,
            Err(HostError::Libvirt(e))
                if matches!(e.code(), Enum::Known(ErrorNumber::NoDomainSnapshot)) =>
            {
                Err(ActionError::NotFound)
            }
            Err(err) => Err(err.into()),
        }
    }

    async fn refresh_host_of(&self, uuid: &str) {
        if let Some((host, _)) = self.find_vm(uuid) {
            let _ = host.refresh().await;
            self.changed();
        }
    }
}

fn describe(snapshot: &DomainSnapshot) -> Result<Snapshot, Error> {
    let desc = snapshot.xml_desc(0)?;
    let field = |tag: &str| xml::child_text(&desc, tag).unwrap_or_default();
    Ok(Snapshot {
        name: snapshot.name()?,
        created: field("creationTime").parse().unwrap_or_default(),
        vm_state: field("state"),
        current: snapshot.is_current(0).unwrap_or(false),
    })
}
