//! Lifecycle actions on existing VMs, and deleting them (with or without their disks).

use shared::VmAction;
use virt::{domain::DomainState, enumutil::Enum, error::ErrorNumber, sys};

use super::{HostError, Pool, layout, xml};

/// Why an action failed.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    #[error("no such VM")]
    NotFound,
    /// The VM's state does not allow it (starting a running VM, resuming one not paused).
    #[error("not possible in the VM's current state")]
    InvalidState,
    /// The name is taken (a snapshot).
    #[error("{0}")]
    Conflict(String),
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
    /// Performs `action` on the VM `uuid`, then refreshes its host's view. The VM's state
    /// is checked first: libvirt drivers disagree on how to refuse an impossible action.
    pub async fn act(&self, uuid: &str, action: VmAction) -> Result<(), ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        if action == VmAction::Start && !host.is_test_driver() {
            host.guard_guests().await?;
        }
        let id = uuid.to_owned();
        let done = host
            .call(move |host, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                let Enum::Known((state, _)) = dom.state().map(|(s, r)| match s {
                    Enum::Known(s) => Enum::Known((s, r)),
                    Enum::Unknown(u) => Enum::Unknown(u),
                })?
                else {
                    return Ok(false);
                };
                if !allowed(action, state) {
                    return Ok(false);
                }
                if action == VmAction::Start {
                    // A VM made before guests were isolated starts isolated.
                    layout::upgrade_definition(conn, &dom, host.guest_network)?;
                }
                match action {
                    VmAction::Start => dom.create().map(drop),
                    // Through the guest agent when one answers, else the ACPI power button.
                    VmAction::Shutdown => dom
                        .shutdown_flags(AGENT_THEN_ACPI)
                        .or_else(|_| dom.shutdown().map(drop)),
                    VmAction::Poweroff => dom.destroy(),
                    VmAction::Reboot => dom.reboot(0),
                    VmAction::Suspend => dom.suspend().map(drop),
                    VmAction::Resume => dom.resume().map(drop),
                }?;
                Ok(true)
            })
            .await;
        let _ = host.refresh().await;
        self.changed();
        match done? {
            true => Ok(()),
            false => Err(ActionError::InvalidState),
        }
    }

    /// Powers off and undefines the VM `uuid`; with `disks`, also deletes its disk volumes.
    pub async fn delete(&self, uuid: &str, disks: bool) -> Result<(), ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let done = host
            .call(move |_, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                let desc = dom.xml_desc(0)?;
                // An ISO in the CD drive is the library's, never the VM's.
                let media = xml::cd_drive_media(&desc);
                let files: Vec<_> = xml::disk_files(&desc)
                    .into_iter()
                    .filter(|f| media.as_ref() != Some(f))
                    .collect();
                if dom.is_active()? {
                    dom.destroy()?;
                }
                // Saved state, snapshot metadata and NVRAM go with the VM. Drivers refuse flags
                // they do not know (the test driver: NVRAM), so fewer are tried in turn.
                const MANAGED_SAVE: u32 = sys::VIR_DOMAIN_UNDEFINE_MANAGED_SAVE;
                const SNAPSHOTS: u32 = sys::VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
                const NVRAM: u32 = sys::VIR_DOMAIN_UNDEFINE_NVRAM;
                dom.undefine_flags(MANAGED_SAVE | SNAPSHOTS | NVRAM)
                    .or_else(|_| dom.undefine_flags(MANAGED_SAVE | SNAPSHOTS))
                    .or_else(|_| dom.undefine())?;
                // The cloud-init seed goes with the VM, its disks only when asked.
                let gone = files
                    .into_iter()
                    .filter(|f| disks || f.ends_with(xml::SEED_SUFFIX));
                for file in gone {
                    // A disk that is not a libvirt volume (a file outside any pool) stays.
                    if let Ok(vol) = conn.lookup_storage_vol_by_path(&file) {
                        vol.delete(0)?;
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

/// `virDomainShutdownFlags`: the guest agent first, then ACPI.
const AGENT_THEN_ACPI: sys::virDomainShutdownFlagValues =
    sys::VIR_DOMAIN_SHUTDOWN_GUEST_AGENT | sys::VIR_DOMAIN_SHUTDOWN_ACPI_POWER_BTN;

/// Whether `action` makes sense for a VM in `state`.
fn allowed(action: VmAction, state: DomainState) -> bool {
    use DomainState::*;
    let running = matches!(state, Running | Blocked);
    match action {
        VmAction::Start => matches!(state, Shutoff | Crashed),
        VmAction::Shutdown | VmAction::Reboot | VmAction::Suspend => running,
        VmAction::Poweroff => running || matches!(state, Paused | Shutdown | PMSuspended),
        VmAction::Resume => state == Paused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_fit_states() {
        assert!(allowed(VmAction::Start, DomainState::Shutoff));
        assert!(!allowed(VmAction::Start, DomainState::Running));
        assert!(allowed(VmAction::Resume, DomainState::Paused));
        assert!(!allowed(VmAction::Resume, DomainState::Shutoff));
        assert!(allowed(VmAction::Poweroff, DomainState::Paused));
        assert!(!allowed(VmAction::Suspend, DomainState::Paused));
    }
}
