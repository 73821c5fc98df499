//! A TCP relay in front of a server, whose connections a test can cut, as a proxy's restart, a
//! network blip or a server restart does: to test that what the browser keeps open comes back.
//! Or one that answers WebSocket upgrades 400, as a proxy not set up for WebSockets does.

use std::{
    net::SocketAddr,
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::watch,
};

/// The relay; it stops with the test's runtime.
pub struct Relay {
    pub addr: SocketAddr,
    /// Whether new connections pass; each change cuts those open.
    gate: watch::Sender<bool>,
    accepted: Arc<AtomicUsize>,
}

impl Relay {
    /// Relays a loopback port to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        Self::start_with(target, true).await
    }

    /// Like `start`, but answers every WebSocket upgrade "400 Bad Request".
    pub async fn without_websockets(target: SocketAddr) -> Self {
        Self::start_with(target, false).await
    }

    async fn start_with(target: SocketAddr, websockets: bool) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let gate = watch::Sender::new(true);
        let accepted = Arc::new(AtomicUsize::new(0));
        let (watching, counter) = (gate.subscribe(), accepted.clone());
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let mut watching = watching.clone();
                if !*watching.borrow_and_update() {
                    // Held: hung up at once, as a port with nothing behind it.
                    continue;
                }
                counter.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut conn = conn;
                    let head = read_head(&mut conn).await;
                    let upgrade = String::from_utf8_lossy(&head)
                        .to_ascii_lowercase()
                        .contains("upgrade: websocket");
                    if upgrade && !websockets {
                        let refusal = "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n";
                        let _ = conn.write_all(refusal.as_bytes()).await;
                        return;
                    }
                    let Ok(mut server) = TcpStream::connect(target).await else {
                        return;
                    };
                    if server.write_all(&head).await.is_err() {
                        return;
                    }
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut conn, &mut server) => {}
                        _ = watching.changed() => {}
                    }
                    // Dropped: both ends closed, with no goodbye from either side.
                });
            }
        });
        Self {
            addr,
            gate,
            accepted,
        }
    }

    /// `http://ADDR` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Connections taken so far.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// Cuts every open connection and turns new ones away until `open`.
    pub fn cut_and_hold(&self) {
        self.gate.send_replace(false);
    }

    /// Passes new connections again.
    pub fn open(&self) {
        self.gate.send_replace(true);
    }
}

/// The head of the first request on `conn` (up to its blank line), read off it.
async fn read_head(conn: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
        match conn.read(&mut byte).await {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    head
}
