//! The console proxies' bridge (`ezilla::api::console::bridge`) between a WebSocket and a TCP
//! peer standing in for a VNC server, no VM needed: bytes both ways, and the close reasons
//! for an idle console and for a peer that hangs up.

use std::time::Duration;

use axum::{
    Router,
    extract::{Path, WebSocketUpgrade},
    response::Response,
    routing::get,
};
use ezilla::api::console::{Ended, bridge};
use futures_util::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};
use tokio_tungstenite::tungstenite::Message;

const IDLE: Duration = Duration::from_millis(500);

/// A WebSocket server whose `/PORT` bridges to 127.0.0.1:PORT with a short idle timeout.
async fn proxy() -> std::net::SocketAddr {
    async fn upgrade(Path(port): Path<u16>, ws: WebSocketUpgrade) -> Response {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        ws.on_upgrade(move |socket| async move {
            bridge(socket, tcp, IDLE, std::future::pending::<Ended>()).await;
        })
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new().route("/{port}", get(upgrade));
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// The close reason the server sends, within `limit`.
async fn close_reason<S>(socket: &mut S, limit: Duration) -> String
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    tokio::time::timeout(limit, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(Some(frame)))) => return frame.reason.to_string(),
                Some(Ok(_)) => {}
                other => panic!("closed without a reason: {other:?}"),
            }
        }
    })
    .await
    .expect("the server closes the socket")
}

#[tokio::test]
async fn bytes_go_both_ways_and_an_idle_console_closes() {
    let peer = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = peer.local_addr().unwrap().port();
    let proxy = proxy().await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{proxy}/{port}"))
        .await
        .unwrap();
    let (mut vnc, _) = peer.accept().await.unwrap();

    vnc.write_all(b"RFB 003.008\n").await.unwrap();
    match socket.next().await.unwrap().unwrap() {
        Message::Binary(bytes) => assert_eq!(&bytes[..], b"RFB 003.008\n"),
        other => panic!("{other:?}"),
    }
    socket.send(Message::binary(&b"hello"[..])).await.unwrap();
    let mut got = [0u8; 5];
    vnc.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"hello");

    let started = tokio::time::Instant::now();
    assert_eq!(close_reason(&mut socket, IDLE * 10).await, "idle timeout");
    assert!(started.elapsed() >= IDLE, "not before the idle timeout");
    let mut rest = Vec::new();
    vnc.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "the peer's connection is closed too");
}

#[tokio::test]
async fn a_peer_that_hangs_up_closes_the_console() {
    let peer = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = peer.local_addr().unwrap().port();
    let proxy = proxy().await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{proxy}/{port}"))
        .await
        .unwrap();
    let (vnc, _) = peer.accept().await.unwrap();
    drop(vnc);
    let reason = close_reason(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(reason, "the console closed");
}
