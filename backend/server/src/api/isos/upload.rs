//! `POST /api/v1/isos?name=`: an ISO streamed from the request body into a libvirt volume.
//! Before any volume exists, the declared size is checked against the limit and the
//! caller's disk quota and the first 32 KiB against ISO 9660's signature; the upload's row
//! is made under the caller's quota lock, so it counts while the bytes flow. The bytes go
//! on in 256 KiB chunks through a small channel (at most a few MiB in memory), hashed on the
//! way. A task owns the volume: if the body stops early (cancelled, connection gone), the
//! volume and the row are deleted, even when this handler is dropped with the connection.

use axum::{
    Extension,
    body::Body,
    extract::State,
    http::{HeaderMap, StatusCode, header},
};
use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use sha2::{Digest, Sha256};
use shared::{
    Iso, IsoUpload,
    iso::{SIGNATURE, SIGNATURE_OFFSET, is_iso9660},
};
use tokio::sync::{mpsc, oneshot};

use hypervisor::UploadError;

use store::{StoreError, isos::NewUpload};

use super::gate::Turn;
use crate::{
    api::{Json, Query, names::check_name, quota},
    auth::CurrentUser,
    error::ApiError,
    state::AppState,
};

/// Bytes read before the signature is checked.
const HEAD: usize = SIGNATURE_OFFSET + SIGNATURE.len();
/// Bytes handed to libvirt at once: one stream message's payload, never a byte more (a
/// chunk of 256 KiB went as a full message and a 24-byte one, each a write on the host).
const CHUNK: usize = hypervisor::STREAM_PAYLOAD;
/// Chunks waiting for libvirt at most.
const QUEUED: usize = 8;

pub async fn upload(
    State(state): State<AppState>,
    Extension(me): Extension<CurrentUser>,
    Query(req): Query<IsoUpload>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Iso>), ApiError> {
    check_name(&req.name).map_err(ApiError::BadRequest)?;
    let turn = state
        .isos
        .uploads
        .enter(me.id)
        .ok_or(ApiError::TooManyRequests {
            retry_after_secs: 5,
        })?;
    let bytes = declared_length(&headers)?;
    let max = state.isos.max_bytes;
    if bytes > max {
        return Err(ApiError::PayloadTooLarge(format!(
            "an ISO is at most {} MiB",
            max >> 20
        )));
    }
    let mut body = body.into_data_stream();
    let mut head = BytesMut::with_capacity(CHUNK);
    while head.len() < HEAD {
        match body.next().await {
            Some(Ok(data)) => head.extend_from_slice(&data),
            Some(Err(_)) => return Err(ApiError::BadRequest("the upload broke off".into())),
            None => break,
        }
    }
    if !is_iso9660(&head) {
        return Err(ApiError::UnsupportedMediaType(
            "not an ISO 9660 image (no CD001 at byte 0x8001)".into(),
        ));
    }
    let host = pick_host(&state, req.host.as_deref())?;
    let (id, volume) = begin(&state, &me, &req.name, &host, bytes).await?;
    let (chunks, received) = mpsc::channel(QUEUED);
    let (digest_tx, digest_rx) = oneshot::channel();
    let target = Target {
        id,
        host,
        volume,
        bytes,
        _turn: turn,
    };
    let owner = tokio::spawn(store_upload(state.clone(), target, received, digest_rx));
    // Hashed on a thread of its own, beside the bytes' way to libvirt.
    let (to_hash, hashing) = mpsc::channel::<Bytes>(QUEUED);
    let hasher = tokio::task::spawn_blocking(move || digest(hashing));
    let mut out = Forward {
        chunks,
        to_hash,
        sent: 0,
        bytes,
        failed: false,
    };
    // Large frames go on as they are (no copy); small ones are gathered into chunks.
    let mut gathered = head;
    let whole = loop {
        // Whole messages' worth; the rest once it is the last of the file.
        let mut sending = true;
        while sending && gathered.len() >= CHUNK {
            sending = out.send(gathered.split_to(CHUNK).freeze()).await;
        }
        if sending && !gathered.is_empty() && gathered.len() as u64 + out.sent == bytes {
            sending = out.send(gathered.split().freeze()).await;
        }
        if !sending {
            break false;
        }
        match body.next().await {
            Some(Ok(mut data)) if gathered.is_empty() && data.len() >= CHUNK / 4 => {
                while !data.is_empty() {
                    let piece = data.split_to(data.len().min(CHUNK));
                    if !out.send(piece).await {
                        break;
                    }
                }
            }
            Some(Ok(data)) => gathered.extend_from_slice(&data),
            Some(Err(_)) => break false,
            None => break gathered.is_empty() && out.sent == bytes,
        }
        if out.failed {
            break false;
        }
        if out.sent >= bytes && gathered.is_empty() {
            break out.sent == bytes;
        }
    };
    let sent = if whole { out.sent } else { u64::MAX };
    drop(out);
    let digest = hasher
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("hashing: {e}")))?;
    // Sent only when every byte went by; dropped otherwise, which the task reads as the end.
    match sent == bytes {
        true => drop(digest_tx.send(digest)),
        false => drop(digest_tx),
    }
    let stored = owner
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("upload task: {e}")))??;
    Ok((StatusCode::CREATED, Json(stored)))
}

/// Where the bytes go: to libvirt and to the hasher, counted.
struct Forward {
    chunks: mpsc::Sender<Bytes>,
    to_hash: mpsc::Sender<Bytes>,
    sent: u64,
    bytes: u64,
    /// Past the length, or libvirt's side gone: nothing more is sent.
    failed: bool,
}

impl Forward {
    /// Hands `chunk` on; false if it goes past the declared length or libvirt's side is
    /// gone (the upload failed).
    async fn send(&mut self, chunk: Bytes) -> bool {
        if self.failed || chunk.is_empty() {
            return !self.failed;
        }
        self.sent += chunk.len() as u64;
        let _ = self.to_hash.send(chunk.clone()).await;
        self.failed = self.sent > self.bytes || self.chunks.send(chunk).await.is_err();
        !self.failed
    }
}

/// The body's `Content-Length`: an upload states its size, so the volume can be made at
/// once and the limit checked before the bytes come.
fn declared_length(headers: &HeaderMap) -> Result<u64, ApiError> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::BadRequest("an upload states its Content-Length".into()))
}

/// The host asked for, or the first online one.
fn pick_host(state: &AppState, asked: Option<&str>) -> Result<String, ApiError> {
    let hosts = state.pool.host_infos(false);
    match asked {
        Some(name) => hosts
            .iter()
            .find(|h| h.name == name)
            .map(|h| h.name.clone())
            .ok_or_else(|| ApiError::BadRequest(format!("no host named {name}"))),
        None => hosts
            .iter()
            .find(|h| h.online)
            .map(|h| h.name.clone())
            .ok_or(ApiError::HypervisorUnavailable),
    }
}

/// The upload's row, made if the caller's disk quota has room for it (ISOs count by whole
/// GiB, as disks do).
async fn begin(
    state: &AppState,
    me: &CurrentUser,
    name: &str,
    host: &str,
    bytes: u64,
) -> Result<(i64, String), ApiError> {
    let _quota = state.quota_locks.lock(me.id).await;
    let adding = quota::Adding {
        disk_gib: bytes.div_ceil(1 << 30),
        ..Default::default()
    };
    quota::check(&me.user.quota, quota::in_use(state, me).await?, adding)?;
    let mut random = [0u8; 4];
    getrandom::fill(&mut random).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let tag = hex(&random);
    match state
        .auth
        .store
        .isos()
        .begin(NewUpload {
            owner_id: me.id,
            name: name.to_owned(),
            host: host.to_owned(),
            storage_pool: state.isos.storage_pool.clone(),
            bytes,
            tag,
        })
        .await
    {
        Ok(made) => Ok(made),
        Err(StoreError::Conflict) => Err(ApiError::Conflict(format!(
            "you have an ISO named {name} already"
        ))),
        Err(e) => Err(e.into()),
    }
}

/// Where an upload goes: its row, host, volume and length, and its turn at the gate, held
/// until the volume is filled or gone (even when the client has left).
struct Target {
    id: i64,
    host: String,
    volume: String,
    bytes: u64,
    _turn: Turn,
}

/// Fills the volume from `chunks`; on success completes the row with the digest the handler
/// sends when every byte went by, else deletes what was made.
async fn store_upload(
    state: AppState,
    target: Target,
    chunks: mpsc::Receiver<Bytes>,
    digest: oneshot::Receiver<String>,
) -> Result<Iso, ApiError> {
    let Target {
        id,
        host,
        volume,
        bytes,
        _turn,
    } = target;
    let pool = state.isos.storage_pool.clone();
    let uploaded = state
        .pool
        .upload_volume(&host, &pool, &volume, bytes, chunks)
        .await;
    let outcome = match (uploaded, digest.await) {
        (Ok(path), Ok(sha256)) => {
            let done = state.auth.store.isos().complete(id, &path, &sha256).await;
            match done {
                Ok(Some(found)) => return Ok(found.iso),
                Ok(None) => Err(ApiError::NotFound),
                Err(e) => Err(e.into()),
            }
        }
        (Ok(_), Err(_)) | (Err(UploadError::Cancelled), _) => Err(ApiError::BadRequest(
            "the upload ended before its Content-Length".into(),
        )),
        (Err(UploadError::UnknownHost(h)), _) => {
            Err(ApiError::BadRequest(format!("no host named {h}")))
        }
        (Err(UploadError::Host(e)), _) => Err(e.into()),
    };
    state.pool.delete_volume(&pool, &volume).await;
    let _ = state.auth.store.isos().delete(id).await;
    outcome
}

/// The SHA-256 of what comes from `chunks`, in lower-case hex.
fn digest(mut chunks: mpsc::Receiver<Bytes>) -> String {
    let mut hasher = Sha256::new();
    while let Some(chunk) = chunks.blocking_recv() {
        hasher.update(&chunk);
    }
    hex(&hasher.finalize())
}

/// Lower-case hex.
fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}
