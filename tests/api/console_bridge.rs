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

use testkit::console_proxy::{self, close_reason};

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

/// Opens the proxy's socket to `port` by hand: the upgrade's answer, then the raw connection.
async fn raw_upgrade(proxy: std::net::SocketAddr, port: u16) -> (tokio::net::TcpStream, String) {
    let mut tcp = tokio::net::TcpStream::connect(proxy).await.unwrap();
    let request = format!(
        "GET /{port} HTTP/1.1\r\nHost: {proxy}\r\nUpgrade: websocket\r\nConnection: keep-alive, \
         Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: chat, binary\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        head.push(tcp.read_u8().await.unwrap());
    }
    (tcp, String::from_utf8(head).unwrap().to_ascii_lowercase())
}

/// The next server frame: its first byte (FIN and opcode) and payload.
async fn server_frame(tcp: &mut tokio::net::TcpStream) -> (u8, Vec<u8>) {
    let (first, len) = (tcp.read_u8().await.unwrap(), tcp.read_u8().await.unwrap());
    assert_eq!(len & 0x80, 0, "server frames are not masked");
    let len = match len {
        126 => tcp.read_u16().await.unwrap() as usize,
        127 => tcp.read_u64().await.unwrap() as usize,
        n => n as usize,
    };
    let mut payload = vec![0u8; len];
    tcp.read_exact(&mut payload).await.unwrap();
    (first, payload)
}

#[tokio::test]
async fn the_consoles_websocket_keeps_rfc_6455() {
    let peer = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = peer.local_addr().unwrap().port();
    let proxy = console_proxy::start(IDLE * 20).await;

    let (mut tcp, head) = raw_upgrade(proxy, port).await;
    let (_vnc, _) = peer.accept().await.unwrap();
    assert!(head.starts_with("http/1.1 101"), "{head}");
    // RFC 6455, section 1.3's example key and answer; the one subprotocol it speaks.
    assert!(
        head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="),
        "{head}"
    );
    assert!(
        head.contains("sec-websocket-protocol: binary\r\n"),
        "{head}"
    );
    // A masked ping is answered with a pong of its payload.
    tcp.write_all(&[0x89, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2])
        .await
        .unwrap();
    assert_eq!(server_frame(&mut tcp).await, (0x8A, b"hi".to_vec()));
    // An unmasked frame breaks the protocol: closed with 1002.
    tcp.write_all(&[0x82, 0x01, 0x00]).await.unwrap();
    let (first, payload) = server_frame(&mut tcp).await;
    assert_eq!((first, &payload[..2]), (0x88, &1002u16.to_be_bytes()[..]));

    // A message over 1 MiB is refused from its header: closed with 1009.
    let (mut tcp, _) = raw_upgrade(proxy, port).await;
    let (_vnc, _) = peer.accept().await.unwrap();
    let mut header = vec![0x82, 0x80 | 127];
    header.extend_from_slice(&(2u64 << 20).to_be_bytes());
    header.extend_from_slice(&[0, 0, 0, 0]);
    tcp.write_all(&header).await.unwrap();
    let (first, payload) = server_frame(&mut tcp).await;
    assert_eq!((first, &payload[..2]), (0x88, &1009u16.to_be_bytes()[..]));
}
