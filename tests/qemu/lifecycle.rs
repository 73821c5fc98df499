//! A real QEMU (TCG) VM made from the demo template through the API: it boots to the demo
//! guest's shell, shuts down by ACPI, is saved as an image; a second VM made from that image
//! boots too; both are deleted with their disks.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use shared::Role;
use testkit::{
    eventually,
    qemu::{
        Cleanup, DEMO_DIR, DEMO_POOL, LOCAL_QEMU, create_and_boot, demo_template, refresh_pool,
    },
    server::TestServer,
};
use virt::connect::Connect;

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
