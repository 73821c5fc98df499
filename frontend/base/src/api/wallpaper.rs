//! The user's uploaded wallpaper.

use gloo_net::http::{Method, Request, RequestBuilder};
use shared::{UploadedWallpaper, auth::CSRF_HEADER, routes, wallpaper};

use super::{Error, decode};

/// `PUT /api/v1/me/wallpaper` with `file` as the body: the `Desktop.wallpaper` value that
/// shows it, or why the server refused it.
pub async fn upload_wallpaper(file: &web_sys::File) -> Result<UploadedWallpaper, Error> {
    let request = Request::put(routes::ME_WALLPAPER)
        .header(CSRF_HEADER, "1")
        .body(file.clone())
        .map_err(|e| Error::BadResponse(e.to_string()))?;
    decode(request.send().await.map_err(|_| Error::Unreachable)?).await
}

/// `HEAD /api/v1/me/wallpaper`: the `Desktop.wallpaper` value of the user's upload (its
/// version is the `ETag`), `None` if they have not uploaded one.
pub async fn uploaded_wallpaper() -> Result<Option<String>, Error> {
    let response = RequestBuilder::new(routes::ME_WALLPAPER)
        .method(Method::HEAD)
        .send()
        .await
        .map_err(|_| Error::Unreachable)?;
    match response.status() {
        404 => Ok(None),
        200 => response
            .headers()
            .get("etag")
            .map(|etag| Some(wallpaper::upload_value(etag.trim_matches('"'))))
            .ok_or_else(|| Error::BadResponse("no ETag".into())),
        status => Err(Error::BadResponse(format!("HTTP {status}"))),
    }
}
