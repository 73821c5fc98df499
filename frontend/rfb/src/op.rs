//! What the client hands out: drawing operations for the canvas layer, and its errors.

use std::fmt;

/// A rectangle of the framebuffer, in pixels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    pub x: u16,
    pub y: u16,
    pub width: u16,
    pub height: u16,
}

impl Rect {
    /// Its number of pixels.
    pub fn area(&self) -> usize {
        usize::from(self.width) * usize::from(self.height)
    }
}

/// One thing for the canvas layer to do, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// The framebuffer is now this size (at connection and on every resize); clear it.
    Resize { width: u16, height: u16 },
    /// The desktop's name, from the server.
    DesktopName(String),
    /// Fill `rect` with one colour, `[r, g, b, a]`.
    Fill { rect: Rect, rgba: [u8; 4] },
    /// Put these pixels (`rect.area() * 4` bytes of RGBA, row by row) at `rect`.
    Pixels { rect: Rect, rgba: Vec<u8> },
    /// Copy the area of `rect`'s size at (`src_x`, `src_y`) to `rect`.
    Copy { rect: Rect, src_x: u16, src_y: u16 },
    /// Decode these JPEG bytes (the browser's decoder) and draw them at `rect`.
    Jpeg { rect: Rect, bytes: Vec<u8> },
    /// The pointer's new shape: RGBA with transparent pixels where the mask is off; an
    /// empty (0 × 0) cursor hides it.
    Cursor {
        hotspot_x: u16,
        hotspot_y: u16,
        width: u16,
        height: u16,
        rgba: Vec<u8>,
    },
    /// The keyboard LEDs (QEMU LED state).
    Leds {
        scroll_lock: bool,
        num_lock: bool,
        caps_lock: bool,
    },
    /// The server rang the bell.
    Bell,
    /// Text the server's clipboard holds.
    CutText(String),
}

/// Why the connection cannot go on. After an error the client must be dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// The server does not speak RFB 3.8 (or later).
    Version,
    /// The server refused the connection, or offers no security type we speak.
    Refused(String),
    /// The server wants a password and none was given.
    PasswordNeeded,
    /// The server turned our authentication down.
    AuthFailed(String),
    /// The server broke the protocol or a limit; says what.
    Protocol(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Version => f.write_str("the server does not speak RFB 3.8"),
            Self::Refused(why) => write!(f, "the server refused the connection: {why}"),
            Self::PasswordNeeded => f.write_str("the server wants a password"),
            Self::AuthFailed(why) => write!(f, "authentication failed: {why}"),
            Self::Protocol(what) => write!(f, "protocol error: {what}"),
        }
    }
}

impl std::error::Error for Error {}
