//! The ISO library in tests: a storage pool of the test's own on local libvirt (removed with
//! its volumes when dropped), files that pass or fail the ISO 9660 check, and uploads.

use virt::connect::Connect;

use crate::server::{Client, TestServer};

/// A storage pool `ezilla-test-PID-SUFFIX` for uploaded ISOs, made by the server on first
/// upload; destroyed, emptied and undefined when dropped.
pub struct IsoPool {
    pub name: String,
    uri: String,
}

impl IsoPool {
    pub fn new(uri: &str, suffix: &str) -> Self {
        Self {
            name: format!("ezilla-test-{}-{suffix}", std::process::id()),
            uri: uri.into(),
        }
    }

    /// The names of the pool's volumes now (none if the pool does not exist yet).
    pub fn volumes(&self) -> Vec<String> {
        let Ok(conn) = Connect::open(Some(&self.uri)) else {
            return Vec::new();
        };
        let Ok(pool) = conn.lookup_storage_pool_by_name(&self.name) else {
            return Vec::new();
        };
        let _ = pool.refresh(0);
        let mut names = pool.list_volumes().unwrap_or_default();
        names.sort();
        names
    }
}

impl Drop for IsoPool {
    fn drop(&mut self) {
        let Ok(conn) = Connect::open(Some(&self.uri)) else {
            return;
        };
        let Ok(pool) = conn.lookup_storage_pool_by_name(&self.name) else {
            return;
        };
        for volume in pool.list_all_volumes(0).unwrap_or_default() {
            let _ = volume.delete(0);
        }
        let _ = pool.destroy();
        let _ = pool.delete(0);
        let _ = pool.undefine();
    }
}

/// `bytes` bytes (at least 64 KiB) that pass the ISO 9660 check: `CD001` at 0x8001, the
/// rest a pattern, so that a byte out of place shows in the digest.
pub fn fake_iso(bytes: usize) -> Vec<u8> {
    let mut data: Vec<u8> = (0..bytes).map(|i| (i * 7 + i / 4096) as u8).collect();
    data[0x8000..0x8006].copy_from_slice(b"\x01CD001");
    data
}

/// Uploads `file` as `name`, the way the desktop does: status and JSON body.
pub async fn upload(
    server: &TestServer,
    client: &Client,
    name: &str,
    file: Vec<u8>,
) -> (u16, serde_json::Value) {
    let response = client
        .http
        .post(server.url(&format!("/api/v1/isos?name={name}")))
        .header(shared::auth::CSRF_HEADER, "1")
        .body(file)
        .send()
        .await
        .expect("the upload gets an answer");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// A bootable ISO (ISOLINUX, from Debian's `isolinux` and `syslinux-common`, packed by
/// `xorriso`) of the demo guest's kernel and initrd, made in `dir`. The initrd finds no root
/// file system on the VM's blank disk and says so on the serial console.
pub fn bootable_demo_iso(dir: &std::path::Path) -> Vec<u8> {
    use crate::qemu::DEMO_DIR;

    let root = dir.join("iso-root");
    let boot = root.join("isolinux");
    std::fs::create_dir_all(&boot).unwrap();
    for (from, to) in [
        ("/usr/lib/ISOLINUX/isolinux.bin", boot.join("isolinux.bin")),
        (
            "/usr/lib/syslinux/modules/bios/ldlinux.c32",
            boot.join("ldlinux.c32"),
        ),
        (&format!("{DEMO_DIR}/vmlinuz") as &str, root.join("vmlinuz")),
        (
            &format!("{DEMO_DIR}/initrd.img") as &str,
            root.join("initrd.img"),
        ),
    ] {
        std::fs::copy(from, &to).unwrap_or_else(|e| panic!("{from}: {e} (scripts/install.sh)"));
    }
    std::fs::write(
        boot.join("isolinux.cfg"),
        "DEFAULT demo\nPROMPT 0\nTIMEOUT 1\nLABEL demo\n  KERNEL /vmlinuz\n  \
         APPEND initrd=/initrd.img console=tty1 console=ttyS0,115200 root=/dev/vda\n",
    )
    .unwrap();
    let out = dir.join("demo.iso");
    let status = std::process::Command::new("xorriso")
        .args(["-as", "mkisofs", "-quiet", "-V", "EZILLA_DEMO", "-o"])
        .arg(&out)
        .args(["-b", "isolinux/isolinux.bin", "-c", "isolinux/boot.cat"])
        .args(["-no-emul-boot", "-boot-load-size", "4", "-boot-info-table"])
        .arg(&root)
        .status()
        .expect("xorriso (scripts/install.sh installs it)");
    assert!(status.success(), "xorriso made the ISO");
    std::fs::read(out).unwrap()
}
