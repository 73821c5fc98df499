//! The console proxy's core (`ezilla::api::console::bridge`, the WebSocket-to-TCP bridge both
//! console routes use, served as `crate::console_proxy` serves it) against raw loopback TCP
//! and against websockify, in the same run, over a local TCP server standing in for VNC. For
//! scale, a bare relay too: the least work any WebSocket proxy can do (no handshake checks, no
//! WebSocket library, a thread per connection, each read sent on as one frame by one
//! `writev`), which says what a second loopback hop costs on this machine. Throughput: the
//! server sends a fixed count of bytes (256 MiB at full size), the client reads them all.
//! Latency: round trips of a 64-byte message through an echo server; "added" is the proxy's
//! percentile less raw TCP's. CPU: the time the proxy's own threads spent on a CPU (user +
//! system, from `/proc/self/task/*/schedstat`; ours runs on a runtime of its own, as the
//! server does, the bare relay on threads of its own) per GB moved. In a smoke run every byte
//! that reaches the client, through each of them, is checked to be the source's, in order, and
//! every echo the ping sent. All traffic is on 127.0.0.1; fixed byte counts and iterations, so
//! it stops by itself (about a minute at full size). websockify comes from
//! `scripts/install.sh`, in /opt/ezilla-tools/venv; `EZILLA_WEBSOCKIFY` names another.

mod client;
mod peers;

use std::{
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
};

use self::{
    client::Client,
    peers::{RELAY_CPU_NS, bare_relay, threads_cpu_ns, websockify},
};
use super::{Mode, verdict};
use crate::console_proxy;

/// Longer than the benchmark: no console goes idle in it.
const IDLE: Duration = Duration::from_secs(600);
const PING: [u8; 64] = [7; 64];
/// The targets: of the console issue (share of raw TCP, multiple of websockify) and of the
/// classroom issue (share of the bare relay, CPU per GB against the relay's), and the added
/// round trip of both.
const MIN_SHARE_OF_TCP: f64 = 0.90;
const MIN_MULTIPLE_OF_WEBSOCKIFY: f64 = 3.0;
const MIN_SHARE_OF_RELAY: f64 = 0.90;
const MAX_CPU_OF_RELAY: f64 = 1.2;
const MAX_ADDED_P99: Duration = Duration::from_millis(1);
/// The names of the threads whose CPU time counts as our proxy's.
const OURS_THREADS: &str = "ezilla-proxy";

/// The sizes of a run, and whether every byte is checked.
#[derive(Clone, Copy)]
struct Size {
    bulk: usize,
    rounds: usize,
    pings: usize,
    checked: bool,
}

const FULL: Size = Size {
    bulk: 256 << 20,
    rounds: 7,
    pings: 5_000,
    checked: false,
};

const SMOKE: Size = Size {
    bulk: 1 << 20,
    rounds: 1,
    pings: 50,
    checked: true,
};

/// The source's byte at `offset` of its stream: a cycle whose length (a prime) divides no
/// buffer or frame size, so that a chunk lost, repeated or out of order shows.
fn source_byte(offset: usize) -> u8 {
    (offset % 251) as u8
}

/// Runs the bench, printing its report.
pub async fn run(mode: Mode) {
    let size = mode.pick(FULL, SMOKE);
    let source = serve_tcp(move |mut conn| async move {
        // 256 cycles: every chunk but a last, shorter one goes on where the last left off.
        let chunk: Vec<u8> = (0..251 * 256).map(source_byte).collect();
        let mut left = size.bulk;
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
    for _ in 0..size.rounds {
        raw.push(tcp_throughput(source, size).await);
        let before = threads_cpu_ns(OURS_THREADS);
        ezilla.push(ws_throughput(&format!("ws://{ours}/{source}"), size).await);
        ours_cpu += threads_cpu_ns(OURS_THREADS) - before;
        wsfy.push(ws_throughput(&format!("ws://{wsfy_source}/"), size).await);
        let before = RELAY_CPU_NS.load(Ordering::SeqCst);
        relay.push(ws_throughput(&format!("ws://{bare}/"), size).await);
        // The relay's thread counts itself in as it ends, just after the client's last read.
        let counted = || RELAY_CPU_NS.load(Ordering::SeqCst) > before;
        let deadline = Instant::now() + Duration::from_secs(5);
        while !counted() && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        relay_cpu += RELAY_CPU_NS.load(Ordering::SeqCst) - before;
    }
    let moved_gb = (size.bulk * size.rounds) as f64 / 1e9;
    let (ours_cpu_per_gb, relay_cpu_per_gb) = (
        ours_cpu as f64 / 1e9 / moved_gb,
        relay_cpu as f64 / 1e9 / moved_gb,
    );
    let (raw_mbs, ours_mbs) = (median(raw), median(ezilla));
    let (wsfy_mbs, relay_mbs) = (median(wsfy), median(relay));
    let raw_rtt = tcp_round_trips(echo, size).await;
    let ours_rtt = ws_round_trips(&format!("ws://{ours}/{echo}"), size).await;
    let wsfy_rtt = ws_round_trips(&format!("ws://{wsfy_echo}/"), size).await;

    println!(
        "throughput, {} MiB server-to-browser, median of {} alternating rounds:",
        size.bulk >> 20,
        size.rounds
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
    println!("round trip of 64 bytes, {} times (p50 / p99):", size.pings);
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
    if size.checked {
        println!("check: every byte through each proxy the source's, in order; every echo whole");
    }
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

fn median(mut figures: Vec<f64>) -> f64 {
    figures.sort_by(f64::total_cmp);
    figures[figures.len() / 2]
}

/// Panics unless `got` is the source's stream from its start.
fn check_stream(what: &str, got: &[u8], bulk: usize) {
    assert_eq!(got.len(), bulk, "{what}: bytes received");
    let wrong = got
        .iter()
        .enumerate()
        .position(|(at, byte)| *byte != source_byte(at));
    assert_eq!(wrong, None, "{what}: the first byte out of order");
}

/// MB/s (10^6 bytes) reading the bulk straight from the source.
async fn tcp_throughput(port: u16, size: Size) -> f64 {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    let mut buf = vec![0u8; 256 * 1024];
    let mut kept = Vec::new();
    let (start, mut got) = (Instant::now(), 0);
    while got < size.bulk {
        let n = conn.read(&mut buf).await.unwrap();
        assert!(n > 0, "the source closed early");
        if size.checked {
            kept.extend_from_slice(&buf[..n]);
        }
        got += n;
    }
    let rate = got as f64 / start.elapsed().as_secs_f64() / 1e6;
    if size.checked {
        check_stream("raw TCP", &kept, size.bulk);
    }
    rate
}

/// MB/s reading the bulk as binary frames through a WebSocket proxy.
async fn ws_throughput(url: &str, size: Size) -> f64 {
    let mut client = Client::connect(url, size.checked).await;
    let (start, mut got) = (Instant::now(), 0);
    while got < size.bulk {
        got += client.next_frame().await;
    }
    let rate = got as f64 / start.elapsed().as_secs_f64() / 1e6;
    if let Some(kept) = client.kept() {
        check_stream(url, kept, size.bulk);
    }
    rate
}

async fn tcp_round_trips(port: u16, size: Size) -> Vec<Duration> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    conn.set_nodelay(true).unwrap();
    let mut buf = [0u8; PING.len()];
    let mut times = Vec::with_capacity(size.pings);
    for _ in 0..size.pings {
        let start = Instant::now();
        conn.write_all(&PING).await.unwrap();
        conn.read_exact(&mut buf).await.unwrap();
        times.push(start.elapsed());
        assert!(!size.checked || buf == PING, "raw TCP: the echo differs");
    }
    times
}

async fn ws_round_trips(url: &str, size: Size) -> Vec<Duration> {
    let mut client = Client::connect(url, size.checked).await;
    let mut times = Vec::with_capacity(size.pings);
    for _ in 0..size.pings {
        let start = Instant::now();
        client.send(&PING).await;
        let mut got = 0;
        while got < PING.len() {
            got += client.next_frame().await;
        }
        times.push(start.elapsed());
    }
    if let Some(kept) = client.kept() {
        assert_eq!(kept, PING.repeat(size.pings), "{url}: the echoes differ");
    }
    times
}

/// The `p`th percentile.
fn pct(times: &[Duration], p: usize) -> Duration {
    let mut sorted = times.to_vec();
    sorted.sort();
    sorted[(sorted.len() * p / 100).min(sorted.len() - 1)]
}
