//! A running VM's screen, through libvirt's screenshot call (a stream of PNG, or PPM from
//! some drivers), as the host sends it, bounded by `MAX_STREAM_BYTES`. Decoding it (within
//! limits of its own) is the server's work, not libvirt's.

use virt::{domain::DomainState, enumutil::Enum, stream::Stream};

use super::{ActionError, Pool};

/// The most bytes one screenshot stream may carry (a PPM of `MAX_PIXELS` is 48 MiB).
pub const MAX_STREAM_BYTES: usize = 64 << 20;

/// Why a host's screenshot is not shown.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("the host sent more than {} MiB", MAX_STREAM_BYTES >> 20)]
    TooManyBytes,
    #[error("the host says the screen is {0} × {1} pixels, more than is shown")]
    TooLarge(u32, u32),
    #[error("the host sent a damaged image")]
    Damaged,
}

/// A screenshot as the host sent it.
pub struct Grab {
    /// Its MIME type, as the host names it.
    pub mime: String,
    /// At most `MAX_STREAM_BYTES`.
    pub data: Vec<u8>,
}

impl Pool {
    /// The VM's screen as its host sends it, at most `MAX_STREAM_BYTES` (more is
    /// `Unreadable::TooManyBytes`, the stream aborted).
    pub async fn screenshot(&self, uuid: &str) -> Result<Result<Grab, Unreadable>, ActionError> {
        let (host, _) = self.find_vm(uuid).ok_or(ActionError::NotFound)?;
        let id = uuid.to_owned();
        let grabbed = host
            .call(move |_, conn| {
                let dom = conn.lookup_domain_by_uuid_string(&id)?;
                if !matches!(
                    dom.state()?.0,
                    Enum::Known(DomainState::Running | DomainState::Paused)
                ) {
                    return Ok(None);
                }
                let stream = Stream::new(conn, 0)?;
                let mime = dom.screenshot(&stream, 0, 0)?;
                let mut data = Vec::new();
                let mut chunk = vec![0u8; 64 * 1024];
                loop {
                    let n = stream.recv(&mut chunk)?;
                    if n <= 0 {
                        break;
                    }
                    if data.len() + n as usize > MAX_STREAM_BYTES {
                        let _ = stream.abort();
                        return Ok(Some(Err(Unreadable::TooManyBytes)));
                    }
                    data.extend_from_slice(&chunk[..n as usize]);
                }
                stream.finish()?;
                Ok(Some(Ok(Grab { mime, data })))
            })
            .await?;
        grabbed.ok_or(ActionError::InvalidState)
    }
}
