//! What a key pressed in the terminal sends to the guest's serial console, as an xterm does.

/// The bytes for a key (`KeyboardEvent.key`) with Ctrl or Alt held; `None` for keys that send
/// nothing (a lone modifier) or that the browser keeps (Ctrl+V pastes).
pub fn key_bytes(key: &str, ctrl: bool, alt: bool) -> Option<Vec<u8>> {
    let special: Option<&[u8]> = match key {
        "Enter" => Some(b"\r"),
        "Backspace" => Some(b"\x7f"),
        "Tab" => Some(b"\t"),
        "Escape" => Some(b"\x1b"),
        "ArrowUp" => Some(b"\x1b[A"),
        "ArrowDown" => Some(b"\x1b[B"),
        "ArrowRight" => Some(b"\x1b[C"),
        "ArrowLeft" => Some(b"\x1b[D"),
        "Home" => Some(b"\x1b[H"),
        "End" => Some(b"\x1b[F"),
        "Delete" => Some(b"\x1b[3~"),
        "PageUp" => Some(b"\x1b[5~"),
        "PageDown" => Some(b"\x1b[6~"),
        _ => None,
    };
    if let Some(bytes) = special {
        return Some(bytes.to_vec());
    }
    let mut chars = key.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else {
        return None;
    };
    let mut bytes = Vec::new();
    if alt {
        bytes.push(0x1b);
    }
    if ctrl {
        match c.to_ascii_lowercase() {
            // The browser's paste.
            'v' => return None,
            c @ 'a'..='z' => bytes.push(c as u8 - b'a' + 1),
            '[' => bytes.push(0x1b),
            '\\' => bytes.push(0x1c),
            ']' => bytes.push(0x1d),
            _ => return None,
        }
    } else {
        let mut utf8 = [0; 4];
        bytes.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
    }
    Some(bytes)
}

/// Pasted text as typed: line ends become Enter.
pub fn paste_bytes(text: &str) -> Vec<u8> {
    text.replace("\r\n", "\r").replace('\n', "\r").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_send_what_an_xterm_sends() {
        assert_eq!(key_bytes("a", false, false).unwrap(), b"a");
        assert_eq!(key_bytes("é", false, false).unwrap(), "é".as_bytes());
        assert_eq!(key_bytes("Enter", false, false).unwrap(), b"\r");
        assert_eq!(key_bytes("c", true, false).unwrap(), b"\x03");
        assert_eq!(key_bytes("x", false, true).unwrap(), b"\x1bx");
        assert_eq!(key_bytes("ArrowUp", false, false).unwrap(), b"\x1b[A");
        assert_eq!(key_bytes("Shift", false, false), None);
        assert_eq!(
            key_bytes("v", true, false),
            None,
            "Ctrl+V is the browser's paste"
        );
        assert_eq!(paste_bytes("ls\necho hi\r\n"), b"ls\recho hi\r");
    }
}
