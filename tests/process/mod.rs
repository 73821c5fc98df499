//! The `ezilla` binary as a separate process: crash safety and the account commands.
//! The test command builds the binary before the tests run.

mod cli;
mod durability;
mod metrics_history;

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use crate::support::eventually;

/// `target/<profile>/ezilla`, beside the test binary's `deps/` folder.
pub fn ezilla_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let bin = exe.parent().unwrap().parent().unwrap().join("ezilla");
    assert!(
        bin.is_file(),
        "{} is missing: run `cargo build -p ezilla` first",
        bin.display()
    );
    bin
}

/// `ezilla` with a data directory and the test driver, no frontend.
pub fn ezilla(data: &Path) -> Command {
    let mut cmd = Command::new(ezilla_binary());
    cmd.env_clear().arg("--data-dir").arg(data).args([
        "--host",
        "local=test:///default",
        "--static-dir",
        "/nonexistent",
    ]);
    cmd
}

/// A served `ezilla` on a free port, killed with SIGKILL when dropped.
pub struct Served {
    pub child: Child,
    pub base: String,
}

impl Served {
    pub async fn start(data: &Path) -> Self {
        Self::start_with(data, &[], Stdio::null()).await
    }

    /// Like `start`, with more arguments and the server's log (stdout and stderr) to `log`.
    pub async fn start_with(data: &Path, args: &[&str], log: impl Into<Stdio>) -> Self {
        let log = log.into();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = ezilla(data)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(args)
            .stdout(log)
            .stderr(Stdio::null())
            .spawn()
            .expect("start ezilla");
        let base = format!("http://127.0.0.1:{port}");
        let health = format!("{base}/api/v1/health");
        eventually("ezilla to serve", Duration::from_secs(30), || async {
            reqwest::get(&health)
                .await
                .ok()
                .filter(|r| r.status() == 200)
        })
        .await;
        Self { child, base }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
