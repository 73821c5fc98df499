//! A running VM's screen, through libvirt's screenshot call (a stream of PNG, or PPM from
//! some drivers), scaled down on the server to the width asked for and sent as PNG. What a
//! host sends is bounded before it is believed: the stream by `MAX_STREAM_BYTES`, the
//! declared screen by `MAX_SIDE` and `MAX_PIXELS`, checked before any pixel is allocated.

use std::io::Cursor;

use virt::{domain::DomainState, enumutil::Enum, stream::Stream};

use super::{ActionError, Pool};

/// The most bytes one screenshot stream may carry (a PPM of `MAX_PIXELS` is 48 MiB).
pub const MAX_STREAM_BYTES: usize = 64 << 20;
/// The widest and tallest screen shown, in pixels.
pub const MAX_SIDE: u32 = 16384;
/// The most pixels a screen shown may have (16 Mi: 5120 × 3200 fits). With the PNG's
/// RGBA buffer and the RGB copy, one screenshot's decoding takes at most about 112 MiB.
pub const MAX_PIXELS: u64 = 16 << 20;

/// Why a host's screenshot is not shown.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("the host sent more than {} MiB", MAX_STREAM_BYTES >> 20)]
    TooManyBytes,
    #[error("the host says the screen is {0} × {1} pixels, more than is shown")]
    TooLarge(u32, u32),
    #[error("the host sent a damaged image")]
    Damaged,
}

/// A screenshot as the host sent it.
pub struct Grab {
    /// Its MIME type, as the host names it.
    pub mime: String,
    /// At most `MAX_STREAM_BYTES`.
    pub data: Vec<u8>,
}

impl Pool {
    /// The VM's screen as its host sends it, at most `MAX_STREAM_BYTES` (more is
    /// `Unreadable::TooManyBytes`, the stream aborted).
    pub async fn screenshot(&self, uuid: &str) -> Result<Result<Grab, Unreadable>, ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let grabbed = host
            .call(move |_, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                if !matches!(
                    dom.state()?.0,
                    Enum::Known(DomainState::Running | DomainState::Paused)
                ) {
                    return Ok(None);
                }
                let stream = Stream::new(conn, 0)?;
                let mime = dom.screenshot(&stream, 0, 0)?;
                let mut data = Vec::new();
                let mut chunk = vec![0u8; 64 * 1024];
                loop {
                    let n = stream.recv(&mut chunk)?;
                    if n <= 0 {
                        break;
                    }
                    if data.len() + n as usize > MAX_STREAM_BYTES {
                        let _ = stream.abort();
                        return Ok(Some(Err(Unreadable::TooManyBytes)));
                    }
                    data.extend_from_slice(&chunk[..n as usize]);
                }
                stream.finish()?;
                Ok(Some(Ok(Grab { mime, data })))
            })
            .await?;
        grabbed.ok_or(ActionError::InvalidState)
    }
}

/// The grab decoded within the limits, scaled to `width` at most, as PNG. CPU-heavy: run it
/// on the decode gate.
pub fn render(grab: &Grab, width: u32) -> Result<Vec<u8>, Unreadable> {
    let image = decode(&grab.mime, &grab.data)?;
    Ok(encode_png(&image.scaled_to(width)))
}

/// An RGB image, row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct Rgb {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

impl Rgb {
    /// At most `width` wide, aspect kept; each pixel the mean of the block it stands for.
    pub fn scaled_to(&self, width: u32) -> Rgb {
        if width == 0 || width >= self.width {
            return self.clone();
        }
        let height = ((self.height as u64 * width as u64) / self.width as u64).max(1) as u32;
        let mut pixels = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            let (y0, y1) = span(y, height, self.height);
            for x in 0..width {
                let (x0, x1) = span(x, width, self.width);
                let mut sum = [0u64; 3];
                for sy in y0..y1 {
                    for sx in x0..x1 {
                        let i = ((sy * self.width + sx) * 3) as usize;
                        for (total, &v) in sum.iter_mut().zip(&self.pixels[i..i + 3]) {
                            *total += v as u64;
                        }
                    }
                }
                let n = ((y1 - y0) * (x1 - x0)) as u64;
                pixels.extend(sum.iter().map(|s| (s / n) as u8));
            }
        }
        Rgb {
            width,
            height,
            pixels,
        }
    }
}

/// The source rows (or columns) that destination row `i` of `n` covers out of `total`.
fn span(i: u32, n: u32, total: u32) -> (u32, u32) {
    let start = (i as u64 * total as u64 / n as u64) as u32;
    let end = (((i + 1) as u64 * total as u64) / n as u64) as u32;
    (start, end.max(start + 1).min(total))
}

/// Reads a PNG (any colour type) or a binary PPM into RGB, within the limits.
pub fn decode(mime: &str, data: &[u8]) -> Result<Rgb, Unreadable> {
    if mime.contains("png") || data.starts_with(b"\x89PNG") {
        decode_png(data)
    } else {
        decode_ppm(data)
    }
}

/// Refuses a declared size over the limits.
fn check_size(width: u32, height: u32) -> Result<(), Unreadable> {
    if width == 0 || height == 0 {
        return Err(Unreadable::Damaged);
    }
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Unreadable::TooLarge(width, height));
    }
    Ok(())
}

fn decode_png(data: &[u8]) -> Result<Rgb, Unreadable> {
    let damaged = |_| Unreadable::Damaged;
    let mut decoder = png::Decoder::new_with_limits(
        Cursor::new(data),
        png::Limits {
            bytes: (MAX_PIXELS * 4) as usize,
        },
    );
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().map_err(|err| match err {
        png::DecodingError::LimitsExceeded => Unreadable::TooLarge(0, 0),
        _ => Unreadable::Damaged,
    })?;
    let (width, height) = (reader.info().width, reader.info().height);
    check_size(width, height)?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).map_err(damaged)?;
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .flat_map(|p| match channels {
            1 | 2 => [p[0], p[0], p[0]],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    Ok(Rgb {
        width: info.width,
        height: info.height,
        pixels,
    })
}

/// `P6 <width> <height> 255 <RGB bytes>`.
fn decode_ppm(data: &[u8]) -> Result<Rgb, Unreadable> {
    let (width, height, pixels) = read_ppm(data).ok_or(Unreadable::Damaged)?;
    check_size(width, height)?;
    let len = (u64::from(width) * u64::from(height) * 3) as usize;
    let pixels = data.get(pixels..pixels + len).ok_or(Unreadable::Damaged)?;
    Ok(Rgb {
        width,
        height,
        pixels: pixels.to_vec(),
    })
}

/// A PPM's width, height and where its pixels start.
fn read_ppm(data: &[u8]) -> Option<(u32, u32, usize)> {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data.get(at)?.is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !data.get(at)?.is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&data[start..at]).ok()?);
    }
    let (width, height): (u32, u32) = (fields[1].parse().ok()?, fields[2].parse().ok()?);
    if fields[0] != "P6" || fields[3] != "255" {
        return None;
    }
    Some((width, height, at + 1))
}

pub fn encode_png(image: &Rgb) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, image.width, image.height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().expect("PNG header to memory");
    writer
        .write_image_data(&image.pixels)
        .expect("PNG data to memory");
    drop(writer);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker(width: u32, height: u32) -> Rgb {
        let pixels = (0..width * height)
            .flat_map(|i| {
                if (i % width + i / width).is_multiple_of(2) {
                    [255; 3]
                } else {
                    [0; 3]
                }
            })
            .collect();
        Rgb {
            width,
            height,
            pixels,
        }
    }

    #[test]
    fn png_round_trips_and_scales_by_averaging() {
        let image = checker(8, 4);
        let back = decode("image/png", &encode_png(&image)).unwrap();
        assert_eq!(back, image);
        let half = image.scaled_to(4);
        assert_eq!((half.width, half.height), (4, 2));
        assert!(half.pixels.iter().all(|&v| v == 127), "{:?}", half.pixels);
        assert_eq!(image.scaled_to(100), image, "never scaled up");
    }

    /// A valid 1 × 1 PNG whose header then says `width` × `height`.
    fn huge_png_header(width: u32, height: u32) -> Vec<u8> {
        crate::decode::bombs::claiming(encode_png(&checker(1, 1)), width, height)
    }

    #[test]
    fn ppm_reads_too() {
        let mut ppm = b"P6\n2 1\n255\n".to_vec();
        ppm.extend([1, 2, 3, 4, 5, 6]);
        let image = decode("image/x-portable-pixmap", &ppm).unwrap();
        assert_eq!(
            (image.width, image.height, image.pixels),
            (2, 1, vec![1, 2, 3, 4, 5, 6])
        );
        assert!(decode("image/x-portable-pixmap", b"P6 2").is_err());
    }

    #[test]
    fn huge_declared_screens_are_refused_before_allocating() {
        let ppm = b"P6\n1000000 1000000\n255\n\0\0\0";
        assert_eq!(
            decode("image/x-portable-pixmap", ppm).unwrap_err(),
            Unreadable::TooLarge(1_000_000, 1_000_000)
        );
        assert!(matches!(
            decode("image/png", &huge_png_header(1_000_000, 1_000_000)),
            Err(Unreadable::TooLarge(..))
        ));
        assert_eq!(
            decode("image/png", &huge_png_header(MAX_SIDE + 1, 1)).unwrap_err(),
            Unreadable::TooLarge(MAX_SIDE + 1, 1)
        );
    }
}
