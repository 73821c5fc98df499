//! Real QEMU under the local libvirtd that the test command starts: the demo guest's pool and
//! template, a VM of it booted to its shell through the API, and the clean-up of what a test
//! or bench made there.

use std::time::Duration;

use ezilla::config::Settings;
use reqwest::Method;
use serde_json::{Value, json};
use shared::Role;
use virt::connect::Connect;

use crate::{
    eventually,
    server::{Client, TestServer, frontend_dist},
};

/// The local QEMU driver, under the libvirtd that the test command starts.
pub const LOCAL_QEMU: &str = "qemu:///system";
/// The demo guest's storage pool, which the test command prepares (scripts/demo-pool.sh).
pub const DEMO_POOL: &str = "ezilla-demo";
/// That pool's directory: the guest's disk, kernel, initrd and kernel command line.
pub const DEMO_DIR: &str = "/var/lib/libvirt/images/ezilla-demo";

/// Removes these VMs, their `NAME.qcow2` disks and `NAME-seed.iso` seeds (in the demo and
/// Debian pools) if the test did not get to it.
pub struct Cleanup(pub Vec<String>);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let Ok(conn) = Connect::open(Some(LOCAL_QEMU)) else {
            return;
        };
        let pools: Vec<_> = [DEMO_POOL, "ezilla-debian"]
            .into_iter()
            .filter_map(|p| conn.lookup_storage_pool_by_name(p).ok())
            .collect();
        for name in &self.0 {
            if let Ok(dom) = conn.lookup_domain_by_name(name) {
                let _ = dom.destroy();
                let _ = dom.undefine();
            }
            for pool in &pools {
                for file in [format!("{name}.qcow2"), format!("{name}-seed.iso")] {
                    if let Ok(volume) = pool.lookup_storage_vol_by_name(&file) {
                        let _ = volume.delete(0);
                    }
                }
            }
        }
    }
}

/// Refreshes a storage pool, once no other test's upload or copy into it is running
/// (libvirt refuses to refresh a pool with jobs in progress).
pub async fn refresh_pool(pool: &virt::storage_pool::StoragePool) {
    eventually(
        "the pool to be free to refresh",
        Duration::from_secs(120),
        || async { pool.refresh(0).ok() },
    )
    .await;
}

/// The demo template, as the run command registers it.
pub fn demo_template() -> Value {
    let cmdline = std::fs::read_to_string(format!("{DEMO_DIR}/cmdline"))
        .expect("the test command builds the demo guest");
    json!({
        "name": "demo", "os": "Ezilla demo", "storage_pool": DEMO_POOL, "volume": "root.qcow2",
        "cores": 1, "memory_mib": 256, "disk_gib": 1,
        "kernel_boot": {
            "kernel": format!("{DEMO_DIR}/vmlinuz"),
            "initrd": format!("{DEMO_DIR}/initrd.img"),
            "cmdline": cmdline.trim(),
        }
    })
}

/// A server over local QEMU that serves the frontend, with user `alice`, the demo template,
/// and alice's VM `ezilla-test-PID-SUFFIX` booted to its shell (removed when this drops).
pub struct BootedDemo {
    pub server: TestServer,
    pub alice: Client,
    pub name: String,
    pub vm: Value,
    _cleanup: Cleanup,
}

/// Starts such a server with its settings changed by `tweak`, and boots alice's VM, its name
/// ending in `suffix`.
pub async fn boot_demo(suffix: &str, tweak: impl FnOnce(&mut Settings)) -> BootedDemo {
    virt::error::clear_error_callback();
    let server = TestServer::start_with(&[("local", LOCAL_QEMU)], frontend_dist(), tweak).await;
    server.add_user("alice", Role::User);
    let (status, body) = server
        .admin()
        .await
        .send(Method::POST, "/api/v1/templates", Some(demo_template()))
        .await;
    assert_eq!(status, 201, "{body}");
    let name = format!("ezilla-test-{}-{suffix}", std::process::id());
    let cleanup = Cleanup(vec![name.clone()]);
    let alice = server.login("alice").await;
    let vm = create_and_boot(&alice, &name, "demo").await;
    BootedDemo {
        server,
        alice,
        name,
        vm,
        _cleanup: cleanup,
    }
}

/// The file where the host keeps what VM `name` writes to its serial port (a name ending in
/// `.serial`, which no VM's own QEMU log can have).
pub fn serial_log(name: &str) -> String {
    format!("/var/log/libvirt/qemu/{name}.serial")
}

/// Creates `name` from `template` and waits until its serial log shows the guest's shell.
/// A server that has just started may not have reached libvirtd yet (503, nothing made):
/// the create is tried again until the host answers.
pub async fn create_and_boot(alice: &Client, name: &str, template: &str) -> Value {
    let body = json!({"name": name, "template": template});
    let (status, vm) = eventually("the host to take the VM", Duration::from_secs(90), || {
        let body = body.clone();
        async move {
            let (status, vm) = alice.send(Method::POST, "/api/v1/vms", Some(body)).await;
            (status != 503).then_some((status, vm))
        }
    })
    .await;
    assert_eq!(status, 201, "{vm}");
    assert_eq!(vm["state"], "running");
    let log = serial_log(name);
    eventually(
        "the guest's shell on the serial console",
        Duration::from_secs(120),
        || async {
            let text = std::fs::read_to_string(&log).ok()?;
            (text.contains("Ezilla demo guest ready") && text.contains("root@ezilla-demo"))
                .then_some(())
        },
    )
    .await;
    vm
}
