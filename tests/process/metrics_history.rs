//! Graphs go on across a restart: the server writes its metrics history to the data directory
//! on shutdown and reads it at start; a file it cannot read is ignored with a warning.

use std::{collections::BTreeMap, fs::File, path::Path, process::Command, time::Duration};

use serde_json::{Value, json};

use super::Served;
use testkit::eventually;

const HISTORY: &str = "/api/v1/metrics/hosts/local";

async fn admin_client(base: &str, data: &Path) -> reqwest::Client {
    let password = std::fs::read_to_string(data.join("admin-password")).unwrap();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "admin", "password": password.trim(), "language": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    client
}

/// The measured points (time → value) of the host's total memory over the last hour.
async fn measured(served: &Served, client: &reqwest::Client) -> BTreeMap<u64, f64> {
    let history: Value = client
        .get(format!("{}{HISTORY}", served.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let series = history["series"].as_array().expect("series");
    let memory = series
        .iter()
        .find(|s| s["metric"] == "memory_total_mib")
        .expect("memory_total_mib");
    memory["points"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| Some((p["t"].as_u64()?, p["v"].as_f64()?)))
        .collect()
}

/// SIGTERM, as a service manager stops the server, and waits for it to end.
fn terminate(mut served: Served) {
    let pid = served.child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(sent.success());
    let status = served.child.wait().unwrap();
    assert!(status.success(), "a clean shutdown: {status}");
}

#[tokio::test]
async fn graphs_keep_their_points_across_a_server_restart() {
    let data = tempfile::tempdir().unwrap();
    let fast = ["--metrics-interval-secs", "1"];
    let served = Served::start_with(data.path(), &fast, std::process::Stdio::null()).await;
    let client = admin_client(&served.base, data.path()).await;
    let before = eventually("three rounds measured", Duration::from_secs(30), || async {
        let points = measured(&served, &client).await;
        (points.len() >= 3).then_some(points)
    })
    .await;
    terminate(served);

    let served = Served::start_with(data.path(), &fast, std::process::Stdio::null()).await;
    let client = admin_client(&served.base, data.path()).await;
    let after = measured(&served, &client).await;
    let kept: BTreeMap<u64, f64> = before
        .iter()
        .filter(|(t, v)| after.get(t) == Some(v))
        .map(|(t, v)| (*t, *v))
        .collect();
    assert_eq!(
        kept, before,
        "every point from before the restart is still there"
    );
    terminate(served);

    // A history file that is not one: ignored, with a warning; the server starts anyway.
    std::fs::write(data.path().join("metrics-history.bin"), b"not a history").unwrap();
    let log_path = data.path().join("server.log");
    let log = File::create(&log_path).unwrap();
    let served = Served::start_with(data.path(), &fast, log).await;
    let client = admin_client(&served.base, data.path()).await;
    let first = measured(&served, &client).await;
    assert!(
        before.keys().all(|t| !first.contains_key(t)),
        "nothing read from the corrupt file"
    );
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains("metrics history ignored"), "{log}");
}
