//! VM lifecycle on a pool of three test-driver hosts of different sizes: placement, every
//! action, delete with and without disks, quota refusals, bad input.

use reqwest::Method;
use serde_json::{Value, json};

use crate::support::server::{Client, TestServer};

async fn pool() -> TestServer {
    TestServer::pool_of_three(false).await
}

async fn create(client: &Client, body: Value) -> (u16, Value) {
    client.send(Method::POST, "/api/v1/vms", Some(body)).await
}

async fn vm_state(client: &Client, uuid: &str) -> String {
    let (status, vm) = client.get(&format!("/api/v1/vms/{uuid}")).await;
    assert_eq!(status, 200, "{vm}");
    vm["state"].as_str().unwrap().to_owned()
}

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
async fn every_action_changes_the_state_and_impossible_ones_say_why() {
    let server = pool().await;
    let alice = server.login("alice").await;
    let (_, vm) = create(&alice, json!({"name": "app", "template": "demo"})).await;
    let uuid = vm["uuid"].as_str().unwrap().to_owned();
    let act = |action: &'static str| {
        let (alice, path) = (&alice, format!("/api/v1/vms/{uuid}/action"));
        async move {
            alice
                .send(Method::POST, &path, Some(json!({"action": action})))
                .await
        }
    };
    let steps = [
        ("suspend", "paused"),
        ("resume", "running"),
        ("reboot", "running"),
        ("shutdown", "shutoff"),
        ("start", "running"),
        ("poweroff", "shutoff"),
    ];
    for (action, state) in steps {
        let (status, body) = act(action).await;
        assert_eq!(status, 204, "{action}: {body}");
        assert_eq!(vm_state(&alice, &uuid).await, state, "after {action}");
    }
    let (status, body) = act("resume").await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("invalid_state")),
        "{body}"
    );
    let (status, _) = act("explode").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn delete_with_disks_frees_the_name_and_without_keeps_the_disk() {
    let server = pool().await;
    let alice = server.login("alice").await;
    let spec = json!({"name": "tmp", "template": "demo", "host": "one1"});

    let (_, vm) = create(&alice, spec.clone()).await;
    let path = format!("/api/v1/vms/{}?disks=true", vm["uuid"].as_str().unwrap());
    assert_eq!(
        alice.send(Method::DELETE, &path, Some(json!({}))).await.0,
        204
    );
    let (status, vm) = create(&alice, spec.clone()).await;
    assert_eq!(
        status, 201,
        "the disk went with the VM, so the name is free: {vm}"
    );

    let path = format!("/api/v1/vms/{}", vm["uuid"].as_str().unwrap());
    assert_eq!(
        alice.send(Method::DELETE, &path, Some(json!({}))).await.0,
        204
    );
    assert_eq!(alice.get(&path).await.0, 404);
    let (status, body) = create(&alice, spec).await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("conflict")),
        "the kept disk holds the name: {body}"
    );
    let (_, list) = alice.get("/api/v1/vms").await;
    assert_eq!(
        list["vms"],
        json!([]),
        "the refused create left no domain behind"
    );
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

    let (status, body) = admin
        .send(
            Method::POST,
            "/api/v1/admin/hosts",
            Some(json!({"name": "one4", "uri": uri})),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["online"], false, "its libvirt is not there yet");
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
    crate::support::eventually(
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

#[tokio::test]
async fn snapshots_are_taken_listed_reverted_and_deleted() {
    let server = pool().await;
    let alice = server.login("alice").await;
    let (_, vm) = create(&alice, json!({"name": "snappy", "template": "demo"})).await;
    let base = format!("/api/v1/vms/{}/snapshots", vm["uuid"].as_str().unwrap());
    let take = |name: &'static str| {
        let (alice, base) = (&alice, base.clone());
        async move {
            alice
                .send(Method::POST, &base, Some(json!({"name": name})))
                .await
        }
    };

    let (status, snap) = take("before").await;
    assert_eq!(status, 201, "{snap}");
    assert_eq!(
        (snap["name"].clone(), snap["vm_state"].clone()),
        (json!("before"), json!("running"))
    );
    let path = format!("/api/v1/vms/{}/action", vm["uuid"].as_str().unwrap());
    alice
        .send(Method::POST, &path, Some(json!({"action": "suspend"})))
        .await;
    assert_eq!(take("paused").await.0, 201);
    let (status, body) = take("paused").await;
    assert_eq!((status, body["code"].clone()), (409, json!("conflict")));
    assert_eq!(take("bad name!").await.0, 400);

    let (_, list) = alice.get(&base).await;
    let names: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].clone())
        .collect();
    assert_eq!(names, [json!("before"), json!("paused")]);

    let (status, _) = alice
        .send(
            Method::POST,
            &format!("{base}/before/revert"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        vm_state(&alice, vm["uuid"].as_str().unwrap()).await,
        "running",
        "back to how it was"
    );

    assert_eq!(
        alice
            .send(Method::DELETE, &format!("{base}/paused"), Some(json!({})))
            .await
            .0,
        204
    );
    assert_eq!(
        alice
            .send(Method::DELETE, &format!("{base}/paused"), Some(json!({})))
            .await
            .0,
        404
    );
    let (status, _) = alice
        .send(
            Method::POST,
            &format!("{base}/nope/revert"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 404);
    let (_, list) = alice.get(&base).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let vm_path = format!("/api/v1/vms/{}?disks=true", vm["uuid"].as_str().unwrap());
    assert_eq!(
        alice
            .send(Method::DELETE, &vm_path, Some(json!({})))
            .await
            .0,
        204,
        "snapshots go with their VM"
    );
}

#[tokio::test]
async fn save_as_image_is_a_task_that_makes_a_template() {
    let server = pool().await;
    server.add_user("bob", shared::Role::User);
    let alice = server.login("alice").await;
    let (_, vm) = create(
        &alice,
        json!({"name": "golden", "template": "demo", "cores": 2}),
    )
    .await;
    let uuid = vm["uuid"].as_str().unwrap();
    let save = format!("/api/v1/vms/{uuid}/save-image");

    let (status, body) = alice
        .send(Method::POST, &save, Some(json!({"template": "golden-img"})))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("invalid_state")),
        "a running VM's disk moves"
    );
    let action = format!("/api/v1/vms/{uuid}/action");
    alice
        .send(Method::POST, &action, Some(json!({"action": "poweroff"})))
        .await;
    let (status, body) = alice
        .send(Method::POST, &save, Some(json!({"template": "demo"})))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("conflict")),
        "template names are unique"
    );

    let (status, task) = alice
        .send(Method::POST, &save, Some(json!({"template": "golden-img"})))
        .await;
    assert_eq!(status, 202, "{task}");
    assert_eq!(task["state"], "running");
    let path = format!("/api/v1/tasks/{}", task["id"]);
    let done = crate::support::eventually(
        "the copy to finish",
        std::time::Duration::from_secs(20),
        || async {
            let (_, task) = alice.get(&path).await;
            (task["state"] != "running").then_some(task)
        },
    )
    .await;
    assert_eq!(
        (done["state"].clone(), done["progress"].clone()),
        (json!("succeeded"), json!(100)),
        "{done}"
    );
    assert_eq!(
        server.login("bob").await.get(&path).await.0,
        404,
        "tasks are their owner's"
    );

    let (_, templates) = alice.get("/api/v1/templates").await;
    let saved = templates
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "golden-img")
        .expect("a new template");
    assert_eq!(
        (saved["volume"].clone(), saved["cores"].clone()),
        (json!("golden-img.qcow2"), json!(2))
    );
    assert_eq!(vm_state(&alice, uuid).await, "shutoff", "the VM stays");

    let (status, copy) = create(
        &alice,
        json!({"name": "copy1", "template": "golden-img", "host": "one2"}),
    )
    .await;
    assert_eq!(status, 201, "{copy}");
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
