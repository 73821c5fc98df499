//! The JSON body of every error the API returns.

use serde::{Deserialize, Serialize};

/// A stable, machine-readable error code. Clients branch on this, never on the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// No such route or resource.
    NotFound,
    /// The request was malformed (bad JSON, bad parameter).
    BadRequest,
    /// No valid session: log in.
    Unauthorized,
    /// Logged in, but not allowed (an admin route; a cross-site request).
    Forbidden,
    /// Wrong username or password.
    BadCredentials,
    /// Too many failed logins; retry after the `Retry-After` seconds.
    TooManyRequests,
    /// The thing exists already (a username taken).
    Conflict,
    /// Doing this would exceed the user's quota.
    QuotaExceeded,
    /// Not possible in the VM's current state (starting a running VM).
    InvalidState,
    /// No host has room for the VM.
    NoCapacity,
    /// Changed elsewhere since the version the request names: fetch again, reapply.
    VersionConflict,
    /// The request must name the version it changes (`If-Match`).
    PreconditionRequired,
    /// The upload is too large (bytes, or an image's pixels).
    PayloadTooLarge,
    /// The upload is not of a type accepted here (an image that is not PNG, JPEG, GIF, WebP).
    UnsupportedMediaType,
    /// The user has as many consoles open as allowed: close one first.
    ConsoleLimit,
    /// No hypervisor host answered.
    HypervisorUnavailable,
    /// A hypervisor host did not answer in time.
    HypervisorTimeout,
    /// Something failed inside the server; details are in the server log only.
    Internal,
}

/// What every failed API call returns, with the HTTP status that fits `code`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// A sentence for the user.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_snake_case_on_the_wire() {
        let body = ErrorBody {
            code: ErrorCode::HypervisorUnavailable,
            message: "m".into(),
        };
        let json = serde_json::to_string(&body).unwrap();
        assert_eq!(json, r#"{"code":"hypervisor_unavailable","message":"m"}"#);
    }
}
