//! `/api/v1/me/tokens`: personal access tokens, for tools that hold no session (the `ezilla`
//! command line, scripts). Sent as `Authorization: Bearer <secret>`; the secret is answered
//! once, at creation, and the server keeps only its hash.

use serde::{Deserialize, Serialize};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Look only: `GET` and `HEAD`, and the events socket; no console (a console types into
    /// the VM).
    Read,
    /// Everything its owner may do, except make or revoke tokens.
    Write,
}

/// One of the user's tokens, as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct AccessToken {
    pub id: i64,
    /// The user's own label.
    pub name: String,
    pub scope: TokenScope,
    /// Unix seconds when it was made.
    pub created: u64,
    /// Unix seconds after which it no longer works.
    pub expires: u64,
    /// Unix seconds of its last use (to the minute), if it was ever used.
    pub last_used: Option<u64>,
}

/// `POST /api/v1/me/tokens`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NewAccessToken {
    /// A label, 1-100 printable characters.
    pub name: String,
    pub scope: TokenScope,
    /// Days until it expires, 1 to `MAX_TOKEN_DAYS`.
    pub expires_in_days: u32,
}

/// The answer to `POST /api/v1/me/tokens`: the token and, this once, its secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CreatedAccessToken {
    pub token: AccessToken,
    /// `ezilla_` and 64 hex digits: copy it now, it is never shown again.
    pub secret: String,
}

/// The longest a token may live, in days.
pub const MAX_TOKEN_DAYS: u32 = 366;
/// What every token's secret starts with (so that secret scanners can spot a leaked one).
pub const TOKEN_PREFIX: &str = "ezilla_";
