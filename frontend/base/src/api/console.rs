//! A console's WebSocket: binary frames both ways, on the page's own origin (the browser sends
//! the session cookie and the Origin the server checks). A socket refused before it opened
//! asks the server why (the same route without the upgrade answers the same checks); one
//! that breaks without the server closing it says so, so that it can be opened again.

use std::{cell::Cell, rc::Rc};

use gloo_net::http::Request;
use js_sys::{ArrayBuffer, Uint8Array};
use shared::auth::CSRF_HEADER;
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{BinaryType, CloseEvent, Event, MessageEvent, WebSocket};

use super::{Error, no_content, socket_url};

/// How a console's socket ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Closed {
    /// It was open: the server's close reason (empty when it gave none).
    Ended(String),
    /// It was open and broke without the server closing it (a proxy, the network, a server
    /// restart).
    Dropped,
    /// It never opened: why the server refused it, when it could say.
    Refused(Option<Error>),
    /// It never opened, yet the server says it would: something between the browser and the
    /// server (a proxy not set up for WebSockets) did not let it through.
    Blocked,
}

/// An open console; dropping it closes the socket.
pub struct ConsoleSocket {
    socket: WebSocket,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
    _on_open: Closure<dyn FnMut(Event)>,
}

impl ConsoleSocket {
    /// Sends `bytes` to the console.
    pub fn send(&self, bytes: &[u8]) {
        let _ = self.socket.send_with_u8_array(bytes);
    }

    /// Sends a control message (a text frame).
    pub fn send_text(&self, text: &str) {
        let _ = self.socket.send_with_str(text);
    }
}

impl Drop for ConsoleSocket {
    fn drop(&mut self) {
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        self.socket.set_onopen(None);
        let _ = self.socket.close();
    }
}

/// Opens the console WebSocket at `path`: `on_open` is called once it is open, `on_bytes` gets
/// what the console sends, `on_close` how it ended.
pub fn open_console(
    path: &str,
    on_open: impl Fn() + 'static,
    on_bytes: impl Fn(Vec<u8>) + 'static,
    on_text: impl Fn(String) + 'static,
    on_close: impl Fn(Closed) + 'static,
) -> Result<ConsoleSocket, Error> {
    let socket =
        WebSocket::new_with_str(&socket_url(path)?, "binary").map_err(|_| Error::Unreachable)?;
    socket.set_binary_type(BinaryType::Arraybuffer);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Ok(buffer) = event.data().dyn_into::<ArrayBuffer>() {
            on_bytes(Uint8Array::new(&buffer).to_vec());
        } else if let Some(text) = event.data().as_string() {
            on_text(text);
        }
    });
    let opened = Rc::new(Cell::new(false));
    let on_open = Closure::<dyn FnMut(Event)>::new({
        let opened = opened.clone();
        move |_| {
            opened.set(true);
            on_open();
        }
    });
    let on_close = Rc::new(on_close);
    let path = path.to_owned();
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
        if opened.get() {
            return on_close(if event.was_clean() {
                Closed::Ended(event.reason())
            } else {
                Closed::Dropped
            });
        }
        let (on_close, path) = (on_close.clone(), path.clone());
        wasm_bindgen_futures::spawn_local(async move {
            on_close(match why_refused(&path).await {
                Ok(()) => Closed::Blocked,
                Err(why) => Closed::Refused(Some(why)),
            });
        });
    });
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    Ok(ConsoleSocket {
        socket,
        _on_message: on_message,
        _on_close: on_close,
        _on_open: on_open,
    })
}

/// The server's answer to "would this console open?": its error, or `Ok` if it would.
async fn why_refused(path: &str) -> Result<(), Error> {
    let response = Request::get(path).header(CSRF_HEADER, "1").send().await;
    no_content(response.map_err(|_| Error::Unreachable)?).await
}
