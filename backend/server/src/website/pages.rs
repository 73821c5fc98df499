//! The website proxy's own answers: a short page that says what happened.

use axum::{
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};

/// A plain page with `message`, never cached.
pub fn page(status: StatusCode, message: &str) -> Response {
    let body = format!(
        "<!doctype html><meta charset=utf-8><title>Ezilla</title>\
         <p style='font:16px sans-serif;margin:2em'>{}</p>\n",
        hypervisor::xml::escape(message)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}
