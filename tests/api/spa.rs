//! Serving the single-page app: index fallback, cache headers, compression.

use std::fs;

use super::TEST_HOST;
use testkit::server::TestServer;

const INDEX: &str = "<!DOCTYPE html><title>Ezilla</title>";

/// A dist folder shaped like Trunk's: an index and a content-hashed script.
fn fake_dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("index.html"), INDEX).unwrap();
    let script = "console.log('ezilla');\n".repeat(200);
    fs::write(dir.path().join("frontend-0123456789abcdef.js"), script).unwrap();
    dir
}

#[tokio::test]
async fn client_routes_get_the_index_uncached() {
    let dist = fake_dist();
    let server = TestServer::start_with_static(&[TEST_HOST], dist.path().into()).await;
    for path in ["/", "/desktop/anything"] {
        let response = reqwest::get(server.url(path)).await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        assert_eq!(response.text().await.unwrap(), INDEX, "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_compressed() {
    let dist = fake_dist();
    let server = TestServer::start_with_static(&[TEST_HOST], dist.path().into()).await;
    let response = reqwest::Client::new()
        .get(server.url("/frontend-0123456789abcdef.js"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert_eq!(response.headers()["content-encoding"], "gzip");
}
