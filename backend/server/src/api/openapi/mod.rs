//! `/api/v1/openapi.json`, the OpenAPI 3.1 document generated from the route table and the
//! `shared` wire types, and `/api/v1/docs`, a page that reads it (no CDN, no build step).

pub mod doc;
mod document;

use std::sync::OnceLock;

use axum::{
    http::{Method, header},
    response::{Html, IntoResponse},
    routing::get,
};
pub use doc::{Body, Doc};
pub use document::document;
use shared::routes;

use super::{Access, Route};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(Method::GET, routes::OPENAPI, Access::Public, get(serve))
            .summary("This OpenAPI document")
            .returns_raw(200, "application/json"),
        Route::new(Method::GET, routes::API_DOCS, Access::Public, get(page))
            .summary("The API reference, a page that reads this document")
            .returns_raw(200, "text/html"),
    ]
}

/// The document, made once from the route table.
async fn serve() -> impl IntoResponse {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    let text = DOCUMENT.get_or_init(|| document(&super::routes()).to_string());
    ([(header::CONTENT_TYPE, "application/json")], text.as_str())
}

async fn page() -> Html<&'static str> {
    Html(include_str!("page.html"))
}
