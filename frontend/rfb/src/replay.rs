//! Replays sessions recorded from real QEMU (`tests/fixtures/rfb/`, made by `record.py`
//! there) through the client, drawing its ops on a framebuffer in memory.

use super::{Client, Limits, Op};

/// What a canvas would show: RGBA, row by row.
pub(super) struct Screen {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
    pub jpegs: usize,
    /// LED reports seen.
    pub leds: usize,
}

impl Screen {
    fn apply(&mut self, op: Op) {
        let w = self.width;
        match op {
            Op::Resize { width, height } => {
                (self.width, self.height) = (usize::from(width), usize::from(height));
                self.rgba = vec![0; self.width * self.height * 4];
            }
            Op::Fill { rect, rgba } => {
                for y in rect.y..rect.y + rect.height {
                    for x in rect.x..rect.x + rect.width {
                        let at = (usize::from(y) * w + usize::from(x)) * 4;
                        self.rgba[at..at + 4].copy_from_slice(&rgba);
                    }
                }
            }
            Op::Pixels { rect, rgba } => {
                let row = usize::from(rect.width) * 4;
                for (dy, line) in rgba.chunks_exact(row).enumerate() {
                    let at = ((usize::from(rect.y) + dy) * w + usize::from(rect.x)) * 4;
                    self.rgba[at..at + row].copy_from_slice(line);
                }
            }
            Op::Copy { rect, src_x, src_y } => {
                let source = self.rgba.clone();
                let row = usize::from(rect.width) * 4;
                for dy in 0..usize::from(rect.height) {
                    let from = ((usize::from(src_y) + dy) * w + usize::from(src_x)) * 4;
                    let to = ((usize::from(rect.y) + dy) * w + usize::from(rect.x)) * 4;
                    self.rgba[to..to + row].copy_from_slice(&source[from..from + row]);
                }
            }
            Op::Jpeg { .. } => self.jpegs += 1,
            Op::Leds { .. } => self.leds += 1,
            _ => {}
        }
    }
}

/// Feeds a recording in pieces of `piece` bytes and draws every op.
pub(super) fn replay(recording: &[u8], piece: usize) -> Screen {
    let mut client = Client::new(None, Limits::default());
    let mut screen = Screen {
        width: 0,
        height: 0,
        rgba: Vec::new(),
        jpegs: 0,
        leds: 0,
    };
    for chunk in recording.chunks(piece) {
        let ops = client.feed(chunk).expect("a real QEMU session decodes");
        ops.into_iter().for_each(|op| screen.apply(op));
    }
    screen
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &[u8] = include_bytes!("../../../tests/fixtures/rfb/qemu-boot-raw.bin");
    const HEXTILE: &[u8] = include_bytes!("../../../tests/fixtures/rfb/qemu-boot-hextile.bin");
    const ZRLE: &[u8] = include_bytes!("../../../tests/fixtures/rfb/qemu-boot-zrle.bin");
    const TIGHT: &[u8] = include_bytes!("../../../tests/fixtures/rfb/qemu-boot-tight.bin");

    /// Pixels that differ (the text cursor blinks, so a few may).
    fn differing(a: &Screen, b: &Screen) -> usize {
        a.rgba
            .chunks(4)
            .zip(b.rgba.chunks(4))
            .filter(|(p, q)| p != q)
            .count()
    }

    #[test]
    fn every_encoding_draws_the_same_booted_guest_screen() {
        let raw = replay(RAW, 4096);
        assert_eq!((raw.width, raw.height), (720, 400));
        // the shell's prompt and the boot messages: many lit pixels
        let lit = raw.rgba.chunks(4).filter(|p| p[0] > 128).count();
        assert!(lit > 5000, "{lit} lit pixels");
        for (name, recording) in [("hextile", HEXTILE), ("zrle", ZRLE), ("tight", TIGHT)] {
            let screen = replay(recording, 4096);
            assert_eq!((screen.width, screen.height), (720, 400), "{name}");
            // the blinking cursor is 9 × 2 pixels
            assert!(
                differing(&raw, &screen) <= 18,
                "{name}: {}",
                differing(&raw, &screen)
            );
            assert!(screen.leds > 0, "{name}: QEMU reports its LEDs");
        }
    }

    #[test]
    fn any_split_of_a_real_session_draws_the_same() {
        for recording in [HEXTILE, ZRLE, TIGHT] {
            let whole = replay(recording, recording.len());
            for piece in [1, 7, 1500] {
                assert_eq!(differing(&whole, &replay(recording, piece)), 0);
            }
        }
        assert_eq!(differing(&replay(RAW, RAW.len()), &replay(RAW, 333)), 0);
    }
}
