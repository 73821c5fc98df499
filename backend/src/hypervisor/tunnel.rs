//! A port on a remote host's loopback (its VNC server), reached through SSH with the
//! credentials its `qemu+ssh://` URI names (`ssh -W`), so VNC is never opened to the network;
//! and the tail of a file there (a VM's serial log), read by `tail` over the same SSH.

use std::{
    pin::Pin,
    process::Stdio,
    task::{Context, Poll},
};

use tokio::{
    io::{AsyncRead, AsyncWrite, Join, ReadBuf},
    process::{Child, ChildStdin, ChildStdout, Command},
};

/// Where and as whom SSH logs in, from a `qemu+ssh://` URI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SshTarget {
    user: Option<String>,
    host: String,
    port: Option<u16>,
    keyfile: Option<String>,
    known_hosts: Option<String>,
    no_verify: bool,
}

impl SshTarget {
    /// The target of a `DRIVER+ssh://[user@]host[:port]/path[?keyfile=..&no_verify=1..]` URI.
    pub fn of_uri(uri: &str) -> Option<Self> {
        let (scheme, rest) = uri.split_once("://")?;
        if !scheme.ends_with("+ssh") {
            return None;
        }
        let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
        let (user, host_port) = match authority.rsplit_once('@') {
            Some((user, hp)) => (Some(user.to_owned()), hp),
            None => (None, authority),
        };
        let (host, port) = match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port.parse().ok()?)),
            None => (host_port, None),
        };
        let query = path.split_once('?').map_or("", |(_, q)| q);
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
                .map(str::to_owned)
        };
        Some(Self {
            user,
            host: host.to_owned(),
            port,
            keyfile: param("keyfile"),
            known_hosts: param("known_hosts"),
            no_verify: param("no_verify").as_deref() == Some("1"),
        })
    }

    /// `ssh` to the target, never prompting, running `remote` (arguments after the host).
    fn command(&self, options: &[&str], remote: &[&str]) -> Command {
        let mut ssh = Command::new("ssh");
        ssh.args(["-T", "-o", "BatchMode=yes"]).args(options);
        if let Some(p) = self.port {
            ssh.arg("-p").arg(p.to_string());
        }
        if let Some(user) = &self.user {
            ssh.arg("-l").arg(user);
        }
        if let Some(key) = &self.keyfile {
            ssh.args(["-o", "IdentitiesOnly=yes", "-i"]).arg(key);
        }
        if let Some(file) = &self.known_hosts {
            ssh.arg("-o").arg(format!("UserKnownHostsFile={file}"));
        }
        if self.no_verify {
            ssh.args(["-o", "StrictHostKeyChecking=no"]);
        }
        ssh.arg("--").arg(&self.host).args(remote);
        ssh
    }

    /// The last `bytes` bytes of a file on the target (empty if it has none), read by `tail`.
    pub async fn read_tail(&self, path: &str, bytes: usize) -> std::io::Result<Vec<u8>> {
        let quoted = format!("'{}'", path.replace('\'', r"'\''"));
        let count = bytes.to_string();
        let output = self
            .command(&[], &["tail", "-c", &count, "--", &quoted])
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .output()
            .await?;
        Ok(output.stdout)
    }

    /// A byte stream to the target's loopback `port`; the ssh process ends when it drops.
    pub fn connect(&self, port: u16) -> std::io::Result<SshStream> {
        let to = format!("127.0.0.1:{port}");
        let mut child = self
            .command(&["-W", &to], &[])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let (stdout, stdin) = (child.stdout.take(), child.stdin.take());
        let io = tokio::io::join(stdout.expect("piped"), stdin.expect("piped"));
        Ok(SshStream { io, _child: child })
    }
}

/// An `ssh -W` process's stdout and stdin as one stream.
pub struct SshStream {
    io: Join<ChildStdout, ChildStdin>,
    _child: Child,
}

impl AsyncRead for SshStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for SshStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uri_names_user_host_port_and_key() {
        let target = SshTarget::of_uri(
            "qemu+ssh://root@127.0.0.1:2222/system?keyfile=/k/id&no_verify=1&no_tty=1",
        )
        .unwrap();
        assert_eq!(
            target,
            SshTarget {
                user: Some("root".into()),
                host: "127.0.0.1".into(),
                port: Some(2222),
                keyfile: Some("/k/id".into()),
                known_hosts: None,
                no_verify: true,
            }
        );
        let plain = SshTarget::of_uri("qemu+ssh://one2/system").unwrap();
        assert_eq!(
            (plain.host.as_str(), plain.user, plain.port),
            ("one2", None, None)
        );
        assert!(SshTarget::of_uri("qemu:///system").is_none());
        assert!(SshTarget::of_uri("qemu+tcp://one2/system").is_none());
    }
}
