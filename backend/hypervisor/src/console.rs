//! A running VM's consoles as byte streams: its VNC server (on the Unix socket named in the
//! live domain XML, never a TCP port; on a remote host through SSH) and its serial console
//! (libvirt's console stream, `virDomainOpenConsole`), pumped on a blocking thread through
//! bounded channels.

use std::time::Duration;

use tokio::{
    io::{AsyncRead, AsyncWrite},
    net::UnixStream,
    sync::mpsc,
};
use virt::{
    connect::Connect,
    domain::{Domain, DomainState},
    enumutil::Enum,
    stream::Stream,
    sys::VIR_STREAM_NONBLOCK,
};

use super::{ActionError, Pool, tunnel::SshTarget};

/// Chunks of console output or input in flight between libvirt and the WebSocket, at most.
const CHANNEL_CHUNKS: usize = 16;
const CHUNK: usize = 16 * 1024;
/// How long the pump sleeps when neither side has anything, at most.
const MAX_IDLE_POLL: Duration = Duration::from_millis(20);

/// How much of the serial log a new console replays: enough for a boot's last screens.
const BACKLOG: usize = 64 * 1024;
/// How long a new console waits for its backlog before going on without it.
const BACKLOG_WAIT: Duration = Duration::from_secs(3);

/// `virDomainOpenConsole`'s VIR_DOMAIN_CONSOLE_FORCE: a new console takes over from an open one.
const CONSOLE_FORCE: u32 = 1;

/// Why a console cannot be opened.
#[derive(Debug, thiserror::Error)]
pub enum ConsoleError {
    #[error(transparent)]
    Action(#[from] ActionError),
    /// The VM's host is reached by neither a local URI nor SSH; its VNC listens on that
    /// host's loopback only.
    #[error("consoles of VMs on hosts reached other than by SSH are not supported")]
    RemoteHost,
    /// The VNC server (or the SSH tunnel to it) could not be reached.
    #[error("cannot reach the VM's VNC server: {0}")]
    Unreachable(std::io::Error),
    /// The running domain has no VNC server on a Unix socket (none at all, or one on a TCP
    /// port, which Ezilla never connects to: a VM made before guests were isolated shows
    /// its console again once restarted).
    #[error("the VM has no VNC display")]
    NoDisplay,
    /// libvirt would not open the domain's console (it has none, or the driver cannot).
    #[error("the VM's serial console cannot be opened")]
    NoSerial,
}

/// A byte stream both ways (a Unix socket, an SSH tunnel).
pub trait ByteStream: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> ByteStream for T {}

/// A serial console: what the guest wrote before it was opened (the tail of its serial log,
/// such as its boot messages) in `backlog`, then guest output arriving on `output` (closed
/// when the console ends); input goes to `input`. Dropping both ends the console.
pub struct SerialConsole {
    pub backlog: Vec<u8>,
    pub output: mpsc::Receiver<Vec<u8>>,
    pub input: mpsc::Sender<Vec<u8>>,
}

impl Pool {
    /// A byte stream to the running VM's VNC server, whose Unix socket is read from the live
    /// domain XML: connected directly on this machine, through SSH on a `qemu+ssh` host.
    pub async fn connect_vnc(&self, uuid: &str) -> Result<Box<dyn ByteStream>, ConsoleError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let tunnel = match host.is_local() {
            true => None,
            false => Some(SshTarget::of_uri(&host.uri).ok_or(ConsoleError::RemoteHost)?),
        };
        let id = uuid.to_owned();
        let xml = host
            .call(move |_, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                is_running(&dom)?.then(|| dom.xml_desc(0)).transpose()
            })
            .await
            .map_err(ActionError::Host)?
            .ok_or(ActionError::InvalidState)?;
        let socket = vnc_socket_of(&xml).ok_or(ConsoleError::NoDisplay)?;
        match tunnel {
            None => Ok(Box::new(
                UnixStream::connect(&socket)
                    .await
                    .map_err(ConsoleError::Unreachable)?,
            )),
            Some(ssh) => Ok(Box::new(
                ssh.connect(&socket)
                    .await
                    .map_err(ConsoleError::Unreachable)?,
            )),
        }
    }

    /// Opens the running VM's serial console on a connection of its own, taking it over from
    /// any other client that has it open.
    pub async fn open_serial(&self, uuid: &str) -> Result<SerialConsole, ConsoleError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let (uri, id) = (host.uri.clone(), uuid.to_owned());
        let (ssh, local) = (SshTarget::of_uri(&uri), host.is_local());
        let (opened_tx, opened_rx) = tokio::sync::oneshot::channel();
        let (output_tx, output) = mpsc::channel(CHANNEL_CHUNKS);
        let (input, input_rx) = mpsc::channel(CHANNEL_CHUNKS);
        std::thread::Builder::new()
            .name("serial-console".into())
            .spawn(move || {
                let opened = open_console(&uri, &id);
                let ok = opened.as_ref().ok().map(|(_, s, _)| s.clone());
                let _ = opened_tx.send(opened.map(|(_, _, log)| log));
                if let Some(stream) = ok {
                    pump(stream, output_tx, input_rx);
                }
            })
            .map_err(|e| ActionError::Host(super::HostError::Panicked(e.to_string())))?;
        match tokio::time::timeout(self.timeout, opened_rx).await {
            Ok(Ok(Ok(log))) => {
                let backlog = match log {
                    Some(path) => read_log_tail(&path, local, ssh.as_ref()).await,
                    None => Vec::new(),
                };
                Ok(SerialConsole {
                    backlog,
                    output,
                    input,
                })
            }
            Ok(Ok(Err(err))) => Err(err),
            Ok(Err(_)) | Err(_) => {
                Err(ActionError::Host(super::HostError::Timeout(self.timeout)).into())
            }
        }
    }
}

/// The tail of a serial log, on this machine or over SSH; empty if it cannot be read in time
/// (the console works without it).
async fn read_log_tail(path: &str, local: bool, ssh: Option<&SshTarget>) -> Vec<u8> {
    let read = async {
        match (local, ssh) {
            (true, _) => local_tail(path).await,
            (false, Some(ssh)) => ssh.read_tail(path, BACKLOG).await,
            (false, None) => Ok(Vec::new()),
        }
    };
    match tokio::time::timeout(BACKLOG_WAIT, read).await {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(err)) => {
            tracing::debug!(%path, error = %err, "no serial log to replay");
            Vec::new()
        }
        Err(_) => Vec::new(),
    }
}

async fn local_tail(path: &str) -> std::io::Result<Vec<u8>> {
    use tokio::io::{AsyncReadExt, AsyncSeekExt};
    let mut file = tokio::fs::File::open(path).await?;
    let len = file.metadata().await?.len();
    file.seek(std::io::SeekFrom::Start(len.saturating_sub(BACKLOG as u64)))
        .await?;
    let mut tail = Vec::with_capacity(BACKLOG);
    file.take(BACKLOG as u64).read_to_end(&mut tail).await?;
    Ok(tail)
}

/// A fresh connection, a non-blocking stream on the domain's console, and the file its serial
/// output is logged to, if any.
fn open_console(uri: &str, uuid: &str) -> Result<(Connect, Stream, Option<String>), ConsoleError> {
    let host_error = |e: virt::error::Error| ActionError::Host(e.into());
    let conn = Connect::open(Some(uri)).map_err(host_error)?;
    let dom = conn
        .lookup_domain_by_uuid_string(uuid)
        .map_err(|_| ActionError::NotFound)?;
    if !is_running(&dom).map_err(host_error)? {
        return Err(ActionError::InvalidState.into());
    }
    let stream = Stream::new(&conn, VIR_STREAM_NONBLOCK).map_err(host_error)?;
    dom.open_console(None, &stream, CONSOLE_FORCE)
        .map_err(|err| {
            tracing::warn!(%uuid, error = %err, "cannot open the serial console");
            ConsoleError::NoSerial
        })?;
    let log = dom.xml_desc(0).ok().and_then(|xml| serial_log_of(&xml));
    Ok((conn, stream, log))
}

/// Moves bytes between the stream and the channels until the console ends (end of stream, an
/// error, or the other side dropping its channels). Reads from the guest only while the
/// output channel has room, so a slow browser slows the console, never the server's memory.
fn pump(stream: Stream, output: mpsc::Sender<Vec<u8>>, mut input: mpsc::Receiver<Vec<u8>>) {
    let mut buf = vec![0u8; CHUNK];
    let mut pending: Option<Vec<u8>> = None;
    let mut poll = Duration::from_millis(1);
    loop {
        let mut busy = false;
        if pending.is_none() {
            match input.try_recv() {
                Ok(bytes) => pending = Some(bytes),
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) => {}
            }
        }
        if let Some(bytes) = pending.take() {
            match stream.send(&bytes) {
                Ok(-2) => pending = Some(bytes),
                Ok(n) if (n as usize) < bytes.len() => {
                    pending = Some(bytes[n as usize..].to_vec());
                    busy = true;
                }
                Ok(_) => busy = true,
                Err(_) => break,
            }
        }
        match output.try_reserve() {
            Ok(permit) => match stream.recv(&mut buf) {
                Ok(-2) => {}
                Ok(n) if n > 0 => {
                    permit.send(buf[..n as usize].to_vec());
                    busy = true;
                }
                Ok(_) | Err(_) => break,
            },
            Err(mpsc::error::TrySendError::Closed(_)) => break,
            Err(mpsc::error::TrySendError::Full(_)) => {}
        }
        poll = if busy {
            Duration::from_millis(1)
        } else {
            (poll * 2).min(MAX_IDLE_POLL)
        };
        if !busy {
            std::thread::sleep(poll);
        }
    }
    let _ = stream.abort();
}

fn is_running(dom: &Domain) -> Result<bool, virt::error::Error> {
    Ok(matches!(
        dom.state()?.0,
        Enum::Known(DomainState::Running | DomainState::Paused)
    ))
}

/// The Unix socket of the domain's VNC server, from its live XML: an absolute path with
/// nothing that `ssh -L` could read as a host and port.
fn vnc_socket_of(domain_xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(domain_xml).ok()?;
    let graphics = doc
        .descendants()
        .find(|n| n.has_tag_name("graphics") && n.attribute("type") == Some("vnc"))?;
    let path = graphics.attribute("socket")?;
    let plain = path.starts_with('/') && !path.contains(':') && !path.contains(char::is_whitespace);
    plain.then(|| path.to_owned())
}

/// The file the domain's first serial port is logged to, from its live XML.
fn serial_log_of(domain_xml: &str) -> Option<String> {
    let doc = roxmltree::Document::parse(domain_xml).ok()?;
    let serial = doc.descendants().find(|n| n.has_tag_name("serial"))?;
    let log = serial.children().find(|n| n.has_tag_name("log"))?;
    log.attribute("file").map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vnc_socket_comes_from_the_live_xml_and_tcp_is_never_used() {
        let xml = "<domain><devices><graphics type='spice' port='5900'/>\
                   <graphics type='vnc' socket='/var/lib/libvirt/qemu/domain-3-a/vnc.sock'>\
                   <listen type='socket' socket='/var/lib/libvirt/qemu/domain-3-a/vnc.sock'/>\
                   </graphics></devices></domain>";
        assert_eq!(
            vnc_socket_of(xml).as_deref(),
            Some("/var/lib/libvirt/qemu/domain-3-a/vnc.sock")
        );
        let tcp = "<domain><devices><graphics type='vnc' port='5901' listen='127.0.0.1'/></devices></domain>";
        assert_eq!(vnc_socket_of(tcp), None, "a TCP display is no display");
        for odd in ["relative.sock", "/a/127.0.0.1:5900", "/a b/vnc.sock"] {
            let xml = format!(
                "<domain><devices><graphics type='vnc' socket='{odd}'/></devices></domain>"
            );
            assert_eq!(vnc_socket_of(&xml), None, "{odd}");
        }
        assert_eq!(vnc_socket_of("<domain/>"), None);
    }

    #[test]
    fn the_serial_log_comes_from_the_live_xml() {
        let xml = "<domain><devices><serial type='pty'><source path='/dev/pts/3'/>\
                   <log file='/var/log/libvirt/qemu/a-serial.log' append='off'/>\
                   <target port='0'/></serial></devices></domain>";
        assert_eq!(
            serial_log_of(xml).as_deref(),
            Some("/var/log/libvirt/qemu/a-serial.log")
        );
        assert_eq!(
            serial_log_of("<domain><devices><serial type='pty'/></devices></domain>"),
            None
        );
    }
}
