//! Keys for the VNC console: each key's X11 keysym (what VNC servers expect) and its XT
//! scancode (what QEMU's extended key events carry, so the guest's own layout decides the
//! character and any browser layout works).

/// The keysym of a key (`KeyboardEvent.key`), or `None` for keys VNC has no name for (a dead
/// key, say: sent by its scancode alone, see `VOID`).
pub fn keysym(key: &str) -> Option<u32> {
    let named = match key {
        "Backspace" => 0xff08,
        "Tab" => 0xff09,
        "Enter" => 0xff0d,
        "Escape" => 0xff1b,
        "Delete" => 0xffff,
        "Home" => 0xff50,
        "ArrowLeft" => 0xff51,
        "ArrowUp" => 0xff52,
        "ArrowRight" => 0xff53,
        "ArrowDown" => 0xff54,
        "PageUp" => 0xff55,
        "PageDown" => 0xff56,
        "End" => 0xff57,
        "Insert" => 0xff63,
        "Shift" => 0xffe1,
        "Control" => 0xffe3,
        "Alt" => 0xffe9,
        "Meta" => 0xffeb,
        "ContextMenu" => 0xff67,
        "AltGraph" => 0xfe03,
        "NumLock" => 0xff7f,
        "ScrollLock" => 0xff14,
        "Pause" => 0xff13,
        "PrintScreen" => 0xff61,
        "CapsLock" => 0xffe5,
        "F1" => 0xffbe,
        "F2" => 0xffbf,
        "F3" => 0xffc0,
        "F4" => 0xffc1,
        "F5" => 0xffc2,
        "F6" => 0xffc3,
        "F7" => 0xffc4,
        "F8" => 0xffc5,
        "F9" => 0xffc6,
        "F10" => 0xffc7,
        "F11" => 0xffc8,
        "F12" => 0xffc9,
        _ => 0,
    };
    if named != 0 {
        return Some(named);
    }
    let mut chars = key.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(char_keysym(c)),
        _ => None,
    }
}

/// The keysym sent with a scancode for a key that has none (X11's VoidSymbol): QEMU goes by
/// the scancode, so the guest's own layout makes of a dead key what it would of its own.
pub const VOID: u32 = 0x00ff_ffff;

/// A character's keysym: Latin-1 as itself, the rest of Unicode offset by 0x0100_0000.
pub fn char_keysym(c: char) -> u32 {
    match u32::from(c) {
        code @ (0x20..=0x7e | 0xa0..=0xff) => code,
        code => 0x0100_0000 + code,
    }
}

/// The XT scancode of a physical key (`KeyboardEvent.code`); extended keys carry 0xe0 in
/// the high byte.
pub fn xt_scancode(code: &str) -> Option<u16> {
    const ROW: &[(&str, u16)] = &[
        ("Escape", 0x01),
        ("Digit1", 0x02),
        ("Digit2", 0x03),
        ("Digit3", 0x04),
        ("Digit4", 0x05),
        ("Digit5", 0x06),
        ("Digit6", 0x07),
        ("Digit7", 0x08),
        ("Digit8", 0x09),
        ("Digit9", 0x0a),
        ("Digit0", 0x0b),
        ("Minus", 0x0c),
        ("Equal", 0x0d),
        ("Backspace", 0x0e),
        ("Tab", 0x0f),
        ("KeyQ", 0x10),
        ("KeyW", 0x11),
        ("KeyE", 0x12),
        ("KeyR", 0x13),
        ("KeyT", 0x14),
        ("KeyY", 0x15),
        ("KeyU", 0x16),
        ("KeyI", 0x17),
        ("KeyO", 0x18),
        ("KeyP", 0x19),
        ("BracketLeft", 0x1a),
        ("BracketRight", 0x1b),
        ("Enter", 0x1c),
        ("ControlLeft", 0x1d),
        ("KeyA", 0x1e),
        ("KeyS", 0x1f),
        ("KeyD", 0x20),
        ("KeyF", 0x21),
        ("KeyG", 0x22),
        ("KeyH", 0x23),
        ("KeyJ", 0x24),
        ("KeyK", 0x25),
        ("KeyL", 0x26),
        ("Semicolon", 0x27),
        ("Quote", 0x28),
        ("Backquote", 0x29),
        ("ShiftLeft", 0x2a),
        ("Backslash", 0x2b),
        ("KeyZ", 0x2c),
        ("KeyX", 0x2d),
        ("KeyC", 0x2e),
        ("KeyV", 0x2f),
        ("KeyB", 0x30),
        ("KeyN", 0x31),
        ("KeyM", 0x32),
        ("Comma", 0x33),
        ("Period", 0x34),
        ("Slash", 0x35),
        ("ShiftRight", 0x36),
        ("NumpadMultiply", 0x37),
        ("AltLeft", 0x38),
        ("Space", 0x39),
        ("CapsLock", 0x3a),
        ("F1", 0x3b),
        ("F2", 0x3c),
        ("F3", 0x3d),
        ("F4", 0x3e),
        ("F5", 0x3f),
        ("F6", 0x40),
        ("F7", 0x41),
        ("F8", 0x42),
        ("F9", 0x43),
        ("F10", 0x44),
        ("F11", 0x57),
        ("F12", 0x58),
        ("ControlRight", 0xe01d),
        ("AltRight", 0xe038),
        ("Home", 0xe047),
        ("ArrowUp", 0xe048),
        ("PageUp", 0xe049),
        ("ArrowLeft", 0xe04b),
        ("ArrowRight", 0xe04d),
        ("End", 0xe04f),
        ("ArrowDown", 0xe050),
        ("PageDown", 0xe051),
        ("Insert", 0xe052),
        ("Delete", 0xe053),
        ("MetaLeft", 0xe05b),
        ("MetaRight", 0xe05c),
        ("ContextMenu", 0xe05d),
        ("PrintScreen", 0x54),
        ("NumLock", 0x45),
        ("ScrollLock", 0x46),
        ("Numpad7", 0x47),
        ("Numpad8", 0x48),
        ("Numpad9", 0x49),
        ("NumpadSubtract", 0x4a),
        ("Numpad4", 0x4b),
        ("Numpad5", 0x4c),
        ("Numpad6", 0x4d),
        ("NumpadAdd", 0x4e),
        ("Numpad1", 0x4f),
        ("Numpad2", 0x50),
        ("Numpad3", 0x51),
        ("Numpad0", 0x52),
        ("NumpadDecimal", 0x53),
        ("NumpadEqual", 0x59),
        ("NumpadComma", 0x7e),
        ("NumpadEnter", 0xe01c),
        ("NumpadDivide", 0xe035),
        // The keys of ISO, Brazilian, Japanese and Korean keyboards that US ones lack.
        ("IntlBackslash", 0x56),
        ("IntlRo", 0x73),
        ("IntlYen", 0x7d),
        ("KanaMode", 0x70),
        ("Lang2", 0x71),
        ("Lang1", 0x72),
        ("Convert", 0x79),
        ("NonConvert", 0x7b),
        // QEMU's number for Pause (0xc6) is 0x46 with the extended bit.
        ("Pause", 0xe046),
    ];
    ROW.iter()
        .find(|(name, _)| *name == code)
        .map(|(_, scancode)| *scancode)
}

/// A key as the console sends it: (keysym, XT scancode).
pub type Stroke = (u32, u16);

const CTRL: Stroke = (0xffe3, 0x1d);
const ALT: Stroke = (0xffe9, 0x38);
pub const SHIFT: Stroke = (0xffe1, 0x2a);
const DELETE: Stroke = (0xffff, 0xe053);

/// Ctrl-Alt-Del's place among the `combos`.
pub const CTRL_ALT_DEL: usize = 0;

/// The key combinations the toolbar sends, as (name, keys held in order, released in reverse):
/// Ctrl-Alt-Del and the keys that the browser or the user's own desktop would take for
/// themselves (switching the guest's virtual terminals, closing a window, Super, Print Screen).
pub fn combos() -> Vec<(String, Vec<Stroke>)> {
    let mut combos = vec![
        ("Ctrl+Alt+Del".to_owned(), vec![CTRL, ALT, DELETE]),
        (
            "Ctrl+Alt+Backspace".to_owned(),
            vec![CTRL, ALT, (0xff08, 0x0e)],
        ),
    ];
    for n in 1..=12 {
        // F1-F10 are consecutive in both tables; F11 and F12 sit apart among the scancodes.
        let scancode = if n <= 10 { 0x3a + n } else { 0x4c + n };
        let f = (0xffbd + u32::from(n), scancode);
        combos.push((format!("Ctrl+Alt+F{n}"), vec![CTRL, ALT, f]));
    }
    combos.extend([
        ("Alt+Tab".to_owned(), vec![ALT, (0xff09, 0x0f)]),
        ("Alt+F4".to_owned(), vec![ALT, (0xffc1, 0x3e)]),
        ("Ctrl+W".to_owned(), vec![CTRL, (0x77, 0x11)]),
        ("Ctrl+Esc".to_owned(), vec![CTRL, (0xff1b, 0x01)]),
        ("Super".to_owned(), vec![(0xffeb, 0xe05b)]),
        ("Print Screen".to_owned(), vec![(0xff61, 0x54)]),
    ]);
    combos
}

/// The keys that type `c` on a US keyboard (Shift held for the upper row), for pasting text
/// as keystrokes: `(keysym, scancode, shifted)`.
pub fn typed(c: char) -> Option<(u32, u16, bool)> {
    const SHIFTED: &str = "~!@#$%^&*()_+{}|:\"<>?";
    const PLAIN: &str = "`1234567890-=[]\\;',./";
    let (code, shifted) = match c {
        'a'..='z' => (format!("Key{}", c.to_ascii_uppercase()), false),
        'A'..='Z' => (format!("Key{c}"), true),
        '0'..='9' => (format!("Digit{c}"), false),
        ' ' => ("Space".to_owned(), false),
        '\n' => ("Enter".to_owned(), false),
        '\t' => ("Tab".to_owned(), false),
        c => {
            let position = |keys: &str| keys.chars().position(|k| k == c);
            let (index, shifted) = match (position(PLAIN), position(SHIFTED)) {
                (Some(i), _) => (i, false),
                (None, Some(i)) => (i, true),
                _ => return None,
            };
            // The two strings hold each physical key's plain and shifted character.
            const KEYS: [&str; 21] = [
                "Backquote",
                "Digit1",
                "Digit2",
                "Digit3",
                "Digit4",
                "Digit5",
                "Digit6",
                "Digit7",
                "Digit8",
                "Digit9",
                "Digit0",
                "Minus",
                "Equal",
                "BracketLeft",
                "BracketRight",
                "Backslash",
                "Semicolon",
                "Quote",
                "Comma",
                "Period",
                "Slash",
            ];
            let name = KEYS[index];
            (name.to_owned(), shifted)
        }
    };
    let keysym = match c {
        '\n' => 0xff0d,
        '\t' => 0xff09,
        c => char_keysym(c),
    };
    Some((keysym, xt_scancode(&code)?, shifted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_have_keysyms_and_scancodes() {
        assert_eq!(keysym("a"), Some(0x61));
        assert_eq!(keysym("Enter"), Some(0xff0d));
        assert_eq!(keysym("é"), Some(0xe9));
        assert_eq!(keysym("€"), Some(0x0100_20ac));
        assert_eq!(keysym("Unidentified"), None);
        assert_eq!(xt_scancode("KeyA"), Some(0x1e));
        assert_eq!(xt_scancode("ArrowUp"), Some(0xe048));
        // What layouts other than US need: AltGr, the ISO key beside the left Shift, the keypad.
        assert_eq!(keysym("AltGraph"), Some(0xfe03));
        assert_eq!(xt_scancode("IntlBackslash"), Some(0x56));
        assert_eq!(xt_scancode("Numpad1"), Some(0x4f));
        assert_eq!(xt_scancode("NumpadEnter"), Some(0xe01c));
        assert_eq!(keysym("Dead"), None);
    }

    #[test]
    fn pasted_text_becomes_us_keystrokes() {
        assert_eq!(typed('h'), Some((0x68, 0x23, false)));
        assert_eq!(typed('H'), Some((0x48, 0x23, true)));
        assert_eq!(typed('$'), Some((0x24, 0x05, true)));
        assert_eq!(typed('\n'), Some((0xff0d, 0x1c, false)));
        assert_eq!(typed('"'), Some((0x22, 0x28, true)));
        assert_eq!(typed('é'), None);
    }

    #[test]
    fn combos_press_the_keys_a_keyboard_would() {
        let combos = combos();
        let keys = |name: &str| &combos.iter().find(|(n, _)| n == name).unwrap().1;
        let physical = |code: &str| (keysym(code).unwrap(), xt_scancode(code).unwrap());
        assert_eq!(keys("Ctrl+Alt+Del")[2], physical("Delete"));
        for n in 1..=12 {
            let f = format!("F{n}");
            assert_eq!(keys(&format!("Ctrl+Alt+{f}")), &[CTRL, ALT, physical(&f)]);
        }
        assert_eq!(keys("Alt+F4"), &[ALT, physical("F4")]);
        assert_eq!(keys("Super"), &[(0xffeb, xt_scancode("MetaLeft").unwrap())]);
        assert_eq!(keys("Print Screen"), &[physical("PrintScreen")]);
        assert_eq!(
            (
                keysym("Control").unwrap(),
                xt_scancode("ControlLeft").unwrap()
            ),
            CTRL
        );
        assert_eq!(
            (keysym("Alt").unwrap(), xt_scancode("AltLeft").unwrap()),
            ALT
        );
        assert_eq!(
            (keysym("Shift").unwrap(), xt_scancode("ShiftLeft").unwrap()),
            SHIFT
        );
    }
}
