//! ZRLE encoding: one zlib stream for the whole connection, 64 × 64 tiles of raw, solid,
//! packed-palette or run-length pixels (3-byte CPIXELs in our format).

use flate2::Decompress;

use super::inflate::inflate;
use super::reader::{Reader, Step, Stop, bad};
use super::{Op, Rect};

const TILE: u16 = 64;
/// Most bytes a tile's header and palette take.
const TILE_OVERHEAD: usize = 1 + 127 * 3;

/// ZRLE's decoder: its zlib stream lives as long as the connection.
pub(super) struct Zrle {
    stream: Decompress,
}

impl Default for Zrle {
    fn default() -> Self {
        Self {
            stream: Decompress::new(true),
        }
    }
}

impl Zrle {
    /// Reads a ZRLE rectangle (checked against the framebuffer): a Fill per solid tile, a
    /// Pixels per other tile.
    pub fn decode(&mut self, r: &mut Reader, rect: Rect, ops: &mut Vec<Op>) -> Step<()> {
        // plain RLE spends at most 4 bytes a pixel
        let cap = tiles(rect).count() * TILE_OVERHEAD + rect.area() * 4;
        let len = r.u32()? as usize;
        // Checked before waiting for the bytes: a length no rectangle of this size can need
        // would have the client buffer up to 4 GiB.
        if len > max_compressed(cap) {
            return bad("ZRLE data longer than its rectangle can need");
        }
        let compressed = r.take(len)?;
        let data = inflate(&mut self.stream, compressed, cap)?;
        let mut z = Reader::new(&data);
        for tile in tiles(rect) {
            match decode_tile(&mut z, tile) {
                Err(Stop::More) => return bad("ZRLE data ends inside a tile"),
                other => ops.push(other?),
            }
        }
        Ok(())
    }
}

/// The most compressed bytes `cap` bytes of tiles can take: zlib's worst case (stored blocks,
/// 5 bytes per 64 KiB) with room for its header and flushes.
fn max_compressed(cap: usize) -> usize {
    cap + cap / 1024 + 1024
}

/// The tiles of `rect`, left to right, top to bottom.
fn tiles(rect: Rect) -> impl Iterator<Item = Rect> {
    let rows = (0..rect.height).step_by(usize::from(TILE));
    rows.flat_map(move |dy| {
        (0..rect.width)
            .step_by(usize::from(TILE))
            .map(move |dx| Rect {
                x: rect.x + dx,
                y: rect.y + dy,
                width: TILE.min(rect.width - dx),
                height: TILE.min(rect.height - dy),
            })
    })
}

fn cpixel(z: &mut Reader) -> Step<[u8; 4]> {
    let [r, g, b] = z.array()?;
    Ok([r, g, b, 255])
}

fn palette(z: &mut Reader, size: u8) -> Step<Vec<[u8; 4]>> {
    (0..size).map(|_| cpixel(z)).collect()
}

fn decode_tile(z: &mut Reader, tile: Rect) -> Step<Op> {
    let pixels = tile.area();
    let mut rgba = Vec::with_capacity(pixels * 4);
    match z.u8()? {
        0 => {
            for _ in 0..pixels {
                rgba.extend(cpixel(z)?);
            }
        }
        1 => {
            return Ok(Op::Fill {
                rect: tile,
                rgba: cpixel(z)?,
            });
        }
        size @ 2..=16 => {
            let palette = palette(z, size)?;
            let bits = match size {
                2 => 1,
                3..=4 => 2,
                _ => 4,
            };
            let row_bytes = (usize::from(tile.width) * bits).div_ceil(8);
            for _ in 0..tile.height {
                let row = z.take(row_bytes)?;
                for x in 0..usize::from(tile.width) {
                    let bit = x * bits;
                    let index = row[bit / 8] >> (8 - bits - bit % 8) & ((1 << bits) - 1);
                    rgba.extend(palette.get(usize::from(index)).ok_or_else(bad_index)?);
                }
            }
        }
        128 => {
            while rgba.len() < pixels * 4 {
                let colour = cpixel(z)?;
                let run = run_length(z, pixels - rgba.len() / 4)?;
                (0..run).for_each(|_| rgba.extend(colour));
            }
        }
        size @ 130..=255 => {
            let palette = palette(z, size - 128)?;
            while rgba.len() < pixels * 4 {
                let index = z.u8()?;
                let colour = *palette
                    .get(usize::from(index & 127))
                    .ok_or_else(bad_index)?;
                let run = if index & 128 != 0 {
                    run_length(z, pixels - rgba.len() / 4)?
                } else {
                    1
                };
                (0..run).for_each(|_| rgba.extend(colour));
            }
        }
        _ => return bad("unknown ZRLE tile kind"),
    }
    Ok(Op::Pixels { rect: tile, rgba })
}

fn bad_index() -> Stop {
    Stop::Bad(super::Error::Protocol("ZRLE palette index out of range"))
}

/// A run's length: bytes summed until one is not 255, plus one; at most `left`.
fn run_length(z: &mut Reader, left: usize) -> Step<usize> {
    let mut len = 1;
    loop {
        let b = z.u8()?;
        len += usize::from(b);
        if len > left {
            return bad("ZRLE run longer than its tile");
        }
        if b != 255 {
            return Ok(len);
        }
    }
}

#[cfg(test)]
mod tests;
