//! A Unix socket on a remote host (a VM's VNC server), reached through SSH with the
//! credentials its `qemu+ssh://` URI names (OpenSSH's stream-local forwarding), so VNC is
//! never opened to any network; the tail of a file there (a VM's serial log), read by `tail`
//! over the same SSH; and commands run there.

use std::{
    io::ErrorKind,
    os::unix::fs::DirBuilderExt,
    path::PathBuf,
    pin::Pin,
    process::Stdio,
    task::{Context, Poll},
    time::Duration,
};

use percent_encoding::percent_decode_str;
use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::UnixStream,
    process::{Child, Command},
};
use url::{Host, Url};

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
    /// The target of a `DRIVER+ssh://[user@]host[:port]/path[?keyfile=..&no_verify=1..]` URI,
    /// read as a URL: IPv6 hosts in brackets, percent-encoded user names and parameters.
    pub fn of_uri(uri: &str) -> Option<Self> {
        let url = Url::parse(uri).ok()?;
        if !url.scheme().ends_with("+ssh") {
            return None;
        }
        let host = match url.host()? {
            Host::Domain(name) if !name.is_empty() => name.to_owned(),
            Host::Domain(_) => return None,
            Host::Ipv4(addr) => addr.to_string(),
            Host::Ipv6(addr) => addr.to_string(),
        };
        let user = match url.username() {
            "" => None,
            name => Some(percent_decode_str(name).decode_utf8().ok()?.into_owned()),
        };
        let param = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        };
        Some(Self {
            user,
            host,
            port: url.port(),
            keyfile: param("keyfile"),
            known_hosts: param("known_hosts"),
            no_verify: param("no_verify").as_deref() == Some("1"),
        })
    }

    /// `ssh` to the target, never prompting, running `remote` (arguments after the host).
    pub(super) fn command(&self, options: &[&str], remote: &[&str]) -> Command {
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

    /// A byte stream to `remote` as the target sees it: the Unix socket at a path, or
    /// `127.0.0.1:PORT`. OpenSSH's `-W` takes only host and port, so `ssh -N -L LOCAL:REMOTE`
    /// forwards a socket of its own, in a directory only this user can enter, to the remote
    /// end; the stream connects to it. The ssh process ends and the directory goes when the
    /// stream drops.
    pub async fn connect(&self, remote: &str) -> std::io::Result<SshStream> {
        let dir = PrivateDir::new()?;
        let local = dir.0.join("s");
        let forward = format!("{}:{remote}", local.display());
        let options = [
            "-N",
            "-o",
            "ExitOnForwardFailure=yes",
            "-o",
            "StreamLocalBindUnlink=yes",
            "-L",
            &forward,
        ];
        let mut child = self
            .command(&options, &[])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        let connect = async {
            let mut pause = Duration::from_millis(5);
            loop {
                if let Ok(stream) = UnixStream::connect(&local).await {
                    return Ok(stream);
                }
                if let Some(status) = child.try_wait()? {
                    return Err(std::io::Error::other(format!("ssh ended: {status}")));
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(100));
            }
        };
        let io = tokio::time::timeout(FORWARD_WAIT, connect)
            .await
            .map_err(|_| {
                std::io::Error::new(ErrorKind::TimedOut, "ssh did not forward in time")
            })??;
        Ok(SshStream {
            io,
            _child: child,
            _dir: dir,
        })
    }
}

/// How long SSH may take to log in and set its forward up.
const FORWARD_WAIT: Duration = Duration::from_secs(15);

/// A fresh directory of mode 0700 under the system's temporary directory, removed on drop.
struct PrivateDir(PathBuf);

impl PrivateDir {
    fn new() -> std::io::Result<Self> {
        let mut name = [0u8; 12];
        getrandom::fill(&mut name).map_err(|e| std::io::Error::other(e.to_string()))?;
        let hex: String = name.iter().map(|b| format!("{b:02x}")).collect();
        let path = std::env::temp_dir().join(format!("ezilla-ssh-{hex}"));
        std::fs::DirBuilder::new().mode(0o700).create(&path)?;
        Ok(Self(path))
    }
}

impl Drop for PrivateDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A connection through an `ssh -L` forward; the ssh process lives as long as it does.
pub struct SshStream {
    io: UnixStream,
    _child: Child,
    _dir: PrivateDir,
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
        assert!(SshTarget::of_uri("qemu+ssh:///system").is_none(), "no host");
        assert!(
            SshTarget::of_uri("qemu+ssh://one2:99999/system").is_none(),
            "no such port"
        );
    }

    #[test]
    fn ipv6_hosts_and_percent_encoded_parts_are_read_as_a_url_reads_them() {
        let target =
            SshTarget::of_uri("qemu+ssh://ad%40min@[::1]:2222/system?keyfile=/k/my%20id").unwrap();
        assert_eq!(
            (target.user.as_deref(), target.host.as_str(), target.port),
            (Some("ad@min"), "::1", Some(2222))
        );
        assert_eq!(target.keyfile.as_deref(), Some("/k/my id"));
        let plain = SshTarget::of_uri("qemu+ssh://[2001:db8::7]/system").unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("2001:db8::7", None));
    }
}
