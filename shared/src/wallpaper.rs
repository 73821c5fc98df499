//! A user's uploaded wallpaper: the limits of an upload, and how `Desktop.wallpaper` names it
//! (`upload:<version>`, a new version with each upload) beside Ezilla's own wallpapers.

use serde::{Deserialize, Serialize};

use crate::routes;

/// The largest upload accepted, in bytes (5 MiB).
pub const MAX_UPLOAD_BYTES: usize = 5 * 1024 * 1024;
/// The largest width and height of an uploaded image, in pixels.
pub const MAX_SIDE: u32 = 8192;
/// The most pixels an uploaded image may have (5120 × 3200): what a 5K screen shows. Checked
/// from the image's header before it is decoded.
pub const MAX_PIXELS: u64 = 5120 * 3200;

/// A `Desktop.wallpaper` value starting with this names the user's upload.
const UPLOAD_PREFIX: &str = "upload:";

/// What `PUT /api/v1/me/wallpaper` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UploadedWallpaper {
    /// The `Desktop.wallpaper` value that shows this upload.
    pub wallpaper: String,
}

/// The `Desktop.wallpaper` value of the upload with `version`.
pub fn upload_value(version: &str) -> String {
    format!("{UPLOAD_PREFIX}{version}")
}

/// Whether a `Desktop.wallpaper` value names the user's upload.
pub fn is_upload(wallpaper: &str) -> bool {
    wallpaper.starts_with(UPLOAD_PREFIX)
}

/// The URL of the image a `Desktop.wallpaper` value names: one of Ezilla's own under
/// `/wallpapers/`, or the user's upload with its version as a cache-buster.
pub fn url(wallpaper: &str) -> String {
    match wallpaper.strip_prefix(UPLOAD_PREFIX) {
        Some(version) => format!("{}?v={version}", routes::ME_WALLPAPER),
        None => format!("/wallpapers/{wallpaper}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploads_and_built_in_wallpapers_have_their_own_urls() {
        let mine = upload_value("0123abcd");
        assert!(is_upload(&mine));
        assert_eq!(url(&mine), "/api/v1/me/wallpaper?v=0123abcd");
        assert!(!is_upload("forest.svg"));
        assert_eq!(url("forest.svg"), "/wallpapers/forest.svg");
    }
}
