//! Connections to a guest's forwarded ports (its SSH and HTTP): QEMU listens for them on its
//! host's 127.0.0.1 only, so they are reached directly on this machine and through the host's
//! own SSH (`ssh -L`) on a `qemu+ssh` host, as the VNC consoles are.

use std::time::Duration;

use tokio::net::TcpStream;

use super::{ActionError, ByteStream, ConsoleError, Pool, tunnel::SshTarget};

/// How long a local connection to a forwarded port may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

impl Pool {
    /// A byte stream to `port` of the host's 127.0.0.1 that runs VM `uuid`.
    pub async fn connect_forwarded(
        &self,
        uuid: &str,
        port: u16,
    ) -> Result<Box<dyn ByteStream>, ConsoleError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        if host.is_local() {
            let tcp =
                tokio::time::timeout(CONNECT_TIMEOUT, TcpStream::connect(("127.0.0.1", port)))
                    .await
                    .map_err(|_| std::io::Error::from(std::io::ErrorKind::TimedOut))
                    .and_then(|connected| connected)
                    .map_err(ConsoleError::Unreachable)?;
            let _ = tcp.set_nodelay(true);
            return Ok(Box::new(tcp));
        }
        let ssh = SshTarget::of_uri(&host.uri).ok_or(ConsoleError::RemoteHost)?;
        Ok(Box::new(
            ssh.connect(&format!("127.0.0.1:{port}"))
                .await
                .map_err(ConsoleError::Unreachable)?,
        ))
    }
}
