//! Capacity and quotas that hold: vCPUs overcommitted within a host's ratio, memory not;
//! only hosts with the template's disk considered, and a refusal that names the real reason;
//! concurrent creates that cannot pass a quota together.

use std::path::PathBuf;

use futures_util::future::join_all;
use reqwest::Method;
use serde_json::json;
use shared::Role;

use super::{create, pool};
use testkit::server::{TestServer, fixture_host};

/// A generous quota, so that only capacity refuses.
fn roomy() -> serde_json::Value {
    json!({"max_vms": 20, "max_vcpus": 64, "max_memory_mib": 65536, "max_disk_gib": 100})
}

#[tokio::test]
async fn a_third_vm_fits_on_a_two_core_host_within_the_overcommit_ratio() {
    let host = fixture_host("host-two-cores.xml");
    let server = TestServer::start_with_static(&[("one1", &host)], PathBuf::from("/x")).await;
    server.add_user("alice", Role::User);
    let admin = server.admin().await;
    let template = json!({
        "name": "demo", "os": "demo", "storage_pool": "images",
        "volume": "demo-base.img", "cores": 1, "memory_mib": 256, "disk_gib": 1
    });
    assert_eq!(
        admin
            .send(Method::POST, "/api/v1/templates", Some(template))
            .await
            .0,
        201
    );
    admin
        .send(
            Method::PUT,
            "/api/v1/admin/users/alice/quota",
            Some(roomy()),
        )
        .await;
    let alice = server.login("alice").await;
    for name in ["a", "b", "c"] {
        let (status, vm) = create(&alice, json!({"name": name, "template": "demo"})).await;
        assert_eq!(status, 201, "{name} of 1 vCPU on 2 CPUs: {vm}");
    }
    // 3 of 2 × 4 = 8 vCPUs used: 6 more do not fit, and the refusal says why.
    let (status, body) = create(
        &alice,
        json!({"name": "big", "template": "demo", "cores": 6}),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (409, json!("no_capacity")));
    let message = body["message"].as_str().unwrap();
    assert!(
        message.contains("one1 uses 3 of 8 vCPUs (2 CPUs × 4)"),
        "{message}"
    );
}

#[tokio::test]
async fn only_hosts_with_the_templates_disk_are_candidates_and_a_refusal_says_why() {
    let server = pool().await;
    let admin = server.admin().await;
    admin
        .send(
            Method::PUT,
            "/api/v1/admin/users/alice/quota",
            Some(roomy()),
        )
        .await;
    let alice = server.login("alice").await;
    // Fill one2 (8 GiB) and one1 (4 GiB); one3 has room but not the template's disk.
    for (name, mib, host) in [("a", 8000, "one2"), ("b", 4000, "one1")] {
        let (status, vm) = create(
            &alice,
            json!({"name": name, "template": "demo", "memory_mib": mib}),
        )
        .await;
        assert_eq!((status, vm["host"].clone()), (201, json!(host)), "{vm}");
    }
    let (status, body) = create(
        &alice,
        json!({"name": "c", "template": "demo", "memory_mib": 1024}),
    )
    .await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("no_capacity")),
        "{body}"
    );
    let message = body["message"].as_str().unwrap();
    assert!(message.contains("one1 uses 4000 of 4096 MiB"), "{message}");
    assert!(message.contains("one2 uses 8000 of 8192 MiB"), "{message}");
    assert!(!message.contains("one3"), "{message}");

    let (status, body) = create(
        &alice,
        json!({"name": "d", "template": "demo", "host": "one3"}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("the template's disk is not on host one3"),
        "{body}"
    );
}

#[tokio::test]
async fn concurrent_creates_cannot_exceed_a_quota_of_one() {
    let server = pool().await;
    let admin = server.admin().await;
    let quota = json!({"max_vms": 1, "max_vcpus": 8, "max_memory_mib": 8192, "max_disk_gib": 100});
    admin
        .send(Method::PUT, "/api/v1/admin/users/alice/quota", Some(quota))
        .await;
    let alice = server.login("alice").await;
    let creates =
        (0..8).map(|n| create(&alice, json!({"name": format!("r{n}"), "template": "demo"})));
    let statuses: Vec<u16> = join_all(creates)
        .await
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 201 || *s == 403),
        "{statuses:?}"
    );
    let (_, list) = alice.get("/api/v1/vms").await;
    assert_eq!(list["vms"].as_array().unwrap().len(), 1);
}
