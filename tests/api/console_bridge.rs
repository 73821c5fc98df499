//! The console proxies' bridge (`ezilla::api::console::bridge`) between a WebSocket and a TCP
//! peer standing in for a VNC server, no VM needed: bytes both ways, a big update whole and
//! in order, and the close reasons for an idle console and for a peer that hangs up.

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};
use tokio_tungstenite::tungstenite::Message;

use crate::support::console_proxy::{self, close_reason};

const IDLE: Duration = Duration::from_millis(500);

#[tokio::test]
async fn bytes_go_both_ways_and_an_idle_console_closes() {
    let peer = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = peer.local_addr().unwrap().port();
    let proxy = console_proxy::start(IDLE).await;
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

    // A big update arrives whole and in order, however it is framed.
    let update: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let (sent, received) = tokio::join!(vnc.write_all(&update), async {
        let mut received = Vec::new();
        while received.len() < update.len() {
            match socket.next().await.unwrap().unwrap() {
                Message::Binary(bytes) => received.extend_from_slice(&bytes),
                other => panic!("{other:?}"),
            }
        }
        received
    });
    sent.unwrap();
    assert!(received == update, "the update arrives as sent");

    let started = tokio::time::Instant::now();
    assert_eq!(close_reason(&mut socket, IDLE * 10).await, "idle timeout");
    // Measured from the last bytes the test saw, a little after the proxy moved them.
    let slack = Duration::from_millis(50);
    assert!(
        started.elapsed() + slack >= IDLE,
        "not before the idle timeout"
    );
    let mut rest = Vec::new();
    vnc.read_to_end(&mut rest).await.unwrap();
    assert!(rest.is_empty(), "the peer's connection is closed too");
}

#[tokio::test]
async fn a_peer_that_hangs_up_closes_the_console_after_its_last_bytes() {
    let peer = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = peer.local_addr().unwrap().port();
    let proxy = console_proxy::start(IDLE * 20).await;
    let (mut socket, _) = tokio_tungstenite::connect_async(format!("ws://{proxy}/{port}"))
        .await
        .unwrap();
    let (mut vnc, _) = peer.accept().await.unwrap();
    // Its last words, many frames' worth, then it hangs up: they arrive at once, not after
    // the wait for the reason (3 s), which then comes.
    let last = 16 << 20;
    tokio::spawn(async move {
        vnc.write_all(&vec![7u8; last]).await.unwrap();
    });
    let mut got = 0;
    tokio::time::timeout(Duration::from_secs(2), async {
        while got < last {
            match socket.next().await.unwrap().unwrap() {
                Message::Binary(bytes) => got += bytes.len(),
                other => panic!("{other:?} after {got} bytes"),
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("only {got} of {last} bytes at once"));
    let reason = close_reason(&mut socket, Duration::from_secs(10)).await;
    assert_eq!(reason, "the console closed");
}
