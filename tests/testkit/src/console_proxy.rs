//! The product's console bridge (`ezilla::api::console::bridge`, which both console routes
//! use) behind a bare WebSocket route, no VM, session or database: `/PORT` bridges to
//! 127.0.0.1:PORT, as the VNC route does once it has found the VM's port. Served by the
//! product's own accept loop (`ezilla::connections::serve`). And what any console test
//! reads last: the close frame's reason.

use std::{net::SocketAddr, time::Duration};

use axum::{
    Router,
    extract::{Path, State},
    response::Response,
    routing::get,
};
use ezilla::{
    api::console::{Ended, bridge, ws},
    connections::{self, ConnLimits},
};
use futures_util::StreamExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::{Error, Message};

/// Starts the proxy with the given idle timeout; returns its address.
pub async fn start(idle: Duration) -> SocketAddr {
    async fn upgrade(
        State(idle): State<Duration>,
        Path(port): Path<u16>,
        ws: ws::Upgrade,
    ) -> Response {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        ws.on_upgrade("binary", move |socket| async move {
            bridge(socket, tcp, idle, std::future::pending::<Ended>()).await;
        })
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/{port}", get(upgrade))
        .with_state(idle);
    let limits = ConnLimits {
        max_connections: 1024,
        per_address: 1024,
        header_timeout: Duration::from_secs(10),
        idle: Duration::from_secs(600),
        trusted_proxies: Vec::new().into(),
    };
    tokio::spawn(connections::serve(
        listener,
        app,
        limits,
        std::future::pending(),
    ));
    addr
}

/// The reason in the close frame the server sends, within `limit`; other messages before it
/// are skipped.
pub async fn close_reason<S>(socket: &mut S, limit: Duration) -> String
where
    S: StreamExt<Item = Result<Message, Error>> + Unpin,
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
