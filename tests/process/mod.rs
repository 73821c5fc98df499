//! The `ezilla` binary as a separate process: crash safety and the account commands.
//! The test command builds the binary before the tests run.

mod cli;
mod durability;
mod hosts_churn;
mod limits;
mod load;
mod metrics_history;
mod remote;

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

pub use testkit::binary::ezilla_binary;

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
        testkit::binary::serving(&base, Duration::from_secs(30)).await;
        Self { child, base }
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Served {
    /// The process's peak resident memory so far (`VmHWM`), in MiB.
    pub fn peak_rss_mib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let kib: u64 = status
            .lines()
            .find_map(|line| line.strip_prefix("VmHWM:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .expect("VmHWM in /proc/PID/status");
        kib / 1024
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

/// A client logged in as the first admin, whose password the server wrote into `data`.
pub async fn admin_client(base: &str, data: &Path) -> reqwest::Client {
    let password = std::fs::read_to_string(data.join("admin-password")).unwrap();
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "admin", "password": password.trim(), "language": "en"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    client
}
