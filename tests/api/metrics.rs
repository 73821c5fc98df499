//! Monitoring on libvirt's test driver: host and VM histories (shape, ranges, gaps where the
//! driver measures nothing), who may read which, the live rounds over the events WebSocket,
//! and `/metrics` as Prometheus' own `promtool` judges it.

use std::{io::Write as _, path::PathBuf, process::Command, time::Duration};

use futures_util::StreamExt;
use serde_json::{Value, json};
use shared::Role;

use testkit::{
    eventually,
    server::{Client, TestServer, fixture_host},
};

const ALICE_VM: &str = "a11ce000-0000-4000-8000-000000000001";
const BOB_VM: &str = "b0b00000-0000-4000-8000-000000000002";
const TOKEN: &str = "scrape-me-0123456789";

/// The owned-VMs fixture, sampled every second, with users alice and bob and a metrics token.
async fn server() -> TestServer {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::start_with(&[("one1", host.as_str())], PathBuf::from("/x"), |s| {
        s.metrics_interval_secs = 1;
        s.metrics_token = Some(TOKEN.into());
    })
    .await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    server
}

/// The values of `metric` in a history, oldest first.
fn values(history: &Value, metric: &str) -> Vec<Value> {
    let series = history["series"].as_array().expect("series");
    let one = series
        .iter()
        .find(|s| s["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric} in {history}"));
    one["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["v"].clone())
        .collect()
}

/// Waits until the latest point of `metric` in `path`'s history has a value; the history.
async fn measured(client: &Client, path: &str, metric: &str) -> Value {
    eventually(
        &format!("{metric} measured in {path}"),
        Duration::from_secs(15),
        || async {
            let (status, history) = client.get(path).await;
            assert_eq!(status, 200, "{history}");
            let last = values(&history, metric).last().cloned()?;
            (!last.is_null()).then_some(history)
        },
    )
    .await
}

#[tokio::test]
async fn histories_have_every_metric_and_gaps_where_nothing_is_measured() {
    let server = server().await;
    let admin = server.admin().await;
    let host = measured(&admin, "/api/v1/metrics/hosts/one1", "memory_total_mib").await;
    assert_eq!(host["subject"], "one1");
    assert_eq!(host["step_secs"], 1);
    let metrics: Vec<_> = host["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["metric"].clone())
        .collect();
    assert_eq!(
        metrics,
        [
            json!("cpu_percent"),
            json!("memory_used_mib"),
            json!("memory_total_mib")
        ]
    );
    let points = host["series"][0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 3600, "an hour at one point a second");
    let times: Vec<u64> = points.iter().map(|p| p["t"].as_u64().unwrap()).collect();
    assert!(times.windows(2).all(|w| w[1] == w[0] + 1), "one per step");
    // The fixture host has 16 GiB; the test driver counts no CPU time and reports no memory
    // use, so those stay gaps rather than made-up numbers.
    assert_eq!(
        values(&host, "memory_total_mib").last(),
        Some(&json!(16384.0))
    );
    assert!(values(&host, "cpu_percent").iter().all(Value::is_null));
    assert!(values(&host, "memory_used_mib").iter().all(Value::is_null));

    let (status, day) = admin.get("/api/v1/metrics/hosts/one1?range=1d").await;
    assert_eq!((status, day["step_secs"].clone()), (200, json!(120)));
    assert_eq!(day["series"][2]["points"].as_array().unwrap().len(), 720);
    assert_eq!(
        values(&day, "memory_total_mib").last(),
        Some(&json!(16384.0))
    );

    let (status, _) = admin.get("/api/v1/metrics/hosts/one1?range=1y").await;
    assert_eq!(status, 400, "an unknown range");
    let (status, _) = admin.get("/api/v1/metrics/hosts/nowhere").await;
    assert_eq!(status, 404, "an unknown host");
}

#[tokio::test]
async fn users_read_their_own_vms_only_and_no_hosts() {
    let server = server().await;
    let alice = server.login("alice").await;
    let path = format!("/api/v1/metrics/vms/{ALICE_VM}");
    let mine = measured(&alice, &path, "memory_total_mib").await;
    assert_eq!(mine["subject"], ALICE_VM);
    assert_eq!(mine["series"].as_array().unwrap().len(), 7);
    assert_eq!(
        values(&mine, "memory_total_mib").last(),
        Some(&json!(512.0))
    );
    assert!(values(&mine, "cpu_percent").iter().all(Value::is_null));

    let theirs = alice.get(&format!("/api/v1/metrics/vms/{BOB_VM}")).await;
    let missing = alice
        .get("/api/v1/metrics/vms/00000000-0000-4000-8000-00000000dead")
        .await;
    assert_eq!(theirs, missing, "another's VM answers like a missing one");
    assert_eq!(theirs.0, 404);
    assert_eq!(alice.get("/api/v1/metrics/hosts/one1").await.0, 403);

    let admin = server.admin().await;
    let (status, bobs) = admin.get(&format!("/api/v1/metrics/vms/{BOB_VM}")).await;
    assert_eq!((status, bobs["subject"].clone()), (200, json!(BOB_VM)));
}

/// Opens the events WebSocket as `username` and returns its first `metrics` event.
async fn first_round(server: &TestServer, username: &str) -> Value {
    let (_, token) = server.login_with_token(username).await;
    let (mut socket, _) = server
        .websocket(shared::routes::EVENTS, &token, &server.url(""), None)
        .await
        .unwrap();
    tokio::time::timeout(Duration::from_secs(15), async {
        loop {
            let message = socket.next().await.expect("open").expect("a message");
            let event: Value = serde_json::from_str(message.to_text().unwrap()).unwrap();
            if event["type"] == "metrics" {
                return event;
            }
        }
    })
    .await
    .expect("a metrics event within a few rounds")
}

fn uuids(round: &Value) -> Vec<Value> {
    let mut all: Vec<_> = round["vms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|vm| vm["uuid"].clone())
        .collect();
    all.sort_by_key(|v| v.to_string());
    all
}

#[tokio::test]
async fn live_rounds_reach_each_user_filtered() {
    let server = server().await;
    let alices = first_round(&server, "alice").await;
    assert_eq!(uuids(&alices), [json!(ALICE_VM)], "{alices}");
    assert_eq!(alices["hosts"], json!([]), "hosts are for admins");
    assert_eq!(alices["vms"][0]["memory_total_mib"], 512.0);
    assert!(alices["t"].as_u64().unwrap() > 1_700_000_000);

    let roots = first_round(&server, "root").await;
    assert_eq!(uuids(&roots).len(), 3, "admins see every VM: {roots}");
    assert_eq!(roots["hosts"][0]["host"], "one1");
    assert_eq!(roots["hosts"][0]["memory_total_mib"], 16384.0);
}

/// `/metrics` with an optional bearer token, as status and body.
async fn scrape(client: &Client, server: &TestServer, token: Option<&str>) -> (u16, String) {
    let mut request = client.http.get(server.url("/metrics"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn prometheus_output_passes_promtool_for_token_and_admin_only() {
    let server = server().await;
    let nobody = server.anonymous();
    let admin = server.admin().await;
    admin.get("/api/v1/vms").await;
    admin.get(&format!("/api/v1/vms/{ALICE_VM}")).await;
    let text = eventually("a round in /metrics", Duration::from_secs(15), || async {
        let (status, text) = scrape(&nobody, &server, Some(TOKEN)).await;
        assert_eq!(status, 200, "{text}");
        text.contains("ezilla_host_up{host=\"one1\"} 1")
            .then_some(text)
    })
    .await;
    for expected in [
        r#"ezilla_vm_memory_total_bytes{host="one1",vm="alice-web",uuid="a11ce000-0000-4000-8000-000000000001",owner="alice"} 536870912"#,
        r#"ezilla_http_requests_total{method="GET",route="/api/v1/vms",status="200"} 1"#,
        r#"ezilla_http_request_duration_seconds_bucket{method="GET",route="/api/v1/vms/{id}",le="+Inf"} 1"#,
        "ezilla_consoles_open 0",
    ] {
        assert!(text.contains(expected), "{expected} in:\n{text}");
    }
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    let check = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(file.path()).unwrap())
        .output()
        .expect("promtool (Debian's prometheus package; scripts/install.sh installs it)");
    assert!(
        check.status.success(),
        "promtool: {}{}\n{text}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );

    assert_eq!(scrape(&admin, &server, None).await.0, 200, "admin session");
    assert_eq!(scrape(&nobody, &server, None).await.0, 401);
    assert_eq!(scrape(&nobody, &server, Some("wrong")).await.0, 401);
    let alice = server.login("alice").await;
    assert_eq!(scrape(&alice, &server, None).await.0, 403);
}
