//! Live events (the VM list, task progress): a WebSocket to `/api/v1/events` on the page's own origin (the browser
//! sends the session cookie and the Origin the server checks).

use shared::{Event, routes};
use wasm_bindgen::{JsCast, closure::Closure};
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::{Error, socket_url};

/// An open subscription; dropping it closes the socket.
pub struct VmEvents {
    socket: WebSocket,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl Drop for VmEvents {
    fn drop(&mut self) {
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close();
    }
}

/// Calls `on_event` with every event the server pushes, and `on_close` if the socket ends
/// (server gone, session ended) while still subscribed.
pub fn subscribe(
    on_event: impl Fn(Event) + 'static,
    on_close: impl Fn() + 'static,
) -> Result<VmEvents, Error> {
    let socket = WebSocket::new(&socket_url(routes::EVENTS)?).map_err(|_| Error::Unreachable)?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let Some(text) = event.data().as_string() else {
            return;
        };
        if let Ok(event) = serde_json::from_str::<Event>(&text) {
            on_event(event);
        }
    });
    let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |_: CloseEvent| on_close());
    socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    Ok(VmEvents {
        socket,
        _on_message: on_message,
        _on_close: on_close,
    })
}
