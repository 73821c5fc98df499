//! The consoles of a real QEMU guest over WebSockets: VNC speaks RFB far enough to learn the
//! screen's size; the serial console shows the shell and runs a command, and a second one
//! takes over from the first; another user's console is 404, a cross-origin upgrade 403, one
//! over the per-user limit 429; powering the VM off closes the open consoles with the reason.
//! VNC is a Unix socket of the VM's own; on a `qemu+ssh` host it goes through SSH's
//! stream-local forwarding (a private sshd with the test command's keys). A serial console
//! opens with the guest's boot log.

use std::{
    process::{Child, Command},
    time::Duration,
};

use futures_util::{SinkExt, StreamExt};
use reqwest::Method;
use serde_json::json;
use shared::{Role, routes};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{Error, Message, http::StatusCode};

use testkit::{
    console_proxy::close_reason,
    eventually,
    qemu::boot_demo,
    server::{Socket, TestServer},
};

/// How long a console may take to close once its VM stops or another takes over.
const CLOSE_WAIT: Duration = Duration::from_secs(30);

/// Opens `route` of `uuid` as the holder of session `token`, from `origin`.
pub(super) async fn open(
    server: &TestServer,
    route: &str,
    uuid: &str,
    token: &str,
    origin: &str,
) -> Result<Socket, Error> {
    let path = routes::fill(route, &[uuid]);
    let (socket, response) = server
        .websocket(&path, token, origin, Some("binary"))
        .await?;
    let protocol = response.headers().get("sec-websocket-protocol");
    assert_eq!(protocol.unwrap(), "binary", "websockify's subprotocol");
    Ok(socket)
}

/// The status and JSON body of a refused upgrade.
fn refused_with(result: Result<Socket, Error>) -> (StatusCode, serde_json::Value) {
    match result {
        Err(Error::Http(response)) => {
            let body = response.body().as_deref().unwrap_or_default();
            (
                response.status(),
                serde_json::from_slice(body).unwrap_or_default(),
            )
        }
        Err(other) => panic!("refused without an HTTP answer: {other}"),
        Ok(_) => panic!("opened"),
    }
}

/// Reads binary frames into `buf` until it holds `n` bytes; returns those bytes.
async fn read_exact(socket: &mut Socket, buf: &mut Vec<u8>, n: usize) -> Vec<u8> {
    while buf.len() < n {
        let frame = tokio::time::timeout(Duration::from_secs(20), socket.next())
            .await
            .expect("the VNC server answers")
            .expect("socket open")
            .expect("frame");
        match frame {
            Message::Binary(bytes) => buf.extend_from_slice(&bytes),
            other => panic!("unexpected frame {other:?}"),
        }
    }
    buf.drain(..n).collect()
}

/// RFB 3.8 with security None up to ServerInit: the screen's width and height.
pub(super) async fn vnc_screen_size(socket: &mut Socket) -> (u16, u16) {
    let mut buf = Vec::new();
    assert_eq!(read_exact(socket, &mut buf, 12).await, b"RFB 003.008\n");
    socket
        .send(Message::binary(&b"RFB 003.008\n"[..]))
        .await
        .unwrap();
    let count = read_exact(socket, &mut buf, 1).await[0] as usize;
    let types = read_exact(socket, &mut buf, count).await;
    assert!(types.contains(&1), "security None offered: {types:?}");
    socket.send(Message::binary(vec![1u8])).await.unwrap();
    assert_eq!(
        read_exact(socket, &mut buf, 4).await,
        [0, 0, 0, 0],
        "security OK"
    );
    socket.send(Message::binary(vec![1u8])).await.unwrap(); // ClientInit, shared
    let init = read_exact(socket, &mut buf, 24).await;
    let name_len = u32::from_be_bytes(init[20..24].try_into().unwrap()) as usize;
    read_exact(socket, &mut buf, name_len).await;
    (
        u16::from_be_bytes([init[0], init[1]]),
        u16::from_be_bytes([init[2], init[3]]),
    )
}

/// Reads from the serial console until its text contains `wanted`.
pub(super) async fn serial_until(socket: &mut Socket, wanted: &str) -> String {
    let mut text = String::new();
    tokio::time::timeout(Duration::from_secs(30), async {
        while !text.contains(wanted) {
            match socket.next().await {
                Some(Ok(Message::Binary(bytes))) => text.push_str(&String::from_utf8_lossy(&bytes)),
                other => panic!("serial console ended: {other:?} after {text:?}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {wanted:?} on the serial console: {text:?}"));
    text
}

#[tokio::test]
async fn vnc_and_serial_consoles_of_a_running_guest() {
    let demo = boot_demo("consoles", |s| s.consoles_per_user = 3).await;
    let server = &demo.server;
    let uuid = demo.vm["uuid"].as_str().unwrap();
    let (_, token) = server.login_with_token("alice").await;
    let own = server.url("");

    let mut vnc = open(server, routes::VM_CONSOLE_VNC, uuid, &token, &own)
        .await
        .unwrap();
    let (width, height) = vnc_screen_size(&mut vnc).await;
    assert!(width >= 640 && height >= 400, "{width}x{height}");

    let mut serial = open(server, routes::VM_CONSOLE_SERIAL, uuid, &token, &own)
        .await
        .unwrap();
    // What the guest wrote before anyone looked: its boot log, replayed on opening.
    serial_until(&mut serial, "Ezilla demo guest ready").await;
    serial.send(Message::binary(&b"\n"[..])).await.unwrap();
    serial_until(&mut serial, "root@ezilla-demo").await;
    // The answer, not the echo of the command line: only the shell computes 42.
    serial
        .send(Message::binary(&b"echo hello-serial-$((40+2))\n"[..]))
        .await
        .unwrap();
    serial_until(&mut serial, "hello-serial-42").await;

    // A second serial console takes over: the first closes, the second types into the shell.
    let mut taken = serial;
    let mut serial = open(server, routes::VM_CONSOLE_SERIAL, uuid, &token, &own)
        .await
        .unwrap();
    assert_eq!(
        close_reason(&mut taken, CLOSE_WAIT).await,
        "the console closed"
    );
    serial
        .send(Message::binary(&b"echo hello-again-$((40+3))\n"[..]))
        .await
        .unwrap();
    serial_until(&mut serial, "hello-again-43").await;

    // The closed one's place is free again: a third console opens (once the server has let
    // go of the closed one), and a fourth is refused before upgrading, with the code the
    // desktop translates.
    let _third = eventually("a third console", Duration::from_secs(10), || async {
        open(server, routes::VM_CONSOLE_VNC, uuid, &token, &own)
            .await
            .ok()
    })
    .await;
    let fourth = open(server, routes::VM_CONSOLE_VNC, uuid, &token, &own).await;
    let (status, body) = refused_with(fourth);
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(body["code"], "console_limit", "{body}");

    server.add_user("bob", Role::User);
    let (_, bob) = server.login_with_token("bob").await;
    for route in [routes::VM_CONSOLE_VNC, routes::VM_CONSOLE_SERIAL] {
        let theirs = open(server, route, uuid, &bob, &own).await;
        assert_eq!(
            refused_with(theirs).0,
            StatusCode::NOT_FOUND,
            "bob on {route}"
        );
        let cross = open(server, route, uuid, &token, "http://evil.test").await;
        assert_eq!(
            refused_with(cross).0,
            StatusCode::FORBIDDEN,
            "{route} cross-origin"
        );
    }

    let path = routes::fill(routes::VM_ACTION, &[uuid]);
    let (status, body) = demo
        .alice
        .send(Method::POST, &path, Some(json!({"action": "poweroff"})))
        .await;
    assert!(status < 300, "{status} {body}");
    assert_eq!(close_reason(&mut vnc, CLOSE_WAIT).await, "the VM stopped");
    assert_eq!(
        close_reason(&mut serial, CLOSE_WAIT).await,
        "the VM stopped"
    );
}

/// The loopback sshd's keys, which the test command makes (scripts/sshd-loopback.sh).
const SSH_DIR: &str = "/var/lib/ezilla-test/ssh";

/// A private sshd on a port of its own with the test command's keys (the shared one is
/// stopped and started again by the remote-host test), forwarding to Unix sockets as a
/// stock sshd does (OpenSSH lets stream-local forwards through only where TCP forwarding
/// is allowed too). Stopped when dropped.
struct ForwardingSshd {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl ForwardingSshd {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let config = dir.path().join("sshd.config");
        let text = format!(
            "ListenAddress 127.0.0.1\nPort {port}\nHostKey {SSH_DIR}/ssh_host_ed25519_key\n\
             PidFile {pid}\nAuthorizedKeysFile {SSH_DIR}/authorized_keys\n\
             PermitRootLogin prohibit-password\nAuthenticationMethods publickey\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n\
             AllowTcpForwarding local\nAllowStreamLocalForwarding local\nX11Forwarding no\n\
             AllowAgentForwarding no\nPermitTunnel no\nUseDNS no\n",
            pid = dir.path().join("sshd.pid").display(),
        );
        std::fs::write(&config, text).unwrap();
        let child = Command::new("/usr/sbin/sshd")
            .arg("-D")
            .arg("-f")
            .arg(&config)
            .arg("-E")
            .arg(dir.path().join("sshd.log"))
            .spawn()
            .expect("sshd (the test command installs openssh-server)");
        eventually(
            "the private sshd listens",
            Duration::from_secs(20),
            || async { TcpStream::connect(("127.0.0.1", port)).await.ok().map(drop) },
        )
        .await;
        Self {
            child,
            port,
            _dir: dir,
        }
    }

    fn uri(&self) -> String {
        format!(
            "qemu+ssh://root@127.0.0.1:{}/system?keyfile={SSH_DIR}/id_ed25519&no_verify=1&no_tty=1",
            self.port
        )
    }
}

impl Drop for ForwardingSshd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn vnc_console_of_a_guest_on_a_qemu_ssh_host_goes_through_ssh() {
    let sshd = ForwardingSshd::start().await;
    let uri = sshd.uri();
    let demo = boot_demo("console-ssh", |s| s.hosts[0].uri = uri).await;
    let (_, hosts) = demo.server.admin().await.get("/api/v1/hosts").await;
    let host_uri = hosts[0]["uri"].as_str().unwrap();
    assert!(host_uri.starts_with("qemu+ssh://"), "{hosts}");
    let uuid = demo.vm["uuid"].as_str().unwrap();
    let (_, token) = demo.server.login_with_token("alice").await;
    let own = demo.server.url("");
    let mut vnc = open(&demo.server, routes::VM_CONSOLE_VNC, uuid, &token, &own)
        .await
        .unwrap();
    let (width, height) = vnc_screen_size(&mut vnc).await;
    assert!(width >= 640 && height >= 400, "{width}x{height}");
    // The serial console replays the boot log, read from that host over the same SSH.
    let mut serial = open(&demo.server, routes::VM_CONSOLE_SERIAL, uuid, &token, &own)
        .await
        .unwrap();
    serial_until(&mut serial, "Ezilla demo guest ready").await;
}
