//! Benchmark: the console proxy's core (`ezilla::api::console::bridge`, the WebSocket-to-TCP
//! bridge both console routes use, served as `tests/support/console_proxy.rs` serves it)
//! against raw loopback TCP and against websockify, in the same run, over a local TCP server
//! standing in for VNC. For scale, a bare relay too: the least work any WebSocket proxy can
//! do (no handshake checks, no WebSocket library, a thread per connection, each read sent on
//! as one frame by one `writev`), which says what a second loopback hop costs on this
//! machine. Throughput: the server sends `BULK` bytes, the client reads them all. Latency: `PINGS` round trips of a 64-byte message
//! through an echo server; "added" is the proxy's percentile less raw TCP's. CPU: the time
//! the proxy's own threads spent on a CPU (user + system, from `/proc/self/task/*/schedstat`;
//! ours runs on a runtime of its own, as the server does, the bare relay on threads of its
//! own) per GB moved. All traffic is on 127.0.0.1; fixed byte counts and iterations, so it
//! stops by itself (about a minute).
//!
//! Run: `cargo bench -p ezilla-tests --bench console_proxy` (websockify from
//! `scripts/install.sh`, in /opt/ezilla-tools/venv; `EZILLA_WEBSOCKIFY` names another).

#[path = "../support/mod.rs"]
#[allow(
    dead_code,
    reason = "the integration tests' helpers, of which this uses one"
)]
mod support;

use std::{
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use support::console_proxy;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

/// Longer than the benchmark: no console goes idle in it.
const IDLE: Duration = Duration::from_secs(600);
const BULK: usize = 256 << 20;
const ROUNDS: usize = 7;
const PINGS: usize = 5_000;
const PING: [u8; 64] = [7; 64];
/// The targets: of the console issue (share of raw TCP, multiple of websockify) and of the
/// classroom issue (share of the bare relay, CPU per GB against the relay's), and the added
/// round trip of both.
const MIN_SHARE_OF_TCP: f64 = 0.90;
const MIN_MULTIPLE_OF_WEBSOCKIFY: f64 = 3.0;
const MIN_SHARE_OF_RELAY: f64 = 0.90;
const MAX_CPU_OF_RELAY: f64 = 1.2;
const MAX_ADDED_P99: Duration = Duration::from_millis(1);
/// The names of the threads whose CPU time counts as each proxy's.
const OURS_THREADS: &str = "ezilla-proxy";
const RELAY_THREADS: &str = "bare-relay";
/// CPU nanoseconds of bare-relay threads that have ended (a thread's own count goes with it).
static RELAY_CPU_NS: AtomicU64 = AtomicU64::new(0);

#[tokio::main]
async fn main() {
    let source = serve_tcp(|mut conn| async move {
        let chunk = vec![0x5a; 64 * 1024];
        let mut left = BULK;
        while left > 0 {
            let n = left.min(chunk.len());
            if conn.write_all(&chunk[..n]).await.is_err() {
                return;
            }
            left -= n;
        }
    })
    .await;
    let echo = serve_tcp(|conn| async move {
        let _ = conn.set_nodelay(true);
        let (mut r, mut w) = conn.into_split();
        let _ = tokio::io::copy(&mut r, &mut w).await;
    })
    .await;
    // Ours on a runtime of its own, as the server's (two workers on these two cores).
    let proxy_runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name(OURS_THREADS)
        .enable_all()
        .build()
        .unwrap();
    let ours = proxy_runtime
        .spawn(console_proxy::start(IDLE))
        .await
        .unwrap();
    let (_websockify, wsfy_source) = websockify(source);
    let (_websockify2, wsfy_echo) = websockify(echo);
    let bare = bare_relay(source);

    // Rounds alternate the three, so that a busy moment of this shared machine costs each
    // alike; each figure is the median of its rounds.
    let (mut raw, mut ezilla, mut wsfy, mut relay) = (vec![], vec![], vec![], vec![]);
    let (mut ours_cpu, mut relay_cpu) = (0, 0);
    for _ in 0..ROUNDS {
        raw.push(tcp_throughput(source).await);
        let before = threads_cpu_ns(OURS_THREADS);
        ezilla.push(ws_throughput(&format!("ws://{ours}/{source}")).await);
        ours_cpu += threads_cpu_ns(OURS_THREADS) - before;
        wsfy.push(ws_throughput(&format!("ws://{wsfy_source}/")).await);
        let before = RELAY_CPU_NS.load(Ordering::SeqCst);
        relay.push(ws_throughput(&format!("ws://{bare}/")).await);
        // The relay's thread counts itself in as it ends, just after the client's last read.
        let counted = || RELAY_CPU_NS.load(Ordering::SeqCst) > before;
        let deadline = Instant::now() + Duration::from_secs(5);
        while !counted() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        relay_cpu += RELAY_CPU_NS.load(Ordering::SeqCst) - before;
    }
    let moved_gb = (BULK * ROUNDS) as f64 / 1e9;
    let (ours_cpu_per_gb, relay_cpu_per_gb) = (
        ours_cpu as f64 / 1e9 / moved_gb,
        relay_cpu as f64 / 1e9 / moved_gb,
    );
    let (raw_mbs, ours_mbs) = (median(raw), median(ezilla));
    let (wsfy_mbs, relay_mbs) = (median(wsfy), median(relay));
    let raw_rtt = tcp_round_trips(echo).await;
    let ours_rtt = ws_round_trips(&format!("ws://{ours}/{echo}")).await;
    let wsfy_rtt = ws_round_trips(&format!("ws://{wsfy_echo}/")).await;

    println!(
        "throughput, {} MiB server-to-browser, median of {ROUNDS} alternating rounds:",
        BULK >> 20
    );
    println!("  raw TCP      {raw_mbs:8.0} MB/s");
    println!("  ezilla       {ours_mbs:8.0} MB/s");
    println!("  websockify   {wsfy_mbs:8.0} MB/s");
    println!("  bare relay   {relay_mbs:8.0} MB/s");
    let share = ours_mbs / raw_mbs;
    let multiple = ours_mbs / wsfy_mbs;
    println!(
        "  ezilla: {:.0} % of raw TCP, {multiple:.1}x websockify, {:.0} % of the bare relay \
         (which reaches {:.0} % of raw TCP and {:.1}x websockify)",
        share * 100.0,
        ours_mbs / relay_mbs * 100.0,
        relay_mbs / raw_mbs * 100.0,
        relay_mbs / wsfy_mbs,
    );
    println!(
        "CPU per GB moved (user + system of the proxy's threads): ezilla {ours_cpu_per_gb:.3} s, \
         bare relay {relay_cpu_per_gb:.3} s ({:.2}x the relay)",
        ours_cpu_per_gb / relay_cpu_per_gb
    );
    println!("round trip of 64 bytes, {PINGS} times (p50 / p99):");
    for (name, rtt) in [
        ("raw TCP", &raw_rtt),
        ("ezilla", &ours_rtt),
        ("websockify", &wsfy_rtt),
    ] {
        println!("  {name:12} {:?} / {:?}", pct(rtt, 50), pct(rtt, 99));
    }
    let added = |rtt: &[Duration], p| pct(rtt, p).saturating_sub(pct(&raw_rtt, p));
    println!(
        "  added by ezilla: p50 {:?}, p99 {:?}; by websockify: p50 {:?}, p99 {:?}",
        added(&ours_rtt, 50),
        added(&ours_rtt, 99),
        added(&wsfy_rtt, 50),
        added(&wsfy_rtt, 99)
    );
    let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
    println!(
        "targets: >= {:.0} % of TCP {}; >= {MIN_MULTIPLE_OF_WEBSOCKIFY}x websockify {}; p99 added <= {MAX_ADDED_P99:?} {}",
        MIN_SHARE_OF_TCP * 100.0,
        verdict(share >= MIN_SHARE_OF_TCP),
        verdict(multiple >= MIN_MULTIPLE_OF_WEBSOCKIFY),
        verdict(added(&ours_rtt, 99) <= MAX_ADDED_P99),
    );
    println!(
        "targets against the bare relay: >= {:.0} % of its throughput {}; CPU per GB <= {MAX_CPU_OF_RELAY}x its own {}",
        MIN_SHARE_OF_RELAY * 100.0,
        verdict(ours_mbs / relay_mbs >= MIN_SHARE_OF_RELAY),
        verdict(ours_cpu_per_gb <= relay_cpu_per_gb * MAX_CPU_OF_RELAY),
    );
    drop(proxy_runtime_guard(proxy_runtime));
}

/// The proxy's runtime, shut down without waiting on its connections.
fn proxy_runtime_guard(runtime: tokio::runtime::Runtime) -> impl Drop {
    struct Guard(Option<tokio::runtime::Runtime>);
    impl Drop for Guard {
        fn drop(&mut self) {
            if let Some(runtime) = self.0.take() {
                runtime.shutdown_background();
            }
        }
    }
    Guard(Some(runtime))
}

/// Nanoseconds on a CPU of this process's threads named `name` (schedstat's first field).
fn threads_cpu_ns(name: &str) -> u64 {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0;
    };
    tasks
        .flatten()
        .filter(|task| {
            std::fs::read_to_string(task.path().join("comm"))
                .is_ok_and(|comm| comm.trim_end().starts_with(name))
        })
        .filter_map(|task| own_cpu_ns(&task.path().join("schedstat")))
        .sum()
}

/// The first field of a `schedstat` file: nanoseconds on a CPU.
fn own_cpu_ns(path: &std::path::Path) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A TCP server on a loopback port that hands each connection to `serve`.
async fn serve_tcp<F, Fut>(serve: F) -> u16
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            tokio::spawn(serve(conn));
        }
    });
    port
}

/// websockify from the loopback port it listens on to `target`; killed when dropped.
fn websockify(target: u16) -> (Killed, std::net::SocketAddr) {
    let program = std::env::var("EZILLA_WEBSOCKIFY")
        .unwrap_or_else(|_| "/opt/ezilla-tools/venv/bin/websockify".into());
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(&program)
        .args([format!("127.0.0.1:{port}"), format!("127.0.0.1:{target}")])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{program}: {e} (run scripts/install.sh)"));
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(addr).is_err() {
        assert!(Instant::now() < deadline, "websockify did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    (Killed(child), addr)
}

/// The bare relay (see the top of this file) from a loopback port to `target`: a thread per
/// connection, which adds its CPU time to `RELAY_CPU_NS` as it ends.
fn bare_relay(target: u16) -> std::net::SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for browser in listener.incoming() {
            let mut browser = browser.unwrap();
            let relay = std::thread::Builder::new().name(RELAY_THREADS.into());
            relay
                .spawn(move || {
                    relay_one(&mut browser, target);
                    let own = own_cpu_ns(std::path::Path::new("/proc/thread-self/schedstat"));
                    RELAY_CPU_NS.fetch_add(own.unwrap_or(0), Ordering::SeqCst);
                })
                .unwrap();
        }
    });
    addr
}

/// One connection of the bare relay: the client's request, whatever it says, then
/// "switching", then each read from the target sent on as one frame by one `writev`.
fn relay_one(browser: &mut std::net::TcpStream, target: u16) {
    use std::io::{IoSlice, Read, Write};

    let mut request = Vec::new();
    let mut byte = [0u8];
    while !request.ends_with(b"\r\n\r\n") {
        browser.read_exact(&mut byte).unwrap();
        request.push(byte[0]);
    }
    browser
        .write_all(b"HTTP/1.1 101 Switching Protocols\r\n\r\n")
        .unwrap();
    let mut vnc = std::net::TcpStream::connect(("127.0.0.1", target)).unwrap();
    let mut buf = vec![0u8; ezilla::api::console::FRAME];
    loop {
        let n = match vnc.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        let mut header = [0x82, 127, 0, 0, 0, 0, 0, 0, 0, 0];
        header[2..].copy_from_slice(&(n as u64).to_be_bytes());
        let (mut header, mut payload) = (&header[..], &buf[..n]);
        while !(header.is_empty() && payload.is_empty()) {
            let parts = [IoSlice::new(header), IoSlice::new(payload)];
            let Ok(written) = browser.write_vectored(&parts) else {
                return;
            };
            let from_header = written.min(header.len());
            header = &header[from_header..];
            payload = &payload[written - from_header..];
        }
    }
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A bare WebSocket client: the upgrade by hand, then frames read straight off the socket,
/// so that the client costs each proxy the same little (as a browser's native WebSocket does)
/// and the figures are the proxies'.
struct Client {
    conn: TcpStream,
    buf: Vec<u8>,
    scratch: Vec<u8>,
}

impl Client {
    async fn connect(url: &str) -> Self {
        let rest = url.strip_prefix("ws://").unwrap();
        let (host, path) = rest.split_once('/').unwrap();
        let mut conn = TcpStream::connect(host).await.unwrap();
        conn.set_nodelay(true).unwrap();
        let request = format!(
            "GET /{path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
             Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
             Sec-WebSocket-Protocol: binary\r\n\r\n"
        );
        conn.write_all(request.as_bytes()).await.unwrap();
        let mut buf = Vec::with_capacity(256 * 1024);
        let end = loop {
            let mut chunk = [0u8; 4096];
            let n = conn.read(&mut chunk).await.unwrap();
            assert!(n > 0, "closed during the upgrade");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break end + 4;
            }
        };
        assert!(
            buf.starts_with(b"HTTP/1.1 101"),
            "{}",
            String::from_utf8_lossy(&buf)
        );
        buf.drain(..end);
        Self {
            conn,
            buf,
            scratch: vec![0; 256 * 1024],
        }
    }

    /// The payload length of the next frame, its payload read and dropped.
    async fn next_frame(&mut self) -> usize {
        loop {
            if let Some((header, len)) = frame_header(&self.buf) {
                if self.buf.len() >= header + len {
                    self.buf.drain(..header + len);
                    return len;
                }
                // A large payload: count what arrives without keeping it.
                let mut left = header + len - self.buf.len();
                self.buf.clear();
                while left > 0 {
                    let n = self.conn.read(&mut self.scratch).await.unwrap();
                    assert!(n > 0, "closed mid-frame");
                    if n > left {
                        self.buf.extend_from_slice(&self.scratch[left..n]);
                        left = 0;
                    } else {
                        left -= n;
                    }
                }
                return len;
            }
            let n = self.conn.read(&mut self.scratch).await.unwrap();
            assert!(n > 0, "closed");
            self.buf.extend_from_slice(&self.scratch[..n]);
        }
    }

    /// Sends one binary frame (masked with a zero key, as a client must mask).
    async fn send(&mut self, payload: &[u8]) {
        assert!(payload.len() < 126);
        let mut frame = vec![0x82, 0x80 | payload.len() as u8, 0, 0, 0, 0];
        frame.extend_from_slice(payload);
        self.conn.write_all(&frame).await.unwrap();
    }
}

/// A server frame's header length and payload length, once the header is all there.
fn frame_header(buf: &[u8]) -> Option<(usize, usize)> {
    let len = *buf.get(1)? & 0x7f;
    match len {
        126 => Some((4, u16::from_be_bytes([*buf.get(2)?, *buf.get(3)?]) as usize)),
        127 => {
            let bytes: [u8; 8] = buf.get(2..10)?.try_into().ok()?;
            Some((10, u64::from_be_bytes(bytes) as usize))
        }
        n => Some((2, n as usize)),
    }
}

/// MB/s (10^6 bytes) reading `BULK` bytes straight from the source.
fn median(mut figures: Vec<f64>) -> f64 {
    figures.sort_by(f64::total_cmp);
    figures[figures.len() / 2]
}

async fn tcp_throughput(port: u16) -> f64 {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut buf = vec![0u8; 256 * 1024];
    let (start, mut got) = (Instant::now(), 0);
    while got < BULK {
        got += conn.read(&mut buf).await.unwrap();
    }
    got as f64 / start.elapsed().as_secs_f64() / 1e6
}

/// MB/s reading `BULK` bytes of binary frames through a WebSocket proxy.
async fn ws_throughput(url: &str) -> f64 {
    let mut client = Client::connect(url).await;
    let (start, mut got) = (Instant::now(), 0);
    while got < BULK {
        got += client.next_frame().await;
    }
    got as f64 / start.elapsed().as_secs_f64() / 1e6
}

async fn tcp_round_trips(port: u16) -> Vec<Duration> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    conn.set_nodelay(true).unwrap();
    let mut buf = [0u8; PING.len()];
    let mut times = Vec::with_capacity(PINGS);
    for _ in 0..PINGS {
        let start = Instant::now();
        conn.write_all(&PING).await.unwrap();
        conn.read_exact(&mut buf).await.unwrap();
        times.push(start.elapsed());
    }
    times
}

async fn ws_round_trips(url: &str) -> Vec<Duration> {
    let mut client = Client::connect(url).await;
    let mut times = Vec::with_capacity(PINGS);
    for _ in 0..PINGS {
        let start = Instant::now();
        client.send(&PING).await;
        let mut got = 0;
        while got < PING.len() {
            got += client.next_frame().await;
        }
        times.push(start.elapsed());
    }
    times
}

/// The `p`th percentile.
fn pct(times: &[Duration], p: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}
