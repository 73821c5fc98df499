//! Turning an uploaded file into a wallpaper: its type told by its content (never its name),
//! decoded within limits (a small file cannot unpack into gigabytes), re-encoded as JPEG, which
//! also drops whatever metadata the upload carried.

use std::io::Cursor;

use image::{
    DynamicImage, ImageError, ImageFormat, ImageReader, Limits, codecs::jpeg::JpegEncoder,
};
use shared::wallpaper::{MAX_PIXELS, MAX_SIDE};

/// JPEG quality of the stored wallpaper.
const QUALITY: u8 = 85;
/// The most memory a decoder may allocate: `MAX_PIXELS` of 16-bit RGBA. With the RGB copy
/// and the JPEG, one upload's work takes at most about 200 MB.
const MAX_ALLOC: u64 = MAX_PIXELS * 8;

/// Why an upload is not taken as a wallpaper.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    #[error("a wallpaper is at most {MAX_SIDE} pixels a side and 5120 × 3200 pixels in all")]
    TooLarge,
    #[error("a wallpaper must be a PNG, JPEG, GIF or WebP image")]
    UnsupportedType,
    #[error("the file is not a readable image (damaged or cut short?)")]
    Undecodable,
}

/// The upload re-encoded as JPEG. CPU-heavy: call it off the async runtime.
pub fn reencode(upload: &[u8]) -> Result<Vec<u8>, Rejected> {
    let format = image::guess_format(upload).map_err(|_| Rejected::UnsupportedType)?;
    if !matches!(
        format,
        ImageFormat::Png | ImageFormat::Jpeg | ImageFormat::Gif | ImageFormat::WebP
    ) {
        return Err(Rejected::UnsupportedType);
    }
    let reader = ImageReader::with_format(Cursor::new(upload), format);
    // The declared size, read from the header alone, before any pixel is allocated.
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = image::ImageDecoder::dimensions(&decoder);
    if width > MAX_SIDE || height > MAX_SIDE || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Rejected::TooLarge);
    }
    image::ImageDecoder::set_limits(&mut decoder, limits()).map_err(classify)?;
    let image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    // JPEG has no alpha channel.
    let rgb = DynamicImage::ImageRgb8(image.to_rgb8());
    drop(image);
    let mut jpeg = Vec::new();
    rgb.write_with_encoder(JpegEncoder::new_with_quality(&mut jpeg, QUALITY))
        .expect("an RGB8 image within the limits encodes as JPEG into memory");
    Ok(jpeg)
}

fn classify(err: ImageError) -> Rejected {
    match err {
        ImageError::Limits(_) => Rejected::TooLarge,
        _ => Rejected::Undecodable,
    }
}

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

#[cfg(test)]
mod tests {
    use image::{ImageEncoder, RgbaImage, codecs::png::PngEncoder};

    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        RgbaImage::new(width, height)
            .write_with_encoder(PngEncoder::new(&mut out))
            .unwrap();
        out
    }

    #[test]
    fn a_png_becomes_a_jpeg_of_the_same_size() {
        let jpeg = reencode(&png(40, 30)).unwrap();
        let back = image::load_from_memory_with_format(&jpeg, ImageFormat::Jpeg).unwrap();
        assert_eq!((back.width(), back.height()), (40, 30));
    }

    #[test]
    fn the_type_is_told_by_the_content() {
        assert_eq!(reencode(b"hello, world"), Err(Rejected::UnsupportedType));
        assert_eq!(reencode(b"BM\0\0\0\0\0\0"), Err(Rejected::UnsupportedType));
        let whole = png(8, 8);
        assert_eq!(
            reencode(&whole[..whole.len() / 2]),
            Err(Rejected::Undecodable)
        );
    }

    #[test]
    fn more_pixels_than_a_5k_screen_are_refused_though_each_side_fits() {
        assert_eq!(reencode(&png(5121, 3200)), Err(Rejected::TooLarge));
        assert!(reencode(&png(8192, 16)).is_ok());
    }

    #[test]
    fn a_huge_image_in_a_small_file_is_refused_before_decoding() {
        // A PNG header that claims 100,000 × 100,000 pixels: a decompression bomb's shape.
        let mut header = Vec::new();
        PngEncoder::new(&mut header)
            .write_image(&[0; 4], 1, 1, image::ExtendedColorType::Rgba8)
            .unwrap();
        let header = crate::decode::bombs::claiming(header, 100_000, 100_000);
        assert_eq!(reencode(&header), Err(Rejected::TooLarge));
    }
}
