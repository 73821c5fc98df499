//! A console window's connection, shared by the VNC and serial consoles: where it is, and
//! opening it again by itself when it dropped (a proxy, the network or a server restart broke
//! it without the server closing it), waiting longer each time in a row, so that a console
//! outlives a blip without the user noticing more than a status line.

use std::time::Duration;

use leptos::prelude::*;

use crate::{
    api::{Closed, Error},
    i18n::{I18n, Key},
};

/// The longest wait between two tries.
const LONGEST_WAIT: Duration = Duration::from_secs(30);

/// Where the connection is.
#[derive(Debug, Clone, PartialEq)]
pub enum Link {
    Connecting,
    Open,
    /// It dropped, and is being opened again (tries included).
    Reconnecting,
    Closed(Closed),
}

impl Link {
    /// The name the page's `data-link` attribute shows.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Connecting => "connecting",
            Self::Open => "open",
            Self::Reconnecting => "reconnecting",
            Self::Closed(_) => "closed",
        }
    }

    /// The status line (reactive): `open` says what an open console shows.
    pub fn status(&self, i18n: I18n, open: impl FnOnce() -> String) -> String {
        match self {
            Self::Connecting => i18n.t(Key::Loading).to_owned(),
            Self::Open => open(),
            Self::Reconnecting => i18n.t(Key::ConsoleDropped).to_owned(),
            Self::Closed(closed) => i18n.closed(closed),
        }
    }

    /// Whether the user may open it again now.
    pub fn can_reconnect(&self) -> bool {
        matches!(self, Self::Reconnecting | Self::Closed(_))
    }
}

/// Marks `link` as connecting, unless it is reconnecting, which it stays until open.
pub fn connecting(link: RwSignal<Link>) {
    if link.get_untracked() != Link::Reconnecting {
        link.set(Link::Connecting);
    }
}

/// How long to wait before opening again a console that ended as `closed`, the `attempt`th
/// time in a row (from 0); `None` when trying again cannot help: the server closed it and
/// said why, refused it, or something in between blocks its WebSocket. (While it is being
/// opened again after a drop, a blocked try is tried again: the way back may still be
/// coming up.)
pub fn retry_after(closed: &Closed, attempt: u32) -> Option<Duration> {
    let again = match closed {
        Closed::Dropped | Closed::Refused(Some(Error::Unreachable)) => true,
        Closed::Blocked => attempt > 0,
        Closed::Ended(_) | Closed::Refused(_) => false,
    };
    again.then(|| (Duration::from_millis(500) * 2u32.pow(attempt.min(6))).min(LONGEST_WAIT))
}

/// While the window lives, opens its console again by `connect` whenever `link` says it
/// dropped (see `retry_after`); a try that finds the server still gone waits longer.
pub fn reconnect_when_dropped(link: RwSignal<Link>, connect: impl Fn() + Clone + 'static) {
    let attempts = StoredValue::new(0u32);
    Effect::new(move |_| match link.get() {
        Link::Open => attempts.set_value(0),
        Link::Connecting | Link::Reconnecting => {}
        Link::Closed(closed) => {
            let attempt = attempts.get_value();
            let Some(wait) = retry_after(&closed, attempt) else {
                return;
            };
            attempts.set_value(attempt + 1);
            link.set(Link::Reconnecting);
            let connect = connect.clone();
            set_timeout(
                move || {
                    // Not if the window is gone or the user has reconnected meanwhile.
                    if link.try_get_untracked() == Some(Link::Reconnecting) {
                        connect();
                    }
                },
                wait,
            );
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_dropped_or_unreachable_console_is_tried_again_ever_later() {
        let waits: Vec<_> = (0..9)
            .map(|n| retry_after(&Closed::Dropped, n).unwrap().as_millis())
            .collect();
        assert_eq!(
            waits,
            [
                500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000
            ]
        );
        let unreachable = Closed::Refused(Some(Error::Unreachable));
        assert_eq!(retry_after(&unreachable, 1), Some(Duration::from_secs(1)));
        assert_eq!(
            retry_after(&Closed::Ended("the VM stopped".into()), 0),
            None
        );
        assert_eq!(retry_after(&Closed::Refused(None), 0), None);
        assert_eq!(retry_after(&Closed::Blocked, 0), None);
        assert_eq!(
            retry_after(&Closed::Blocked, 2),
            Some(Duration::from_secs(2))
        );
    }
}
