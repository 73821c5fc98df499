//! A real QEMU (TCG) VM made from the demo template through the API: it boots to the demo
//! guest's shell, shuts down by ACPI, and is deleted with its disk.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use shared::Role;
use virt::connect::Connect;

use super::LOCAL_QEMU;
use crate::support::{eventually, server::TestServer};

/// The storage pool and files that the test command prepares (scripts/demo-pool.sh).
const DEMO_POOL: &str = "ezilla-demo";
const DEMO_DIR: &str = "/var/lib/libvirt/images/ezilla-demo";

/// Removes the VM and its disk if the test did not get to it.
struct Cleanup(String);

impl Drop for Cleanup {
    fn drop(&mut self) {
        let Ok(conn) = Connect::open(Some(LOCAL_QEMU)) else {
            return;
        };
        if let Ok(dom) = conn.lookup_domain_by_name(&self.0) {
            let _ = dom.destroy();
            let _ = dom.undefine();
        }
        if let Ok(pool) = conn.lookup_storage_pool_by_name(DEMO_POOL) {
            if let Ok(vol) = pool.lookup_storage_vol_by_name(&format!("{}.qcow2", self.0)) {
                let _ = vol.delete(0);
            }
        }
    }
}

#[tokio::test]
async fn a_vm_from_the_demo_template_boots_shuts_down_and_is_deleted_with_its_disk() {
    virt::error::clear_error_callback();
    let server = TestServer::api(&[("local", LOCAL_QEMU)]).await;
    server.add_user("alice", Role::User);
    let cmdline = std::fs::read_to_string(format!("{DEMO_DIR}/cmdline"))
        .expect("the test command builds the demo guest");
    let template = json!({
        "name": "demo", "os": "Ezilla demo", "storage_pool": DEMO_POOL, "volume": "root.qcow2",
        "cores": 1, "memory_mib": 256, "disk_gib": 1,
        "kernel_boot": {
            "kernel": format!("{DEMO_DIR}/vmlinuz"),
            "initrd": format!("{DEMO_DIR}/initrd.img"),
            "cmdline": cmdline.trim(),
        }
    });
    let (status, body) = server
        .admin()
        .await
        .send(Method::POST, "/api/v1/templates", Some(template))
        .await;
    assert_eq!(status, 201, "{body}");

    let alice = server.login("alice").await;
    let name = format!("ezilla-test-{}-boot", std::process::id());
    let _cleanup = Cleanup(name.clone());
    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": name, "template": "demo"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    assert_eq!(vm["state"], "running");
    let uuid = vm["uuid"].as_str().unwrap().to_owned();

    let log = format!("/var/log/libvirt/qemu/{name}-serial.log");
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

    let action = format!("/api/v1/vms/{uuid}/action");
    let (status, body) = alice
        .send(Method::POST, &action, Some(json!({"action": "shutdown"})))
        .await;
    assert_eq!(status, 204, "{body}");
    eventually("an ACPI shutdown", Duration::from_secs(60), || async {
        let (_, vm) = alice.get(&format!("/api/v1/vms/{uuid}")).await;
        (vm["state"] == "shutoff").then_some(())
    })
    .await;

    let (status, _) = alice
        .send(
            Method::DELETE,
            &format!("/api/v1/vms/{uuid}?disks=true"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204);
    let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
    assert!(
        conn.lookup_domain_by_name(&name).is_err(),
        "the domain is gone"
    );
    let pool = conn.lookup_storage_pool_by_name(DEMO_POOL).unwrap();
    pool.refresh(0).unwrap();
    assert!(
        pool.lookup_storage_vol_by_name(&format!("{name}.qcow2"))
            .is_err(),
        "its disk is gone"
    );
    assert!(
        pool.lookup_storage_vol_by_name("root.qcow2").is_ok(),
        "the template's stays"
    );
}
