//! `ezilla vm console NAME`: this terminal on the VM's serial console, like `virsh console`.
//! The console's WebSocket carries its bytes both ways in binary frames; the terminal is raw
//! (every key goes to the VM) until Ctrl-] leaves or the server closes the console.

use futures_util::{SinkExt, StreamExt};
use shared::{Vm, routes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio_tungstenite::tungstenite::{
    self, Message, client::IntoClientRequest, protocol::WebSocketConfig,
};

use super::{Api, ClientError, terminal};

/// The key that leaves the console: Ctrl-] (group separator), as in `virsh console`.
const ESCAPE: u8 = 0x1d;
/// The largest message taken from the server.
const MAX_MESSAGE: usize = 1 << 20;

pub async fn attach(api: &Api, vm: &Vm) -> Result<(), ClientError> {
    let path = routes::fill(routes::VM_CONSOLE_SERIAL, &[&vm.uuid]);
    let url = format!("{}{path}", api.base)
        .replacen("http://", "ws://", 1)
        .replacen("https://", "wss://", 1);
    let mut request = url
        .as_str()
        .into_client_request()
        .map_err(|e| ClientError::new(None, format!("{url}: {e}")))?;
    let bearer = format!("Bearer {}", api.token().unwrap_or_default());
    request.headers_mut().insert(
        "authorization",
        bearer
            .parse()
            .map_err(|_| ClientError::new(None, "a token of odd characters"))?,
    );
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    let (socket, _) = tokio_tungstenite::connect_async_with_config(request, Some(config), false)
        .await
        .map_err(refused)?;
    eprint!(
        "Connected to {}. Escape character is ^] (Ctrl + ])\r\n",
        vm.name
    );
    let raw = terminal::raw_mode();
    let ended = relay(socket).await;
    drop(raw);
    eprintln!();
    match ended {
        Ok(Some(reason)) => eprintln!("the console closed: {reason}"),
        Ok(None) => {}
        Err(err) => return Err(err),
    }
    Ok(())
}

/// Copies keys to the socket and the console's output to the terminal until Ctrl-] (then
/// `None`) or the server's close (its reason).
async fn relay(
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
) -> Result<Option<String>, ClientError> {
    let (mut to_vm, mut from_vm) = socket.split();
    let (mut stdin, mut stdout) = (tokio::io::stdin(), tokio::io::stdout());
    let mut keys = [0u8; 1024];
    let lost = |e: tungstenite::Error| ClientError::new(None, format!("the console broke: {e}"));
    let io = |e: std::io::Error| ClientError::new(None, format!("the terminal: {e}"));
    loop {
        tokio::select! {
            read = stdin.read(&mut keys) => {
                let n = read.map_err(io)?;
                let typed = &keys[..n];
                let escape = typed.iter().position(|&b| b == ESCAPE);
                let send = &typed[..escape.unwrap_or(n)];
                if !send.is_empty() {
                    to_vm.send(Message::binary(send.to_vec())).await.map_err(lost)?;
                }
                if escape.is_some() || n == 0 {
                    let _ = to_vm.send(Message::Close(None)).await;
                    return Ok(None);
                }
            }
            message = from_vm.next() => match message {
                Some(Ok(Message::Binary(bytes))) => {
                    stdout.write_all(&bytes).await.map_err(io)?;
                    stdout.flush().await.map_err(io)?;
                }
                Some(Ok(Message::Text(text))) => {
                    stdout.write_all(text.as_bytes()).await.map_err(io)?;
                    stdout.flush().await.map_err(io)?;
                }
                Some(Ok(Message::Close(frame))) => {
                    return Ok(Some(frame.map_or_else(|| "by the server".into(), |f| f.reason.to_string())));
                }
                Some(Ok(_)) => {}
                Some(Err(err)) => return Err(lost(err)),
                None => return Ok(Some("the connection ended".into())),
            }
        }
    }
}

/// A refused upgrade, told with the API's error body when there is one.
fn refused(err: tungstenite::Error) -> ClientError {
    match err {
        tungstenite::Error::Http(response) => {
            let body = response.body().as_deref().unwrap_or_default();
            match serde_json::from_slice::<shared::ErrorBody>(body) {
                Ok(body) => ClientError::new(Some(body.code), body.message),
                Err(_) => {
                    ClientError::new(None, format!("the server answered {}", response.status()))
                }
            }
        }
        other => ClientError {
            exit_code: 8,
            message: format!("cannot open the console: {other}"),
        },
    }
}
