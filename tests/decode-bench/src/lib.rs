//! The decode benchmark's WASM side (`tests/testkit/src/bench/decode/`; never shipped): a recorded
//! session fed through our RFB client as the VNC console feeds a WebSocket's messages, every
//! drawing op applied by the console's own canvas layer (compiled in unchanged), or to a
//! framebuffer in memory.

#[path = "../../../frontend/consoles/src/vnc_console/canvas.rs"]
mod canvas;
mod framebuffer;

use framebuffer::Framebuffer;
use js_sys::Uint8Array;
use rfb::{Client, Limits, Op};
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Where the ops go.
enum Target {
    Canvas(HtmlCanvasElement),
    Memory(Framebuffer),
}

/// One connection's worth of our client and what it draws on.
#[wasm_bindgen]
pub struct Replay {
    client: Client,
    target: Target,
}

#[wasm_bindgen]
impl Replay {
    /// A fresh client (its zlib streams start empty, as on a new connection) drawing on
    /// `canvas`.
    #[wasm_bindgen(constructor)]
    pub fn new(canvas: HtmlCanvasElement) -> Self {
        Self::drawing_on(Target::Canvas(canvas))
    }

    /// A fresh client drawing into a framebuffer in memory.
    pub fn in_memory() -> Self {
        Self::drawing_on(Target::Memory(Framebuffer::default()))
    }

    fn drawing_on(target: Target) -> Self {
        Self {
            client: Client::new(None, Limits::default()),
            target,
        }
    }

    /// One message's bytes, handled as the console handles them: copied out of the
    /// `ArrayBuffer`, fed, every drawing op drawn, the replies taken (and, here, dropped).
    pub fn feed(&mut self, message: &Uint8Array) -> Result<(), JsError> {
        let bytes = message.to_vec();
        for op in self.client.feed(&bytes)? {
            match (op, &mut self.target) {
                // not drawing: the console handles these apart, or not at all
                (
                    Op::CutText(_)
                    | Op::DesktopName(_)
                    | Op::Leds { .. }
                    | Op::Bell
                    | Op::Cursor { .. },
                    _,
                ) => {}
                (op, Target::Canvas(canvas)) => canvas::draw(canvas, op),
                (op, Target::Memory(framebuffer)) => framebuffer.apply(op),
            }
        }
        self.client.take_output();
        Ok(())
    }

    /// FramebufferUpdates decoded to their end so far.
    pub fn updates(&self) -> f64 {
        self.client.updates() as f64
    }

    /// The in-memory framebuffer's width (0 when drawing on a canvas).
    pub fn width(&self) -> usize {
        self.memory().map_or(0, |f| f.width)
    }

    /// The in-memory framebuffer's height (0 when drawing on a canvas).
    pub fn height(&self) -> usize {
        self.memory().map_or(0, |f| f.height)
    }

    /// A copy of the in-memory framebuffer's RGBA (empty when drawing on a canvas).
    pub fn rgba(&self) -> Vec<u8> {
        self.memory().map(|f| f.rgba.clone()).unwrap_or_default()
    }

    fn memory(&self) -> Option<&Framebuffer> {
        match &self.target {
            Target::Memory(framebuffer) => Some(framebuffer),
            Target::Canvas(_) => None,
        }
    }
}
