//! The SSH terminal's client: logs in to a guest's SSH server over any byte stream (its
//! forwarded port, directly or through the host's SSH) and opens a shell on a pseudo-terminal.
//! The guest's host key is checked against the one recorded the first time (trust on first
//! use); a different one is refused before anything is sent. Every step is bounded in time,
//! and the session's buffers by its window.

use std::{
    sync::{Arc, Mutex},
    time::Duration,
};

use russh::{
    Channel,
    client::{self, Handle, Msg},
    keys::{HashAlg, PrivateKeyWithHashAlg, PublicKey, PublicKeyOrCertificate},
};

use hypervisor::ByteStream;

/// How long the SSH handshake (version, key exchange, host key) may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(20);
/// How long the server may take to answer one login attempt or channel request.
const STEP_TIMEOUT: Duration = Duration::from_secs(20);
/// How much the guest may send before the browser has taken it: the SSH window.
const WINDOW: u32 = 512 * 1024;

/// Why a terminal could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum TerminalError {
    #[error("the VM's SSH server did not answer (is it still starting?)")]
    NoAnswer,
    #[error("the VM's SSH host key changed (now {shown}): refused")]
    HostKeyChanged { recorded: String, shown: String },
    #[error("the VM's SSH server refused the login")]
    LoginRefused,
    #[error("the SSH session failed: {0}")]
    Session(String),
}

/// A connection whose host key passed: log in on it, then open the shell.
pub struct Connection {
    handle: Handle<Client>,
    /// The host key the server showed (an OpenSSH public key line).
    pub host_key: String,
}

/// Connects over `stream`. `recorded` is the host key seen before, if any: another is
/// refused.
pub async fn connect(
    stream: Box<dyn ByteStream>,
    recorded: Option<String>,
) -> Result<Connection, TerminalError> {
    let expected = match &recorded {
        Some(line) => {
            Some(PublicKey::from_openssh(line).map_err(|e| TerminalError::Session(e.to_string()))?)
        }
        None => None,
    };
    let seen = Arc::new(Mutex::new(None));
    let client = Client {
        expected,
        seen: seen.clone(),
    };
    let config = Arc::new(client::Config {
        window_size: WINDOW,
        inactivity_timeout: None,
        keepalive_interval: Some(Duration::from_secs(30)),
        keepalive_max: 3,
        ..Default::default()
    });
    let connected = tokio::time::timeout(
        HANDSHAKE_TIMEOUT,
        client::connect_stream(config, stream, client),
    )
    .await;
    let shown = seen.lock().expect("host key slot").take();
    let handle = match connected {
        Ok(Ok(handle)) => handle,
        Ok(Err(_)) | Err(_) => {
            return Err(match (recorded, shown) {
                (Some(recorded), Some(shown)) if !same_key(&recorded, &shown) => {
                    TerminalError::HostKeyChanged {
                        recorded: fingerprint_of_line(&recorded),
                        shown: shown.fingerprint(HashAlg::Sha256).to_string(),
                    }
                }
                _ => TerminalError::NoAnswer,
            });
        }
    };
    let host_key = shown
        .ok_or(TerminalError::NoAnswer)?
        .to_openssh()
        .map_err(|e| TerminalError::Session(e.to_string()))?;
    Ok(Connection { handle, host_key })
}

impl Connection {
    /// Logs in as `user` with `key`; false if the server does not take it.
    pub async fn login_with_key(
        &mut self,
        user: &str,
        key: Arc<russh::keys::PrivateKey>,
    ) -> Result<bool, TerminalError> {
        let key = PrivateKeyWithHashAlg::new(key, None);
        let result = step(self.handle.authenticate_publickey(user, key)).await?;
        Ok(result.success())
    }

    /// Logs in as `user` with `password`; false if the server does not take it.
    pub async fn login_with_password(
        &mut self,
        user: &str,
        password: &str,
    ) -> Result<bool, TerminalError> {
        let result = step(self.handle.authenticate_password(user, password)).await?;
        Ok(result.success())
    }

    /// Opens a shell on an `xterm-256color` terminal of `cols` × `rows`.
    pub async fn open_shell(self, cols: u16, rows: u16) -> Result<Shell, TerminalError> {
        let channel = step(self.handle.channel_open_session()).await?;
        let (cols, rows) = (u32::from(cols), u32::from(rows));
        step(channel.request_pty(false, "xterm-256color", cols, rows, 0, 0, &[])).await?;
        step(channel.request_shell(false)).await?;
        Ok(Shell {
            channel,
            _handle: self.handle,
        })
    }
}

/// An open shell; the session ends when it drops.
pub struct Shell {
    pub channel: Channel<Msg>,
    _handle: Handle<Client>,
}

/// Runs one request to the server within `STEP_TIMEOUT`.
async fn step<T>(
    request: impl Future<Output = Result<T, russh::Error>>,
) -> Result<T, TerminalError> {
    match tokio::time::timeout(STEP_TIMEOUT, request).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(TerminalError::Session(e.to_string())),
        Err(_) => Err(TerminalError::NoAnswer),
    }
}

fn same_key(line: &str, key: &PublicKey) -> bool {
    PublicKey::from_openssh(line).is_ok_and(|k| k.key_data() == key.key_data())
}

fn fingerprint_of_line(line: &str) -> String {
    PublicKey::from_openssh(line)
        .map(|k| k.fingerprint(HashAlg::Sha256).to_string())
        .unwrap_or_else(|_| "an unreadable key".into())
}

/// The client's side of the handshake: takes the host key if it is the recorded one (or none
/// is recorded), and keeps the key it was shown.
pub struct Client {
    expected: Option<PublicKey>,
    seen: Arc<Mutex<Option<PublicKey>>>,
}

impl client::Handler for Client {
    type Error = russh::Error;

    async fn check_server_key(
        &mut self,
        shown: &PublicKeyOrCertificate,
    ) -> Result<bool, Self::Error> {
        let PublicKeyOrCertificate::PublicKey { key, .. } = shown else {
            return Ok(false);
        };
        *self.seen.lock().expect("host key slot") = Some(key.clone());
        Ok(self
            .expected
            .as_ref()
            .is_none_or(|expected| expected.key_data() == key.key_data()))
    }
}
