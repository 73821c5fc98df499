//! A relay in front of the system libvirtd's Unix socket, whose connections a test can cut and
//! hold off: to the libvirt client behind it, that is the daemon going away and coming back.
//! A test-driver host named by a file (`test+unix:///PATH.xml?socket=RELAY`) is opened afresh
//! from the file on the reconnect, so its VMs forget their state reasons exactly as a restarted
//! libvirtd's do, and the daemon that other tests share is never touched.

use std::path::{Path, PathBuf};

use tempfile::TempDir;
use tokio::{
    net::{UnixListener, UnixStream},
    sync::watch,
};

/// The system libvirtd's read-write socket.
pub const LIBVIRT_SOCKET: &str = "/run/libvirt/libvirt-sock";

/// The relay; it stops with the test's runtime.
pub struct LibvirtRelay {
    /// The relay's socket, for the URI's `socket=` parameter.
    pub socket: PathBuf,
    /// Whether new connections pass; each change cuts those open.
    gate: watch::Sender<bool>,
    _dir: TempDir,
}

impl LibvirtRelay {
    /// Relays a new socket to `target`.
    pub fn start(target: &Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let socket = dir.path().join("libvirt-sock");
        let listener = UnixListener::bind(&socket).unwrap();
        let gate = watch::Sender::new(true);
        let (watching, target) = (gate.subscribe(), target.to_owned());
        tokio::spawn(async move {
            while let Ok((mut conn, _)) = listener.accept().await {
                let mut watching = watching.clone();
                if !*watching.borrow_and_update() {
                    // Held: hung up at once, as a socket with no daemon behind it.
                    continue;
                }
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut daemon) = UnixStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut conn, &mut daemon) => {}
                        _ = watching.changed() => {}
                    }
                });
            }
        });
        Self {
            socket,
            gate,
            _dir: dir,
        }
    }

    /// A URI of libvirt's test driver, through this relay, for the host file `xml`.
    pub fn test_uri(&self, xml: &Path) -> String {
        format!(
            "test+unix://{}?socket={}",
            xml.display(),
            self.socket.display()
        )
    }

    /// Cuts every open connection and turns new ones away until `open`.
    pub fn cut_and_hold(&self) {
        self.gate.send_replace(false);
    }

    /// Passes new connections again.
    pub fn open(&self) {
        self.gate.send_replace(true);
    }
}
