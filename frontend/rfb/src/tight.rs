//! Tight encoding: fill, JPEG (handed to the browser's decoder) and basic compression
//! (copy, palette or gradient filter over one of four persistent zlib streams).

use flate2::Decompress;

use super::inflate::inflate;
use super::reader::{Reader, Step, bad};
use super::{Op, Rect};

const FILL: u8 = 8;
const JPEG: u8 = 9;
const EXPLICIT_FILTER: u8 = 4;
const COPY_FILTER: u8 = 0;
const PALETTE_FILTER: u8 = 1;
const GRADIENT_FILTER: u8 = 2;
/// Data shorter than this comes uncompressed.
const MIN_TO_COMPRESS: usize = 12;

/// Tight's decoder: four zlib streams that live as long as the connection.
pub(super) struct Tight {
    streams: [Decompress; 4],
}

impl Default for Tight {
    fn default() -> Self {
        Self {
            streams: std::array::from_fn(|_| Decompress::new(true)),
        }
    }
}

/// How a basic rectangle's pixels are packed.
enum Filter {
    Copy,
    Palette(Vec<[u8; 4]>),
    Gradient,
}

impl Tight {
    /// Reads a Tight rectangle (checked against the framebuffer).
    pub fn decode(&mut self, r: &mut Reader, rect: Rect, ops: &mut Vec<Op>) -> Step<()> {
        let control = r.u8()?;
        let kind = control >> 4;
        // Read everything before touching a stream, so a short read leaves no trace.
        let op = match kind {
            FILL => Op::Fill {
                rect,
                rgba: tpixel(r)?,
            },
            JPEG => Op::Jpeg {
                rect,
                bytes: compressed(r)?.to_vec(),
            },
            k if k & FILL != 0 => return bad("unknown Tight compression"),
            _ => {
                let filter = filter(r, kind)?;
                let size = data_size(&filter, rect);
                if size < MIN_TO_COMPRESS {
                    let data = r.take(size)?;
                    self.reset(control);
                    Op::Pixels {
                        rect,
                        rgba: unfilter(&filter, rect, data)?,
                    }
                } else {
                    let input = compressed(r)?;
                    self.reset(control);
                    let data = inflate(&mut self.streams[usize::from(kind & 3)], input, size)?;
                    if data.len() != size {
                        return bad("Tight data shorter than its rectangle");
                    }
                    Op::Pixels {
                        rect,
                        rgba: unfilter(&filter, rect, &data)?,
                    }
                }
            }
        };
        if matches!(kind, FILL | JPEG) {
            self.reset(control);
        }
        ops.push(op);
        Ok(())
    }

    /// The low four bits of the control byte reset streams 0 to 3.
    fn reset(&mut self, control: u8) {
        for (i, stream) in self.streams.iter_mut().enumerate() {
            if control & (1 << i) != 0 {
                stream.reset(true);
            }
        }
    }
}

/// The filter of a basic rectangle, with its palette.
fn filter(r: &mut Reader, kind: u8) -> Step<Filter> {
    let id = if kind & EXPLICIT_FILTER != 0 {
        r.u8()?
    } else {
        COPY_FILTER
    };
    Ok(match id {
        COPY_FILTER => Filter::Copy,
        PALETTE_FILTER => {
            let colours = usize::from(r.u8()?) + 1;
            Filter::Palette((0..colours).map(|_| tpixel(r)).collect::<Step<_>>()?)
        }
        GRADIENT_FILTER => Filter::Gradient,
        _ => return bad("unknown Tight filter"),
    })
}

fn tpixel(r: &mut Reader) -> Step<[u8; 4]> {
    let [red, green, blue] = r.array()?;
    Ok([red, green, blue, 255])
}

/// A compact length (1 to 3 bytes, 7 bits each but the last) and that many bytes.
fn compressed<'a>(r: &mut Reader<'a>) -> Step<&'a [u8]> {
    let mut len = 0;
    for (i, shift) in [0, 7, 14].into_iter().enumerate() {
        let b = r.u8()?;
        let bits = if i == 2 { b } else { b & 0x7f };
        len |= usize::from(bits) << shift;
        if b & 0x80 == 0 {
            break;
        }
    }
    r.take(len)
}

/// Bytes of filtered data a rectangle needs.
fn data_size(filter: &Filter, rect: Rect) -> usize {
    match filter {
        Filter::Palette(colours) if colours.len() <= 2 => {
            usize::from(rect.width).div_ceil(8) * usize::from(rect.height)
        }
        Filter::Palette(_) => rect.area(),
        Filter::Copy | Filter::Gradient => rect.area() * 3,
    }
}

/// Filtered data (exactly [`data_size`] bytes) to RGBA.
fn unfilter(filter: &Filter, rect: Rect, data: &[u8]) -> Step<Vec<u8>> {
    let width = usize::from(rect.width);
    let mut rgba = Vec::with_capacity(rect.area() * 4);
    match filter {
        Filter::Copy => data
            .chunks_exact(3)
            .for_each(|p| rgba.extend([p[0], p[1], p[2], 255])),
        Filter::Palette(colours) if colours.len() <= 2 => {
            for row in data.chunks_exact(width.div_ceil(8)) {
                for x in 0..width {
                    let index = row[x / 8] >> (7 - x % 8) & 1;
                    rgba.extend(colours.get(usize::from(index)).ok_or(bad_index())?);
                }
            }
        }
        Filter::Palette(colours) => {
            for &index in data {
                rgba.extend(colours.get(usize::from(index)).ok_or(bad_index())?);
            }
        }
        Filter::Gradient => {
            // each component is predicted from left + above - above-left, clamped
            let mut above = vec![0u8; width * 3];
            for row in data.chunks_exact(width * 3) {
                let mut line = vec![0u8; width * 3];
                for i in 0..width * 3 {
                    let left = if i >= 3 { i32::from(line[i - 3]) } else { 0 };
                    let corner = if i >= 3 { i32::from(above[i - 3]) } else { 0 };
                    let predicted = (left + i32::from(above[i]) - corner).clamp(0, 255) as u8;
                    line[i] = row[i].wrapping_add(predicted);
                }
                line.chunks_exact(3)
                    .for_each(|p| rgba.extend([p[0], p[1], p[2], 255]));
                above = line;
            }
        }
    }
    Ok(rgba)
}

fn bad_index() -> super::reader::Stop {
    super::reader::Stop::Bad(super::Error::Protocol("Tight palette index out of range"))
}

#[cfg(test)]
mod tests;
