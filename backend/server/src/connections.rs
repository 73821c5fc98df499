//! The HTTP server's connections: how many may be open (in all and per client address), how
//! long a client may take to send a request's header (from connecting, or from the first
//! byte of a later request), and how long a connection may sit with no bytes either way while
//! none of its requests is being handled (an idle keep-alive connection: longer than the
//! header time, so that clients reusing their connections seldom meet a close). A slow or
//! idle client is dropped; it never holds a task for ever.

use std::{
    collections::HashMap,
    future::Future,
    io,
    net::{IpAddr, SocketAddr},
    pin::Pin,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, AtomicUsize, Ordering},
    },
    task::{Context, Poll},
    time::{Duration, Instant},
};

use axum::{Router, extract::ConnectInfo, http::Request};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::{TcpListener, TcpStream},
    sync::{Semaphore, mpsc, watch},
};
use tower::Service;

/// The bounds on connections (settings `max_connections`, `max_connections_per_address`,
/// `http_header_timeout_secs`, `http_idle_secs`, `trusted_proxies`).
#[derive(Debug, Clone)]
pub struct ConnLimits {
    /// Connections open at once, in all; one more is closed as soon as it is accepted.
    pub max_connections: usize,
    /// Connections open at once from one client address (trusted proxies excepted).
    pub per_address: usize,
    /// Time to send a whole request header, from connecting or from its first byte.
    pub header_timeout: Duration,
    /// Time with no bytes either way, while no request is being handled.
    pub idle: Duration,
    /// Addresses exempt from the per-address cap: their connections carry many clients.
    pub trusted_proxies: Arc<[IpAddr]>,
}

/// Serves `app` on `listener` within `limits` until `shutdown` completes, then lets the open
/// connections finish their requests.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let all = Arc::new(Semaphore::new(limits.max_connections));
    let per_address = Arc::new(PerAddress::default());
    // Shutdown is told to every connection; each holds a `running` sender until it ends.
    let (stopping, stop_seen) = watch::channel(false);
    let (running, all_ended) = mpsc::channel::<()>(1);
    tokio::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let Ok(slot) = all.clone().try_acquire_owned() else {
            tracing::debug!(%peer, "connection refused: too many open");
            continue;
        };
        let cap = if limits.trusted_proxies.contains(&peer.ip()) {
            usize::MAX
        } else {
            limits.per_address
        };
        let Some(address_slot) = per_address.enter(peer.ip(), cap) else {
            tracing::debug!(%peer, "connection refused: too many from this address");
            continue;
        };
        // No Nagle: a console's keystrokes and small screen updates go out at once.
        let _ = tcp.set_nodelay(true);
        let activity = Arc::new(Activity::new());
        let io = TokioIo::new(Watched {
            tcp,
            activity: activity.clone(),
        });
        let service = PerConnection {
            app: app.clone(),
            peer,
            activity: activity.clone(),
        };
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            // hyper's own timer runs from the last response: the idle time, as a backstop.
            .header_read_timeout(limits.idle)
            .serve_connection(io, TowerToHyperService::new(service))
            .with_upgrades();
        let (idle, header) = (limits.idle, limits.header_timeout);
        let mut stop_seen = stop_seen.clone();
        let running = running.clone();
        tokio::spawn(async move {
            let _held = (slot, address_slot, running);
            tokio::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => return,
                why = activity.stalled(idle, header) => {
                    tracing::debug!(%peer, why, "connection closed");
                    return;
                }
                _ = stop_seen.wait_for(|stop| *stop) => {}
            }
            // Shutting down: finish the request in hand, take no other.
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        });
    }
    let _ = stopping.send(true);
    drop(running);
    let mut all_ended = all_ended;
    let _ = all_ended.recv().await;
    Ok(())
}

/// The app for one connection: each request learns the peer's address and counts as busy
/// until its response is ready.
#[derive(Clone)]
struct PerConnection {
    app: Router,
    peer: SocketAddr,
    activity: Arc<Activity>,
}

impl Service<Request<Incoming>> for PerConnection {
    type Response = axum::response::Response;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, mut req: Request<Incoming>) -> Self::Future {
        req.extensions_mut().insert(ConnectInfo(self.peer));
        let mut app = self.app.clone();
        let busy = Busy::new(self.activity.clone());
        Box::pin(async move {
            let response = app.call(req).await;
            drop(busy);
            response
        })
    }
}

/// When a connection last moved a byte, since when it has been sending a request header
/// (if it is), and how many of its requests are being handled.
struct Activity {
    start: Instant,
    last_ms: AtomicU64,
    /// Milliseconds from `start` + 1 when a request header began arriving; 0: none pending.
    header_since: AtomicU64,
    busy: AtomicUsize,
}

impl Activity {
    fn new() -> Self {
        Self {
            start: Instant::now(),
            last_ms: AtomicU64::new(0),
            // A new connection owes its first header from the start.
            header_since: AtomicU64::new(1),
            busy: AtomicUsize::new(0),
        }
    }

    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    fn at(&self, ms: u64) -> Instant {
        self.start + Duration::from_millis(ms)
    }

    /// Bytes arrived (`read`) or left.
    fn touch(&self, read: bool) {
        let now = self.now_ms();
        self.last_ms.store(now, Ordering::Relaxed);
        // Bytes while no request is handled begin the next request's header.
        if read && self.busy.load(Ordering::Relaxed) == 0 {
            let _ = self.header_since.compare_exchange(
                0,
                now + 1,
                Ordering::Relaxed,
                Ordering::Relaxed,
            );
        }
    }

    /// Completes, saying why, once no request is being handled and either a header has been
    /// arriving for `header` or nothing has moved for `idle`.
    async fn stalled(&self, idle: Duration, header: Duration) -> &'static str {
        loop {
            let quiet_until = self.at(self.last_ms.load(Ordering::Relaxed)) + idle;
            let since = self.header_since.load(Ordering::Relaxed);
            let header_until = (since > 0).then(|| self.at(since - 1) + header);
            let now = Instant::now();
            if self.busy.load(Ordering::Relaxed) == 0 {
                if header_until.is_some_and(|until| now >= until) {
                    return "request header too slow";
                }
                if now >= quiet_until {
                    return "idle";
                }
            }
            let next = header_until.map_or(quiet_until, |h| h.min(quiet_until));
            let wake = next.max(now + Duration::from_millis(100));
            tokio::time::sleep_until(wake.into()).await;
        }
    }
}

/// A request being handled; the connection is not idle meanwhile.
struct Busy(Arc<Activity>);

impl Busy {
    fn new(activity: Arc<Activity>) -> Self {
        activity.busy.fetch_add(1, Ordering::Relaxed);
        // The header is in: the next one is owed only once its first byte arrives.
        activity.header_since.store(0, Ordering::Relaxed);
        Self(activity)
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.touch(false);
        self.0.busy.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TCP stream that notes each time bytes move.
struct Watched {
    tcp: TcpStream,
    activity: Arc<Activity>,
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.tcp).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch(true);
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.tcp).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch(false);
        }
        polled
    }

    /// Vectored, as the socket is: hyper then writes a response's head and body, and a
    /// console a frame's header and payload, in one call without copying them together.
    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.tcp).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch(false);
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.tcp.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.tcp).poll_shutdown(cx)
    }
}

/// Open connections per client address.
#[derive(Default)]
struct PerAddress {
    open: Mutex<HashMap<IpAddr, usize>>,
}

impl PerAddress {
    /// A slot for one more connection from `addr`, unless it has `cap` open already.
    fn enter(self: &Arc<Self>, addr: IpAddr, cap: usize) -> Option<AddressSlot> {
        let mut open = self.open.lock().expect("connections lock");
        let count = open.entry(addr).or_default();
        if *count >= cap {
            return None;
        }
        *count += 1;
        Some(AddressSlot {
            addr,
            table: self.clone(),
        })
    }
}

/// One open connection from an address; gives its slot back when dropped.
struct AddressSlot {
    addr: IpAddr,
    table: Arc<PerAddress>,
}

impl Drop for AddressSlot {
    fn drop(&mut self) {
        let mut open = self.table.open.lock().expect("connections lock");
        if let Some(count) = open.get_mut(&self.addr) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.addr);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_has_its_own_cap_and_slots_come_back() {
        let table = Arc::new(PerAddress::default());
        let home: IpAddr = [127, 0, 0, 1].into();
        let other: IpAddr = [127, 0, 0, 2].into();
        let a = table.enter(home, 2).unwrap();
        let _b = table.enter(home, 2).unwrap();
        assert!(table.enter(home, 2).is_none());
        assert!(table.enter(other, 2).is_some());
        drop(a);
        assert!(table.enter(home, 2).is_some());
    }
}
