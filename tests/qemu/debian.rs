//! A Debian 12 cloud guest (scripts/debian-guest.sh) made through the API: cloud-init reads
//! its NoCloud seed, so the owner's SSH key logs in as the owner through the port Ezilla
//! forwards on 127.0.0.1 (another user's key does not), the guest's web server answers on
//! its forwarded HTTP port and, through Ezilla's proxy, on the VM's own origin without ever
//! seeing Ezilla's cookies, the guest agent reports its address and OS, and Shutdown shuts
//! it down; the SSH terminal works through Ezilla (`ssh_terminal.rs`). Deleting the VM deletes its seed and frees its ports. The time from create to
//! SSH under TCG is printed.

use std::{
    os::unix::fs::PermissionsExt,
    process::Command,
    time::{Duration, Instant},
};

use reqwest::Method;
use serde_json::{Value, json};
use shared::Role;
use virt::connect::Connect;

use testkit::{
    eventually,
    qemu::{Cleanup, LOCAL_QEMU, refresh_pool},
    server::{Client, TestServer},
};

/// The Debian guest that the test command builds (scripts/demo-pool.sh).
const DEBIAN_POOL: &str = "ezilla-debian";
const DEBIAN_DIR: &str = "/var/lib/libvirt/images/ezilla-debian";

/// The Debian template, as the run command registers it.
pub fn debian_template() -> Value {
    let cmdline = std::fs::read_to_string(format!("{DEBIAN_DIR}/cmdline"))
        .expect("the test command builds the Debian guest");
    json!({
        "name": "debian-12", "os": "Debian 12 (bookworm)", "storage_pool": DEBIAN_POOL,
        "volume": "root.qcow2", "cores": 1, "memory_mib": 1024, "disk_gib": 3,
        "cloud_init": true,
        "kernel_boot": {
            "kernel": format!("{DEBIAN_DIR}/vmlinuz"),
            "initrd": format!("{DEBIAN_DIR}/initrd.img"),
            "cmdline": cmdline.trim(),
        }
    })
}

/// A new keypair of `user`'s, made by the server; its private half written to a 0600 file.
pub(super) async fn generated_key(
    user: &Client,
    dir: &std::path::Path,
    name: &str,
) -> std::path::PathBuf {
    let (status, pair) = user
        .send(
            Method::POST,
            "/api/v1/me/keys/generate",
            Some(json!({"name": name})),
        )
        .await;
    assert_eq!(status, 201, "{pair}");
    let file = dir.join(name);
    std::fs::write(&file, pair["private_key"].as_str().unwrap()).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    file
}

/// What `command` prints when run over SSH as `account` with `key` on 127.0.0.1:`port`, or
/// what ssh said when the login failed. A connection the guest drops before the login (a
/// busy TCG guest, sshd restarting) is tried again, a refused login is not.
pub(super) fn ssh_run(
    key: &std::path::Path,
    account: &str,
    port: u64,
    command: &str,
) -> Result<String, String> {
    let mut why = String::new();
    for _ in 0..5 {
        let out = Command::new("ssh")
            .args(["-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no"])
            .args([
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "IdentitiesOnly=yes",
            ])
            .args(["-o", "ConnectTimeout=20", "-o", "LogLevel=ERROR", "-i"])
            .arg(key)
            .args([
                "-p",
                &port.to_string(),
                &format!("{account}@127.0.0.1"),
                command,
            ])
            .output()
            .expect("ssh (the test command installs openssh-client)");
        if out.status.success() {
            return Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned());
        }
        why = String::from_utf8_lossy(&out.stderr).into_owned();
        if why.contains("Permission denied") {
            break;
        }
        std::thread::sleep(Duration::from_secs(2));
    }
    Err(why)
}

/// Creates `name` from `debian-12` as alice and runs `command` over SSH with her `key` as
/// soon as the guest lets her in: the VM and what the command printed. The time from create
/// to SSH is printed (`on`: where, if not this machine).
pub(super) async fn create_and_ssh(
    alice: &Client,
    key: &std::path::Path,
    name: &str,
    command: &str,
    on: &str,
) -> (Value, String) {
    let started = Instant::now();
    let (status, vm) = alice
        .send(
            Method::POST,
            "/api/v1/vms",
            Some(json!({"name": name, "template": "debian-12"})),
        )
        .await;
    assert_eq!(status, 201, "{vm}");
    let port = vm["ssh_port"].as_u64().unwrap();
    let printed = eventually("SSH into the guest", Duration::from_secs(420), || {
        let (key, command) = (key.to_owned(), command.to_owned());
        async move {
            let answer = tokio::task::spawn_blocking(move || ssh(&key, "alice", port, &command))
                .await
                .unwrap();
            if answer.is_none() {
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
            answer
        }
    })
    .await;
    println!(
        "boot to SSH under TCG{on}: {:.1} s",
        started.elapsed().as_secs_f64()
    );
    (vm, printed)
}

/// `ssh_run`'s output, or `None` when the login fails.
fn ssh(key: &std::path::Path, account: &str, port: u64, command: &str) -> Option<String> {
    ssh_run(key, account, port, command).ok()
}

/// The guest's page on the VM's own origin through Ezilla's proxy; the guest's web server,
/// which logs every request's cookies, never sees Ezilla's.
async fn website_through_ezilla(
    server: &TestServer,
    alice: &Client,
    uuid: &str,
    key: &std::path::Path,
    ssh_port: u64,
) {
    let path = format!("/api/v1/vms/{uuid}/website");
    let (status, entry) = alice.send(Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 200, "{entry}");
    let port = server.addr.port();
    let site = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .resolve(
            &format!("{uuid}.vm.localhost"),
            std::net::SocketAddr::from(([127, 0, 0, 1], port)),
        )
        .build()
        .unwrap();
    let entered = site
        .get(entry["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(entered.status(), 303);
    let cookie = entered.headers()["set-cookie"].to_str().unwrap();
    let cookies = format!(
        "{}; ezilla_session=app-secret; theme=dark",
        cookie.split(';').next().unwrap()
    );
    let page = site
        .get(format!("http://{uuid}.vm.localhost:{port}/"))
        .header("cookie", cookies)
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Ezilla Debian guest"));
    let log = ssh_run(
        key,
        "alice",
        ssh_port,
        "sudo cat /var/log/nginx/headers.log",
    )
    .unwrap_or_else(|why| panic!("reading the guest's web log: {why}"));
    assert!(log.contains("cookie=\"theme=dark\""), "{log}");
    assert!(
        !log.contains("ezilla_"),
        "Ezilla's cookies never reach the guest: {log}"
    );
}

#[tokio::test]
async fn a_debian_vm_lets_its_owner_in_with_her_key() {
    virt::error::clear_error_callback();
    let server = TestServer::api(&[("local", LOCAL_QEMU)]).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let (status, body) = server
        .admin()
        .await
        .send(Method::POST, "/api/v1/templates", Some(debian_template()))
        .await;
    assert_eq!(status, 201, "{body}");
    let ((alice, alice_token), (bob, bob_token)) = (
        server.login_with_token("alice").await,
        server.login_with_token("bob").await,
    );
    let keys = tempfile::tempdir().unwrap();
    let alice_key = generated_key(&alice, keys.path(), "alice-laptop").await;
    let bob_key = generated_key(&bob, keys.path(), "bob-laptop").await;

    let name = format!("ezilla-test-{}-debian", std::process::id());
    let _cleanup = Cleanup(vec![name.clone()]);
    let (vm, whoami) = create_and_ssh(&alice, &alice_key, &name, "whoami", "").await;
    let (ssh_port, http_port) = (
        vm["ssh_port"].as_u64().unwrap(),
        vm["http_port"].as_u64().unwrap(),
    );
    assert_ne!(ssh_port, http_port);
    assert_eq!(whoami, "alice");
    assert_eq!(
        ssh(&alice_key, "alice", ssh_port, "hostname").as_deref(),
        Some(name.as_str()),
        "the hostname is the VM's name"
    );
    assert_eq!(
        ssh(
            &alice_key,
            "alice",
            ssh_port,
            "sudo -n true && echo root-ok"
        )
        .as_deref(),
        Some("root-ok"),
        "the owner has sudo"
    );
    for account in ["alice", "bob", "root"] {
        let refused = ssh_run(&bob_key, account, ssh_port, "true").unwrap_err();
        assert!(
            refused.contains("Permission denied"),
            "bob's key as {account}: {refused}"
        );
    }

    let page = reqwest::get(format!("http://127.0.0.1:{http_port}/"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("Ezilla Debian guest"), "{page}");
    website_through_ezilla(
        &server,
        &alice,
        vm["uuid"].as_str().unwrap(),
        &alice_key,
        ssh_port,
    )
    .await;

    let uuid = vm["uuid"].as_str().unwrap();
    super::ssh_terminal::terminal_through_ezilla(&server, &alice_token, &bob_token, uuid).await;
    eventually(
        "the guest agent's address and OS",
        Duration::from_secs(120),
        || async {
            let (_, vm) = alice.get(&format!("/api/v1/vms/{uuid}")).await;
            let os = vm["guest_os"].as_str()?.contains("Debian GNU/Linux 12");
            (os && vm["ips"].as_array()?.iter().any(|ip| ip == "10.0.2.15")).then_some(())
        },
    )
    .await;
    let (status, body) = alice
        .send(
            Method::POST,
            &format!("/api/v1/vms/{uuid}/action"),
            Some(json!({"action": "shutdown"})),
        )
        .await;
    assert!(status < 300, "{status} {body}");
    eventually(
        "the guest to shut down",
        Duration::from_secs(180),
        || async {
            let (_, vm) = alice.get(&format!("/api/v1/vms/{uuid}")).await;
            (vm["state"] == "shutoff").then_some(())
        },
    )
    .await;

    let (status, _) = alice
        .send(
            Method::DELETE,
            &format!("/api/v1/vms/{uuid}?disks=true"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 204);
    let host_key = server.state.auth.store.host_keys().get(uuid).await.unwrap();
    assert_eq!(host_key, None, "the VM's SSH host key goes with it");
    let pool = Connect::open(Some(LOCAL_QEMU))
        .unwrap()
        .lookup_storage_pool_by_name(DEBIAN_POOL)
        .unwrap();
    refresh_pool(&pool).await;
    assert!(
        pool.lookup_storage_vol_by_name(&format!("{name}-seed.iso"))
            .is_err(),
        "the seed goes with the VM"
    );
    assert!(
        pool.lookup_storage_vol_by_name(&format!("{name}.qcow2"))
            .is_err()
    );
    for port in [ssh_port, http_port] {
        assert!(
            std::net::TcpStream::connect(("127.0.0.1", port as u16)).is_err(),
            "port {port} is free again"
        );
    }
}
