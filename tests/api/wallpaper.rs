//! `PUT/GET /api/v1/me/wallpaper`: an uploaded image becomes the user's own wallpaper,
//! re-encoded; too large, the wrong type or broken is refused with a clear error, and the
//! previous wallpaper stays.

use std::io::Cursor;

use image::{ImageFormat, RgbImage};
use reqwest::StatusCode;
use serde_json::Value;
use shared::{Role, auth::CSRF_HEADER, wallpaper::MAX_UPLOAD_BYTES};

use super::TEST_HOST;
use testkit::server::{Client, TestServer};

const PATH: &str = "/api/v1/me/wallpaper";

/// A `width` × `height` image in `format`, a gradient so that it is not all one colour.
fn image_file(width: u32, height: u32, format: ImageFormat) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| image::Rgb([x as u8, y as u8, 128]));
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, format).unwrap();
    out.into_inner()
}

/// PUTs `body` as the wallpaper, the way the desktop does (the custom header, raw bytes).
async fn upload(client: &Client, server: &TestServer, body: Vec<u8>) -> (StatusCode, Value) {
    let response = client
        .http
        .put(server.url(PATH))
        .header(CSRF_HEADER, "1")
        .body(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

/// GETs the wallpaper: the status, and the image when there is one.
async fn download(client: &Client, server: &TestServer) -> (StatusCode, Option<Vec<u8>>) {
    let response = client.http.get(server.url(PATH)).send().await.unwrap();
    let status = response.status();
    if status != StatusCode::OK {
        return (status, None);
    }
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .starts_with("private"),
        "one user's image is never kept by shared caches"
    );
    (status, Some(response.bytes().await.unwrap().to_vec()))
}

async fn server_with(users: &[&str]) -> TestServer {
    let server = TestServer::api(&[TEST_HOST]).await;
    for user in users {
        server.add_user(user, Role::User);
    }
    server
}

fn dimensions(jpeg: &[u8]) -> (u32, u32) {
    let image =
        image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).expect("a decodable JPEG");
    (image.width(), image.height())
}

#[tokio::test]
async fn a_png_or_jpeg_becomes_the_users_wallpaper() {
    let server = server_with(&["alice"]).await;
    let alice = server.login("alice").await;
    assert_eq!(
        download(&alice, &server).await.0,
        404,
        "none before an upload"
    );

    let (status, body) = upload(&alice, &server, image_file(320, 200, ImageFormat::Png)).await;
    assert_eq!(status, 200, "{body}");
    let first = body["wallpaper"].as_str().unwrap().to_owned();
    assert!(first.starts_with("upload:"), "{first}");
    let (_, jpeg) = download(&alice, &server).await;
    assert_eq!(dimensions(&jpeg.unwrap()), (320, 200));

    let (status, body) = upload(&alice, &server, image_file(64, 48, ImageFormat::Jpeg)).await;
    assert_eq!(status, 200, "{body}");
    assert_ne!(
        body["wallpaper"],
        first.as_str(),
        "each upload has its own version"
    );
    let (_, jpeg) = download(&alice, &server).await;
    assert_eq!(dimensions(&jpeg.unwrap()), (64, 48));
}

#[tokio::test]
async fn the_etag_is_the_version_the_upload_answered() {
    let server = server_with(&["alice"]).await;
    let alice = server.login("alice").await;
    let (_, body) = upload(&alice, &server, image_file(16, 16, ImageFormat::Png)).await;
    let version = body["wallpaper"]
        .as_str()
        .unwrap()
        .strip_prefix("upload:")
        .unwrap();
    let response = alice.http.get(server.url(PATH)).send().await.unwrap();
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(etag, format!("\"{version}\""));
    let again = alice
        .http
        .get(server.url(PATH))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
}

#[tokio::test]
async fn refused_uploads_say_why_and_keep_the_previous_wallpaper() {
    let server = server_with(&["alice"]).await;
    let alice = server.login("alice").await;
    let (status, _) = upload(&alice, &server, image_file(100, 50, ImageFormat::Png)).await;
    assert_eq!(status, 200);

    // One byte over 5 MiB: refused whatever it holds.
    let mut huge = image_file(8, 8, ImageFormat::Png);
    huge.resize(MAX_UPLOAD_BYTES + 1, 0);
    let (status, body) = upload(&alice, &server, huge).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("payload_too_large")),
        "{body}"
    );
    assert!(
        body["message"].as_str().unwrap().contains("5 MiB"),
        "{body}"
    );

    // Text, even if it were called wallpaper.png: the content decides.
    let (status, body) = upload(&alice, &server, b"not an image at all\n".to_vec()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Some("unsupported_media_type")
        ),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("PNG"), "{body}");

    // A PNG cut short: it says it is one, but does not decode.
    let png = image_file(100, 100, ImageFormat::Png);
    let (status, body) = upload(&alice, &server, png[..png.len() / 2].to_vec()).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("bad_request")),
        "{body}"
    );

    let (_, jpeg) = download(&alice, &server).await;
    assert_eq!(
        dimensions(&jpeg.unwrap()),
        (100, 50),
        "the previous wallpaper"
    );
}

#[tokio::test]
async fn an_upload_without_the_custom_header_is_refused() {
    let server = server_with(&["alice"]).await;
    let alice = server.login("alice").await;
    // What a cross-site form could send: no custom header, not JSON.
    let response = alice
        .http
        .put(server.url(PATH))
        .header("content-type", "image/png")
        .body(image_file(10, 10, ImageFormat::Png))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(download(&alice, &server).await.0, 404, "nothing was stored");
}

#[tokio::test]
async fn each_user_has_their_own_wallpaper_gone_with_the_user() {
    let server = server_with(&["alice", "bob"]).await;
    let (alice, bob) = (server.login("alice").await, server.login("bob").await);
    let (status, _) = upload(&alice, &server, image_file(30, 20, ImageFormat::Png)).await;
    assert_eq!(status, 200);
    assert_eq!(
        download(&bob, &server).await.0,
        404,
        "bob never uploaded one"
    );
    let (status, _) = upload(&bob, &server, image_file(40, 10, ImageFormat::Png)).await;
    assert_eq!(status, 200);
    assert_eq!(
        dimensions(&download(&alice, &server).await.1.unwrap()),
        (30, 20)
    );
    assert_eq!(
        dimensions(&download(&bob, &server).await.1.unwrap()),
        (40, 10)
    );

    // Deleting bob deletes his wallpaper: a user added next (who may get his id) has none.
    let admin = server.admin().await;
    let (status, _) = admin
        .send(
            reqwest::Method::DELETE,
            "/api/v1/admin/users/bob",
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, 204);
    server.add_user("carol", Role::User);
    let carol = server.login("carol").await;
    assert_eq!(download(&carol, &server).await.0, 404);
    assert_eq!(
        dimensions(&download(&alice, &server).await.1.unwrap()),
        (30, 20)
    );
}
