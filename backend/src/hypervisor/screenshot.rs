//! A running VM's screen, through libvirt's screenshot call (a stream of PNG, or PPM from
//! some drivers), scaled down on the server to the width asked for and sent as PNG.

use std::io::Cursor;

use virt::{domain::DomainState, enumutil::Enum, stream::Stream};

use super::{ActionError, Pool};

impl Pool {
    /// The VM's screen as PNG, `width` pixels wide at most (aspect kept).
    pub async fn screenshot(&self, uuid: &str, width: u32) -> Result<Vec<u8>, ActionError> {
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
                    data.extend_from_slice(&chunk[..n as usize]);
                }
                stream.finish()?;
                Ok(Some((mime, data)))
            })
            .await?;
        let (mime, data) = grabbed.ok_or(ActionError::InvalidState)?;
        let image = decode(&mime, &data).ok_or_else(|| {
            ActionError::Host(super::HostError::Unreachable(format!(
                "unreadable {mime} screenshot"
            )))
        })?;
        Ok(encode_png(&image.scaled_to(width)))
    }
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

/// Reads a PNG (any colour type) or a binary PPM into RGB.
pub fn decode(mime: &str, data: &[u8]) -> Option<Rgb> {
    if mime.contains("png") || data.starts_with(b"\x89PNG") {
        decode_png(data)
    } else {
        decode_ppm(data)
    }
}

fn decode_png(data: &[u8]) -> Option<Rgb> {
    let mut decoder = png::Decoder::new(Cursor::new(data));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().ok()?;
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).ok()?;
    let channels = info.color_type.samples();
    let pixels = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .flat_map(|p| match channels {
            1 | 2 => [p[0], p[0], p[0]],
            _ => [p[0], p[1], p[2]],
        })
        .collect();
    Some(Rgb {
        width: info.width,
        height: info.height,
        pixels,
    })
}

/// `P6 <width> <height> 255 <RGB bytes>`.
fn decode_ppm(data: &[u8]) -> Option<Rgb> {
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
    let pixels = data
        .get(at + 1..at + 1 + (width * height * 3) as usize)?
        .to_vec();
    Some(Rgb {
        width,
        height,
        pixels,
    })
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
                if (i % width + i / width) % 2 == 0 {
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

    #[test]
    fn ppm_reads_too() {
        let mut ppm = b"P6\n2 1\n255\n".to_vec();
        ppm.extend([1, 2, 3, 4, 5, 6]);
        let image = decode("image/x-portable-pixmap", &ppm).unwrap();
        assert_eq!(
            (image.width, image.height, image.pixels),
            (2, 1, vec![1, 2, 3, 4, 5, 6])
        );
        assert!(decode("image/x-portable-pixmap", b"P6 2").is_none());
    }
}
