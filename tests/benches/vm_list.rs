//! Benchmark: `GET /api/v1/vms` over three test-driver hosts holding 1,000 domains in all,
//! at 1 and at 50 concurrent clients, beside `virsh list --all` against the same hosts in
//! the same run. Bounded: a fixed number of requests, then it stops.
//!
//! Run: `cargo bench -p ezilla-tests --bench vm_list`

#[path = "../support/generated.rs"]
mod generated;
#[path = "../support/mod.rs"]
#[allow(
    dead_code,
    reason = "the integration tests' helpers, of which this uses a few"
)]
mod support;

use std::{
    fmt::Write as _,
    process::Command,
    time::{Duration, Instant},
};

use support::server::TestServer;

const DOMAINS: [usize; 3] = [333, 333, 334];
const SEQUENTIAL_REQUESTS: usize = 500;
const CLIENTS: usize = 50;
const REQUESTS_PER_CLIENT: usize = 40;
const VIRSH_RUNS: usize = 20;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let hosts = generated::hosts(dir.path(), &DOMAINS);
    let specs: Vec<(&str, &str)> = hosts
        .iter()
        .map(|(n, u)| (n.as_str(), u.as_str()))
        .collect();
    let server = TestServer::api(&specs).await;
    let admin = server.admin().await;
    let url = server.url("/api/v1/vms");

    let (status, body) = admin.get("/api/v1/vms").await;
    let total = body["vms"].as_array().map_or(0, Vec::len);
    assert_eq!(
        (status, total),
        (200, DOMAINS.iter().sum::<usize>()),
        "all domains listed"
    );

    let one = run_clients(&admin.http, &url, 1, SEQUENTIAL_REQUESTS).await;
    let fifty = run_clients(&admin.http, &url, CLIENTS, REQUESTS_PER_CLIENT).await;
    let virsh_all = virsh_list(&hosts);

    let mut report = String::new();
    let _ = writeln!(
        report,
        "GET /api/v1/vms, 3 test-driver hosts, {total} domains"
    );
    let _ = writeln!(
        report,
        "{:<34} {:>10} {:>10} {:>8}",
        "", "p50 ms", "p99 ms", "n"
    );
    for (label, samples) in [
        ("ezilla, 1 client".to_owned(), &one),
        (format!("ezilla, {CLIENTS} clients"), &fifty),
        ("virsh list --all, 3 hosts in turn".to_owned(), &virsh_all),
    ] {
        let _ = writeln!(
            report,
            "{label:<34} {:>10.2} {:>10.2} {:>8}",
            percentile(samples, 50.0),
            percentile(samples, 99.0),
            samples.len()
        );
    }
    print!("{report}");
}

/// `clients` tasks, each sending `per_client` requests one after another; every latency.
async fn run_clients(
    http: &reqwest::Client,
    url: &str,
    clients: usize,
    per_client: usize,
) -> Vec<Duration> {
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let (http, url) = (http.clone(), url.to_owned());
            tokio::spawn(async move {
                let mut times = Vec::with_capacity(per_client);
                for _ in 0..per_client {
                    let start = Instant::now();
                    let response = http.get(&url).send().await.unwrap();
                    assert_eq!(response.status(), 200);
                    response.bytes().await.unwrap();
                    times.push(start.elapsed());
                }
                times
            })
        })
        .collect();
    let mut all = Vec::with_capacity(clients * per_client);
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all
}

/// Time of listing all three hosts with virsh, one host after another, `VIRSH_RUNS` times.
fn virsh_list(hosts: &[(String, String)]) -> Vec<Duration> {
    (0..VIRSH_RUNS)
        .map(|_| {
            let start = Instant::now();
            for (_, uri) in hosts {
                let out = Command::new("virsh")
                    .args(["-c", uri, "list", "--all"])
                    .output()
                    .unwrap();
                assert!(out.status.success());
            }
            start.elapsed()
        })
        .collect()
}

fn percentile(samples: &[Duration], p: f64) -> f64 {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * (ms.len() - 1) as f64).round() as usize;
    ms[rank]
}
