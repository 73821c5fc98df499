//! The product's console bridge (`ezilla::api::console::bridge`, which both console routes
//! use) behind a bare WebSocket route, no VM, session or database: `/PORT` bridges to
//! 127.0.0.1:PORT, as the VNC route does once it has found the VM's port. Served as
//! `ezilla::serve` serves (connections without Nagle's delay). And what any console test
//! reads last: the close frame's reason.

use std::{net::SocketAddr, time::Duration};

use axum::{
    Router,
    extract::{Path, State, WebSocketUpgrade},
    response::Response,
    routing::get,
    serve::ListenerExt,
};
use ezilla::api::console::{Ended, bridge};
use futures_util::StreamExt;
use tokio::net::{TcpListener, TcpStream};
use tokio_tungstenite::tungstenite::{Error, Message};

/// Starts the proxy with the given idle timeout; returns its address.
pub async fn start(idle: Duration) -> SocketAddr {
    async fn upgrade(
        State(idle): State<Duration>,
        Path(port): Path<u16>,
        ws: WebSocketUpgrade,
    ) -> Response {
        let tcp = TcpStream::connect(("127.0.0.1", port)).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        ws.protocols(["binary"])
            .on_upgrade(move |socket| async move {
                bridge(socket, tcp, idle, std::future::pending::<Ended>()).await;
            })
    }
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = Router::new()
        .route("/{port}", get(upgrade))
        .with_state(idle);
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
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
