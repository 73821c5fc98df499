//! `ApiError`: every way an API call fails, mapped to a status and the shared JSON body.
//! Internal details go to the log, never to the client.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use shared::{ErrorBody, ErrorCode};

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("no hypervisor host answered")]
    HypervisorUnavailable,
    #[error("hypervisor host {host} did not answer in time")]
    HypervisorTimeout { host: String },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            Self::HypervisorUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                ErrorCode::HypervisorUnavailable,
            ),
            Self::HypervisorTimeout { .. } => {
                (StatusCode::GATEWAY_TIMEOUT, ErrorCode::HypervisorTimeout)
            }
            Self::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, ErrorCode::Internal),
        }
    }

    /// The sentence the user sees. Internal errors say only that something failed.
    fn public_message(&self) -> String {
        match self {
            Self::Internal(_) => "The server failed to handle this request.".into(),
            Self::NotFound => "Not found.".into(),
            Self::BadRequest(why) => format!("Bad request: {why}"),
            Self::HypervisorUnavailable => "No hypervisor host is answering.".into(),
            Self::HypervisorTimeout { host } => format!("Host {host} did not answer in time."),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        }
        let body = ErrorBody {
            code,
            message: self.public_message(),
        };
        (status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_match_codes() {
        let cases = [
            (ApiError::NotFound, 404, ErrorCode::NotFound),
            (ApiError::BadRequest("x".into()), 400, ErrorCode::BadRequest),
            (
                ApiError::HypervisorUnavailable,
                503,
                ErrorCode::HypervisorUnavailable,
            ),
            (
                ApiError::HypervisorTimeout { host: "h".into() },
                504,
                ErrorCode::HypervisorTimeout,
            ),
            (
                ApiError::Internal(anyhow::anyhow!("x")),
                500,
                ErrorCode::Internal,
            ),
        ];
        for (err, status, code) in cases {
            assert_eq!(
                err.status_and_code(),
                (StatusCode::from_u16(status).unwrap(), code)
            );
        }
    }

    #[test]
    fn internal_details_never_reach_the_client() {
        let err = ApiError::Internal(anyhow::anyhow!("/var/lib/secret: libvirt said no"));
        assert!(!err.public_message().contains("secret"));
    }
}
