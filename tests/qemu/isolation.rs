//! Guests cannot reach the host or each other, tried from inside real guests through their
//! serial consoles as a user would: busybox `nc` probes the host's loopback (10.0.2.2 in
//! QEMU's user network) and the host's other addresses on Ezilla's port, a port in the old
//! VNC range and the sshd port, each checked from the host to be listening; a listener in
//! the guest itself answers the same probe (the control that shows the probe works). A VM
//! made by the previous version reaches the host's loopback (the same probe opens), is
//! flagged unprotected, and is isolated by its next start, keeping its disk and owner.
//! `outbound` hosts keep guests off the host with a firewall rule.

use std::{net::IpAddr, time::Duration};

use reqwest::Method;
use serde_json::{Value, json};
use shared::{Role, routes};
use tokio::net::{TcpListener, TcpStream};
use virt::{connect::Connect, storage_vol::StorageVol};

use testkit::{
    eventually,
    qemu::{Cleanup, LOCAL_QEMU, create_and_boot, demo_template},
    server::{Client, TestServer},
};

use super::{
    consoles::{open, vnc_screen_size},
    guest_shell::GuestShell,
};

/// What a guest of the isolation tests can reach.
impl GuestShell {
    /// Waits until DHCP (udhcpc, started in the background at boot) has given eth0 its
    /// address, without which every probe would fail for another reason.
    async fn wait_for_address(&mut self) {
        let line = "ip -4 addr show eth0 | grep -q 10.0.2.15 \
                    && echo \"net $((2+3))-up\" || echo \"net $((2+3))-down\"";
        for _ in 0..60 {
            if self.run(line, &["net 5-up", "net 5-down"]).await == "net 5-up" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        panic!("eth0 never got its address: {:?}", self.text);
    }

    /// Whether a TCP connection from the guest to `addr:port` opens. The shell computes
    /// the answer's number, so the echo of the typed line never matches it.
    async fn probe(&mut self, addr: &str, port: u16) -> bool {
        let line = format!(
            "nc -w 3 {addr} {port} </dev/null >/dev/null 2>&1 \
             && echo \"{addr}:{port} $((6*7))-open\" || echo \"{addr}:{port} $((6*7))-shut\""
        );
        let open = format!("{addr}:{port} 42-open");
        let shut = format!("{addr}:{port} 42-shut");
        self.run(&line, &[&open, &shut]).await == open
    }

    /// The control: a listener in the guest itself, which the same probe must reach.
    async fn probe_own_listener(&mut self) -> bool {
        self.run("nc -l -p 7777 </dev/null >/dev/null 2>&1 &", &["#"])
            .await;
        self.probe("10.0.2.15", 7777).await
    }
}

/// Listening sockets on the host for the guests to try: Ezilla's own port, a port in the
/// old VNC range (5900-5999) and the loopback sshd's (2222), all on 127.0.0.1, and one on
/// every address of the host.
struct HostTargets {
    loopback: Vec<u16>,
    everywhere: u16,
    addresses: Vec<String>,
    _listeners: Vec<TcpListener>,
}

impl HostTargets {
    async fn start(server: &TestServer) -> Self {
        let ezilla: u16 = server
            .url("")
            .trim_end_matches('/')
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .expect("the server's port");
        let mut listeners = Vec::new();
        for port in 5900..6000 {
            if let Ok(l) = TcpListener::bind(("127.0.0.1", port)).await {
                listeners.push(l);
                break;
            }
        }
        let vnc_range = listeners[0].local_addr().unwrap().port();
        let all = TcpListener::bind("0.0.0.0:0").await.unwrap();
        let everywhere = all.local_addr().unwrap().port();
        listeners.push(all);
        let loopback = vec![ezilla, vnc_range, 2222];
        for port in &loopback {
            TcpStream::connect(("127.0.0.1", *port))
                .await
                .unwrap_or_else(|e| panic!("127.0.0.1:{port} listens on the host: {e}"));
        }
        Self {
            loopback,
            everywhere,
            addresses: host_addresses(),
            _listeners: listeners,
        }
    }
}

/// The host's IPv4 addresses other than loopback.
fn host_addresses() -> Vec<String> {
    let out = std::process::Command::new("ip")
        .args(["-4", "-o", "addr", "show"])
        .output()
        .expect("ip (iproute2)");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            line.split_whitespace()
                .nth(3)?
                .split('/')
                .next()
                .map(str::to_owned)
        })
        .filter(|a| a.parse::<IpAddr>().is_ok_and(|ip| !ip.is_loopback()))
        .collect()
}

/// A server over local QEMU with the demo template and users alice and bob.
async fn server_with_demo(tweak: impl FnOnce(&mut ezilla::config::Settings)) -> TestServer {
    virt::error::clear_error_callback();
    let server =
        TestServer::start_with(&[("local", LOCAL_QEMU)], "/nonexistent".into(), tweak).await;
    server.add_user("alice", Role::User);
    server.add_user("bob", Role::User);
    let admin = server.admin().await;
    // The demo guest again, as a template that takes cloud-init: its VMs get forwarded
    // ports (the busybox guest ignores the seed; `nc` listens for the test).
    let mut forwarded = demo_template();
    forwarded["name"] = json!("demo-fwd");
    forwarded["cloud_init"] = json!(true);
    for template in [demo_template(), forwarded] {
        let (status, body) = admin
            .send(Method::POST, "/api/v1/templates", Some(template))
            .await;
        assert_eq!(status, 201, "{body}");
    }
    server
}

/// The forwarded HTTP port of `vm` answers from the guest: a listener started in it sends a
/// line the host reads through 127.0.0.1.
async fn forward_reaches_the_guest(shell: &mut GuestShell, vm: &Value) {
    let port = vm["http_port"].as_u64().expect("a forwarded HTTP port") as u16;
    shell
        .run(
            "echo fwd-$((40+2))-ok | nc -l -p 80 >/dev/null 2>&1 &",
            &["#"],
        )
        .await;
    let wait = Duration::from_secs(30);
    let line = eventually("the guest's answer on its forwarded port", wait, || async {
        let mut conn = TcpStream::connect(("127.0.0.1", port)).await.ok()?;
        let mut text = String::new();
        let read = tokio::io::AsyncReadExt::read_to_string(&mut conn, &mut text);
        tokio::time::timeout(Duration::from_secs(5), read)
            .await
            .ok()?
            .ok()?;
        text.contains("fwd-42-ok").then_some(text)
    })
    .await;
    assert!(line.contains("fwd-42-ok"));
}

/// Held by the tests that depend on whether the host's guard for `outbound` guests is in
/// force: it refuses every connection of the QEMU user to the host, so it would also hide
/// the hole that the legacy test shows.
static GUARD: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Takes the guard rules out of the host's firewall (as an admin who never set a host to
/// `outbound` would have it).
fn remove_guard() {
    let status = std::process::Command::new("sh")
        .args([
            "-c",
            "iptables -w -S OUTPUT | grep -- '--dst-type LOCAL.*-j REJECT' | sed 's/^-A //' \
             | while read -r rule; do iptables -w -D $rule; done",
        ])
        .status()
        .unwrap();
    assert!(status.success());
}

fn test_name(suffix: &str) -> String {
    format!("ezilla-test-{}-{suffix}", std::process::id())
}

#[tokio::test]
async fn guests_reach_neither_the_host_nor_each_other() {
    let server = server_with_demo(|_| {}).await;
    let (alice_vm, bob_vm) = (test_name("iso-a"), test_name("iso-b"));
    let _cleanup = Cleanup(vec![alice_vm.clone(), bob_vm.clone()]);
    let (alice, bob) = (server.login("alice").await, server.login("bob").await);
    let (a, b) = tokio::join!(
        create_and_boot(&alice, &alice_vm, "demo-fwd"),
        create_and_boot(&bob, &bob_vm, "demo"),
    );
    let targets = HostTargets::start(&server).await;

    for (owner, vm) in [("alice", &a), ("bob", &b)] {
        assert_eq!(vm["unprotected"], false, "{vm}");
        let mut shell = GuestShell::open(&server, vm["uuid"].as_str().unwrap(), owner).await;
        shell.wait_for_address().await;
        assert!(
            shell.probe_own_listener().await,
            "the probe reaches a listener"
        );
        for port in &targets.loopback {
            assert!(
                !shell.probe("10.0.2.2", *port).await,
                "{owner}: host loopback :{port}"
            );
        }
        for addr in &targets.addresses {
            let port = targets.everywhere;
            assert!(
                !shell.probe(addr, port).await,
                "{owner}: host {addr}:{port}"
            );
        }
        if owner == "alice" {
            // What Ezilla forwards still reaches the isolated guest, from the host only.
            forward_reaches_the_guest(&mut shell, vm).await;
        }
    }

    // Both consoles still open, on the VM's own Unix socket.
    let (_, token) = server.login_with_token("alice").await;
    let uuid = a["uuid"].as_str().unwrap();
    let mut vnc = open(
        &server,
        routes::VM_CONSOLE_VNC,
        uuid,
        &token,
        &server.url(""),
    )
    .await
    .unwrap();
    let (width, _) = vnc_screen_size(&mut vnc).await;
    assert!(width >= 640);
    let xml = Connect::open(Some(LOCAL_QEMU))
        .unwrap()
        .lookup_domain_by_name(&alice_vm)
        .unwrap()
        .xml_desc(0)
        .unwrap();
    assert!(
        !xml.contains("<interface"),
        "no network that reaches the host: {xml}"
    );
    assert!(
        xml.contains("restrict=on") && xml.contains("vnc.sock"),
        "{xml}"
    );
}

/// Defines and starts `name` as the version before isolation made VMs (its XML in
/// `tests/fixtures/legacy-domain.xml`), alice's, on a fresh overlay of the demo disk.
fn define_legacy_vm(name: &str) {
    let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
    let pool = conn.lookup_storage_pool_by_name("ezilla-demo").unwrap();
    let base = pool.lookup_storage_vol_by_name("root.qcow2").unwrap();
    let volume = format!(
        "<volume><name>{name}.qcow2</name><capacity unit='bytes'>{}</capacity>\
         <target><format type='qcow2'/></target><backingStore><path>{}</path>\
         <format type='qcow2'/></backingStore></volume>",
        1u64 << 30,
        base.path().unwrap()
    );
    let disk = StorageVol::create_xml(&pool, &volume, 0).unwrap();
    let demo = demo_template();
    let boot = &demo["kernel_boot"];
    let xml = include_str!("../fixtures/legacy-domain.xml")
        .replace("@NAME@", name)
        .replace("@DISK@", &disk.path().unwrap())
        .replace("@KERNEL@", boot["kernel"].as_str().unwrap())
        .replace("@INITRD@", boot["initrd"].as_str().unwrap())
        .replace("@CMDLINE@", boot["cmdline"].as_str().unwrap());
    conn.define_domain_xml(&xml).unwrap().create().unwrap();
}

/// alice's VM `name` from the list, once `ready` holds for it.
async fn listed(alice: &Client, name: &str, ready: impl Fn(&Value) -> bool) -> Value {
    eventually(
        &format!("{name} in alice's list"),
        Duration::from_secs(60),
        || async {
            let (_, list) = alice.get("/api/v1/vms").await;
            let vm = list["vms"]
                .as_array()?
                .iter()
                .find(|vm| vm["name"] == name)?
                .clone();
            ready(&vm).then_some(vm)
        },
    )
    .await
}

#[tokio::test]
async fn a_vm_made_before_isolation_is_flagged_then_isolated_by_its_next_start() {
    let _guard = GUARD.lock().await;
    remove_guard();
    let server = server_with_demo(|_| {}).await;
    let name = test_name("legacy");
    let _cleanup = Cleanup(vec![name.clone()]);
    define_legacy_vm(&name);
    let alice = server.login("alice").await;
    let vm = listed(&alice, &name, |vm| vm["state"] == "running").await;
    assert_eq!(vm["unprotected"], true, "{vm}");
    let uuid = vm["uuid"].as_str().unwrap().to_owned();
    let targets = HostTargets::start(&server).await;
    let ezilla = targets.loopback[0];

    // The hole this closes: the old layout's guest reaches Ezilla on the host's loopback.
    let mut shell = GuestShell::open(&server, &uuid, "alice").await;
    shell.wait_for_address().await;
    assert!(
        shell.probe("10.0.2.2", ezilla).await,
        "the old layout reaches the host"
    );
    drop(shell);

    let path = routes::fill(routes::VM_ACTION, &[&uuid]);
    for action in ["poweroff", "start"] {
        let (status, body) = alice
            .send(Method::POST, &path, Some(json!({ "action": action })))
            .await;
        assert!(status < 300, "{action}: {status} {body}");
    }
    let vm = listed(&alice, &name, |vm| vm["state"] == "running").await;
    assert_eq!(
        (vm["unprotected"].clone(), vm["owner"].clone()),
        (json!(false), json!("alice"))
    );
    let conn = Connect::open(Some(LOCAL_QEMU)).unwrap();
    let xml = conn
        .lookup_domain_by_uuid_string(&uuid)
        .unwrap()
        .xml_desc(0)
        .unwrap();
    assert!(
        xml.contains(&format!("{name}.qcow2")),
        "the same disk: {xml}"
    );
    assert!(
        xml.contains(&format!("/var/log/libvirt/qemu/{name}.serial")),
        "{xml}"
    );

    let mut shell = GuestShell::open(&server, &uuid, "alice").await;
    shell.wait_for_address().await;
    assert!(
        shell.probe_own_listener().await,
        "the probe reaches a listener"
    );
    assert!(
        !shell.probe("10.0.2.2", ezilla).await,
        "isolated after its restart"
    );
    let (_, token) = server.login_with_token("alice").await;
    let mut vnc = open(
        &server,
        routes::VM_CONSOLE_VNC,
        &uuid,
        &token,
        &server.url(""),
    )
    .await
    .unwrap();
    assert!(vnc_screen_size(&mut vnc).await.0 >= 640);
}

#[tokio::test]
async fn outbound_guests_are_kept_off_the_host_by_its_firewall() {
    let _guard = GUARD.lock().await;
    remove_guard();
    let server = server_with_demo(|s| {
        s.hosts[0].guest_network = shared::GuestNetwork::Outbound;
    })
    .await;
    let name = test_name("outbound");
    let _cleanup = Cleanup(vec![name.clone()]);
    let alice = server.login("alice").await;
    let vm = create_and_boot(&alice, &name, "demo-fwd").await;
    let (_, hosts) = server.admin().await.get("/api/v1/hosts").await;
    assert_eq!(
        hosts[0]["guest_network"], "outbound",
        "admins see the setting: {hosts}"
    );
    let rules = std::process::Command::new("iptables")
        .args(["-w", "-S", "OUTPUT"])
        .output()
        .unwrap();
    let rules = String::from_utf8_lossy(&rules.stdout);
    assert!(
        rules.contains("--dst-type LOCAL") && rules.contains("-j REJECT"),
        "the host's guard is in force: {rules}"
    );
    let targets = HostTargets::start(&server).await;
    let mut shell = GuestShell::open(&server, vm["uuid"].as_str().unwrap(), "alice").await;
    shell.wait_for_address().await;
    assert!(
        shell.probe_own_listener().await,
        "the probe reaches a listener"
    );
    for port in &targets.loopback {
        assert!(
            !shell.probe("10.0.2.2", *port).await,
            "host loopback :{port}"
        );
    }
    // The guard refuses the guest's connections, not the answers of the forwarded ports.
    forward_reaches_the_guest(&mut shell, &vm).await;
    remove_guard();
}
