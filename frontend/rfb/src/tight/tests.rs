use super::super::testing::{Deflater, feed_update, rect_header};
use super::*;

const RED: [u8; 4] = [255, 0, 0, 255];
const BLUE: [u8; 4] = [0, 0, 255, 255];

fn rect(width: u16, height: u16) -> Rect {
    Rect {
        x: 2,
        y: 3,
        width,
        height,
    }
}

fn header(r: Rect) -> Vec<u8> {
    rect_header(r.x, r.y, r.width, r.height, 7)
}

/// A compact length then the bytes.
fn with_length(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut len = bytes.len();
    loop {
        let low = (len & 0x7f) as u8;
        len >>= 7;
        out.push(if len > 0 { low | 0x80 } else { low });
        if len == 0 {
            break;
        }
    }
    out.extend_from_slice(bytes);
    out
}

#[test]
fn fills_and_hands_jpeg_to_the_browser() {
    let fill = [header(rect(5, 5)), vec![0x80, 255, 0, 0]].concat();
    let jpeg_bytes: Vec<u8> = (0..200u8).collect(); // a two-byte compact length
    let jpeg = [header(rect(1, 1)), vec![0x90], with_length(&jpeg_bytes)].concat();
    assert_eq!(
        feed_update(&[fill, jpeg]),
        Ok(vec![
            Op::Fill {
                rect: rect(5, 5),
                rgba: RED
            },
            Op::Jpeg {
                rect: rect(1, 1),
                bytes: jpeg_bytes
            },
        ])
    );
}

#[test]
fn copies_small_data_raw_and_large_data_through_persistent_streams() {
    let small = [
        header(rect(3, 1)),
        vec![0x00],
        [255, 0, 0, 0, 0, 255, 1, 2, 3].to_vec(),
    ]
    .concat();
    let mut deflater = Deflater::default();
    let pixels: Vec<u8> = [[255, 0, 0]; 8].concat();
    let first = [
        header(rect(4, 2)),
        vec![0x10],
        with_length(&deflater.chunk(&pixels)),
    ]
    .concat();
    // stream 1 again: only decodable with the first chunk's history
    let second = [
        header(rect(4, 2)),
        vec![0x10],
        with_length(&deflater.chunk(&pixels)),
    ]
    .concat();
    let ops = feed_update(&[small, first, second]).unwrap();
    assert_eq!(
        ops[0],
        Op::Pixels {
            rect: rect(3, 1),
            rgba: [RED, BLUE, [1, 2, 3, 255]].concat()
        }
    );
    let red8 = Op::Pixels {
        rect: rect(4, 2),
        rgba: [RED; 8].concat(),
    };
    assert_eq!(&ops[1..], [red8.clone(), red8]);
}

#[test]
fn resets_a_stream_when_told() {
    let pixels: Vec<u8> = [[0, 0, 255]; 8].concat();
    let first = [
        header(rect(4, 2)),
        vec![0x20],
        with_length(&Deflater::default().chunk(&pixels)),
    ];
    // a fresh stream on the server, and the reset bit for stream 2 here
    let second = [
        header(rect(4, 2)),
        vec![0x24],
        with_length(&Deflater::default().chunk(&pixels)),
    ];
    let ops = feed_update(&[first.concat(), second.concat()]).unwrap();
    assert_eq!(ops.len(), 2);
    assert_eq!(
        ops[1],
        Op::Pixels {
            rect: rect(4, 2),
            rgba: [BLUE; 8].concat()
        }
    );
}

#[test]
fn unpacks_palettes_and_the_gradient_filter() {
    // two colours: one bit a pixel, rows padded to a byte
    let two = [
        header(rect(3, 2)),
        vec![0x40, 1, 1, 255, 0, 0, 0, 0, 255, 0b0100_0000, 0b1010_0000],
    ];
    let rgba = [RED, BLUE, RED, BLUE, RED, BLUE].concat();
    assert_eq!(
        feed_update(&[two.concat()]),
        Ok(vec![Op::Pixels {
            rect: rect(3, 2),
            rgba
        }])
    );
    // gradient over 2 × 2: each component predicted from left + above - corner
    let raw = [10, 20, 30, 5, 5, 5, 1, 1, 1, 2, 2, 2];
    let gradient = [
        header(rect(2, 2)),
        vec![0x40, 2],
        with_length(&Deflater::default().chunk(&raw)),
    ];
    let rgba = [
        [10, 20, 30, 255],
        [15, 25, 35, 255],
        [11, 21, 31, 255],
        [18, 28, 38, 255],
    ]
    .concat();
    assert_eq!(
        feed_update(&[gradient.concat()]),
        Ok(vec![Op::Pixels {
            rect: rect(2, 2),
            rgba
        }])
    );
}

#[test]
fn refuses_bad_indices_filters_and_oversized_data() {
    let index = [
        header(rect(2, 1)),
        vec![0x40, 1, 2, 255, 0, 0, 0, 0, 255, 0, 0, 0, 5, 0],
    ];
    assert!(feed_update(&[index.concat()]).is_err());
    let filter = [header(rect(1, 1)), vec![0x40, 7]];
    assert!(feed_update(&[filter.concat()]).is_err());
    let png = [header(rect(1, 1)), vec![0xa0]];
    assert!(feed_update(&[png.concat()]).is_err());
    let too_much = Deflater::default().chunk(&[0; 100]);
    let oversized = [header(rect(4, 1)), vec![0x00], with_length(&too_much)];
    assert!(feed_update(&[oversized.concat()]).is_err());
}
