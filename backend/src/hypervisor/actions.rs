//! Lifecycle actions on existing VMs, and deleting them (with or without their disks).

use shared::VmAction;
use virt::{enumutil::Enum, error::ErrorNumber, sys};

use super::{HostError, Pool, xml};

/// Why an action failed.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("no such VM")]
    NotFound,
    /// The VM's state does not allow it (starting a running VM, resuming one not paused).
    #[error("not possible in the VM's current state")]
    InvalidState,
    #[error(transparent)]
    Host(HostError),
}

impl From<HostError> for ActionError {
    fn from(err: HostError) -> Self {
        match &err {
            HostError::Libvirt(e)
                if matches!(e.code(), Enum::Known(ErrorNumber::OperationInvalid)) =>
            {
                Self::InvalidState
            }
            HostError::Libvirt(e) if matches!(e.code(), Enum::Known(ErrorNumber::NoDomain)) => {
                Self::NotFound
            }
            _ => Self::Host(err),
        }
    }
}

impl Pool {
    /// Performs `action` on the VM `uuid`, then refreshes its host's view.
    pub async fn act(&self, uuid: &str, action: VmAction) -> Result<(), ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let done = host
            .call(move |_, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                match action {
                    VmAction::Start => dom.create().map(drop),
                    VmAction::Shutdown => dom.shutdown().map(drop),
                    VmAction::Poweroff => dom.destroy(),
                    VmAction::Reboot => dom.reboot(0),
                    VmAction::Suspend => dom.suspend().map(drop),
                    VmAction::Resume => dom.resume().map(drop),
                }
            })
            .await;
        let _ = host.refresh().await;
        self.changed();
        Ok(done?)
    }

    /// Powers off and undefines the VM `uuid`; with `disks`, also deletes its disk volumes.
    pub async fn delete(&self, uuid: &str, disks: bool) -> Result<(), ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let done = host
            .call(move |_, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                let files = xml::disk_files(&dom.xml_desc(0)?);
                if dom.is_active()? {
                    dom.destroy()?;
                }
                dom.undefine_flags(
                    sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE
                        | sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA
                        | sys::VIR_DOMAIN_UNDEFINE_NVRAM,
                )?;
                if disks {
                    for file in files {
                        // A disk that is not a libvirt volume (a file outside any pool) stays.
                        if let Ok(vol) = conn.lookup_storage_vol_by_path(&file) {
                            vol.delete(0)?;
                        }
                    }
                }
                Ok(())
            })
            .await;
        let _ = host.refresh().await;
        self.changed();
        Ok(done?)
    }
}
