//! The console proxy bench's peers: websockify, and the bare relay (see the bench's top), with
//! the CPU time each proxy's threads spend.

use std::{
    process::{Child, Command, Stdio},
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

/// The name of the bare relay's threads, whose CPU time counts as its own.
const RELAY_THREADS: &str = "bare-relay";
/// CPU nanoseconds of bare-relay threads that have ended (a thread's own count goes with it).
pub static RELAY_CPU_NS: AtomicU64 = AtomicU64::new(0);

/// Nanoseconds on a CPU of this process's threads named `name` (schedstat's first field).
pub fn threads_cpu_ns(name: &str) -> u64 {
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

/// websockify from the loopback port it listens on to `target`; killed when dropped.
pub fn websockify(target: u16) -> (Killed, std::net::SocketAddr) {
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
pub fn bare_relay(target: u16) -> std::net::SocketAddr {
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

/// A child process, killed when dropped.
pub struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
