//! What VMs do: lifecycle actions, delete with and without disks, snapshots, save as image.

use reqwest::Method;
use serde_json::json;

use super::{create, pool, vm_state};

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
async fn save_as_image_is_a_task_that_makes_an_image_of_ones_own() {
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
    let done = testkit::eventually(
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
        (saved["owner"].clone(), saved["cores"].clone()),
        (json!("alice"), json!(2))
    );
    assert!(
        saved["volume"]
            .as_str()
            .unwrap()
            .ends_with("-golden-img.qcow2"),
        "{saved}"
    );
    assert_eq!(vm_state(&alice, uuid).await, "shutoff", "the VM stays");

    let (status, copy) = create(
        &alice,
        json!({"name": "copy1", "template": "golden-img", "host": "one2"}),
    )
    .await;
    assert_eq!(status, 201, "{copy}");
}
