//! `GET /api/v1/vms/{id}/screenshot?width=N`: PNG scaled on the server, owner-checked.

use reqwest::Method;
use serde_json::json;
use shared::Role;

use testkit::server::{TestServer, fixture_host};

const ALICE_VM: &str = "a11ce000-0000-4000-8000-000000000001";

/// The PNG's width and height.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Png)
        .into_dimensions()
        .expect("a PNG")
}

#[tokio::test]
async fn screenshots_are_scaled_pngs_of_running_vms_only() {
    let host = fixture_host("owned-host.xml");
    let server = TestServer::api(&[("one1", host.as_str())]).await;
    server.add_user("alice", Role::User);
    let alice = server.login("alice").await;
    let url = |query: &str| server.url(&format!("/api/v1/vms/{ALICE_VM}/screenshot{query}"));

    let response = alice.http.get(url("?width=200")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    let (width, height) = png_size(&response.bytes().await.unwrap());
    // The test driver's screen is 1120 x 832.
    assert_eq!((width, height), (200, 148));

    let (w, _) = png_size(
        &alice
            .http
            .get(url(""))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap(),
    );
    assert_eq!(w, 640, "the default width");
    for bad in ["?width=0", "?width=5000", "?width=wide"] {
        let (status, body) = alice
            .get(&format!("/api/v1/vms/{ALICE_VM}/screenshot{bad}"))
            .await;
        assert_eq!(
            (status, body["code"].clone()),
            (400, json!("bad_request")),
            "{bad}: JSON like every error"
        );
    }

    let action = format!("/api/v1/vms/{ALICE_VM}/action");
    alice
        .send(Method::POST, &action, Some(json!({"action": "poweroff"})))
        .await;
    let (status, body) = alice
        .get(&format!("/api/v1/vms/{ALICE_VM}/screenshot?width=100"))
        .await;
    assert_eq!(
        (status, body["code"].clone()),
        (409, json!("invalid_state")),
        "a VM that is off has no screen"
    );
}

/// A valid 1 × 1 PNG whose header then claims `width` × `height` pixels.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    image::RgbImage::new(1, 1)
        .write_to(&mut out, image::ImageFormat::Png)
        .unwrap();
    let mut out = out.into_inner();
    out[16..20].copy_from_slice(&width.to_be_bytes());
    out[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = !out[12..29].iter().fold(!0u32, |crc, &byte| {
        (0..8).fold(crc ^ u32::from(byte), |c, _| {
            if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            }
        })
    });
    out[29..33].copy_from_slice(&crc.to_be_bytes());
    out
}

/// A libvirt host that sends a screenshot claiming a 1,000,000 × 1,000,000 screen (PNG or PPM)
/// gets a clear refusal, through the same decode gate the route uses; it used to abort the
/// whole process ("memory allocation of 4000000000000 bytes failed"), this test with it.
#[tokio::test]
async fn a_screenshot_claiming_a_huge_screen_is_refused_and_the_server_stays_up() {
    use ezilla::decode::screenshot::render;
    use hypervisor::screenshot::{Grab, Unreadable};

    let host = fixture_host("owned-host.xml");
    let server = TestServer::api(&[("one1", host.as_str())]).await;
    server.add_user("alice", Role::User);
    let alice = server.login("alice").await;
    let huge = [
        ("image/png", png_claiming(1_000_000, 1_000_000)),
        (
            "image/x-portable-pixmap",
            b"P6\n1000000 1000000\n255\n\0\0\0".to_vec(),
        ),
    ];
    for (mime, data) in huge {
        let grab = Grab {
            mime: mime.into(),
            data,
        };
        let refused = server
            .state
            .decodes
            .run(move || render(&grab, 640))
            .await
            .expect("a turn to decode");
        assert!(
            matches!(refused, Err(Unreadable::TooLarge(..))),
            "{mime}: {refused:?}"
        );
        let message = refused.unwrap_err().to_string();
        assert!(message.contains("more than is shown"), "{message}");
    }
    let response = alice
        .http
        .get(server.url(&format!("/api/v1/vms/{ALICE_VM}/screenshot?width=100")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the server still answers");
}
