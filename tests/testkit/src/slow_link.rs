//! A TCP relay in front of a server whose uploads crawl: what the browser sends passes at a
//! fixed rate, what the server answers passes at once. Long enough an upload for a test to
//! watch its progress bar move, as a user on a slow link would.

use std::{net::SocketAddr, time::Duration};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpSocket, TcpStream},
    time::Instant,
};

/// The relay; it stops with the test's runtime.
pub struct SlowLink {
    pub addr: SocketAddr,
}

impl SlowLink {
    /// Relays a loopback port to `target`, uploads at `bytes_per_sec`.
    pub async fn start(target: SocketAddr, bytes_per_sec: u64) -> Self {
        // A small receive buffer, so that the sender's progress is the link's, not the
        // kernel's (loopback buffers grow to megabytes).
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(64 * 1024).unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(16).unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                tokio::spawn(relay(conn, target, bytes_per_sec));
            }
        });
        Self { addr }
    }

    /// `http://ADDR` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

async fn relay(client: TcpStream, target: SocketAddr, bytes_per_sec: u64) {
    let Ok(server) = TcpStream::connect(target).await else {
        return;
    };
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let answers = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
    });
    let start = Instant::now();
    let mut passed = 0u64;
    let mut buffer = vec![0u8; 16 * 1024];
    while let Ok(n) = from_client.read(&mut buffer).await {
        if n == 0 || to_server.write_all(&buffer[..n]).await.is_err() {
            break;
        }
        passed += n as u64;
        // Paced: the bytes so far are due no earlier than at the rate.
        let due = Duration::from_secs_f64(passed as f64 / bytes_per_sec as f64);
        tokio::time::sleep_until(start + due).await;
    }
    answers.abort();
}
