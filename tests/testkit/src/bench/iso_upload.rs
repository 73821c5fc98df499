//! An ISO uploaded through Ezilla (`POST /api/v1/isos`: HTTP, the ISO check, the SHA-256,
//! libvirt's volume upload stream) against `virsh vol-upload` of the same file into the same
//! storage pool, in the same run, over local libvirt. Target: at least 80 % of virsh's
//! throughput. Checked: every upload and every `virsh` succeeds, and each uploaded ISO is
//! deleted again. Bounded: a few rounds of one file (256 MiB at full size, or
//! `EZILLA_ISO_BENCH_MIB`).

use std::{process::Command, time::Instant};

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

    let (mut ours, mut virsh) = (Vec::new(), Vec::new());
    for round in 0..rounds {
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
        virsh_run(&[
            "vol-upload",
            "--pool",
            &pool.name,
            &volume,
            file.path().to_str().unwrap(),
        ]);
        virsh.push(started.elapsed().as_secs_f64());
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
    let (ours, virsh) = (rate(&ours), rate(&virsh));
    let ratio = ours / virsh;
    println!("ISO upload of {mib} MiB into a local directory pool, median of {rounds} rounds:");
    println!("  Ezilla POST /api/v1/isos: {ours:.0} MiB/s");
    println!("  virsh vol-upload:         {virsh:.0} MiB/s");
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

fn virsh_run(args: &[&str]) {
    let status = Command::new("virsh")
        .args(["-q", "-c", LOCAL_QEMU])
        .args(args)
        .status()
        .expect("virsh");
    assert!(status.success(), "virsh {args:?}");
}
