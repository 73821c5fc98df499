//! An RGBA framebuffer in memory that the client's drawing ops are applied to, for comparing
//! decoders without the canvas (noVNC's side draws into the same kind of buffer).

use rfb::Op;

/// RGBA, row by row.
#[derive(Default)]
pub struct Framebuffer {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

impl Framebuffer {
    /// Applies one op, as the canvas layer would draw it.
    pub fn apply(&mut self, op: Op) {
        let stride = self.width * 4;
        match op {
            Op::Resize { width, height } => {
                (self.width, self.height) = (usize::from(width), usize::from(height));
                self.rgba = vec![0; self.width * self.height * 4];
            }
            Op::Fill { rect, rgba } => {
                let line = rgba.repeat(usize::from(rect.width));
                for y in usize::from(rect.y)..usize::from(rect.y + rect.height) {
                    let at = y * stride + usize::from(rect.x) * 4;
                    self.rgba[at..at + line.len()].copy_from_slice(&line);
                }
            }
            Op::Pixels { rect, rgba } => {
                let line = usize::from(rect.width) * 4;
                for (dy, row) in rgba.chunks_exact(line).enumerate() {
                    let at = (usize::from(rect.y) + dy) * stride + usize::from(rect.x) * 4;
                    self.rgba[at..at + line].copy_from_slice(row);
                }
            }
            Op::Copy { rect, src_x, src_y } => {
                let line = usize::from(rect.width) * 4;
                let mut rows: Vec<usize> = (0..usize::from(rect.height)).collect();
                // copying down, start from the bottom so no source row is overwritten first
                if rect.y > src_y {
                    rows.reverse();
                }
                for dy in rows {
                    let from = (usize::from(src_y) + dy) * stride + usize::from(src_x) * 4;
                    let to = (usize::from(rect.y) + dy) * stride + usize::from(rect.x) * 4;
                    self.rgba.copy_within(from..from + line, to);
                }
            }
            // JPEG needs the browser's decoder; the recorded sessions hold none
            _ => {}
        }
    }
}
