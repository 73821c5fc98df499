//! A console's WebSocket: binary frames both ways, on the page's own origin (the browser sends
//! the session cookie and the Origin the server checks).

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use super::Error;

/// An open console; dropping it closes the socket.
pub struct ConsoleSocket {
    socket: WebSocket,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl ConsoleSocket {
    /// Sends `bytes` to the console.
    pub fn send(&self, bytes: &[u8]) {
        let _ = self.socket.send_with_u8_array(bytes);
    }
}

impl Drop for ConsoleSocket {
    fn drop(&mut self) {
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

/// Opens the console WebSocket at `path`: `on_bytes` gets what the console sends, `on_close`
/// the server's close reason (empty when it gave none) when the socket ends.
pub fn open_console(
    path: &str,
    on_bytes: impl Fn(Vec<u8>) + 'static,
    on_close: impl Fn(String) + 'static,
) -> Result<ConsoleSocket, Error> {
    let location = web_sys::window().ok_or(Error::Unreachable)?.location();
    let scheme = match location.protocol().as_deref() {
        Ok("https:") => "wss",
        _ => "ws",
    };
    let host = location.host().map_err(|_| Error::Unreachable)?;
    let socket = WebSocket::new_with_str(&format!("{scheme}://{host}{path}"), "binary")
        .map_err(|_| Error::Unreachable)?;
    socket.set_binary_type(BinaryType::Arraybuffer);
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        if let Ok(buffer) = event.data().dyn_into::<ArrayBuffer>() {
            on_bytes(Uint8Array::new(&buffer).to_vec());
        } else if let Some(text) = event.data().as_string() {
            on_bytes(text.into_bytes());
        }
    });
    let on_close =
        Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| on_close(event.reason()));
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    Ok(ConsoleSocket {
        socket,
        _on_message: on_message,
        _on_close: on_close,
    })
}
