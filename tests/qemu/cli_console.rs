//! `ezilla vm console NAME` in a pseudo-terminal, typing into the demo guest's busybox shell
//! on real QEMU: the terminal is raw while attached (every key to the VM), Ctrl-] leaves, and
//! the terminal is as it was afterwards.

use std::{
    io::{Read, Write},
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use rustix::{
    pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt},
    termios::{LocalModes, tcgetattr},
};

use testkit::{eventually, qemu::boot_demo};

use crate::process::ezilla_binary;

const PATIENCE: Duration = Duration::from_secs(30);

/// A pseudo-terminal: the test holds the master end, a program gets the slave as its terminal.
struct Pty {
    master: std::fs::File,
    slave: std::fs::File,
    /// Everything the program wrote to its terminal so far.
    seen: Arc<Mutex<String>>,
}

impl Pty {
    fn open() -> Self {
        let master =
            openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
        grantpt(&master).unwrap();
        unlockpt(&master).unwrap();
        let name = ptsname(&master, Vec::new()).unwrap();
        let slave = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(name.to_str().unwrap())
            .unwrap();
        let master = std::fs::File::from(master);
        let seen = Arc::new(Mutex::new(String::new()));
        let (mut reader, sink) = (master.try_clone().unwrap(), seen.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n @ 1..) = reader.read(&mut buf) {
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        Self {
            master,
            slave,
            seen,
        }
    }

    fn stdio(&self) -> Stdio {
        Stdio::from(self.slave.try_clone().unwrap())
    }

    fn type_keys(&mut self, keys: &[u8]) {
        self.master.write_all(keys).unwrap();
    }

    async fn wait_for(&self, wanted: &str) {
        let seen = self.seen.clone();
        eventually(&format!("{wanted:?} on the terminal"), PATIENCE, || {
            let found = seen.lock().unwrap().contains(wanted);
            async move { found.then_some(()) }
        })
        .await;
    }

    /// Whether the terminal is in raw mode (no line editing, no echo).
    fn raw(&self) -> bool {
        let modes = tcgetattr(&self.slave).unwrap().local_modes;
        !modes.intersects(LocalModes::ICANON | LocalModes::ECHO)
    }
}

#[tokio::test]
async fn the_command_line_attaches_a_terminal_to_the_serial_console() {
    let demo = boot_demo("cli-console", |_| {}).await;
    let token = demo.server.token("alice", "write").await;
    let config = tempfile::tempdir().unwrap();
    let mut pty = Pty::open();
    assert!(!pty.raw(), "a fresh terminal edits lines");
    let url = demo.server.url("");
    let mut child = tokio::process::Command::new(ezilla_binary())
        .env_clear()
        .env("XDG_CONFIG_HOME", config.path())
        .env("EZILLA_REMOTE_URL", &url)
        .env("EZILLA_REMOTE_TOKEN", &token)
        .args(["vm", "console", &demo.name])
        .stdin(pty.stdio())
        .stdout(pty.stdio())
        .stderr(pty.stdio())
        .spawn()
        .unwrap();
    pty.wait_for("Escape character is ^]").await;
    eventually("raw mode", PATIENCE, || {
        let raw = pty.raw();
        async move { raw.then_some(()) }
    })
    .await;

    pty.type_keys(b"\n");
    pty.wait_for("root@ezilla-demo").await;
    pty.type_keys(b"echo typed-through-$((40+2))\n");
    pty.wait_for("typed-through-42").await;

    // Ctrl-] leaves: the program ends well and the terminal edits lines again.
    pty.type_keys(&[0x1d]);
    let status = tokio::time::timeout(PATIENCE, child.wait())
        .await
        .expect("the console ends on Ctrl-]")
        .unwrap();
    assert!(status.success(), "{status}");
    assert!(!pty.raw(), "the terminal is restored");
}
