use super::super::testing::{Deflater, feed_update, rect_header};
use super::*;

const R: [u8; 3] = [255, 0, 0];
const B: [u8; 3] = [0, 0, 255];
const RED: [u8; 4] = [255, 0, 0, 255];
const BLUE: [u8; 4] = [0, 0, 255, 255];

fn zrle_rect(deflater: &mut Deflater, rect: Rect, tiles: &[u8]) -> Vec<u8> {
    let mut body = rect_header(rect.x, rect.y, rect.width, rect.height, 16);
    let compressed = deflater.chunk(tiles);
    body.extend_from_slice(&u32::try_from(compressed.len()).unwrap().to_be_bytes());
    body.extend_from_slice(&compressed);
    body
}

fn one_rect(rect: Rect, tiles: &[u8]) -> Result<Vec<Op>, super::super::Error> {
    feed_update(&[zrle_rect(&mut Deflater::default(), rect, tiles)])
}

fn rect(x: u16, y: u16, width: u16, height: u16) -> Rect {
    Rect {
        x,
        y,
        width,
        height,
    }
}

#[test]
fn splits_into_tiles_solid_and_raw_over_one_stream() {
    let mut deflater = Deflater::default();
    let mut tiles = vec![1];
    tiles.extend(R);
    tiles.push(0);
    tiles.extend([B, B, R, R].concat());
    let first = zrle_rect(&mut deflater, rect(0, 0, 66, 2), &tiles);
    // the second rectangle's data continues the same zlib stream
    let second = zrle_rect(
        &mut deflater,
        rect(0, 10, 1, 1),
        &[[1].as_slice(), &B].concat(),
    );
    let ops = feed_update(&[first, second]).unwrap();
    let raw = [BLUE, BLUE, RED, RED].concat();
    assert_eq!(
        ops,
        [
            Op::Fill {
                rect: rect(0, 0, 64, 2),
                rgba: RED
            },
            Op::Pixels {
                rect: rect(64, 0, 2, 2),
                rgba: raw
            },
            Op::Fill {
                rect: rect(0, 10, 1, 1),
                rgba: BLUE
            },
        ]
    );
}

#[test]
fn unpacks_packed_palettes() {
    let tiles = [[2].as_slice(), &R, &B, &[0b1010_0000, 0b0100_0000]].concat();
    let rgba = [BLUE, RED, BLUE, RED, BLUE, RED].concat();
    assert_eq!(
        one_rect(rect(0, 0, 3, 2), &tiles),
        Ok(vec![Op::Pixels {
            rect: rect(0, 0, 3, 2),
            rgba
        }])
    );
    // 3 colours: 2 bits an index
    let tiles = [[3].as_slice(), &R, &B, &[0, 0, 0], &[0b0001_1000]].concat();
    let rgba = [RED, BLUE, [0, 0, 0, 255], RED].concat();
    assert_eq!(
        one_rect(rect(0, 0, 4, 1), &tiles),
        Ok(vec![Op::Pixels {
            rect: rect(0, 0, 4, 1),
            rgba
        }])
    );
}

#[test]
fn expands_plain_and_palette_runs() {
    let plain = [[128].as_slice(), &R, &[2], &B, &[0]].concat();
    let rgba = [RED, RED, RED, BLUE].concat();
    let expected = Ok(vec![Op::Pixels {
        rect: rect(0, 0, 4, 1),
        rgba,
    }]);
    assert_eq!(one_rect(rect(0, 0, 4, 1), &plain), expected);
    let palette = [[130].as_slice(), &R, &B, &[0x80, 2, 1]].concat();
    assert_eq!(one_rect(rect(0, 0, 4, 1), &palette), expected);
    // a long run: 255 + 255 + 1 + 1 = 512 pixels of a 64 × 8 tile
    let long = [[128].as_slice(), &B, &[255, 255, 1]].concat();
    let ops = one_rect(rect(0, 0, 64, 8), &long).unwrap();
    assert!(matches!(&ops[..], [Op::Pixels { rgba, .. }] if rgba.chunks(4).all(|p| p == BLUE)));
}

#[test]
fn refuses_overlong_runs_bad_indices_and_short_data() {
    let overlong = [[128].as_slice(), &R, &[4]].concat();
    assert!(one_rect(rect(0, 0, 4, 1), &overlong).is_err());
    let bad_index = [[130].as_slice(), &R, &B, &[5]].concat();
    assert!(one_rect(rect(0, 0, 4, 1), &bad_index).is_err());
    let short = [[0].as_slice(), &R].concat();
    assert!(one_rect(rect(0, 0, 4, 1), &short).is_err());
    assert!(one_rect(rect(0, 0, 1, 1), &[17]).is_err());
}

#[test]
fn a_length_no_rectangle_needs_is_refused_before_its_bytes_arrive() {
    let mut body = rect_header(0, 0, 1, 1, 16);
    body.extend_from_slice(&u32::MAX.to_be_bytes());
    assert!(feed_update(&[body]).is_err());
}
