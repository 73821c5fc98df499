//! A real QEMU (TCG) VM made from the demo template through the API: it boots to the demo
//! guest's shell, shuts down by ACPI, is saved as an image; a second VM made from that image
//! boots too; both are deleted with their disks.

use std::time::Duration;

use ezilla::config::Settings;
use reqwest::Method;
use serde_json::{Value, json};
use shared::Role;
use virt::connect::Connect;

use super::LOCAL_QEMU;
use crate::support::{
    eventually,
    server::{Client, TestServer, frontend_dist},
};

/// The storage pool and files that the test command prepares (scripts/demo-pool.sh).
const DEMO_POOL: &str = "ezilla-demo";
const DEMO_DIR: &str = "/var/lib/libvirt/images/ezilla-demo";

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
pub(super) async fn create_and_boot(alice: &Client, name: &str, template: &str) -> Value {
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

#[tokio::test]
async fn boot_shut_down_save_as_image_boot_the_copy_delete_both() {
    virt::error::clear_error_callback();
    let server = TestServer::api(&[("local", LOCAL_QEMU)]).await;
    server.add_user("alice", Role::User);
    let admin = server.admin().await;
    let (status, body) = admin
        .send(Method::POST, "/api/v1/templates", Some(demo_template()))
        .await;
    assert_eq!(status, 201, "{body}");

    let alice = server.login("alice").await;
    let run = std::process::id();
    let (first, image, second) = (
        format!("ezilla-test-{run}-boot"),
        format!("ezilla-test-{run}-img"),
        format!("ezilla-test-{run}-copy"),
    );
    // The saved image is alice's own: its volume is named after her id.
    let alice_id = server
        .state
        .auth
        .store
        .users()
        .by_name("alice")
        .await
        .unwrap()
        .unwrap()
        .id;
    let image_volume = format!("u{alice_id}-{image}");
    let _cleanup = Cleanup(vec![first.clone(), image_volume.clone(), second.clone()]);

    let vm = create_and_boot(&alice, &first, "demo").await;
    let uuid = vm["uuid"].as_str().unwrap();
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

    let save = format!("/api/v1/vms/{uuid}/save-image");
    let (status, task) = alice
        .send(Method::POST, &save, Some(json!({"template": image})))
        .await;
    assert_eq!(status, 202, "{task}");
    let task_path = format!("/api/v1/tasks/{}", task["id"]);
    let done = eventually("the disk copy", Duration::from_secs(120), || async {
        let (_, task) = alice.get(&task_path).await;
        (task["state"] != "running").then_some(task)
    })
    .await;
    assert_eq!(done["state"], "succeeded", "{done}");
    let copy = create_and_boot(&alice, &second, &image).await;

    let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
    for vm in [&vm, &copy] {
        let path = format!("/api/v1/vms/{}?disks=true", vm["uuid"].as_str().unwrap());
        assert_eq!(
            alice.send(Method::DELETE, &path, Some(json!({}))).await.0,
            204
        );
        let name = vm["name"].as_str().unwrap();
        assert!(conn.lookup_domain_by_name(name).is_err(), "{name} is gone");
    }
    let pool = conn.lookup_storage_pool_by_name(DEMO_POOL).unwrap();
    refresh_pool(&pool).await;
    for name in [&first, &second] {
        let disk = format!("{name}.qcow2");
        assert!(
            pool.lookup_storage_vol_by_name(&disk).is_err(),
            "{disk} is gone"
        );
    }
    assert!(
        pool.lookup_storage_vol_by_name("root.qcow2").is_ok(),
        "the template's stays"
    );
    let saved = format!("{image_volume}.qcow2");
    assert!(
        pool.lookup_storage_vol_by_name(&saved).is_ok(),
        "the saved image stays"
    );
    let path = format!("/api/v1/images/{image}");
    assert_eq!(
        alice.send(Method::DELETE, &path, Some(json!({}))).await.0,
        204
    );
    refresh_pool(&pool).await;
    assert!(
        pool.lookup_storage_vol_by_name(&saved).is_err(),
        "deleting her image deletes its disk"
    );
}

#[tokio::test]
async fn a_vm_that_cannot_start_leaves_no_domain_and_no_disk() {
    virt::error::clear_error_callback();
    let server = TestServer::api(&[("local", LOCAL_QEMU)]).await;
    let admin = server.admin().await;
    // Defining the domain works; starting it fails: QEMU finds no kernel.
    let mut broken = demo_template();
    broken["name"] = json!("broken");
    broken["kernel_boot"]["kernel"] = json!(format!("{DEMO_DIR}/no-such-kernel"));
    let (status, body) = admin
        .send(Method::POST, "/api/v1/templates", Some(broken))
        .await;
    assert_eq!(status, 201, "{body}");

    let name = format!("ezilla-test-{}-broken", std::process::id());
    let _cleanup = Cleanup(vec![name.clone()]);
    let (status, body) = admin
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": name, "template": "broken"})),
        )
        .await;
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["code"], "internal");
    let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
    assert!(
        conn.lookup_domain_by_name(&name).is_err(),
        "no half-made domain"
    );
    let pool = conn.lookup_storage_pool_by_name(DEMO_POOL).unwrap();
    refresh_pool(&pool).await;
    assert!(
        pool.lookup_storage_vol_by_name(&format!("{name}.qcow2"))
            .is_err(),
        "no orphan disk"
    );
}
