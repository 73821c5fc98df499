//! The Cursor pseudo-encoding: the pointer's shape, drawn locally by the browser.

use super::reader::{Reader, Step, bad};
use super::{Op, Rect};

/// Largest cursor accepted, each way.
const MAX_CURSOR: u16 = 256;

/// Reads a cursor: pixels then a 1-bit mask (rows padded to bytes); the hotspot is the
/// rectangle's x and y. Masked-off pixels come out transparent.
pub(super) fn decode(r: &mut Reader, rect: Rect) -> Step<Op> {
    let (width, height) = (rect.width, rect.height);
    if width > MAX_CURSOR || height > MAX_CURSOR {
        return bad("cursor too large");
    }
    let mut rgba = r.take(rect.area() * 4)?.to_vec();
    let row_bytes = usize::from(width).div_ceil(8);
    let mask = r.take(row_bytes * usize::from(height))?;
    for (i, pixel) in rgba.chunks_exact_mut(4).enumerate() {
        let (y, x) = (i / usize::from(width), i % usize::from(width));
        let bit = mask[y * row_bytes + x / 8] >> (7 - x % 8) & 1;
        pixel[3] = if bit == 1 { 255 } else { 0 };
    }
    Ok(Op::Cursor {
        hotspot_x: rect.x,
        hotspot_y: rect.y,
        width,
        height,
        rgba,
    })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{feed_update, rect_header};
    use super::*;

    #[test]
    fn applies_the_mask_as_alpha() {
        let mut body = rect_header(1, 0, 2, 2, -239);
        body.extend_from_slice(&[9; 16]);
        body.extend_from_slice(&[0b1000_0000, 0b0100_0000]);
        let rgba = [[9, 9, 9, 255], [9, 9, 9, 0], [9, 9, 9, 0], [9, 9, 9, 255]].concat();
        let cursor = Op::Cursor {
            hotspot_x: 1,
            hotspot_y: 0,
            width: 2,
            height: 2,
            rgba,
        };
        assert_eq!(feed_update(&[body]), Ok(vec![cursor]));
    }

    #[test]
    fn refuses_a_huge_cursor() {
        let body = rect_header(0, 0, 1000, 1000, -239);
        assert!(feed_update(&[body]).is_err());
    }
}
