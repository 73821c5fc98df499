use super::super::testing::{
    HEIGHT, WIDTH, feed_update, handshake, ready_client, rect_header, update,
};
use super::*;

#[test]
fn handshake_then_asks_for_our_format_our_encodings_and_the_whole_screen() {
    let mut client = Client::new(None, Limits::default());
    let ops = client.feed(&handshake()).unwrap();
    assert_eq!(
        ops,
        [
            Op::Resize {
                width: WIDTH,
                height: HEIGHT
            },
            Op::DesktopName("demo".into())
        ]
    );
    assert!(client.is_ready());
    let out = client.take_output();
    assert_eq!(&out[..14], b"RFB 003.008\n\x01\x01"); // version, None, shared
    assert_eq!(&out[14..18], [0, 0, 0, 0]); // SetPixelFormat
    let encodings_at = 14 + 20;
    assert_eq!(out[encodings_at], 2);
    let count = usize::from(u16::from_be_bytes([
        out[encodings_at + 2],
        out[encodings_at + 3],
    ]));
    let request = &out[encodings_at + 4 + 4 * count..];
    assert_eq!(request, [3, 0, 0, 0, 0, 0, 0, 100, 0, 48]);
}

#[test]
fn a_handshake_split_anywhere_gives_the_same() {
    let bytes = handshake();
    for split in 0..bytes.len() {
        let mut client = Client::new(None, Limits::default());
        let mut ops = client.feed(&bytes[..split]).unwrap();
        ops.extend(client.feed(&bytes[split..]).unwrap());
        assert_eq!(ops.len(), 2, "split at {split}");
    }
}

#[test]
fn answers_each_update_with_an_incremental_request_and_counts_it() {
    let mut client = ready_client();
    client.feed(&update(&[])).unwrap();
    assert_eq!(client.take_output(), [3, 1, 0, 0, 0, 0, 0, 100, 0, 48]);
    // a second update cut short is not counted until it ends
    let second = update(&[rect_header(0, 0, 1, 1, 0)]);
    client.feed(&second).unwrap();
    assert_eq!(client.updates(), 1);
    client.feed(&[1, 2, 3, 4]).unwrap();
    assert_eq!(client.updates(), 2);
}

#[test]
fn hands_out_bell_and_cut_text_and_skips_colour_maps() {
    let mut bytes = vec![2, 1, 0, 0, 0, 0, 1, 1, 2, 3, 4, 5, 6];
    bytes.extend_from_slice(&[3, 0, 0, 0, 0, 0, 0, 2, b'h', 0xe9]);
    assert_eq!(
        ready_client().feed(&bytes),
        Ok(vec![Op::Bell, Op::CutText("hé".into())])
    );
}

#[test]
fn refuses_long_cut_text_and_unknown_messages_before_waiting_for_them() {
    let mut client = Client::new(
        None,
        Limits {
            max_cut_text: 4,
            ..Limits::default()
        },
    );
    client.feed(&handshake()).unwrap();
    assert!(client.feed(&[3, 0, 0, 0, 0, 0, 0, 5]).is_err());
    assert!(ready_client().feed(&[0xfe]).is_err());
}

#[test]
fn sends_scancodes_once_the_server_takes_qemu_key_events() {
    let mut client = ready_client();
    client.key(0x61, Some(0x1e), true);
    assert_eq!(client.take_output(), [4, 1, 0, 0, 0, 0, 0, 0x61]);
    client
        .feed(&update(&[rect_header(0, 0, 0, 0, -258)]))
        .unwrap();
    client.take_output();
    client.key(0x61, Some(0x1e), false);
    assert_eq!(
        client.take_output(),
        [255, 0, 0, 0, 0, 0, 0, 0x61, 0, 0, 0, 0x1e]
    );
    client.pointer(1, 2, 1);
    client.cut_text("x");
    assert_eq!(
        client.take_output(),
        [5, 1, 0, 1, 0, 2, 6, 0, 0, 0, 0, 0, 0, 1, b'x']
    );
}

#[test]
fn sends_no_input_before_the_handshake_ends() {
    let mut client = Client::new(None, Limits::default());
    client.key(0x61, None, true);
    client.pointer(0, 0, 0);
    client.refresh();
    assert!(client.take_output().is_empty());
}

#[test]
fn resizes_within_limits_and_checks_later_rects_against_the_new_size() {
    let grow = rect_header(0, 0, 200, 100, -223);
    let wide = [rect_header(150, 0, 1, 1, 1), vec![0, 0, 0, 0]].concat();
    let ops = feed_update(&[grow, wide]).unwrap();
    assert_eq!(
        ops[0],
        Op::Resize {
            width: 200,
            height: 100
        }
    );
    assert_eq!(ready_client().size(), (WIDTH, HEIGHT));
    assert!(feed_update(&[rect_header(0, 0, 9000, 10, -223)]).is_err());
    assert!(feed_update(&[rect_header(0, 0, 0, 10, -223)]).is_err());
}

#[test]
fn extended_desktop_size_resizes_unless_it_reports_a_failure() {
    let screen = [0u8; 16];
    let ok = [
        rect_header(0, 0, 80, 40, -308),
        vec![1, 0, 0, 0],
        screen.to_vec(),
    ]
    .concat();
    let failed = [
        rect_header(1, 3, 90, 40, -308),
        vec![1, 0, 0, 0],
        screen.to_vec(),
    ]
    .concat();
    assert_eq!(
        feed_update(&[ok, failed]),
        Ok(vec![Op::Resize {
            width: 80,
            height: 40
        }])
    );
}

#[test]
fn reports_leds_and_stops_at_last_rect() {
    let leds = [rect_header(0, 0, 0, 0, -261), vec![0b101]].concat();
    let last = rect_header(0, 0, 0, 0, -224);
    let mut bytes = update(&[leds, last]);
    bytes[3] = 9; // claims more rectangles than come
    bytes.push(2); // a Bell after the update
    let leds = Op::Leds {
        scroll_lock: true,
        num_lock: false,
        caps_lock: true,
    };
    assert_eq!(ready_client().feed(&bytes), Ok(vec![leds, Op::Bell]));
}

#[test]
fn refuses_unknown_encodings() {
    assert!(feed_update(&[rect_header(0, 0, 1, 1, 15)]).is_err());
}
