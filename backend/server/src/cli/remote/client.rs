//! The API client of the command line: requests with the stored token, answers read within a
//! size bound, and failures carried as the exit code and message the user sees.

use std::time::Duration;

use reqwest::{Method, Response, header};
use serde::{Serialize, de::DeserializeOwned};
use shared::{ErrorBody, ErrorCode};

/// The largest answer read from the server.
const MAX_ANSWER: usize = 16 << 20;
/// How long one request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A failed command: the message for standard error and the process's exit code.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ClientError {
    pub exit_code: i32,
    pub message: String,
}

impl ClientError {
    pub fn new(code: Option<ErrorCode>, message: impl Into<String>) -> Self {
        Self {
            exit_code: exit_code(code),
            message: message.into(),
        }
    }
}

/// The exit code for an API error code (`None`: no answer, or one not understood). Listed in
/// the README; scripts branch on them.
pub fn exit_code(code: Option<ErrorCode>) -> i32 {
    use ErrorCode::*;
    match code {
        Some(Unauthorized | BadCredentials) => 3,
        Some(Forbidden) => 4,
        Some(NotFound) => 5,
        Some(Conflict | InvalidState | VersionConflict | PreconditionRequired) => 6,
        Some(QuotaExceeded | NoCapacity | ConsoleLimit | TooManyRequests) => 7,
        Some(HypervisorUnavailable | HypervisorTimeout) => 8,
        Some(BadRequest | PayloadTooLarge | UnsupportedMediaType) => 9,
        Some(Internal) | None => 1,
    }
}

/// A client of one Ezilla server.
pub struct Api {
    /// `https://host[:port]`, no trailing slash.
    pub base: String,
    /// The bearer token, or none while logging in with a password (a cookie session).
    token: Option<String>,
    pub http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str, token: Option<String>) -> Result<Self, ClientError> {
        let http = reqwest::Client::builder()
            .cookie_store(token.is_none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("ezilla-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ClientError::new(None, format!("HTTP client: {e}")))?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            token,
            http,
        })
    }

    /// The token this client sends.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// Sends `method path` with `body` as JSON (if any); the answer, when it is not an error.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<Vec<u8>, ClientError> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.base))
            .header(shared::auth::CSRF_HEADER, "1");
        if let Some(token) = &self.token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request
            .send()
            .await
            .map_err(|e| unreachable(&self.base, e))?;
        let status = response.status();
        let bytes = read_bounded(response).await?;
        if status.is_success() {
            return Ok(bytes);
        }
        Err(match serde_json::from_slice::<ErrorBody>(&bytes) {
            Ok(body) => ClientError::new(Some(body.code), body.message),
            Err(_) => ClientError::new(None, format!("the server answered {status}")),
        })
    }

    /// `call`, its answer decoded from JSON.
    pub async fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, ClientError> {
        let bytes = self.call(method, path, body).await?;
        serde_json::from_slice(&bytes)
            .map_err(|e| ClientError::new(None, format!("an answer not understood: {e}")))
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.json(Method::GET, path, None::<&()>).await
    }
}

/// No answer from the server: exit code 8, like a hypervisor that did not answer.
fn unreachable(base: &str, err: reqwest::Error) -> ClientError {
    let why = if err.is_timeout() {
        "timed out".to_owned()
    } else {
        std::error::Error::source(&err).map_or_else(|| err.to_string(), |s| s.to_string())
    };
    ClientError {
        exit_code: 8,
        message: format!("cannot reach {base}: {why}"),
    }
}

async fn read_bounded(mut response: Response) -> Result<Vec<u8>, ClientError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| ClientError::new(None, format!("reading the answer: {e}")))?
    {
        if bytes.len() + chunk.len() > MAX_ANSWER {
            return Err(ClientError::new(None, "the answer is too large"));
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_group_the_api_codes() {
        assert_eq!(exit_code(Some(ErrorCode::Unauthorized)), 3);
        assert_eq!(exit_code(Some(ErrorCode::NotFound)), 5);
        assert_eq!(exit_code(Some(ErrorCode::InvalidState)), 6);
        assert_eq!(exit_code(Some(ErrorCode::QuotaExceeded)), 7);
        assert_eq!(exit_code(None), 1);
    }
}
