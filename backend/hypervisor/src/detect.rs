//! Resolves the `auto` host URI: local QEMU when libvirtd answers and can run QEMU guests,
//! otherwise libvirt's built-in test driver.

use std::time::Duration;

use virt::connect::Connect;

const LOCAL_QEMU: &str = "qemu:///system";
const TEST_DRIVER: &str = "test:///default";
/// The first connection after libvirtd starts can take a minute (QEMU capability probing).
const PROBE_TIMEOUT: Duration = Duration::from_secs(120);

/// The URI `auto` stands for on this machine.
pub async fn auto_uri() -> String {
    let probe = tokio::task::spawn_blocking(local_qemu_works);
    match tokio::time::timeout(PROBE_TIMEOUT, probe).await {
        Ok(Ok(Ok(()))) => LOCAL_QEMU.into(),
        Ok(Ok(Err(why))) => {
            tracing::warn!(%why, "no local QEMU; using libvirt's test driver (simulated VMs)");
            TEST_DRIVER.into()
        }
        _ => {
            tracing::warn!("local libvirtd did not answer; using libvirt's test driver");
            TEST_DRIVER.into()
        }
    }
}

fn local_qemu_works() -> Result<(), String> {
    let conn = Connect::open(Some(LOCAL_QEMU)).map_err(|e| e.to_string())?;
    let caps = conn.capabilities().map_err(|e| e.to_string())?;
    if caps.contains("<domain type='qemu'") {
        Ok(())
    } else {
        Err("libvirtd has no QEMU emulator".into())
    }
}
