//! The loopback load test: for `LOAD_SECS` (60 s; `EZILLA_LOAD_SECS` to shorten it), workers
//! hammer the real `ezilla` process with logins (wrong passwords, from several loopback
//! addresses), wallpaper uploads (real images and decompression bombs) and screenshots, while
//! another user's VM list keeps answering: its p99 stays under 100 ms, nothing answers 5xx,
//! and the process stays up within the documented memory. Everything stops by itself.

use std::{
    net::IpAddr,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use serde_json::json;

use super::{Served, admin_client};

/// How long the load runs.
const LOAD_SECS: u64 = 60;
/// The VM list's 99th percentile must stay under this.
const P99_LIMIT: Duration = Duration::from_millis(100);
/// The documented bound on the server's resident memory (README, Limits).
const PEAK_RSS_MIB: u64 = 250;
/// Each login worker's pace: the load generator shares this machine's cores with the server,
/// so unpaced loops would measure the generator, not the server.
const LOGIN_PACE: Duration = Duration::from_millis(10);

fn load_secs() -> u64 {
    std::env::var("EZILLA_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(LOAD_SECS)
}

fn client_from(last: u8) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from([127, 0, 0, last]))
        .cookie_store(true)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A `side` × `side` gradient as PNG.
fn png(side: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(side, side, |x, y| image::Rgb([x as u8, y as u8, 7]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG that declares 8192 × 8192 pixels (refused from its header).
fn bomb() -> Vec<u8> {
    let mut header = png(1);
    header[16..20].copy_from_slice(&8192u32.to_be_bytes());
    header[20..24].copy_from_slice(&8192u32.to_be_bytes());
    let crc = !header[12..29].iter().fold(!0u32, |crc, &byte| {
        (0..8).fold(crc ^ u32::from(byte), |c, _| {
            if c & 1 == 1 {
                (c >> 1) ^ 0xEDB8_8320
            } else {
                c >> 1
            }
        })
    });
    header[29..33].copy_from_slice(&crc.to_be_bytes());
    header
}

#[tokio::test]
async fn a_minute_of_hammering_leaves_another_users_vm_list_fast() {
    let data = tempfile::tempdir().unwrap();
    let mut served = Served::start(data.path()).await;
    let base = served.base.clone();
    let admin = admin_client(&base, data.path()).await;
    let body = json!({"username": "bob", "password": "bob's password", "role": "user"});
    let added = admin
        .post(format!("{base}/api/v1/admin/users"))
        .json(&body)
        .send()
        .await;
    assert_eq!(added.unwrap().status(), 201);
    let bob = client_from(2);
    let login = json!({"username": "bob", "password": "bob's password", "language": "en"});
    let answer = bob
        .post(format!("{base}/api/v1/auth/login"))
        .json(&login)
        .send()
        .await;
    assert_eq!(answer.unwrap().status(), 200);
    let vms: serde_json::Value = admin
        .get(format!("{base}/api/v1/vms"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let running = vms["vms"][0]["uuid"].as_str().unwrap().to_owned();

    let deadline = Instant::now() + Duration::from_secs(load_secs());
    let server_errors = Arc::new(Mutex::new(Vec::<String>::new()));
    let note = |errors: &Arc<Mutex<Vec<String>>>, what: &str, status: u16| {
        if status >= 500 {
            errors.lock().unwrap().push(format!("{what}: {status}"));
        }
    };
    let mut workers = Vec::new();
    for n in 0..4u8 {
        let (base, errors) = (base.clone(), server_errors.clone());
        workers.push(tokio::spawn(async move {
            let client = client_from(10 + n);
            let mut i = 0u32;
            while Instant::now() < deadline {
                i += 1;
                let body =
                    json!({"username": format!("guess{i}"), "password": "wrong", "language": "en"});
                if let Ok(r) = client
                    .post(format!("{base}/api/v1/auth/login"))
                    .json(&body)
                    .send()
                    .await
                {
                    note(&errors, "login", r.status().as_u16());
                }
                tokio::time::sleep(LOGIN_PACE).await;
            }
        }));
    }
    let (small, bomb) = (Arc::new(png(256)), Arc::new(bomb()));
    for n in 0..2 {
        let (base, errors, admin) = (base.clone(), server_errors.clone(), admin.clone());
        let upload = if n == 0 { small.clone() } else { bomb.clone() };
        workers.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let sent = admin
                    .put(format!("{base}/api/v1/me/wallpaper"))
                    .header("x-ezilla-request", "1")
                    .body(upload.to_vec())
                    .send()
                    .await;
                if let Ok(r) = sent {
                    note(&errors, "upload", r.status().as_u16());
                }
            }
        }));
    }
    for width in [320, 640] {
        let (base, errors, admin, uuid) = (
            base.clone(),
            server_errors.clone(),
            admin.clone(),
            running.clone(),
        );
        workers.push(tokio::spawn(async move {
            while Instant::now() < deadline {
                let url = format!("{base}/api/v1/vms/{uuid}/screenshot?width={width}");
                if let Ok(r) = admin.get(url).send().await {
                    note(&errors, "screenshot", r.status().as_u16());
                    let _ = r.bytes().await;
                }
            }
        }));
    }

    let mut latencies = Vec::new();
    while Instant::now() < deadline {
        let start = Instant::now();
        let answer = bob.get(format!("{base}/api/v1/vms")).send().await.unwrap();
        assert_eq!(answer.status(), 200);
        let _ = answer.bytes().await.unwrap();
        latencies.push(start.elapsed());
        // Paced like a desktop's refreshes, not a busy loop of our own.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    for worker in workers {
        worker.await.unwrap();
    }
    latencies.sort();
    let p99 = latencies[latencies.len() * 99 / 100];
    let peak = served.peak_rss_mib();
    eprintln!(
        "load: {} VM lists, p50 {:?}, p99 {p99:?}, max {:?}, peak RSS {peak} MiB",
        latencies.len(),
        latencies[latencies.len() / 2],
        latencies.last().unwrap()
    );
    assert!(served.alive(), "the server stayed up");
    assert!(
        server_errors.lock().unwrap().is_empty(),
        "{:?}",
        server_errors.lock().unwrap()
    );
    assert!(p99 < P99_LIMIT, "p99 {p99:?}");
    assert!(peak < PEAK_RSS_MIB, "peak RSS {peak} MiB");
}
