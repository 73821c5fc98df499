//! `PUT/GET /api/v1/me/wallpaper`: the caller's uploaded wallpaper. `PUT` takes an image as
//! the raw body (at most 5 MiB; PNG, JPEG, GIF or WebP, told by its content), re-encodes it
//! and answers the `Desktop.wallpaper` value that shows it; `GET` serves it with an `ETag`.

use axum::{
    Extension,
    body::Bytes,
    extract::{DefaultBodyLimit, State, rejection::BytesRejection},
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, put},
};
use shared::{
    UploadedWallpaper, routes,
    wallpaper::{MAX_UPLOAD_BYTES, upload_value},
};

use super::{Access, Json, Route};
use crate::{auth::CurrentUser, error::ApiError, state::AppState, wallpaper};

pub fn routes() -> Vec<Route> {
    vec![
        Route::new(
            Method::GET,
            routes::ME_WALLPAPER,
            Access::User,
            get(download),
        )
        .summary("The caller's uploaded wallpaper, as JPEG")
        .returns_raw(200, "image/jpeg"),
        Route::new(
            Method::PUT,
            routes::ME_WALLPAPER,
            Access::User,
            put(upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .summary("Upload a wallpaper (PNG, JPEG, GIF or WebP; re-encoded as JPEG)")
        .takes_raw("image/*")
        .returns::<UploadedWallpaper>(200),
    ]
}

async fn upload(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<UploadedWallpaper>, ApiError> {
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge(format!(
                "a wallpaper is at most {} MiB",
                MAX_UPLOAD_BYTES / (1024 * 1024)
            ))
        } else {
            ApiError::BadRequest(rejection.body_text())
        }
    })?;
    let wallpapers = state.wallpapers.clone();
    let version = state
        .decodes
        .run(move || -> Result<String, ApiError> {
            let jpeg = wallpaper::reencode(&body)?;
            wallpapers
                .replace(me.id, &jpeg)
                .map_err(|e| ApiError::Internal(e.into()))
        })
        .await??;
    Ok(Json(UploadedWallpaper {
        wallpaper: upload_value(&version),
    }))
}

async fn download(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let wallpapers = state.wallpapers.clone();
    let stored = tokio::task::spawn_blocking(move || wallpapers.get(me.id))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?
        .map_err(|e| ApiError::Internal(e.into()))?
        .ok_or(ApiError::NotFound)?;
    let etag = HeaderValue::from_str(&format!("\"{}\"", stored.version)).expect("hex digits");
    // Kept by the browser, but asked about each time: another browser may upload meanwhile.
    let cache = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        ),
        (header::ETAG, etag.clone()),
    ];
    if headers.get(header::IF_NONE_MATCH) == Some(&etag) {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    let jpeg = [(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"))];
    Ok((cache, jpeg, stored.jpeg).into_response())
}
