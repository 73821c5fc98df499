//! The ISO library over local libvirt (the test driver cannot upload): an ISO streamed into
//! a storage volume byte for byte with its SHA-256; private to its uploader until an admin
//! publishes it; refused, too large and cancelled uploads leave no volume and no row. A VM
//! installed from a bootable ISO boots it under QEMU; its CD is ejected and inserted again,
//! live and persistently, and the guest sees it go and come back; the VM holds the ISO
//! until it goes.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shared::Role;
use tokio::io::AsyncWriteExt;
use virt::connect::Connect;

use testkit::{
    eventually,
    isos::{IsoPool, bootable_demo_iso, fake_iso, upload},
    qemu::{Cleanup, LOCAL_QEMU, serial_log},
    server::TestServer,
};

use super::guest_shell::GuestShell;

/// A server over local QEMU keeping ISOs in `pool`, with users alice and bob.
async fn server(pool: &IsoPool, max_bytes: u64) -> TestServer {
    virt::error::clear_error_callback();
    let name = pool.name.clone();
    let server = TestServer::start_with(&[("local", LOCAL_QEMU)], "/nonexistent".into(), |s| {
        s.iso_pool = name;
        s.iso_max_bytes = max_bytes;
    })
    .await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    server
}

/// The path of the one ISO volume in `pool`.
fn volume_path(pool: &IsoPool) -> String {
    let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
    let storage = conn.lookup_storage_pool_by_name(&pool.name).unwrap();
    let iso = pool
        .volumes()
        .into_iter()
        .find(|v| v.starts_with("ezilla-iso-"))
        .unwrap();
    storage
        .lookup_storage_vol_by_name(&iso)
        .unwrap()
        .path()
        .unwrap()
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn an_uploaded_iso_is_its_owners_alone() {
    let pool = IsoPool::new(LOCAL_QEMU, "isos-own");
    let server = server(&pool, 64 << 20).await;
    let (alice, bob) = (server.login("alice").await, server.login("bob").await);
    // Not a whole number of the server's chunks, so the last one is a short one.
    let file = fake_iso((3 << 20) + 12_345);
    let (status, iso) = upload(&server, &alice, "rescue.iso", file.clone()).await;
    assert_eq!(status, 201, "{iso}");
    assert_eq!(iso["sha256"], hex(&Sha256::digest(&file)));
    assert_eq!(iso["bytes"], file.len() as u64);
    assert_eq!(iso["owner"], "alice");
    let volumes = pool.volumes();
    assert_eq!(volumes.len(), 1, "{volumes:?}");
    let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
    let path = conn
        .lookup_storage_pool_by_name(&pool.name)
        .and_then(|p| p.lookup_storage_vol_by_name(&volumes[0]))
        .and_then(|v| v.path())
        .unwrap();
    assert!(
        std::fs::read(&path).unwrap() == file,
        "the volume holds the file byte for byte"
    );

    let one = format!("/api/v1/isos/{}", iso["id"]);
    let (_, listed) = alice.get("/api/v1/isos").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    let (_, listed) = bob.get("/api/v1/isos").await;
    assert_eq!(
        listed,
        Value::Array(vec![]),
        "bob sees none of alice's ISOs"
    );
    assert_eq!(bob.get(&one).await.0, 404);
    assert_eq!(bob.send(Method::DELETE, &one, Some(json!({}))).await.0, 404);
    assert_eq!(pool.volumes().len(), 1, "bob deleted nothing");

    let publish = format!("/api/v1/admin/isos/{}/publish", iso["id"]);
    assert_eq!(
        bob.send(Method::POST, &publish, Some(json!({}))).await.0,
        403
    );
    let (status, body) = server
        .admin()
        .await
        .send(Method::POST, &publish, Some(json!({})))
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, seen) = bob.get(&one).await;
    assert_eq!(
        (status, &seen["public"]),
        (200, &Value::Bool(true)),
        "{seen}"
    );
    assert_eq!(
        bob.send(Method::DELETE, &one, Some(json!({}))).await.0,
        403,
        "published, still hers"
    );

    assert_eq!(
        alice.send(Method::DELETE, &one, Some(json!({}))).await.0,
        204
    );
    assert!(pool.volumes().is_empty());
    assert_eq!(alice.get(&one).await.0, 404);
}

#[tokio::test]
async fn refused_and_cancelled_uploads_leave_nothing_behind() {
    let pool = IsoPool::new(LOCAL_QEMU, "isos-refused");
    let server = server(&pool, 4 << 20).await;
    let alice = server.login("alice").await;
    let (status, body) = upload(&server, &alice, "zeros.iso", vec![0; 1 << 20]).await;
    assert_eq!(status, 415, "not ISO 9660: {body}");
    let (status, body) = upload(&server, &alice, "tiny.iso", b"CD001".to_vec()).await;
    assert_eq!(status, 415, "too short to be one: {body}");
    let (status, body) = upload(&server, &alice, "big.iso", fake_iso(5 << 20)).await;
    assert_eq!(status, 413, "over the 4 MiB limit: {body}");
    let (status, body) = upload(&server, &alice, "bad name.iso", fake_iso(1 << 16)).await;
    assert_eq!(status, 400, "{body}");
    assert!(pool.volumes().is_empty(), "{:?}", pool.volumes());

    // Half of a file, then the connection is gone: the volume it was filling goes too.
    let token = server.token("alice", "write").await;
    let file = fake_iso(4_000_000);
    let mut socket = tokio::net::TcpStream::connect(server.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/isos?name=half.iso HTTP/1.1\r\nHost: {}\r\n\
         Authorization: Bearer {token}\r\nContent-Length: {}\r\n\r\n",
        server.addr,
        file.len()
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&file[..1 << 20]).await.unwrap();
    eventually("the upload's volume", Duration::from_secs(30), || async {
        (!pool.volumes().is_empty()).then_some(())
    })
    .await;
    drop(socket);
    eventually(
        "the volume to be deleted",
        Duration::from_secs(30),
        || async { pool.volumes().is_empty().then_some(()) },
    )
    .await;
    let (_, listed) = alice.get("/api/v1/isos").await;
    assert_eq!(listed, Value::Array(vec![]));
    // Its row goes too: the name is free again.
    let again = fake_iso(4_000_000);
    eventually(
        "the name to be free again",
        Duration::from_secs(30),
        || async {
            let (status, body) = upload(&server, &alice, "half.iso", again.clone()).await;
            assert!(status == 201 || status == 409, "{status} {body}");
            (status == 201).then_some(())
        },
    )
    .await;
}

/// Whether the guest reads a sector of its CD drive (`/dev/sr0`), asked until the answer is
/// `expected` or 30 s pass (the drive appears, and a change of media is noticed, a moment
/// after the fact). The shell computes the answer, so the typed line never matches it.
async fn guest_reads_cd(shell: &mut GuestShell, expected: bool) -> bool {
    let line = "dd if=/dev/sr0 of=/dev/null bs=2048 count=1 2>/dev/null \
                && echo \"cd $((40+2))-read\" || echo \"cd $((40+2))-none\"";
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let read = shell.run(line, &["cd 42-read", "cd 42-none"]).await == "cd 42-read";
        if read == expected || tokio::time::Instant::now() >= deadline {
            return read;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn a_vm_installed_from_an_iso_boots_it_and_holds_it() {
    let pool = IsoPool::new(LOCAL_QEMU, "isos-install");
    let server = server(&pool, 64 << 20).await;
    let (alice, bob) = (server.login("alice").await, server.login("bob").await);
    let dir = tempfile::tempdir().unwrap();
    let (status, iso) = upload(&server, &alice, "demo.iso", bootable_demo_iso(dir.path())).await;
    assert_eq!(status, 201, "{iso}");
    let name = format!("ezilla-test-{}-from-iso", std::process::id());
    let _cleanup = Cleanup(vec![name.clone()]);
    let install = format!("/api/v1/isos/{}/install", iso["id"]);
    let body = json!({"name": name, "cores": 1, "memory_mib": 256, "disk_gib": 1});
    assert_eq!(
        bob.send(Method::POST, &install, Some(body.clone())).await.0,
        404,
        "bob cannot boot alice's ISO"
    );
    let (status, vm) = alice.send(Method::POST, &install, Some(body)).await;
    assert_eq!(status, 201, "{vm}");
    assert_eq!(vm["state"], "running");
    assert_eq!(vm["disk_gib"], 1);

    // ISOLINUX on the CD loads the demo kernel and initrd, which find the blank disk.
    let log = serial_log(&name);
    eventually(
        "the ISO's initrd on the serial console",
        Duration::from_secs(120),
        || async {
            let text = std::fs::read_to_string(&log).ok()?;
            text.contains("initramfs: cannot mount /dev/vda")
                .then_some(())
        },
    )
    .await;

    // The initramfs's shell on the serial console, where the guest reads its CD drive.
    let uuid = vm["uuid"].as_str().unwrap();
    let mut shell = GuestShell::open(&server, uuid, "alice").await;
    assert!(
        guest_reads_cd(&mut shell, true).await,
        "the ISO in the drive"
    );

    // Ejected and inserted again, in the running VM and in its definition alike.
    let cdrom = format!("/api/v1/vms/{uuid}/cdrom");
    assert_eq!(alice.get(&cdrom).await.1["iso"], iso["id"]);
    let drive = |flags| {
        let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
        let dom = conn.lookup_domain_by_name(&name).unwrap();
        let desc = dom.xml_desc(flags).unwrap();
        desc.contains(&volume_path(&pool))
    };
    let (status, body) = alice
        .send(Method::PUT, &cdrom, Some(json!({"iso": null})))
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(alice.get(&cdrom).await.1["iso"], Value::Null);
    assert!(
        !drive(0) && !drive(virt::sys::VIR_DOMAIN_XML_INACTIVE),
        "ejected, live and kept"
    );
    assert!(
        !guest_reads_cd(&mut shell, false).await,
        "the guest sees the drive empty"
    );
    let (status, body) = alice
        .send(Method::PUT, &cdrom, Some(json!({"iso": iso["id"]})))
        .await;
    assert_eq!(status, 204, "{body}");
    assert!(
        drive(0) && drive(virt::sys::VIR_DOMAIN_XML_INACTIVE),
        "inserted, live and kept"
    );
    assert!(
        guest_reads_cd(&mut shell, true).await,
        "and sees the ISO again"
    );
    assert_eq!(alice.get(&cdrom).await.1["iso"], iso["id"]);
    assert_eq!(
        alice
            .send(Method::PUT, &cdrom, Some(json!({"iso": 999_999})))
            .await
            .0,
        404,
        "an ISO she does not see"
    );

    let one = format!("/api/v1/isos/{}", iso["id"]);
    let (status, refused) = alice.send(Method::DELETE, &one, Some(json!({}))).await;
    assert_eq!(status, 409, "{refused}");
    assert!(
        refused["message"].as_str().unwrap_or("").contains(&name),
        "the refusal names the VM: {refused}"
    );

    // The VM goes with its disk; the ISO stays, and can go then.
    let (status, body) = alice
        .send(
            Method::DELETE,
            &format!("/api/v1/vms/{}?disks=true", vm["uuid"].as_str().unwrap()),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    assert_eq!(
        pool.volumes().len(),
        1,
        "only the ISO: {:?}",
        pool.volumes()
    );
    assert_eq!(
        alice.send(Method::DELETE, &one, Some(json!({}))).await.0,
        204
    );
}
