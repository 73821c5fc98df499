//! The Images app in Chromium over local libvirt: an ISO uploaded over a slow link shows its
//! progress bar moving and its speed, then its SHA-256, and is listed; a second upload
//! the VM Creator makes a VM from it, whose details eject and insert it; a second upload cancelled midway leaves no volume; a
//! file that is no ISO is refused with the reason.

use std::time::Duration;

use sha2::{Digest, Sha256};
use shared::Role;

use super::open_app;
use testkit::{
    browser::{Browser, PATIENCE},
    eventually,
    isos::{IsoPool, fake_iso},
    qemu::{Cleanup, LOCAL_QEMU},
    server::{PASSWORD, TestServer, frontend_dist},
    slow_link::SlowLink,
};

/// The progress bar's value now, if it shows.
async fn progress(browser: &Browser) -> Option<f64> {
    let bar = browser
        .client
        .find(fantoccini::Locator::Css(".upload-progress"))
        .await
        .ok()?;
    bar.attr("value").await.ok()??.parse().ok()
}

/// Waits until the progress bar shows a value strictly between `above` and 100.
async fn progress_beyond(browser: &Browser, above: f64) -> f64 {
    eventually(
        "the progress bar to move on",
        Duration::from_secs(60),
        || async { progress(browser).await.filter(|v| *v > above && *v < 100.0) },
    )
    .await
}

/// The id of alice's one ISO.
async fn vm_iso(alice: &testkit::server::Client) -> i64 {
    let (_, listed) = alice.get("/api/v1/isos").await;
    listed[0]["id"].as_i64().expect("an ISO")
}

#[tokio::test]
async fn an_iso_uploads_with_a_moving_progress_bar_and_a_cancel() {
    virt::error::clear_error_callback();
    let pool = IsoPool::new(LOCAL_QEMU, "isos-browser");
    let pool_name = pool.name.clone();
    let server = TestServer::start_with(&[("local", LOCAL_QEMU)], frontend_dist(), |s| {
        s.iso_pool = pool_name;
    })
    .await;
    server.add_user("alice", Role::User);
    // 32 MiB at 4 MB/s: about 8 s of upload to watch (less what socket buffers take at once).
    let link = SlowLink::start(server.addr, 4_000_000).await;
    let files = tempfile::tempdir().unwrap();
    let iso = fake_iso(32 << 20);
    let path = files.path().join("rescue.iso");
    std::fs::write(&path, &iso).unwrap();
    let notes = files.path().join("notes.iso");
    std::fs::write(&notes, vec![b'x'; 64 * 1024]).unwrap();

    let browser = Browser::start().await;
    browser.login(&link.url("/"), "alice", PASSWORD).await;
    open_app(&browser, "images").await;
    browser.find(".images-app .empty").await;
    let choose = |file: std::path::PathBuf| {
        let browser = &browser;
        async move {
            browser
                .find(".images-app input.iso-file")
                .await
                .send_keys(file.to_str().unwrap())
                .await
                .unwrap();
        }
    };
    choose(path.clone()).await;
    let first = progress_beyond(&browser, 0.0).await;
    let later = progress_beyond(&browser, first).await;
    assert!(later > first, "the bar moves: {first} then {later}");
    browser
        .text_where(".upload-speed", |t| t.ends_with("MB/s"))
        .await;
    let digest: String = Sha256::digest(&iso)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let shown = browser
        .text_where(".upload-done .sha256", |t| !t.is_empty())
        .await;
    assert_eq!(shown, digest);
    browser.find(".iso-table tr[data-iso='rescue.iso']").await;
    assert_eq!(pool.volumes().len(), 1);

    // The VM Creator offers it: a VM from it, with a blank disk of the size asked.
    let name = format!("ezilla-test-{}-browser-iso", std::process::id());
    let _cleanup = Cleanup(vec![name.clone()]);
    open_app(&browser, "vm-creator").await;
    browser.click(".creator-form option[value^='iso:']").await;
    browser
        .type_into(".creator-form input[name='vm-name']", &name)
        .await;
    browser
        .type_into(".creator-form input[name='vm-memory']", "128")
        .await;
    browser
        .type_into(".creator-form input[name='vm-disk']", "2")
        .await;
    browser.click(".creator-form button[type='submit']").await;
    browser
        .text_where(".creator-form .done", |t| t.contains(&name))
        .await;
    let alice = server.login("alice").await;
    let (_, list) = alice.get("/api/v1/vms").await;
    let vm = list["vms"]
        .as_array()
        .and_then(|vms| vms.iter().find(|vm| vm["name"] == name.as_str()))
        .cloned()
        .expect("the new VM is listed");
    assert_eq!(
        (vm["disk_gib"].as_u64(), vm["memory_mib"].as_u64()),
        (Some(2), Some(128))
    );
    assert_eq!(pool.volumes().len(), 2, "the ISO and the VM's blank disk");

    // Its details show the ISO in its CD drive; Eject empties the drive, Insert fills it.
    open_app(&browser, "vm-manager").await;
    browser
        .click(&format!("tr[data-vm='{name}'] td.name"))
        .await;
    browser
        .text_where(".vm-details .cd-media", |t| t == "rescue.iso")
        .await;
    browser.click(".vm-details .cd-drive button.eject").await;
    browser
        .text_where(".vm-details .cd-media", |t| t == "-")
        .await;
    let cdrom = format!("/api/v1/vms/{}/cdrom", vm["uuid"].as_str().unwrap());
    assert_eq!(alice.get(&cdrom).await.1["iso"], serde_json::Value::Null);
    browser
        .click(&format!(
            ".vm-details select[name='cd-iso'] option[value='{}']",
            vm_iso(&alice).await
        ))
        .await;
    browser.click(".vm-details .cd-drive button.insert").await;
    browser
        .text_where(".vm-details .cd-media", |t| t == "rescue.iso")
        .await;
    let (status, _) = alice
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v1/vms/{}?disks=true", vm["uuid"].as_str().unwrap()),
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(status, 204);
    open_app(&browser, "images").await;

    // A second one, cancelled midway: its volume goes, the first stays.
    let copy = files.path().join("second.iso");
    std::fs::write(&copy, &iso).unwrap();
    choose(copy).await;
    progress_beyond(&browser, 0.0).await;
    eventually("its volume to be made", PATIENCE, || async {
        (pool.volumes().len() == 2).then_some(())
    })
    .await;
    browser.click(".cancel-upload").await;
    eventually("the cancelled upload's volume to go", PATIENCE, || async {
        (pool.volumes().len() == 1).then_some(())
    })
    .await;
    assert!(progress(&browser).await.is_none(), "the bar is gone");

    // A file that is no ISO is refused with the reason.
    choose(notes).await;
    browser
        .text_where(".images-app .error", |t| !t.is_empty())
        .await;
    let (_, listed) = alice.get("/api/v1/isos").await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    browser.close().await;
}
