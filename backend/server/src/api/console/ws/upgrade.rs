//! The WebSocket handshake: an extractor that checks the request is one (GET, `Connection:
//! upgrade`, `Upgrade: websocket`, version 13, a key) and takes the connection's upgrade; its
//! answer is `101 Switching Protocols` with the key's accept value and the subprotocol.

use axum::{
    extract::FromRequestParts,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use hyper::upgrade::OnUpgrade;
use hyper_util::rt::TokioIo;
use sha1::{Digest, Sha1};

/// The GUID RFC 6455 appends to the client's key.
const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// The upgraded connection, as tokio I/O.
pub type Upgraded = TokioIo<hyper::upgrade::Upgraded>;

/// A WebSocket upgrade request, not yet answered.
pub struct Upgrade {
    accept: HeaderValue,
    protocols: Vec<String>,
    on_upgrade: OnUpgrade,
}

/// Why a request is no WebSocket upgrade (a plain GET, say).
#[derive(Debug)]
pub struct UpgradeRejection(&'static str);

impl IntoResponse for UpgradeRejection {
    fn into_response(self) -> Response {
        (StatusCode::BAD_REQUEST, self.0).into_response()
    }
}

/// Whether the comma-separated header `name` has `token` (case-insensitive).
fn has_token(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim().eq_ignore_ascii_case(token))
}

impl<S: Send + Sync> FromRequestParts<S> for Upgrade {
    type Rejection = UpgradeRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let headers = &parts.headers;
        if parts.method != Method::GET
            || !has_token(headers, header::CONNECTION, "upgrade")
            || !has_token(headers, header::UPGRADE, "websocket")
        {
            return Err(UpgradeRejection("not a WebSocket upgrade"));
        }
        if headers
            .get(header::SEC_WEBSOCKET_VERSION)
            .map(|v| v.as_bytes())
            != Some(b"13")
        {
            return Err(UpgradeRejection("WebSocket version 13 only"));
        }
        let key = headers
            .get(header::SEC_WEBSOCKET_KEY)
            .filter(|k| k.len() <= 64)
            .ok_or(UpgradeRejection("no WebSocket key"))?;
        let accept = HeaderValue::from_str(&accept_value(key.as_bytes()))
            .map_err(|_| UpgradeRejection("bad WebSocket key"))?;
        let protocols = headers
            .get_all(header::SEC_WEBSOCKET_PROTOCOL)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|p| p.trim().to_owned())
            .take(16)
            .collect();
        let on_upgrade = parts
            .extensions
            .remove::<OnUpgrade>()
            .ok_or(UpgradeRejection("the connection cannot be upgraded"))?;
        Ok(Self {
            accept,
            protocols,
            on_upgrade,
        })
    }
}

impl Upgrade {
    /// Answers `101`, choosing `protocol` if the client offered it, and runs `session` on the
    /// connection once it is switched.
    pub fn on_upgrade<F, Fut>(self, protocol: &'static str, session: F) -> Response
    where
        F: FnOnce(Upgraded) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let on_upgrade = self.on_upgrade;
        tokio::spawn(async move {
            if let Ok(upgraded) = on_upgrade.await {
                session(TokioIo::new(upgraded)).await;
            }
        });
        let mut response = StatusCode::SWITCHING_PROTOCOLS.into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONNECTION, HeaderValue::from_static("upgrade"));
        headers.insert(header::UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(header::SEC_WEBSOCKET_ACCEPT, self.accept);
        if self.protocols.iter().any(|p| p == protocol) {
            headers.insert(
                header::SEC_WEBSOCKET_PROTOCOL,
                HeaderValue::from_static(protocol),
            );
        }
        response
    }
}

/// `Sec-WebSocket-Accept` for the client's key: base64 of SHA-1 of the key and the GUID.
fn accept_value(key: &[u8]) -> String {
    let mut sha = Sha1::new();
    sha.update(key);
    sha.update(GUID.as_bytes());
    data_encoding::BASE64.encode(&sha.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_accept_value_is_rfc_6455s() {
        // RFC 6455, section 1.3.
        assert_eq!(
            accept_value(b"dGhlIHNhbXBsZSBub25jZQ=="),
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
    }
}
