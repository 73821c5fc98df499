//! CopyRect encoding: an area copied from elsewhere on the framebuffer.

use super::reader::{Reader, Step};
use super::update::Decoders;
use super::{Op, Rect};

/// Reads a CopyRect rectangle; its source must lie inside the framebuffer too.
pub(super) fn decode(r: &mut Reader, rect: Rect, d: &Decoders) -> Step<Op> {
    let (src_x, src_y) = (r.u16()?, r.u16()?);
    d.check(Rect {
        x: src_x,
        y: src_y,
        ..rect
    })?;
    Ok(Op::Copy { rect, src_x, src_y })
}

#[cfg(test)]
mod tests {
    use super::super::testing::{feed_update, rect_header};
    use super::*;

    #[test]
    fn copies_from_inside_the_framebuffer_only() {
        let mut body = rect_header(0, 0, 8, 8, 1);
        body.extend_from_slice(&[0, 10, 0, 20]);
        let rect = Rect {
            x: 0,
            y: 0,
            width: 8,
            height: 8,
        };
        assert_eq!(
            feed_update(&[body]),
            Ok(vec![Op::Copy {
                rect,
                src_x: 10,
                src_y: 20
            }])
        );
        let mut body = rect_header(0, 0, 8, 8, 1);
        body.extend_from_slice(&[0, 95, 0, 0]); // 95 + 8 > 100
        assert!(feed_update(&[body]).is_err());
    }
}
