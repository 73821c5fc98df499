//! The classroom's server: the real `ezilla` binary as a process of its own, on a test-driver
//! host of one VM per student (each showing a synthetic VNC server), and what the kernel says
//! of its memory and CPU time.

use std::{
    path::Path,
    process::{Child, Command, Stdio},
    time::Duration,
};

use crate::binary::{ezilla_binary, serving};

/// VM `i`'s UUID.
pub fn vm_uuid(i: usize) -> String {
    format!("c1a55000-0000-4000-8000-{i:012x}")
}

/// Student `i`'s username.
pub fn student(i: usize) -> String {
    format!("student{i}")
}

/// A test-driver host: VM `i` runs, is student `i`'s and has its VNC display on `socket`.
pub fn host_xml(students: usize, socket: &Path) -> String {
    let domains: String = (0..students)
        .map(|i| {
            format!(
                "<domain type='test'><name>desk-{i}</name><uuid>{}</uuid>\
                 <memory unit='MiB'>512</memory><vcpu>1</vcpu><os><type>hvm</type></os>\
                 <devices><graphics type='vnc' socket='{}'/></devices>\
                 <metadata><ezilla:vm xmlns:ezilla='https://ezilla.nchc.org.tw/xmlns/libvirt/1'>\
                 <ezilla:owner>{}</ezilla:owner></ezilla:vm></metadata></domain>",
                vm_uuid(i),
                socket.display(),
                student(i)
            )
        })
        .collect();
    format!(
        "<node><cpu><mhz>2400</mhz><model>x86_64</model><active>64</active><nodes>1</nodes>\
         <sockets>1</sockets><cores>64</cores><threads>1</threads></cpu>\
         <memory>268435456</memory>{domains}</node>"
    )
}

/// The served process; killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Serves on a free loopback port with `data` as its data directory and `host` (a
    /// test-driver node file) as its one host.
    pub async fn start(data: &Path, host: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(ezilla_binary())
            .env_clear()
            .arg("--data-dir")
            .arg(data)
            .args(["--static-dir", "/nonexistent", "--host"])
            .arg(format!("local=test://{}", host.display()))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(
                std::env::var("EZILLA_CLASSROOM_ARGS")
                    .unwrap_or_default()
                    .split_whitespace(),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start ezilla");
        let base = format!("http://127.0.0.1:{port}");
        serving(&base, Duration::from_secs(60)).await;
        Self { child, base }
    }

    fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix(field))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{field} in /proc/PID/status"))
    }

    /// Resident memory now, in KiB.
    pub fn rss_kib(&self) -> u64 {
        self.status_kib("VmRSS:")
    }

    /// The most resident memory so far, in KiB.
    pub fn peak_rss_kib(&self) -> u64 {
        self.status_kib("VmHWM:")
    }

    /// CPU time used so far (user + system).
    pub fn cpu(&self) -> Duration {
        cpu_of(&format!("/proc/{}/stat", self.child.id()))
    }

    /// Whether the process is still running.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

/// The CPU time (user + system) of the process whose `stat` file is at `path`.
pub fn cpu_of(path: &str) -> Duration {
    let stat = std::fs::read_to_string(path).unwrap();
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<u64> = after
        .split_whitespace()
        .map(|f| f.parse().unwrap_or(0))
        .collect();
    // Linux counts in clock ticks of 1/100 s (USER_HZ).
    Duration::from_millis((fields[11] + fields[12]) * 10)
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
