//! The user's terminal: raw mode for a console (every key goes to the VM, restored on the way
//! out however the console ends) and prompts, the password one without echo.

use std::io::{BufRead, Read, Write};

use rustix::termios::{self, LocalModes, OptionalActions, Termios};

/// The terminal's settings before a change, put back when dropped.
pub struct Restore {
    saved: Termios,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = termios::tcsetattr(std::io::stdin(), OptionalActions::Now, &self.saved);
    }
}

/// Whether standard input is a terminal.
pub fn is_terminal() -> bool {
    termios::isatty(std::io::stdin())
}

/// Puts the terminal into raw mode (no line editing, no signals from Ctrl-C, no echo); `None`
/// when standard input is no terminal.
pub fn raw_mode() -> Option<Restore> {
    change(Termios::make_raw)
}

fn change(how: impl FnOnce(&mut Termios)) -> Option<Restore> {
    let stdin = std::io::stdin();
    if !termios::isatty(&stdin) {
        return None;
    }
    let saved = termios::tcgetattr(&stdin).ok()?;
    let mut changed = saved.clone();
    how(&mut changed);
    termios::tcsetattr(&stdin, OptionalActions::Now, &changed).ok()?;
    Some(Restore { saved })
}

/// Asks for a line on standard error and reads it from standard input (at most 1 KiB);
/// `secret`: without echo, when standard input is a terminal.
pub fn prompt(label: &str, secret: bool) -> std::io::Result<String> {
    let mut err = std::io::stderr();
    if is_terminal() {
        write!(err, "{label}: ")?;
        err.flush()?;
    }
    let quiet = secret
        .then(|| change(|t| t.local_modes.remove(LocalModes::ECHO)))
        .flatten();
    let mut line = String::new();
    std::io::stdin().lock().take(1024).read_line(&mut line)?;
    if quiet.is_some() {
        writeln!(err)?;
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_owned())
}
