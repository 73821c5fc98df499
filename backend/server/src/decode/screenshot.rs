//! A VM's screen as its host sent it (PNG, or PPM from some drivers), decoded with `image`
//! within limits, scaled down to the width asked for and sent as PNG. The declared size is
//! read from the header and checked against `MAX_SIDE` and `MAX_PIXELS` before any pixel is
//! allocated; the decoder's own allocation limit stands behind that check.

use std::io::Cursor;

use hypervisor::screenshot::{Grab, Unreadable};
use image::{ImageError, ImageFormat, ImageReader, Limits, RgbImage, imageops};

/// The widest and tallest screen shown, in pixels.
pub const MAX_SIDE: u32 = 16384;
/// The most pixels a screen shown may have (16 Mi: 5120 × 3200 fits).
pub const MAX_PIXELS: u64 = 16 << 20;
/// The most one decoded screen may take: `MAX_PIXELS` at 8 bytes a pixel (16-bit RGBA, the
/// widest a PNG holds). With the RGB copy, one screenshot takes at most 176 MiB.
const MAX_DECODED_BYTES: u64 = MAX_PIXELS * 8;

/// The grab decoded within the limits, scaled to `width` at most, as PNG. CPU-heavy: run it
/// on the decode gate.
pub fn render(grab: &Grab, width: u32) -> Result<Vec<u8>, Unreadable> {
    let image = decode(&grab.mime, &grab.data)?;
    Ok(encode_png(&scaled_to(&image, width)))
}

/// Reads a PNG (any colour type and depth) or a PPM into 8-bit RGB, within the limits.
pub fn decode(mime: &str, data: &[u8]) -> Result<RgbImage, Unreadable> {
    let format = if mime.contains("png") || data.starts_with(b"\x89PNG") {
        ImageFormat::Png
    } else {
        ImageFormat::Pnm
    };
    let reader = || ImageReader::with_format(Cursor::new(data), format);
    let (width, height) = reader()
        .into_dimensions()
        .map_err(|_| Unreadable::Damaged)?;
    check_size(width, height)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut decoder = reader();
    decoder.limits(limits);
    let image = decoder.decode().map_err(|err| match err {
        ImageError::Limits(_) => Unreadable::TooLarge(width, height),
        _ => Unreadable::Damaged,
    })?;
    Ok(image.into_rgb8())
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

/// At most `width` wide, aspect kept; each pixel the mean of the source pixels it stands for.
/// Never scaled up.
pub fn scaled_to(image: &RgbImage, width: u32) -> RgbImage {
    if width == 0 || width >= image.width() {
        return image.clone();
    }
    let height = (u64::from(image.height()) * u64::from(width) / u64::from(image.width())).max(1);
    imageops::thumbnail(image, width, height as u32)
}

pub fn encode_png(image: &RgbImage) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, ImageFormat::Png)
        .expect("PNG to memory");
    out.into_inner()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checker(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| {
            if (x + y).is_multiple_of(2) {
                image::Rgb([255; 3])
            } else {
                image::Rgb([0; 3])
            }
        })
    }

    #[test]
    fn png_round_trips_and_scales_by_averaging() {
        let image = checker(8, 4);
        let back = decode("image/png", &encode_png(&image)).unwrap();
        assert_eq!(back, image);
        let half = scaled_to(&image, 4);
        assert_eq!(half.dimensions(), (4, 2));
        assert!(
            half.as_raw().iter().all(|&v| (127..=128).contains(&v)),
            "each pixel the mean of two white and two black: {:?}",
            half.as_raw()
        );
        assert_eq!(scaled_to(&image, 100), image, "never scaled up");
    }

    /// A valid 1 × 1 PNG whose header then says `width` × `height`.
    fn huge_png_header(width: u32, height: u32) -> Vec<u8> {
        super::super::bombs::claiming(encode_png(&checker(1, 1)), width, height)
    }

    #[test]
    fn ppm_reads_too() {
        let mut ppm = b"P6\n2 1\n255\n".to_vec();
        ppm.extend([1, 2, 3, 4, 5, 6]);
        let image = decode("image/x-portable-pixmap", &ppm).unwrap();
        assert_eq!(image.dimensions(), (2, 1));
        assert_eq!(image.as_raw(), &[1, 2, 3, 4, 5, 6]);
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
