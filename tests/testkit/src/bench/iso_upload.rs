//! An ISO uploaded through Ezilla (`POST /api/v1/isos`: HTTP, the ISO check, the SHA-256,
//! libvirt's volume upload stream) against `virsh vol-upload` of the same file into the same
//! storage pool, in the same run, over local libvirt. Target: at least 80 % of virsh's
//! throughput. Checked: every upload and every `virsh` succeeds, and each uploaded ISO is
//! deleted again. Beside them, the limit of the HTTP leg on this machine: the same curl into
//! a bare sink that reads the body and hashes it on a thread of its own, as the server does,
//! and stores nothing. Bounded: a few rounds of one file (256 MiB at full size, or
//! `EZILLA_ISO_BENCH_MIB`).

use std::{path::Path, process::Command, time::Instant};

use sha2::{Digest, Sha256};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
    sync::mpsc,
};

use super::Mode;
use crate::{
    isos::{IsoPool, fake_iso},
    qemu::LOCAL_QEMU,
    server::TestServer,
};

const TARGET: f64 = 0.8;

/// Runs the bench, printing its report.
pub async fn run(mode: Mode) {
    virt::error::clear_error_callback();
    let rounds = mode.pick(5, 1);
    let mib: usize = match mode {
        Mode::Full => std::env::var("EZILLA_ISO_BENCH_MIB")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(256),
        Mode::Smoke => 1,
    };
    let pool = IsoPool::new(LOCAL_QEMU, "isos-bench");
    let pool_name = pool.name.clone();
    let server = TestServer::start_with(&[("local", LOCAL_QEMU)], "/nonexistent".into(), |s| {
        s.iso_pool = pool_name;
    })
    .await;
    server.add_user("alice", shared::Role::Admin);
    let alice = server.login("alice").await;
    let token = server.token("alice", "write").await;
    let data = fake_iso(mib << 20);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &data).unwrap();

    let sink = bare_sink().await;
    let (mut ours, mut virsh, mut bare) = (Vec::new(), Vec::new(), Vec::new());
    // The machine's busy CPU seconds (every process: curl, the server, libvirtd, virsh) of
    // each kind of upload, all rounds together.
    let mut cpu = [0.0f64; 3];
    for round in 0..rounds {
        let started = Instant::now();
        let busy = busy_cpu_secs();
        let status = curl_into(file.path(), &format!("http://{sink}/"), &[]).await;
        assert!(status.success(), "the bare sink took the file");
        cpu[2] += busy_cpu_secs() - busy;
        bare.push(started.elapsed().as_secs_f64());
        let busy = busy_cpu_secs();

        // Ours first (the server makes the pool on the first upload; virsh needs it then),
        // sent by curl from the same file, as a browser is a process of its own (awaited: the
        // server may share this thread).
        let started = Instant::now();
        let out = tokio::process::Command::new("curl")
            .args(["-sS", "--fail-with-body", "-H", "x-ezilla-request: 1", "-H"])
            .arg(format!("Authorization: Bearer {token}"))
            .args(["-H", "Expect:", "-X", "POST", "-T"])
            .arg(file.path())
            .arg(server.url(&format!("/api/v1/isos?name=bench-{round}.iso")))
            .output()
            .await
            .expect("curl");
        ours.push(started.elapsed().as_secs_f64());
        cpu[0] += busy_cpu_secs() - busy;
        let iso: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        assert!(out.status.success(), "{iso}");

        let volume = format!("virsh-{round}.iso");
        virsh_run(&[
            "vol-create-as",
            &pool.name,
            &volume,
            &data.len().to_string(),
            "--format",
            "raw",
        ]);
        let started = Instant::now();
        let busy = busy_cpu_secs();
        virsh_run(&[
            "vol-upload",
            "--pool",
            &pool.name,
            &volume,
            file.path().to_str().unwrap(),
        ]);
        virsh.push(started.elapsed().as_secs_f64());
        cpu[1] += busy_cpu_secs() - busy;
        virsh_run(&["vol-delete", "--pool", &pool.name, &volume]);
        let (status, _) = alice
            .send(
                reqwest::Method::DELETE,
                &format!("/api/v1/isos/{}", iso["id"]),
                Some(serde_json::json!({})),
            )
            .await;
        assert_eq!(status, 204);
    }
    let rate = |secs: &[f64]| {
        let mut sorted = secs.to_vec();
        sorted.sort_by(f64::total_cmp);
        mib as f64 / sorted[sorted.len() / 2]
    };
    let (ours, virsh, bare) = (rate(&ours), rate(&virsh), rate(&bare));
    let ratio = ours / virsh;
    println!("ISO upload of {mib} MiB into a local directory pool, median of {rounds} rounds:");
    println!("  Ezilla POST /api/v1/isos: {ours:.0} MiB/s");
    println!("  virsh vol-upload:         {virsh:.0} MiB/s");
    println!(
        "  curl into a bare sink that only hashes (the HTTP leg's limit here): {bare:.0} MiB/s \
         = {:.0} % of virsh",
        bare / virsh * 100.0
    );
    let gib = (mib * rounds) as f64 / 1024.0;
    let [ours_cpu, virsh_cpu, bare_cpu] = cpu.map(|secs| secs / gib);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    println!(
        "  CPU seconds per GiB, the whole machine: Ezilla {ours_cpu:.2}, virsh {virsh_cpu:.2}, \
         the bare HTTP leg {bare_cpu:.2}; {cores} cores let Ezilla's path move at most \
         {:.0} MiB/s here",
        cores / ours_cpu * 1024.0
    );
    println!(
        "  ratio {:.0} % (target {:.0} %){}",
        ratio * 100.0,
        TARGET * 100.0,
        if ratio >= TARGET {
            ""
        } else {
            "  BELOW TARGET"
        }
    );
}

/// The machine's busy CPU time so far (all CPUs, user + system, from `/proc/stat`), in
/// seconds.
fn busy_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let ticks: Vec<f64> = stat
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .filter_map(|v| v.parse().ok())
        .collect();
    // user nice system idle iowait irq softirq steal: everything but idle and iowait.
    let busy: f64 = ticks
        .iter()
        .take(8)
        .enumerate()
        .filter(|(i, _)| *i != 3 && *i != 4)
        .map(|(_, v)| v)
        .sum();
    busy / 100.0
}

/// `curl -T FILE URL` with `headers`, as the bench sends every upload.
async fn curl_into(file: &Path, url: &str, headers: &[String]) -> std::process::ExitStatus {
    let mut curl = tokio::process::Command::new("curl");
    curl.args([
        "-sS",
        "-o",
        "/dev/null",
        "--fail",
        "-H",
        "Expect:",
        "-X",
        "POST",
    ]);
    for header in headers {
        curl.arg("-H").arg(header);
    }
    curl.arg("-T")
        .arg(file)
        .arg(url)
        .status()
        .await
        .expect("curl")
}

/// A loopback HTTP server that takes each request's body (by its `Content-Length`), hashes it
/// on a blocking thread of its own, and answers 201 when the hash is done; nothing else.
async fn bare_sink() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 16 << 10 {
                    if socket.read_exact(&mut byte).await.is_err() {
                        return;
                    }
                    head.push(byte[0]);
                }
                let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
                let length: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                let (chunks, mut hashing) = mpsc::channel::<Vec<u8>>(8);
                let hasher = tokio::task::spawn_blocking(move || {
                    let mut sha = Sha256::new();
                    while let Some(chunk) = hashing.blocking_recv() {
                        sha.update(&chunk);
                    }
                    sha.finalize()
                });
                let mut left = length;
                while left > 0 {
                    let mut chunk = vec![0; left.min(256 << 10)];
                    let Ok(n) = socket.read(&mut chunk).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    chunk.truncate(n);
                    left -= n;
                    let _ = chunks.send(chunk).await;
                }
                drop(chunks);
                let _ = hasher.await;
                let _ = socket
                    .write_all(b"HTTP/1.1 201 Created\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    addr
}

fn virsh_run(args: &[&str]) {
    let status = Command::new("virsh")
        .args(["-q", "-c", LOCAL_QEMU])
        .args(args)
        .status()
        .expect("virsh");
    assert!(status.success(), "virsh {args:?}");
}
