//! The SSH terminal's control messages, in the text frames of its WebSocket (its binary
//! frames carry the terminal's bytes).

use serde::{Deserialize, Serialize};

/// The largest terminal either way, in columns and rows.
pub const MAX_SIZE: u16 = 500;

/// From the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Control {
    /// The terminal now has this many columns and rows.
    Resize { cols: u16, rows: u16 },
    /// The password the user typed when asked.
    Password(String),
}

/// From the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// The guest did not take the server's key for this user: ask for the account's password
    /// (`again` after a wrong one).
    AskPassword { again: bool },
}
