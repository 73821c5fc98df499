//! Raw encoding: every pixel, four bytes each (R, G, B, unused).

use super::reader::{Reader, Step};
use super::{Op, Rect};

/// Reads a Raw rectangle, already checked against the framebuffer; waits for all of it.
pub(super) fn decode(r: &mut Reader, rect: Rect) -> Step<Op> {
    let mut rgba = r.take(rect.area() * 4)?.to_vec();
    opaque(&mut rgba);
    Ok(Op::Pixels { rect, rgba })
}

/// Sets every pixel's fourth byte (unused on the wire) to opaque.
pub(super) fn opaque(rgba: &mut [u8]) {
    for pixel in rgba.chunks_exact_mut(4) {
        pixel[3] = 255;
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{feed_update, rect_header};
    use super::*;

    #[test]
    fn hands_out_opaque_pixels() {
        let mut body = rect_header(1, 1, 2, 1, 0);
        body.extend_from_slice(&[1, 2, 3, 0, 4, 5, 6, 99]);
        let rect = Rect {
            x: 1,
            y: 1,
            width: 2,
            height: 1,
        };
        let rgba = vec![1, 2, 3, 255, 4, 5, 6, 255];
        assert_eq!(feed_update(&[body]), Ok(vec![Op::Pixels { rect, rgba }]));
    }

    #[test]
    fn refuses_a_rectangle_outside_the_framebuffer() {
        // the test framebuffer is 100 × 48
        let body = rect_header(96, 0, 5, 1, 0);
        assert!(feed_update(&[body]).is_err());
    }
}
