//! The consoles' own WebSocket (RFC 6455), for the hot path of VNC and serial consoles: the
//! upgrade answered here, then frames read and written on the raw connection. A frame to the
//! browser is its header and the console's bytes in one vectored write, never copied into a
//! library's buffer; frames from the browser are unmasked in place. Everything the protocol
//! asks of a server is kept: masked client frames only, no reserved bits, control frames of at
//! most 125 bytes and never fragmented, valid UTF-8 in text, fragments reassembled up to the
//! message limit, pings answered, the close handshake.

mod frames;
mod upgrade;

pub use frames::{Incoming, Reader, WireError, Writer};
pub use upgrade::{Upgrade, UpgradeRejection};
