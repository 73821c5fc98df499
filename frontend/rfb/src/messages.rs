//! Client-to-server messages, and the encoding numbers we ask for.

use vnc::{PixelFormat, VncEncoding};

use super::Rect;

pub(super) const RAW: i32 = VncEncoding::Raw as i32;
pub(super) const COPY_RECT: i32 = VncEncoding::CopyRect as i32;
pub(super) const HEXTILE: i32 = 5;
pub(super) const TIGHT: i32 = VncEncoding::Tight as i32;
pub(super) const ZRLE: i32 = VncEncoding::Zrle as i32;
pub(super) const DESKTOP_SIZE: i32 = VncEncoding::DesktopSizePseudo as i32;
pub(super) const EXTENDED_DESKTOP_SIZE: i32 = VncEncoding::ExtendedDesktopSizePseudo as i32;
pub(super) const CURSOR: i32 = VncEncoding::CursorPseudo as i32;
pub(super) const LAST_RECT: i32 = VncEncoding::LastRectPseudo as i32;
pub(super) const QEMU_EXTENDED_KEY: i32 = -258;
pub(super) const QEMU_LED_STATE: i32 = -261;
/// Tight's JPEG quality 8 of 0..=9 (pseudo-encodings -32..=-23).
const JPEG_QUALITY_8: i32 = -24;
/// Tight's zlib level 6 of 0..=9 (pseudo-encodings -256..=-247).
const COMPRESS_LEVEL_6: i32 = -250;

/// What we ask the server for, most preferred first.
pub(super) const ENCODINGS: &[i32] = &[
    TIGHT,
    ZRLE,
    HEXTILE,
    COPY_RECT,
    RAW,
    DESKTOP_SIZE,
    EXTENDED_DESKTOP_SIZE,
    CURSOR,
    LAST_RECT,
    QEMU_EXTENDED_KEY,
    QEMU_LED_STATE,
    JPEG_QUALITY_8,
    COMPRESS_LEVEL_6,
];

/// Appends client messages to `bytes`.
#[derive(Default)]
pub(super) struct Encoder {
    pub bytes: Vec<u8>,
}

impl Encoder {
    /// SetPixelFormat: 32-bit true colour, R G B X in memory, i.e. RGBA for a canvas.
    pub fn set_pixel_format(&mut self) {
        self.bytes.extend_from_slice(&[0, 0, 0, 0]);
        self.bytes.extend(Vec::<u8>::from(PixelFormat::rgba()));
    }

    pub fn set_encodings(&mut self, encodings: &[i32]) {
        self.bytes.extend_from_slice(&[2, 0]);
        let count = u16::try_from(encodings.len()).unwrap_or(u16::MAX);
        self.bytes.extend_from_slice(&count.to_be_bytes());
        for e in encodings.iter().take(usize::from(count)) {
            self.bytes.extend_from_slice(&e.to_be_bytes());
        }
    }

    pub fn update_request(&mut self, incremental: bool, rect: Rect) {
        self.bytes.extend_from_slice(&[3, u8::from(incremental)]);
        for v in [rect.x, rect.y, rect.width, rect.height] {
            self.bytes.extend_from_slice(&v.to_be_bytes());
        }
    }

    pub fn key_event(&mut self, down: bool, keysym: u32) {
        self.bytes.extend_from_slice(&[4, u8::from(down), 0, 0]);
        self.bytes.extend_from_slice(&keysym.to_be_bytes());
    }

    /// QEMU Extended Key Event (message 255, submessage 0): the keysym and the XT scancode.
    pub fn qemu_key_event(&mut self, down: bool, keysym: u32, xt_scancode: u16) {
        self.bytes.extend_from_slice(&[255, 0]);
        self.bytes.extend_from_slice(&u16::from(down).to_be_bytes());
        self.bytes.extend_from_slice(&keysym.to_be_bytes());
        self.bytes
            .extend_from_slice(&qemu_keycode(xt_scancode).to_be_bytes());
    }

    pub fn pointer_event(&mut self, buttons: u8, x: u16, y: u16) {
        self.bytes.extend_from_slice(&[5, buttons]);
        self.bytes.extend_from_slice(&x.to_be_bytes());
        self.bytes.extend_from_slice(&y.to_be_bytes());
    }

    /// ClientCutText: RFB's text is Latin-1; other characters become `?`.
    pub fn client_cut_text(&mut self, text: &str) {
        let latin1: Vec<u8> = text
            .chars()
            .map(|c| u8::try_from(c).unwrap_or(b'?'))
            .collect();
        self.bytes.extend_from_slice(&[6, 0, 0, 0]);
        let len = u32::try_from(latin1.len()).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(&len.to_be_bytes());
        self.bytes.extend_from_slice(&latin1[..len as usize]);
    }
}

/// QEMU's key code: a one-byte XT scancode as is, an `0xE0`-prefixed one as its second byte
/// with the top bit set.
fn qemu_keycode(xt_scancode: u16) -> u32 {
    let code = u32::from(xt_scancode & 0x7f);
    if xt_scancode >> 8 == 0xe0 {
        code | 0x80
    } else {
        code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_for_rgba_true_colour() {
        let mut e = Encoder::default();
        e.set_pixel_format();
        let expected = [
            0, 0, 0, 0, 32, 24, 0, 1, 0, 255, 0, 255, 0, 255, 0, 8, 16, 0, 0, 0,
        ];
        assert_eq!(e.bytes, expected);
    }

    #[test]
    fn encodes_keys_with_and_without_scancodes() {
        let mut e = Encoder::default();
        e.key_event(true, 0xff0d);
        assert_eq!(e.bytes, [4, 1, 0, 0, 0, 0, 0xff, 0x0d]);
        let mut e = Encoder::default();
        e.qemu_key_event(false, 0xffe4, 0xe01d); // right Control
        assert_eq!(e.bytes, [255, 0, 0, 0, 0, 0, 0xff, 0xe4, 0, 0, 0, 0x9d]);
        let mut e = Encoder::default();
        e.qemu_key_event(true, 0x61, 0x1e); // a
        assert_eq!(e.bytes, [255, 0, 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1e]);
    }

    #[test]
    fn encodes_pointer_requests_encodings_and_text() {
        let mut e = Encoder::default();
        e.pointer_event(0b1000, 0x102, 3);
        e.update_request(
            true,
            Rect {
                x: 1,
                y: 2,
                width: 3,
                height: 4,
            },
        );
        e.set_encodings(&[16, -239]);
        e.client_cut_text("é✓");
        let expected: &[u8] = &[
            5, 8, 1, 2, 0, 3, //
            3, 1, 0, 1, 0, 2, 0, 3, 0, 4, //
            2, 0, 0, 2, 0, 0, 0, 16, 0xff, 0xff, 0xff, 0x11, //
            6, 0, 0, 0, 0, 0, 0, 2, 0xe9, b'?',
        ];
        assert_eq!(e.bytes, expected);
    }
}
