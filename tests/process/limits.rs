//! An attacker against the real `ezilla` process: a storm of wrong passwords, half-sent
//! request headers, decompression bombs as wallpapers. Each is refused, the process stays up
//! and answers, and its peak memory stays under `PEAK_RSS_MIB`.

use std::{net::IpAddr, time::Duration};

use futures_util::future::join_all;
use serde_json::json;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpStream,
};

use super::{Served, admin_client};

/// The most resident memory the server may reach under these attacks, in MiB (it used to
/// take 870 MB for 40 wrong logins at once, 2.1 GB for 4 bombs at once).
const PEAK_RSS_MIB: u64 = 250;
/// Concurrent wrong logins for one user from one address.
const WRONG_LOGINS: usize = 40;
/// Connections that send half a request header and then nothing.
const HALF_OPEN: usize = 300;

/// A client whose connections come from `addr` (another loopback address than the attacker's).
fn client_from(addr: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(addr))
        .cookie_store(true)
        .build()
        .unwrap()
}

async fn health(served: &Served, from: [u8; 4]) -> u16 {
    let response = client_from(from)
        .get(format!("{}/api/v1/health", served.base))
        .send()
        .await
        .expect("the server answers");
    response.status().as_u16()
}

#[tokio::test]
async fn concurrent_wrong_logins_are_refused_after_the_limit_and_memory_stays_bounded() {
    let data = tempfile::tempdir().unwrap();
    let mut served = Served::start(data.path()).await;
    let attacker = client_from([127, 0, 0, 1]);
    let url = format!("{}/api/v1/auth/login", served.base);
    let attempts = (0..WRONG_LOGINS).map(|_| {
        let body = json!({"username": "admin", "password": "not the password", "language": "en"});
        attacker.post(&url).json(&body).send()
    });
    let statuses: Vec<u16> = join_all(attempts)
        .await
        .into_iter()
        .map(|r| r.expect("an answer").status().as_u16())
        .collect();
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(wrong + throttled, WRONG_LOGINS, "{statuses:?}");
    assert!(wrong <= 5, "at most the limit is checked: {statuses:?}");
    assert!(served.alive());
    let peak = served.peak_rss_mib();
    assert!(peak < PEAK_RSS_MIB, "peak RSS {peak} MiB");

    // The real admin, from elsewhere, is not locked out.
    let password = std::fs::read_to_string(data.path().join("admin-password")).unwrap();
    let body = json!({"username": "admin", "password": password.trim(), "language": "en"});
    let real = client_from([127, 0, 0, 2])
        .post(&url)
        .json(&body)
        .send()
        .await;
    assert_eq!(real.unwrap().status(), 200);
}

#[tokio::test]
async fn half_sent_headers_are_dropped_after_the_timeout_and_others_are_served() {
    let data = tempfile::tempdir().unwrap();
    let mut served = Served::start_with(
        data.path(),
        &["--http-header-timeout-secs", "1"],
        std::process::Stdio::null(),
    )
    .await;
    let addr = served.base.trim_start_matches("http://").to_owned();
    let mut slow = Vec::new();
    for _ in 0..HALF_OPEN {
        // Refused at once past the per-address cap: that counts as closed too.
        if let Ok(mut tcp) = TcpStream::connect(&addr).await {
            let _ = tcp
                .write_all(b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n")
                .await;
            slow.push(tcp);
        }
    }
    assert_eq!(
        health(&served, [127, 0, 0, 2]).await,
        200,
        "others are served"
    );
    let closed = slow.into_iter().map(|mut tcp| async move {
        let mut buf = [0u8; 1024];
        // Closed: end of stream or reset; a 408 answer before the close is fine too.
        let read = tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                match tcp.read(&mut buf).await {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
            }
        });
        read.await.is_ok()
    });
    let closed = join_all(closed).await;
    let open = closed.iter().filter(|c| !**c).count();
    assert_eq!(
        open, 0,
        "{open} of {HALF_OPEN} half-open connections still open"
    );
    assert!(served.alive());
    assert_eq!(health(&served, [127, 0, 0, 1]).await, 200);

    // A keep-alive connection that sent its request whole may idle longer than the header
    // time (up to `http_idle_secs`): waiting out the header time is what is tested here.
    let mut kept = TcpStream::connect(&addr).await.unwrap();
    let request = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";
    for round in 0..2 {
        kept.write_all(request).await.unwrap();
        let mut answer = [0u8; 512];
        let n = kept.read(&mut answer).await.unwrap();
        assert!(
            answer[..n].starts_with(b"HTTP/1.1 200"),
            "round {round}: {}",
            String::from_utf8_lossy(&answer[..n])
        );
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
}

/// A PNG of `side` × `side` RGBA pixels, all zero: about a megabyte that unpacks to
/// `side² × 4` bytes.
fn png_bomb(side: u32) -> Vec<u8> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let row = vec![0u8; side as usize * 4];
    for _ in 0..side {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
    drop(writer);
    out
}

#[tokio::test]
async fn wallpaper_bombs_are_refused_and_the_server_stays_up() {
    let data = tempfile::tempdir().unwrap();
    let mut served = Served::start(data.path()).await;
    let admin = admin_client(&served.base, data.path()).await;
    let bomb = tokio::task::spawn_blocking(|| png_bomb(8192))
        .await
        .unwrap();
    assert!(
        bomb.len() < 2 * 1024 * 1024,
        "within the upload limit: {}",
        bomb.len()
    );
    let url = format!("{}/api/v1/me/wallpaper", served.base);
    let uploads = (0..4).map(|_| {
        admin
            .put(&url)
            .header("x-ezilla-request", "1")
            .body(bomb.clone())
            .send()
    });
    for answer in join_all(uploads).await {
        let answer = answer.expect("an answer");
        assert_eq!(answer.status(), 413);
        let body: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(body["code"], "payload_too_large");
        assert!(
            body["message"].as_str().unwrap().contains("pixels"),
            "{body}"
        );
    }
    assert!(served.alive());
    assert_eq!(health(&served, [127, 0, 0, 1]).await, 200);
    let peak = served.peak_rss_mib();
    assert!(peak < PEAK_RSS_MIB, "peak RSS {peak} MiB");
}

#[tokio::test]
async fn the_data_directory_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let served = Served::start(&data).await;
    // A write, so that SQLite's WAL exists too.
    admin_client(&served.base, &data).await;
    let mode = |name: &str| {
        let path = if name.is_empty() {
            data.clone()
        } else {
            data.join(name)
        };
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777
    };
    assert_eq!(mode(""), 0o700, "data/");
    for file in ["ezilla.sqlite", "ezilla.sqlite-wal", "admin-password"] {
        assert_eq!(mode(file), 0o600, "{file}");
    }
}
