//! The SSH terminal through Ezilla, on the Debian guest that `debian.rs` boots: the server
//! logs in as the owner with her server-side key (no prompt), the shell has the size the
//! browser asked for and follows a resize, another user gets 404, a changed host key is
//! refused with a clear reason, and a guest that does not take the key asks for the password.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use shared::{
    routes,
    terminal::{Control, Notice},
};
use tokio_tungstenite::tungstenite::{Error, Message};

use testkit::{
    console_proxy::close_reason,
    eventually,
    server::{Socket, TestServer},
};

/// Another ed25519 public key: what a changed host key looks like.
const OTHER_HOST_KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHyWw5jsM1M4zV1y6CqZgkvbTWcGVMlVK3x9o5rXn4pC x";

/// Opens alice's SSH terminal of `uuid` at `cols` × `rows`.
async fn open(server: &TestServer, token: &str, uuid: &str, cols: u16, rows: u16) -> Socket {
    let path = format!(
        "{}?cols={cols}&rows={rows}",
        routes::fill(routes::VM_CONSOLE_SSH, &[uuid])
    );
    server
        .websocket(&path, token, &server.url(""), Some("binary"))
        .await
        .unwrap_or_else(|e| panic!("opening the SSH terminal: {e}"))
        .0
}

/// Reads the terminal until its text contains `wanted`; panics on a notice or an end.
async fn until(socket: &mut Socket, wanted: &str) -> String {
    let mut text = String::new();
    tokio::time::timeout(Duration::from_secs(60), async {
        while !text.contains(wanted) {
            match socket.next().await {
                Some(Ok(Message::Binary(bytes))) => text.push_str(&String::from_utf8_lossy(&bytes)),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => panic!("the terminal ended or asked: {other:?} after {text:?}"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {wanted:?} in the terminal: {text:?}"));
    text
}

/// The next notice the server sends (terminal bytes before it are skipped), or the reason the
/// terminal closed with.
async fn notice(socket: &mut Socket) -> Result<Notice, String> {
    tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).unwrap()),
                Some(Ok(Message::Close(frame))) => {
                    return Err(frame.map(|f| f.reason.to_string()).unwrap_or_default());
                }
                Some(Ok(_)) => {}
                other => panic!("no notice: {other:?}"),
            }
        }
    })
    .await
    .expect("a notice")
}

async fn type_line(socket: &mut Socket, line: &str) {
    socket
        .send(Message::binary(format!("{line}\r").into_bytes()))
        .await
        .unwrap();
}

async fn control(socket: &mut Socket, control: &Control) {
    let text = serde_json::to_string(control).unwrap();
    socket.send(Message::text(text)).await.unwrap();
}

/// Makes `key` the host key recorded for VM `uuid`.
async fn set_host_key(server: &TestServer, uuid: &str, key: &str) {
    let host_keys = server.state.auth.store.host_keys();
    host_keys.forget(uuid).await.unwrap();
    host_keys.remember(uuid, key, 0).await.unwrap();
}

/// Everything above, on the running Debian VM `uuid` of alice's (session `token`).
pub async fn terminal_through_ezilla(
    server: &TestServer,
    token: &str,
    bob_token: &str,
    uuid: &str,
) {
    let mut shell = open(server, token, uuid, 100, 30).await;
    type_line(&mut shell, "echo ezilla-$((6*7)); whoami; stty size").await;
    let text = until(&mut shell, "30 100").await;
    assert!(
        text.contains("ezilla-42"),
        "the shell runs what is typed: {text}"
    );
    assert!(text.contains("alice"), "logged in as alice: {text}");
    control(
        &mut shell,
        &Control::Resize {
            cols: 120,
            rows: 40,
        },
    )
    .await;
    type_line(&mut shell, "stty size").await;
    until(&mut shell, "40 120").await;
    drop(shell);

    let path = routes::fill(routes::VM_CONSOLE_SSH, &[uuid]);
    match server
        .websocket(&path, bob_token, &server.url(""), Some("binary"))
        .await
    {
        Err(Error::Http(response)) => assert_eq!(response.status(), 404, "bob's view"),
        other => panic!("bob opened alice's terminal: {other:?}"),
    }

    // The host key recorded on the first connection is checked on the next ones.
    let key = server
        .state
        .auth
        .store
        .host_keys()
        .get(uuid)
        .await
        .unwrap()
        .expect("the host key is recorded");
    assert!(key.starts_with("ssh-ed25519 "), "{key}");
    set_host_key(server, uuid, OTHER_HOST_KEY).await;
    let mut spoofed = open(server, token, uuid, 80, 24).await;
    let reason = close_reason(&mut spoofed, Duration::from_secs(60)).await;
    assert!(reason.contains("host key changed"), "{reason}");
    set_host_key(server, uuid, &key).await;

    // A guest that no longer takes the server's key: the terminal asks for the password.
    let mut shell = open(server, token, uuid, 80, 24).await;
    type_line(
        &mut shell,
        "echo 'alice:s3cret-pw' | sudo chpasswd && \
         echo 'PasswordAuthentication yes' | sudo tee /etc/ssh/sshd_config.d/00-test.conf && \
         sed -i /ezilla-terminal/d ~/.ssh/authorized_keys && sudo systemctl reload ssh && \
         echo key-$((1+1))gone",
    )
    .await;
    until(&mut shell, "key-2gone").await;
    drop(shell);
    // sshd re-executes itself on reload: until it listens again, the terminal cannot open.
    let mut asked = eventually(
        "sshd back after its reload",
        Duration::from_secs(60),
        || async {
            let mut socket = open(server, token, uuid, 80, 24).await;
            match notice(&mut socket).await {
                Ok(first) => {
                    assert_eq!(first, Notice::AskPassword { again: false });
                    Some(socket)
                }
                Err(reason) if reason.contains("did not answer") => {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    None
                }
                Err(reason) => panic!("closed instead of asking: {reason}"),
            }
        },
    )
    .await;
    control(&mut asked, &Control::Password("wrong".into())).await;
    assert_eq!(
        notice(&mut asked).await,
        Ok(Notice::AskPassword { again: true })
    );
    control(&mut asked, &Control::Password("s3cret-pw".into())).await;
    type_line(&mut asked, "echo in-by-$((40+2))").await;
    until(&mut asked, "in-by-42").await;
}
