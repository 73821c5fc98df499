//! CSRF defence besides SameSite cookies: a state-changing request must carry a JSON body or
//! the custom `x-ezilla-request` header, neither of which a cross-site form can send. A
//! request with a bearer token needs neither: it is judged by the token, never its cookies.

use axum::{
    body::Body,
    http::{Method, Request, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use shared::auth::CSRF_HEADER;

use crate::error::ApiError;

pub async fn require_json_or_header(req: Request<Body>, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let json = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let bearer = super::tokens::bearer(req.headers()).is_some();
    if safe || json || bearer || req.headers().contains_key(CSRF_HEADER) {
        next.run(req).await
    } else {
        ApiError::Forbidden(
            "a state-changing request needs a JSON body or the x-ezilla-request header",
        )
        .into_response()
    }
}
