//! `GET /api/v1/vms` over three test-driver hosts (1,000 domains in all at full size), at 1 and
//! at 50 concurrent clients, beside `virsh list --all` against the same hosts in the same run.
//! Checked: every request answers 200, and the list holds every domain of the three hosts.
//! Bounded: a fixed number of requests, then it stops.

use std::{
    fmt::Write as _,
    process::Command,
    time::{Duration, Instant},
};

use super::{Mode, quantile};
use crate::{generated, server::TestServer};

/// The sizes of a run.
struct Size {
    domains: [usize; 3],
    sequential_requests: usize,
    clients: usize,
    requests_per_client: usize,
    virsh_runs: usize,
}

const FULL: Size = Size {
    domains: [333, 333, 334],
    sequential_requests: 500,
    clients: 50,
    requests_per_client: 40,
    virsh_runs: 20,
};

const SMOKE: Size = Size {
    domains: [3, 3, 4],
    sequential_requests: 5,
    clients: 5,
    requests_per_client: 2,
    virsh_runs: 1,
};

/// Runs the bench, printing its report.
pub async fn run(mode: Mode) {
    let size = mode.pick(FULL, SMOKE);
    let dir = tempfile::tempdir().unwrap();
    let hosts = generated::hosts(dir.path(), &size.domains);
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
        (200, size.domains.iter().sum::<usize>()),
        "all domains listed"
    );

    let one = run_clients(&admin.http, &url, 1, size.sequential_requests).await;
    let many = run_clients(&admin.http, &url, size.clients, size.requests_per_client).await;
    let virsh_all = virsh_list(&hosts, size.virsh_runs);

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
        (format!("ezilla, {} clients", size.clients), &many),
        ("virsh list --all, 3 hosts in turn".to_owned(), &virsh_all),
    ] {
        let ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
        let _ = writeln!(
            report,
            "{label:<34} {:>10.2} {:>10.2} {:>8}",
            quantile(&ms, 0.50),
            quantile(&ms, 0.99),
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

/// Time of listing all three hosts with virsh, one host after another, `runs` times.
fn virsh_list(hosts: &[(String, String)], runs: usize) -> Vec<Duration> {
    (0..runs)
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
