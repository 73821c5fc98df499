//! Removable media: what a VM's CD drive (`xml::CD_DRIVE`) holds, and inserting or ejecting
//! an ISO, on the running VM at once and in its definition, so it stays so across restarts.
//! A shut-off VM without the drive gets one; a running one cannot (IDE has no hotplug).

use virt::sys;

use super::{ActionError, Pool, xml};

impl Pool {
    /// The file in VM `uuid`'s CD drive (`None`: empty or no drive).
    pub async fn cd_media(&self, uuid: &str) -> Result<Option<String>, ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let desc = host
            .call(move |_, conn| conn.lookup_domain_by_uuid_string(&id)?.xml_desc(0))
            .await?;
        Ok(xml::cd_drive_media(&desc))
    }

    /// Puts `iso` (a file on the VM's host) into VM `uuid`'s CD drive, or ejects it (`None`).
    pub async fn change_media(&self, uuid: &str, iso: Option<String>) -> Result<(), ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let changed = host
            .call(move |_, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                let device = xml::cd_drive(iso.as_deref());
                let active = dom.is_active()?;
                let config = sys::VIR_DOMAIN_AFFECT_CONFIG;
                let flags = match active {
                    true => config | sys::VIR_DOMAIN_AFFECT_LIVE,
                    false => config,
                };
                let inactive = dom.xml_desc(sys::VIR_DOMAIN_XML_INACTIVE)?;
                if xml::has_cd_drive(&inactive) {
                    // Forced: a guest that locked its tray is overruled, as a pin in the
                    // drive's eject hole would.
                    dom.update_device_flags(&device, flags | sys::VIR_DOMAIN_DEVICE_MODIFY_FORCE)?;
                    Ok(Ok(()))
                } else if !active {
                    dom.attach_device_flags(&device, config)?;
                    Ok(Ok(()))
                } else {
                    Ok(Err(ActionError::Conflict(
                        "this VM has no CD drive: shut it down, and one is added".into(),
                    )))
                }
            })
            .await?;
        let _ = host.refresh().await;
        changed
    }
}
