//! A real diskless QEMU VM shows up as running in `GET /api/v1/vms`.

use std::time::Duration;

use virt::{connect::Connect, domain::Domain};

use testkit::{eventually, qemu::LOCAL_QEMU, server::TestServer};

/// A defined (persistent) domain that is destroyed and undefined when dropped, so a
/// failing test leaves nothing behind.
struct ScratchVm {
    domain: Domain,
    name: String,
}

impl ScratchVm {
    /// Defines and starts a diskless 64 MiB TCG guest with VNC on 127.0.0.1.
    fn start(conn: &Connect, name: &str) -> Self {
        let xml = format!(
            "<domain type='qemu'>
               <name>{name}</name>
               <memory unit='MiB'>64</memory>
               <vcpu>1</vcpu>
               <os><type arch='x86_64' machine='pc'>hvm</type><boot dev='hd'/></os>
               <devices>
                 <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>
               </devices>
             </domain>"
        );
        let domain = conn.define_domain_xml(&xml).expect("define the scratch VM");
        let vm = Self {
            domain,
            name: name.into(),
        };
        vm.domain.create().expect("start the scratch VM");
        vm
    }
}

impl Drop for ScratchVm {
    fn drop(&mut self) {
        let _ = self.domain.destroy();
        if let Err(e) = self.domain.undefine() {
            eprintln!("could not undefine {}: {e}", self.name);
        }
    }
}

#[tokio::test]
async fn a_running_qemu_vm_is_listed_as_running() {
    virt::error::clear_error_callback();
    let conn = Connect::open(Some(LOCAL_QEMU))
        .expect("libvirtd with QEMU must run: the test command starts it");
    let name = format!("ezilla-test-{}", std::process::id());
    let vm = ScratchVm::start(&conn, &name);

    let server = TestServer::api(&[("local", LOCAL_QEMU)]).await;
    let admin = server.admin().await;
    let row = eventually(
        "the VM to be listed as running",
        Duration::from_secs(30),
        || async {
            let (status, body) = admin.get("/api/v1/vms").await;
            assert_eq!(status, 200, "{body}");
            body["vms"]
                .as_array()?
                .iter()
                .find(|vm| vm["name"] == name.as_str() && vm["state"] == "running")
                .cloned()
        },
    )
    .await;
    assert_eq!(row["host"], "local");
    assert_eq!(
        row["lcm_state"], "booted",
        "libvirt's state reason, in words"
    );
    assert_eq!(row["cores"], 1);
    assert_eq!(row["memory_mib"], 64);
    assert!(
        row["id"].as_u64().is_some(),
        "a running VM has an ID: {row}"
    );
    assert!(row["uptime_secs"].as_u64().is_some(), "{row}");

    // Its screen (SeaBIOS's text on QEMU's VGA), scaled on the server.
    let shot = format!(
        "/api/v1/vms/{}/screenshot?width=320",
        row["uuid"].as_str().unwrap()
    );
    let lit = eventually(
        "text on the VM's screen",
        Duration::from_secs(30),
        || async {
            let response = admin.http.get(server.url(&shot)).send().await.ok()?;
            let png = response.bytes().await.ok()?;
            let image = image::load_from_memory_with_format(&png, image::ImageFormat::Png)
                .ok()?
                .into_rgb8();
            assert_eq!(image.width(), 320);
            let lit = image.as_raw().iter().filter(|&&v| v > 64).count();
            (lit > 0).then_some(lit)
        },
    )
    .await;
    assert!(lit > 100, "some text is drawn: {lit} lit samples");

    // Removed behind Ezilla's back: the next look at the host notices.
    drop(vm);
    eventually(
        "the removed VM to leave the list",
        Duration::from_secs(30),
        || async {
            let (_, body) = admin.get("/api/v1/vms").await;
            // By the exact name: other tests' VMs start with this one's.
            let listed = body["vms"]
                .as_array()?
                .iter()
                .any(|vm| vm["name"] == name.as_str());
            (!listed).then_some(())
        },
    )
    .await;
}

#[tokio::test]
async fn changes_made_outside_ezilla_arrive_by_libvirt_events() {
    virt::error::clear_error_callback();
    // Ezilla would not look again for ten minutes: only an event can bring the news sooner.
    let hosts = [("local", LOCAL_QEMU)];
    let server =
        TestServer::start_with(&hosts, "/nonexistent".into(), |s| s.refresh_secs = 600).await;
    let admin = server.admin().await;
    let conn = Connect::open(Some(LOCAL_QEMU)).expect("libvirtd with QEMU");
    let name = format!("ezilla-test-{}-events", std::process::id());
    let listed = |present: bool| {
        let (admin, name) = (&admin, name.clone());
        async move {
            let (_, body) = admin.get("/api/v1/vms").await;
            (body.to_string().contains(&format!("\"{name}\"")) == present).then_some(())
        }
    };

    let vm = ScratchVm::start(&conn, &name);
    eventually(
        "the started VM to be listed",
        Duration::from_secs(10),
        || listed(true),
    )
    .await;
    drop(vm);
    eventually(
        "the removed VM to leave the list",
        Duration::from_secs(10),
        || listed(false),
    )
    .await;
}
