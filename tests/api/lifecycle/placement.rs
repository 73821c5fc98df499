//! Where VMs go and what stops them: the scheduler, quotas, bad input, hosts added at runtime.

use reqwest::Method;
use serde_json::json;

use super::{create, pool};

#[tokio::test]
async fn the_scheduler_picks_the_host_with_most_free_memory_that_has_the_template() {
    let server = pool().await;
    let alice = server.login("alice").await;
    let (status, vm) = create(&alice, json!({"name": "web1", "template": "demo"})).await;
    assert_eq!(status, 201, "{vm}");
    // one3 has the most memory but not the template's disk; one2 is next.
    assert_eq!(vm["host"], "one2");
    assert_eq!(vm["owner"], "alice");
    assert_eq!(vm["os"], "Ezilla demo (busybox)", "the template's OS label");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(now.abs_diff(vm["created"].as_u64().unwrap()) < 60, "{vm}");
    assert_eq!(vm["state"], "running");
    assert_eq!(
        (vm["cores"].clone(), vm["memory_mib"].clone()),
        (json!(1), json!(512))
    );

    let (status, vm) = create(
        &alice,
        json!({"name": "web2", "template": "demo", "host": "one1"}),
    )
    .await;
    assert_eq!(
        (status, vm["host"].clone()),
        (201, json!("one1")),
        "the user's pick wins"
    );

    let (status, body) = create(
        &alice,
        json!({"name": "big", "template": "demo", "host": "one1", "memory_mib": 4000}),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (409, json!("no_capacity")));
    let (status, body) = create(
        &alice,
        json!({"name": "x", "template": "demo", "host": "one9"}),
    )
    .await;
    assert_eq!((status, body["code"].clone()), (400, json!("bad_request")));

    let (_, hosts) = alice.get("/api/v1/hosts").await;
    let one2 = hosts
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "one2")
        .unwrap();
    assert_eq!(one2["free_memory_mib"], 8192 - 512);
    assert_eq!(one2["vm_count"], 1);
    assert!(one2.get("uri").is_none(), "users do not see host URIs");
    assert!(one2["host_free_memory_mib"].is_u64(), "{one2}");
}

#[tokio::test]
async fn quotas_refuse_before_anything_is_made() {
    let server = pool().await;
    let admin = server.admin().await;
    let quota = json!({"max_vms": 2, "max_vcpus": 3, "max_memory_mib": 1024, "max_disk_gib": 10});
    assert_eq!(
        admin
            .send(Method::PUT, "/api/v1/admin/users/alice/quota", Some(quota))
            .await
            .0,
        204
    );
    let alice = server.login("alice").await;

    let refusals = [
        (
            json!({"name": "a", "template": "demo", "cores": 4}),
            "vCPUs",
        ),
        (
            json!({"name": "a", "template": "demo", "memory_mib": 2048}),
            "MiB",
        ),
    ];
    for (body, word) in refusals {
        let (status, answer) = create(&alice, body).await;
        assert_eq!(
            (status, answer["code"].clone()),
            (403, json!("quota_exceeded")),
            "{answer}"
        );
        assert!(
            answer["message"].as_str().unwrap().contains(word),
            "{answer}"
        );
    }
    assert_eq!(
        create(&alice, json!({"name": "a", "template": "demo"}))
            .await
            .0,
        201
    );
    assert_eq!(
        create(&alice, json!({"name": "b", "template": "demo"}))
            .await
            .0,
        201
    );
    let (status, answer) = create(&alice, json!({"name": "c", "template": "demo"})).await;
    assert_eq!(
        (status, answer["code"].clone()),
        (403, json!("quota_exceeded"))
    );
    let (_, list) = alice.get("/api/v1/vms").await;
    assert_eq!(list["vms"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_disk_quota_counts_every_vms_disk() {
    let server = pool().await;
    let quota = json!({"max_vms": 5, "max_vcpus": 8, "max_memory_mib": 8192, "max_disk_gib": 3});
    let admin = server.admin().await;
    assert_eq!(
        admin
            .send(Method::PUT, "/api/v1/admin/users/alice/quota", Some(quota))
            .await
            .0,
        204
    );
    let alice = server.login("alice").await;
    let (status, vm) = create(&alice, json!({"name": "d1", "template": "demo"})).await;
    assert_eq!((status, vm["disk_gib"].clone()), (201, json!(2)), "{vm}");
    let (status, body) = create(&alice, json!({"name": "d2", "template": "demo"})).await;
    assert_eq!(
        (status, body["code"].clone()),
        (403, json!("quota_exceeded")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("GiB"), "{body}");
}

#[tokio::test]
async fn bad_names_and_markup_are_refused_clearly() {
    let server = pool().await;
    let alice = server.login("alice").await;
    for name in [
        "a'/><devices><disk type='file'><source file='/etc/shadow'/></disk>",
        "",
        "a b",
        &"x".repeat(64),
    ] {
        let (status, body) = create(&alice, json!({"name": name, "template": "demo"})).await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!("bad_request")),
            "{name}: {body}"
        );
    }
    let (status, body) = create(&alice, json!({"name": "ok", "template": "nope"})).await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("no template named nope")
    );
    let (status, body) = create(
        &alice,
        json!({"name": "ok", "template": "demo", "cores": 0}),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        create(&alice, json!({"name": "ok", "template": "demo"}))
            .await
            .0,
        201
    );
    let (status, body) = create(&alice, json!({"name": "ok", "template": "demo"})).await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("conflict")),
        "names are unique"
    );
}

#[tokio::test]
async fn admins_add_and_remove_hosts_at_runtime_and_a_dead_host_comes_back() {
    let server = pool().await;
    let admin = server.admin().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("late-host.xml");
    let uri = format!("test://{}", file.display());

    // Refused while it does not answer, with libvirt's reason; unless asked to wait for it.
    let (status, body) = admin
        .send(
            Method::POST,
            "/api/v1/admin/hosts",
            Some(json!({"name": "one4", "uri": uri})),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or("")
            .contains("cannot connect to test://"),
        "{body}"
    );
    let (status, body) = admin
        .send(
            Method::POST,
            "/api/v1/admin/hosts",
            Some(
                json!({"name": "one4", "uri": uri, "guest_network": "outbound",
                "connect_later": true}),
            ),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["online"], false, "its libvirt is not there yet");
    assert_eq!(
        body["guest_network"], "outbound",
        "what its guests may reach"
    );
    let (_, hosts) = admin.get("/api/v1/hosts").await;
    assert_eq!(
        hosts[0]["guest_network"], "isolated",
        "the default: {hosts}"
    );
    server.add_user("carol", shared::Role::User);
    let (_, seen) = server.login("carol").await.get("/api/v1/hosts").await;
    assert!(
        seen[0].get("guest_network").is_none(),
        "admins only: {seen}"
    );
    let (_, list) = admin.get("/api/v1/vms").await;
    assert_eq!(
        list["unreachable_hosts"],
        json!(["one4"]),
        "a partial list says so"
    );

    // The host's libvirt appears: the reconnect loop finds it.
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/host-small.xml"),
        &file,
    )
    .unwrap();
    testkit::eventually(
        "one4 to come online",
        std::time::Duration::from_secs(20),
        || async {
            let (_, hosts) = admin.get("/api/v1/hosts").await;
            hosts
                .as_array()?
                .iter()
                .any(|h| h["name"] == "one4" && h["online"] == true)
                .then_some(())
        },
    )
    .await;
    let (_, hosts) = admin.get("/api/v1/hosts").await;
    assert_eq!(hosts[3]["uri"], json!(uri), "admins see URIs");

    let (status, _) = admin
        .send(
            Method::POST,
            "/api/v1/admin/hosts",
            Some(json!({"name": "one4", "uri": uri})),
        )
        .await;
    assert_eq!(status, 409);
    let (status, _) = admin
        .send(Method::DELETE, "/api/v1/admin/hosts/one1", Some(json!({})))
        .await;
    assert_eq!(status, 409, "configured hosts stay");
    let (status, _) = admin
        .send(Method::DELETE, "/api/v1/admin/hosts/one4", Some(json!({})))
        .await;
    assert_eq!(status, 204);
    let (_, hosts) = admin.get("/api/v1/hosts").await;
    assert_eq!(hosts.as_array().unwrap().len(), 3);
}
