//! Monitoring against real libvirt: a real QEMU (TCG) guest running a busy loop shows its CPU
//! rise over its idle baseline, in the API and in its chart in Chromium; and a host whose connection is cut shows gaps in its history,
//! not repeated or made-up points.

use std::{path::PathBuf, process::Command, time::Duration};

use serde_json::Value;
use tokio::net::{UnixListener, UnixStream};

use testkit::{
    browser::Browser,
    eventually,
    qemu::{LOCAL_QEMU, boot_demo},
    server::{Client, PASSWORD, TestServer},
};

use crate::browser::open_app;

/// The values of `metric` in `path`'s hour history, oldest first, with their times.
async fn points(client: &Client, path: &str, metric: &str) -> Vec<(u64, Option<f64>)> {
    let (status, history) = client.get(path).await;
    assert_eq!(status, 200, "{history}");
    let series = history["series"].as_array().expect("series");
    let one = series.iter().find(|s| s["metric"] == metric).expect(metric);
    one["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["t"].as_u64().unwrap(), p["v"].as_f64()))
        .collect()
}

/// The last `n` measured values of `metric`, once there are that many after time `since`.
async fn last_measured(
    client: &Client,
    path: &str,
    metric: &str,
    since: u64,
    n: usize,
) -> Vec<f64> {
    eventually(
        &format!("{n} measured points of {metric}"),
        Duration::from_secs(60),
        || async {
            let values: Vec<f64> = points(client, path, metric)
                .await
                .into_iter()
                .filter(|(t, _)| *t > since)
                .filter_map(|(_, v)| v)
                .collect();
            (values.len() >= n).then(|| values[values.len() - n..].to_vec())
        },
    )
    .await
}

fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

fn now() -> u64 {
    ezilla::auth::now_secs() as u64
}

/// Types `text` into the guest's VGA console, one key at a time (lower case, space, `;`, Enter).
fn type_into(name: &str, text: &str) {
    for c in text.chars() {
        let key = match c {
            ' ' => "KEY_SPACE".to_owned(),
            ';' => "KEY_SEMICOLON".to_owned(),
            '\n' => "KEY_ENTER".to_owned(),
            c => format!("KEY_{}", c.to_ascii_uppercase()),
        };
        let sent = Command::new("virsh")
            .args(["-c", LOCAL_QEMU, "send-key", name, &key])
            .output()
            .expect("virsh");
        assert!(sent.status.success(), "send-key {key}: {sent:?}");
    }
}

#[tokio::test]
async fn a_busy_loop_raises_the_vms_cpu_in_the_api_and_in_its_chart() {
    // Bound whole: the VM is removed when `demo` drops, at the end of the test.
    let demo = boot_demo("busy", |s| s.metrics_interval_secs = 1).await;
    let (server, alice, name, vm) = (&demo.server, &demo.alice, &demo.name, &demo.vm);
    let path = format!("/api/v1/metrics/vms/{}", vm["uuid"].as_str().unwrap());

    // At its prompt, after boot.
    let idle = mean(&last_measured(alice, &path, "cpu_percent", now() + 1, 5).await);
    let memory = last_measured(alice, &path, "memory_total_mib", 0, 1).await;
    assert_eq!(memory, [256.0], "the template's memory");

    type_into(name, "while true; do true; done\n");
    let typed = now();
    let busy = eventually(
        "the VM's CPU to rise over its idle baseline",
        Duration::from_secs(60),
        || async {
            let recent = last_measured(alice, &path, "cpu_percent", typed + 1, 3).await;
            let busy = mean(&recent);
            (busy > idle + 25.0).then_some(busy)
        },
    )
    .await;
    assert!(busy <= 101.0, "a share of its one vCPU: {busy}");
    eprintln!("idle {idle:.1} % -> busy {busy:.1} %");

    // The VM's CPU chart in the VM Manager, drawn by the frontend in Chromium, shows it too.
    let browser = Browser::start().await;
    browser.login(&server.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "vm-manager").await;
    browser
        .click(&format!("section.window tr[data-vm='{name}'] td.name"))
        .await;
    let chart = "figure[data-metric='CpuPercent'] svg.chart";
    let drawn = browser.find(chart).await;
    let shown = eventually(
        "the chart to show the busy CPU",
        Duration::from_secs(30),
        || async {
            let last = drawn.attr("data-last").await.ok()??;
            let last: f64 = last.parse().ok()?;
            (last > idle + 25.0).then_some(last)
        },
    )
    .await;
    let path = drawn
        .find(fantoccini::Locator::Css("path.series"))
        .await
        .unwrap();
    assert!(
        path.attr("d")
            .await
            .unwrap()
            .unwrap_or_default()
            .contains('L'),
        "a line is drawn"
    );
    eprintln!("chart: {shown:.1} %");
    browser.close().await;
}

/// A stand-in for libvirtd's socket that the test can cut: it forwards every connection to
/// the real socket until stopped.
struct SocketProxy {
    path: PathBuf,
    task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl SocketProxy {
    const LIBVIRT_SOCKET: &str = "/var/run/libvirt/libvirt-sock";

    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("libvirt-sock");
        let listener = UnixListener::bind(&path).unwrap();
        let task = tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((mut inbound, _)) = listener.accept().await {
                connections.spawn(async move {
                    let mut outbound = UnixStream::connect(Self::LIBVIRT_SOCKET).await?;
                    tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await
                });
            }
        });
        Self {
            path,
            task,
            _dir: dir,
        }
    }

    /// The local QEMU driver reached through the proxy.
    fn uri(&self) -> String {
        format!("qemu+unix:///system?socket={}", self.path.display())
    }

    /// Cuts every connection and refuses new ones.
    fn cut(&self) {
        self.task.abort();
        let _ = std::fs::remove_file(&self.path);
    }
}

#[tokio::test]
async fn a_host_taken_offline_shows_gaps_not_made_up_points() {
    virt::error::clear_error_callback();
    let proxy = SocketProxy::start();
    let uri = proxy.uri();
    let server = TestServer::start_with(&[("cut", uri.as_str())], PathBuf::from("/x"), |s| {
        s.metrics_interval_secs = 1;
        s.libvirt_timeout_secs = 2;
    })
    .await;
    let admin = server.admin().await;
    let path = "/api/v1/metrics/hosts/cut";
    let before = last_measured(&admin, path, "cpu_percent", 0, 3).await;
    assert!(
        before.iter().all(|p| (0.0..=100.0).contains(p)),
        "{before:?}"
    );
    last_measured(&admin, path, "memory_used_mib", 0, 1).await;

    proxy.cut();
    let cut = now();
    let after = |metric: &'static str| {
        let admin = &admin;
        async move {
            points(admin, path, metric)
                .await
                .into_iter()
                .filter(|(t, _)| *t > cut + 1)
                .map(|(_, v)| v)
                .collect::<Vec<_>>()
        }
    };
    eventually(
        "five rounds since the host went away",
        Duration::from_secs(30),
        || async { (after("cpu_percent").await.len() >= 5).then_some(()) },
    )
    .await;
    for metric in ["cpu_percent", "memory_used_mib", "memory_total_mib"] {
        let values = after(metric).await;
        assert!(
            values.iter().all(Option::is_none),
            "{metric} after the host went away: {values:?}"
        );
    }
    eventually(
        "the host marked offline",
        Duration::from_secs(30),
        || async {
            let (_, hosts) = admin.get("/api/v1/hosts").await;
            (hosts[0]["online"] == Value::Bool(false)).then_some(())
        },
    )
    .await;
}
