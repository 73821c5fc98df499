//! Bounded fuzzing (proptest, a fixed number of cases): arbitrary and mutated server streams
//! after a valid handshake never panic or hang, every op stays inside the framebuffer and
//! carries exactly its rectangle's pixels, and splitting the stream changes nothing.

use proptest::prelude::*;

use super::testing::{Deflater, handshake, rect_header, update};
use super::{Client, Error, Limits, Op, Rect};

const MAX_SIDE: u16 = 256;

fn limits() -> Limits {
    Limits {
        max_width: MAX_SIDE,
        max_height: MAX_SIDE,
        max_cut_text: 4096,
    }
}

fn ready() -> Client {
    let mut client = Client::new(None, limits());
    client.feed(&handshake()).expect("handshake");
    client
}

/// A valid session's messages using every encoding, for mutation.
fn session() -> Vec<u8> {
    let mut deflater = Deflater::default();
    let zrle = deflater.chunk(&[1, 9, 9, 9, 128, 1, 2, 3, 239]);
    let tight = Deflater::default().chunk(&[7; 48]);
    let rects = [
        [rect_header(0, 0, 2, 1, 0), vec![1; 8]].concat(),
        [rect_header(0, 0, 4, 4, 1), vec![0, 4, 0, 4]].concat(),
        [
            rect_header(1, 1, 17, 3, 5),
            vec![14, 1, 2, 3, 0, 4, 5, 6, 0, 1, 0x11, 0x11, 0],
        ]
        .concat(),
        [
            rect_header(0, 0, 70, 40, 16),
            (zrle.len() as u32).to_be_bytes().to_vec(),
            zrle,
        ]
        .concat(),
        [rect_header(5, 5, 10, 10, 7), vec![0x80, 1, 2, 3]].concat(),
        [
            rect_header(0, 0, 4, 4, 7),
            vec![0x10, tight.len() as u8],
            tight,
        ]
        .concat(),
        [rect_header(0, 0, 2, 2, 7), vec![0x90, 3, 0xff, 0xd8, 0xff]].concat(),
        [rect_header(1, 1, 2, 2, -239), vec![5; 16], vec![0x80, 0x40]].concat(),
        [rect_header(0, 0, 0, 0, -261), vec![3]].concat(),
        rect_header(0, 0, 0, 0, -258),
        rect_header(0, 0, 90, 40, -223),
    ];
    let mut bytes = update(&rects);
    bytes.extend_from_slice(&[2, 3, 0, 0, 0, 0, 0, 0, 2, b'o', b'k']);
    bytes
}

/// Feeds `bytes` cut at `cuts`; the ops, then the error if any.
fn feed_in_pieces(bytes: &[u8], cuts: &[usize]) -> (Vec<Op>, Option<Error>) {
    let mut client = ready();
    let (mut ops, mut start) = (Vec::new(), 0);
    let mut ends: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    ends.sort_unstable();
    ends.push(bytes.len());
    for end in ends {
        match client.feed(&bytes[start..end]) {
            Ok(more) => ops.extend(more),
            Err(error) => return (ops, Some(error)),
        }
        start = end;
    }
    (ops, None)
}

/// Every op inside the framebuffer of its time, with exactly its rectangle's pixels, and not
/// many more ops than the input could describe.
fn check(ops: &[Op], input_len: usize) {
    let (mut width, mut height) = (100u32, 48u32);
    let inside = |r: &Rect, w: u32, h: u32| {
        u32::from(r.x) + u32::from(r.width) <= w && u32::from(r.y) + u32::from(r.height) <= h
    };
    // the densest case: a zlib byte inflating to ~1000, 4 of them a solid ZRLE tile
    assert!(
        ops.len() <= 300 * input_len + 2,
        "{} ops from {input_len} bytes",
        ops.len()
    );
    for op in ops {
        match op {
            Op::Resize {
                width: w,
                height: h,
            } => {
                assert!(*w <= MAX_SIDE && *h <= MAX_SIDE);
                (width, height) = (u32::from(*w), u32::from(*h));
            }
            Op::Pixels { rect, rgba } => {
                assert!(inside(rect, width, height));
                assert_eq!(rgba.len(), rect.area() * 4);
            }
            Op::Fill { rect, .. } | Op::Jpeg { rect, .. } => assert!(inside(rect, width, height)),
            Op::Copy { rect, src_x, src_y } => {
                assert!(inside(rect, width, height));
                assert!(inside(
                    &Rect {
                        x: *src_x,
                        y: *src_y,
                        ..*rect
                    },
                    width,
                    height
                ));
            }
            Op::Cursor {
                width: w,
                height: h,
                rgba,
                ..
            } => {
                assert_eq!(rgba.len(), usize::from(*w) * usize::from(*h) * 4);
            }
            Op::CutText(text) => assert!(text.chars().count() <= 4096),
            Op::DesktopName(_) | Op::Leds { .. } | Op::Bell => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_streams_are_safe(
        bytes in prop::collection::vec(any::<u8>(), 0..2048),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let (ops, _) = feed_in_pieces(&bytes, &cuts);
        check(&ops, bytes.len());
    }

    #[test]
    fn mutated_sessions_are_safe_and_split_invariant(
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        truncate in any::<usize>(),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let mut bytes = session();
        for (at, value) in edits {
            let len = bytes.len();
            bytes[at % len] = value;
        }
        if truncate % 4 == 0 {
            bytes.truncate(truncate % (bytes.len() + 1));
        }
        let (whole, whole_error) = feed_in_pieces(&bytes, &[]);
        check(&whole, bytes.len());
        let (split, split_error) = feed_in_pieces(&bytes, &cuts);
        prop_assert_eq!(&whole_error, &split_error);
        if whole_error.is_none() {
            prop_assert_eq!(whole, split);
        }
    }
}

#[test]
fn the_unmutated_session_decodes_whole() {
    let (ops, error) = feed_in_pieces(&session(), &[]);
    assert_eq!(error, None);
    assert!(ops.contains(&Op::CutText("ok".into())));
    assert_eq!(ops.len(), 13, "{ops:?}");
}
