//! The connection's state machine: buffers partial input, runs the handshake, then splits
//! the stream into server messages and hands out their [`Op`]s.

use super::handshake::Handshake;
use super::messages::{self, Encoder};
use super::reader::{Reader, Step, Stop, bad, latin1};
use super::update::{Decoders, Update};
use super::{Error, Op, Rect};

/// What a server may make the client hold.
#[derive(Clone, Debug)]
pub struct Limits {
    /// Widest framebuffer accepted.
    pub max_width: u16,
    /// Tallest framebuffer accepted.
    pub max_height: u16,
    /// Longest clipboard text accepted, in bytes.
    pub max_cut_text: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_width: 8192,
            max_height: 8192,
            max_cut_text: 1 << 20,
        }
    }
}

impl Limits {
    /// Refuses an empty framebuffer or one beyond the limits.
    pub(super) fn check_size(&self, width: u16, height: u16) -> Step<()> {
        if width == 0 || height == 0 || width > self.max_width || height > self.max_height {
            return bad("framebuffer size out of limits");
        }
        Ok(())
    }
}

enum State {
    Handshake(Handshake),
    /// Between server messages.
    Idle,
    /// Inside a FramebufferUpdate.
    Update(Update),
}

/// A sans-IO RFB client: [`Client::feed`] it the server's bytes, send what
/// [`Client::take_output`] returns.
pub struct Client {
    limits: Limits,
    state: State,
    /// Received bytes not yet parsed (the start of an incomplete message).
    input: Vec<u8>,
    output: Encoder,
    decoders: Decoders,
    /// FramebufferUpdates decoded to the end.
    updates: u64,
}

impl Client {
    /// A client for a new connection; `password` answers VNC authentication.
    pub fn new(password: Option<String>, limits: Limits) -> Self {
        Self {
            limits,
            state: State::Handshake(Handshake::new(password)),
            input: Vec::new(),
            output: Encoder::default(),
            decoders: Decoders::default(),
            updates: 0,
        }
    }

    /// Takes bytes from the server (any split), returns what to draw. After an error the
    /// connection must be closed.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Vec<Op>, Error> {
        // Moved out while parsing, as the parser borrows the client too.
        let mut input = std::mem::take(&mut self.input);
        input.extend_from_slice(bytes);
        let mut ops = Vec::new();
        let mut consumed = 0;
        let result = loop {
            let mut r = Reader::new(&input[consumed..]);
            match self.step(&mut r, &mut ops) {
                Ok(()) => consumed += r.pos,
                Err(Stop::More) => break Ok(ops),
                Err(Stop::Bad(error)) => break Err(error),
            }
        };
        input.drain(..consumed);
        self.input = input;
        result
    }

    /// Bytes to send to the server, oldest first.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output.bytes)
    }

    /// Whether the handshake is over (input is only sent from then on).
    pub fn is_ready(&self) -> bool {
        !matches!(self.state, State::Handshake(_))
    }

    /// How many FramebufferUpdates have been decoded to their end (a frame rate's numerator).
    pub fn updates(&self) -> u64 {
        self.updates
    }

    /// The framebuffer's size (0 × 0 before the handshake ends).
    pub fn size(&self) -> (u16, u16) {
        (self.decoders.width, self.decoders.height)
    }

    /// A key went down or up. With `xt_scancode` (e.g. `0x1e`, or `0xe01d` for an extended
    /// key) and a QEMU server, the scancode is sent too so any keyboard layout works.
    pub fn key(&mut self, keysym: u32, xt_scancode: Option<u16>, down: bool) {
        if self.is_ready() {
            match xt_scancode.filter(|_| self.decoders.qemu_keys) {
                Some(code) => self.output.qemu_key_event(down, keysym, code),
                None => self.output.key_event(down, keysym),
            }
        }
    }

    /// The pointer is at (`x`, `y`) with these buttons down (bit 0 left, 1 middle, 2 right,
    /// 3 and 4 the wheel).
    pub fn pointer(&mut self, x: u16, y: u16, buttons: u8) {
        if self.is_ready() {
            self.output.pointer_event(buttons, x, y);
        }
    }

    /// Offers the browser's clipboard text to the server.
    pub fn cut_text(&mut self, text: &str) {
        if self.is_ready() {
            self.output.client_cut_text(text);
        }
    }

    /// Asks for the whole screen again (after a reconnect or a lost frame).
    pub fn refresh(&mut self) {
        if self.is_ready() {
            self.output.update_request(false, self.whole_screen());
        }
    }

    fn whole_screen(&self) -> Rect {
        Rect {
            x: 0,
            y: 0,
            width: self.decoders.width,
            height: self.decoders.height,
        }
    }

    /// Parses one message (or one part of an update); [`Stop::More`] leaves no trace.
    fn step(&mut self, r: &mut Reader, ops: &mut Vec<Op>) -> Step<()> {
        match &mut self.state {
            State::Handshake(handshake) => {
                if let Some(init) = handshake.step(r, &mut self.output.bytes, &self.limits)? {
                    self.decoders.resize(init.width, init.height);
                    ops.push(Op::Resize {
                        width: init.width,
                        height: init.height,
                    });
                    ops.push(Op::DesktopName(init.name));
                    self.output.set_pixel_format();
                    self.output.set_encodings(messages::ENCODINGS);
                    self.state = State::Idle;
                    self.refresh();
                }
            }
            State::Update(update) => {
                if update.step(r, &mut self.decoders, &self.limits, ops)? {
                    self.updates += 1;
                    self.state = State::Idle;
                    self.output.update_request(true, self.whole_screen());
                }
            }
            State::Idle => match r.u8()? {
                0 => {
                    r.take(1)?;
                    self.state = State::Update(Update::new(r.u16()?));
                }
                1 => {
                    r.take(3)?;
                    let count = usize::from(r.u16()?);
                    r.take(count * 6)?; // a colour map: unused in true colour
                }
                2 => ops.push(Op::Bell),
                3 => {
                    r.take(3)?;
                    let text = r.string(self.limits.max_cut_text, "cut text too long")?;
                    ops.push(Op::CutText(latin1(text)));
                }
                _ => return bad("unknown server message"),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
