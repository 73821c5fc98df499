//! Hextile encoding: 16 × 16 tiles, each raw or a background with coloured subrectangles.
//! Decoded tile by tile as bytes arrive; each finished row of tiles is one `Pixels` op.

use super::raw::opaque;
use super::reader::{Reader, Step, bad};
use super::{Op, Rect};

const RAW: u8 = 1;
const BACKGROUND: u8 = 2;
const FOREGROUND: u8 = 4;
const ANY_SUBRECTS: u8 = 8;
const SUBRECTS_COLOURED: u8 = 16;
const TILE: u16 = 16;

/// A Hextile rectangle being decoded.
pub(super) struct Hextile {
    rect: Rect,
    /// The next tile's column and row, in tiles.
    col: u16,
    row: u16,
    /// Colours carried from tile to tile.
    background: [u8; 4],
    foreground: [u8; 4],
    /// The current row of tiles, RGBA.
    strip: Vec<u8>,
}

impl Hextile {
    /// `None` for an empty rectangle (it has no tiles).
    pub fn new(rect: Rect) -> Option<Self> {
        (rect.area() > 0).then_some(Self {
            rect,
            col: 0,
            row: 0,
            background: [0, 0, 0, 255],
            foreground: [0, 0, 0, 255],
            strip: Vec::new(),
        })
    }

    fn strip_height(&self) -> u16 {
        TILE.min(self.rect.height - self.row * TILE)
    }

    /// Decodes the next tile; `true` when it was the last. A tile cut short leaves no trace:
    /// it is painted again from scratch when the rest arrives.
    pub fn step(&mut self, r: &mut Reader, ops: &mut Vec<Op>) -> Step<bool> {
        let (x0, y0) = (self.col * TILE, 0);
        let (tw, th) = (TILE.min(self.rect.width - x0), self.strip_height());
        let stride = usize::from(self.rect.width) * 4;
        if self.strip.is_empty() {
            self.strip = vec![0; stride * usize::from(th)];
        }
        let tile = Rect {
            x: x0,
            y: y0,
            width: tw,
            height: th,
        };
        let (mut background, mut foreground) = (self.background, self.foreground);
        let kind = r.u8()?;
        if kind & RAW != 0 {
            let pixels = r.take(tile.area() * 4)?;
            for (y, line) in pixels.chunks_exact(usize::from(tw) * 4).enumerate() {
                let start = y * stride + usize::from(x0) * 4;
                self.strip[start..start + line.len()].copy_from_slice(line);
                opaque(&mut self.strip[start..start + line.len()]);
            }
        } else {
            if kind & BACKGROUND != 0 {
                background = colour(r)?;
            }
            if kind & FOREGROUND != 0 {
                foreground = colour(r)?;
            }
            fill(&mut self.strip, stride, tile, background);
            let count = if kind & ANY_SUBRECTS != 0 { r.u8()? } else { 0 };
            for _ in 0..count {
                let rgba = if kind & SUBRECTS_COLOURED != 0 {
                    colour(r)?
                } else {
                    foreground
                };
                let [xy, wh] = r.array()?;
                let (sx, sy) = (u16::from(xy >> 4), u16::from(xy & 15));
                let (sw, sh) = (u16::from(wh >> 4) + 1, u16::from(wh & 15) + 1);
                if sx + sw > tw || sy + sh > th {
                    return bad("hextile subrectangle outside its tile");
                }
                let sub = Rect {
                    x: x0 + sx,
                    y: y0 + sy,
                    width: sw,
                    height: sh,
                };
                fill(&mut self.strip, stride, sub, rgba);
            }
        }
        (self.background, self.foreground) = (background, foreground);
        self.col += 1;
        if self.col * TILE < self.rect.width {
            return Ok(false);
        }
        let rect = Rect {
            x: self.rect.x,
            y: self.rect.y + self.row * TILE,
            width: self.rect.width,
            height: th,
        };
        ops.push(Op::Pixels {
            rect,
            rgba: std::mem::take(&mut self.strip),
        });
        self.col = 0;
        self.row += 1;
        Ok(self.row * TILE >= self.rect.height)
    }
}

fn colour(r: &mut Reader) -> Step<[u8; 4]> {
    let [red, green, blue, _] = r.array()?;
    Ok([red, green, blue, 255])
}

/// Fills `area` (in strip coordinates) of an RGBA strip `stride` bytes wide.
fn fill(strip: &mut [u8], stride: usize, area: Rect, rgba: [u8; 4]) {
    for y in area.y..area.y + area.height {
        let start = usize::from(y) * stride + usize::from(area.x) * 4;
        let line = &mut strip[start..start + usize::from(area.width) * 4];
        for pixel in line.chunks_exact_mut(4) {
            pixel.copy_from_slice(&rgba);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{feed_update, rect_header};
    use super::*;

    const RED: [u8; 4] = [255, 0, 0, 255];
    const BLUE: [u8; 4] = [0, 0, 255, 255];

    fn pixels(op: &Op) -> (&Rect, &[u8]) {
        match op {
            Op::Pixels { rect, rgba } => (rect, rgba),
            other => panic!("not pixels: {other:?}"),
        }
    }

    #[test]
    fn paints_background_and_subrectangles_carrying_colours() {
        // 18 × 2: two tiles in one row; the second reuses the first's colours.
        let mut body = rect_header(0, 0, 18, 2, 5);
        body.extend_from_slice(&[BACKGROUND | FOREGROUND | ANY_SUBRECTS, 255, 0, 0, 0]);
        body.extend_from_slice(&[0, 0, 255, 0, 1, 0x10, 0x00]); // 1 subrect at (1,0), 1×1
        body.extend_from_slice(&[ANY_SUBRECTS, 1, 0x01, 0x10]); // (0,1), 2×1, foreground
        let ops = feed_update(&[body]).unwrap();
        assert_eq!(ops.len(), 1);
        let (rect, rgba) = pixels(&ops[0]);
        assert_eq!(
            *rect,
            Rect {
                x: 0,
                y: 0,
                width: 18,
                height: 2
            }
        );
        let at = |x: usize, y: usize| &rgba[(y * 18 + x) * 4..][..4];
        assert_eq!(
            (at(0, 0), at(1, 0), at(15, 1)),
            (&RED[..], &BLUE[..], &RED[..])
        );
        assert_eq!(
            (at(16, 0), at(16, 1), at(17, 1)),
            (&RED[..], &BLUE[..], &BLUE[..])
        );
    }

    #[test]
    fn raw_tiles_and_coloured_subrects_make_one_strip_per_tile_row() {
        // 1 × 17: two rows of tiles.
        let mut body = rect_header(3, 4, 1, 17, 5);
        body.push(RAW);
        for i in 0..16 {
            body.extend_from_slice(&[i, i, i, 0]);
        }
        body.extend_from_slice(&[ANY_SUBRECTS | SUBRECTS_COLOURED, 1, 0, 9, 0, 0, 0, 0]);
        let ops = feed_update(&[body]).unwrap();
        let (first, rgba) = pixels(&ops[0]);
        assert_eq!(
            (*first, &rgba[60..]),
            (
                Rect {
                    x: 3,
                    y: 4,
                    width: 1,
                    height: 16
                },
                &[15, 15, 15, 255][..]
            )
        );
        let (second, rgba) = pixels(&ops[1]);
        assert_eq!(
            (*second, rgba),
            (
                Rect {
                    x: 3,
                    y: 20,
                    width: 1,
                    height: 1
                },
                &[0, 9, 0, 255][..]
            )
        );
    }

    #[test]
    fn refuses_a_subrectangle_outside_its_tile() {
        // a 4 × 4 tile with a subrect at (3,3) 2×2
        let mut body = rect_header(0, 0, 4, 4, 5);
        body.extend_from_slice(&[ANY_SUBRECTS, 1, 0x33, 0x11]);
        assert!(feed_update(&[body]).is_err());
    }
}
