//! `ApiError`: every way an API call fails, mapped to a status and the shared JSON body.
//! Internal details go to the log, never to the client.

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use shared::{ErrorBody, ErrorCode};

use hypervisor::{ActionError, CreateError, HostError};

use store::StoreError;

use crate::wallpaper::Rejected;

/// An API failure.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("not logged in")]
    Unauthorized,
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error("wrong username or password")]
    BadCredentials,
    #[error("too many attempts")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("quota exceeded: {0}")]
    QuotaExceeded(String),
    #[error("invalid state: {0}")]
    InvalidState(String),
    #[error("no capacity: {0}")]
    NoCapacity(String),
    #[error("version conflict")]
    VersionConflict,
    #[error("precondition required")]
    PreconditionRequired,
    #[error("too large: {0}")]
    PayloadTooLarge(String),
    #[error("unsupported media type: {0}")]
    UnsupportedMediaType(String),
    #[error("no hypervisor host answered")]
    HypervisorUnavailable,
    #[error("at most {0} consoles open per user")]
    ConsoleLimit(usize),
    #[error("at most {0} events sockets open per user")]
    EventsLimit(usize),
    #[error("hypervisor host {host} did not answer in time")]
    HypervisorTimeout { host: String },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        Self::Internal(err.into())
    }
}

impl From<HostError> for ApiError {
    fn from(err: HostError) -> Self {
        match err {
            HostError::Timeout(_) | HostError::Unreachable(_) => Self::HypervisorUnavailable,
            HostError::Guard(why) => Self::InvalidState(why),
            other => Self::Internal(other.into()),
        }
    }
}

impl From<ActionError> for ApiError {
    fn from(err: ActionError) -> Self {
        match err {
            ActionError::NotFound => Self::NotFound,
            ActionError::InvalidState => {
                Self::InvalidState("the VM cannot do that in its current state".into())
            }
            ActionError::Conflict(why) => Self::Conflict(why),
            ActionError::Host(e) => e.into(),
        }
    }
}

impl From<CreateError> for ApiError {
    fn from(err: CreateError) -> Self {
        match err {
            CreateError::NameTaken(_) => Self::Conflict(err.to_string()),
            CreateError::UnknownHost(_) | CreateError::TemplateMissing(_) => {
                Self::BadRequest(err.to_string())
            }
            CreateError::NoCapacity { .. } | CreateError::NoPorts(_) => {
                Self::NoCapacity(err.to_string())
            }
            CreateError::Host(e) => e.into(),
        }
    }
}

impl From<crate::decode::Busy> for ApiError {
    fn from(_: crate::decode::Busy) -> Self {
        Self::TooManyRequests {
            retry_after_secs: 1,
        }
    }
}

impl From<Rejected> for ApiError {
    fn from(err: Rejected) -> Self {
        match err {
            Rejected::TooLarge => Self::PayloadTooLarge(err.to_string()),
            Rejected::UnsupportedType => Self::UnsupportedMediaType(err.to_string()),
            Rejected::Undecodable => Self::BadRequest(err.to_string()),
        }
    }
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, ErrorCode) {
        match self {
            Self::NotFound => (StatusCode::NOT_FOUND, ErrorCode::NotFound),
            Self::BadRequest(_) => (StatusCode::BAD_REQUEST, ErrorCode::BadRequest),
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, ErrorCode::Unauthorized),
            Self::Forbidden(_) => (StatusCode::FORBIDDEN, ErrorCode::Forbidden),
            Self::BadCredentials => (StatusCode::UNAUTHORIZED, ErrorCode::BadCredentials),
            Self::TooManyRequests { .. } | Self::EventsLimit(_) => {
                (StatusCode::TOO_MANY_REQUESTS, ErrorCode::TooManyRequests)
            }
            Self::Conflict(_) => (StatusCode::CONFLICT, ErrorCode::Conflict),
            Self::ConsoleLimit(_) => (StatusCode::TOO_MANY_REQUESTS, ErrorCode::ConsoleLimit),
            Self::QuotaExceeded(_) => (StatusCode::FORBIDDEN, ErrorCode::QuotaExceeded),
            Self::InvalidState(_) => (StatusCode::CONFLICT, ErrorCode::InvalidState),
            Self::NoCapacity(_) => (StatusCode::CONFLICT, ErrorCode::NoCapacity),
            Self::VersionConflict => (StatusCode::CONFLICT, ErrorCode::VersionConflict),
            Self::PreconditionRequired => (
                StatusCode::PRECONDITION_REQUIRED,
                ErrorCode::PreconditionRequired,
            ),
            Self::PayloadTooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, ErrorCode::PayloadTooLarge),
            Self::UnsupportedMediaType(_) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
            ),
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

    /// The sentence the user sees (also a task's reason). Internal errors say only that
    /// something failed.
    pub fn public_message(&self) -> String {
        match self {
            Self::Internal(_) => "The server failed to handle this request.".into(),
            Self::NotFound => "Not found.".into(),
            Self::BadRequest(why) => format!("Bad request: {why}."),
            Self::Unauthorized => "Please log in.".into(),
            Self::Forbidden(why) => format!("Not allowed: {why}."),
            Self::BadCredentials => "Wrong username or password.".into(),
            Self::TooManyRequests { retry_after_secs } => {
                format!("Too many attempts. Try again in {retry_after_secs} seconds.")
            }
            Self::Conflict(why)
            | Self::QuotaExceeded(why)
            | Self::InvalidState(why)
            | Self::NoCapacity(why) => {
                format!("{why}.")
            }
            Self::VersionConflict => {
                "Changed elsewhere meanwhile: load it again and redo the change.".into()
            }
            Self::PreconditionRequired => "Say which version this changes (If-Match).".into(),
            Self::PayloadTooLarge(why) => format!("Too large: {why}."),
            Self::UnsupportedMediaType(why) => format!("Unsupported type: {why}."),
            Self::ConsoleLimit(max) => {
                format!("You have {max} consoles open, as many as allowed: close one first.")
            }
            Self::EventsLimit(max) => {
                format!("You have Ezilla open in {max} tabs, as many as allowed: close one first.")
            }
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
        let mut response = (status, Json(body)).into_response();
        if let Self::TooManyRequests { retry_after_secs } = self {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
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
            (ApiError::Unauthorized, 401, ErrorCode::Unauthorized),
            (ApiError::Forbidden("x"), 403, ErrorCode::Forbidden),
            (ApiError::BadCredentials, 401, ErrorCode::BadCredentials),
            (
                ApiError::TooManyRequests {
                    retry_after_secs: 3,
                },
                429,
                ErrorCode::TooManyRequests,
            ),
            (ApiError::Conflict("x".into()), 409, ErrorCode::Conflict),
            (
                ApiError::QuotaExceeded("x".into()),
                403,
                ErrorCode::QuotaExceeded,
            ),
            (
                ApiError::InvalidState("x".into()),
                409,
                ErrorCode::InvalidState,
            ),
            (ApiError::NoCapacity("x".into()), 409, ErrorCode::NoCapacity),
            (ApiError::VersionConflict, 409, ErrorCode::VersionConflict),
            (
                ApiError::PreconditionRequired,
                428,
                ErrorCode::PreconditionRequired,
            ),
            (
                ApiError::PayloadTooLarge("x".into()),
                413,
                ErrorCode::PayloadTooLarge,
            ),
            (
                ApiError::UnsupportedMediaType("x".into()),
                415,
                ErrorCode::UnsupportedMediaType,
            ),
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

    #[test]
    fn throttling_says_when_to_retry() {
        let response = ApiError::TooManyRequests {
            retry_after_secs: 42,
        }
        .into_response();
        assert_eq!(response.headers()[header::RETRY_AFTER], "42");
    }
}
