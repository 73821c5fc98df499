//! ISO volumes: an upload streamed into a new raw volume through libvirt's storage API
//! (`virStorageVolUpload`, so it lands on a remote host too) from chunks the caller hands
//! over as they arrive, never the whole file in memory; the pool that holds them, made on
//! first use; and which VMs have a file in a drive.

use std::{sync::Arc, time::Duration};

use bytes::Bytes;
use tokio::sync::mpsc;
use virt::{connect::Connect, storage_pool::StoragePool, storage_vol::StorageVol, stream::Stream};

use super::{Host, HostError, Pool, domains, xml};

/// The most data one libvirt stream message carries (`VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX`:
/// 256 KiB less the message header). A larger send goes as more than one message.
pub const STREAM_PAYLOAD: usize = 262_120;

/// An upload may take long (8 GiB over a slow link); a stalled one is ended by the HTTP
/// idle timeout, which drops the chunks' sender.
const UPLOAD_TIMEOUT: Duration = Duration::from_secs(12 * 3600);

/// Why an upload left nothing behind.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The chunks stopped before the announced size (the client cancelled or went away).
    #[error("the upload ended early")]
    Cancelled,
    #[error("no host named {0}")]
    UnknownHost(String),
    #[error(transparent)]
    Host(#[from] HostError),
}

impl Pool {
    /// Makes the raw volume `volume` of `bytes` bytes in storage pool `storage_pool` of host
    /// `host` (the pool is made as a directory pool if missing) and fills it with `chunks`;
    /// its path. Fewer or more bytes than `bytes`, or any failure, delete the volume.
    pub async fn upload_volume(
        &self,
        host: &str,
        storage_pool: &str,
        volume: &str,
        bytes: u64,
        chunks: mpsc::Receiver<Bytes>,
    ) -> Result<String, UploadError> {
        let host = self
            .host(host)
            .ok_or_else(|| UploadError::UnknownHost(host.to_owned()))?;
        let (pool, vol) = (storage_pool.to_owned(), volume.to_owned());
        host.call_with_timeout(UPLOAD_TIMEOUT, move |_, conn| {
            let pool = ensure_dir_pool(conn, &pool)?;
            let volume = StorageVol::create_xml(&pool, &xml::raw_volume(&vol, bytes), 0)?;
            let filled = fill(conn, &volume, bytes, chunks);
            match filled {
                Ok(true) => volume.path().map(Ok),
                other => {
                    let _ = volume.delete(0);
                    other.map(|_| Err(UploadError::Cancelled))
                }
            }
        })
        .await?
    }

    /// The names of host `host`'s VMs with `file` behind one of their disks or drives.
    pub async fn vms_using(&self, host: &str, file: &str) -> Result<Vec<String>, HostError> {
        let Some(host) = self.host(host) else {
            return Ok(Vec::new());
        };
        vms_using(&host, file).await
    }
}

/// `vms_using` on one host.
pub(super) async fn vms_using(host: &Arc<Host>, file: &str) -> Result<Vec<String>, HostError> {
    let file = file.to_owned();
    host.call(move |_, conn| {
        domains::names_where(conn, |desc| xml::disk_files(desc).contains(&file))
    })
    .await
}

/// Streams `chunks` into `volume`; whether exactly `bytes` arrived (else the stream is
/// aborted).
fn fill(
    conn: &Connect,
    volume: &StorageVol,
    bytes: u64,
    mut chunks: mpsc::Receiver<Bytes>,
) -> Result<bool, virt::error::Error> {
    let stream = Stream::new(conn, 0)?;
    volume.upload(&stream, 0, bytes, 0)?;
    let mut sent = 0u64;
    while let Some(chunk) = chunks.blocking_recv() {
        sent += chunk.len() as u64;
        if sent > bytes {
            break;
        }
        let mut at = 0;
        while at < chunk.len() {
            match stream.send(&chunk[at..]) {
                Ok(n) => at += n.max(0) as usize,
                Err(err) => {
                    let _ = stream.abort();
                    return Err(err);
                }
            }
        }
    }
    if sent == bytes {
        stream.finish()?;
        Ok(true)
    } else {
        let _ = stream.abort();
        Ok(false)
    }
}

/// The storage pool `name`, started; defined first as a directory pool under libvirt's
/// images directory if the host has none of that name.
fn ensure_dir_pool(conn: &Connect, name: &str) -> Result<StoragePool, virt::error::Error> {
    let pool = match conn.lookup_storage_pool_by_name(name) {
        Ok(pool) => pool,
        Err(_) => {
            let pool = conn.define_storage_pool_xml(&xml::dir_pool(name), 0)?;
            let _ = pool.build(0);
            let _ = pool.set_autostart(true);
            pool
        }
    };
    if !pool.is_active()? {
        pool.create(0)?;
    }
    Ok(pool)
}
