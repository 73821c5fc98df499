//! The stored login of `ezilla remote login`: the server's URL and a token, in
//! `$XDG_CONFIG_HOME/ezilla/remote.toml` (else `~/.config/ezilla/remote.toml`), readable by the
//! user alone (0600, its folder 0700). `EZILLA_REMOTE_URL` and `EZILLA_REMOTE_TOKEN` override it.

use std::{
    io::Write,
    os::unix::fs::{OpenOptionsExt, PermissionsExt},
    path::PathBuf,
};

use serde::{Deserialize, Serialize};

use super::client::ClientError;

/// Where and as whom the command line talks to Ezilla.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Login {
    pub url: String,
    pub token: String,
}

/// The login file's path.
pub fn path() -> Result<PathBuf, ClientError> {
    let dir = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
        .ok_or_else(|| ClientError::new(None, "neither XDG_CONFIG_HOME nor HOME is set"))?;
    Ok(dir.join("ezilla").join("remote.toml"))
}

/// The login in force: the environment's, else the stored one.
pub fn load() -> Result<Login, ClientError> {
    let env = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
    let stored = || -> Result<Login, ClientError> {
        let path = path()?;
        let text = std::fs::read_to_string(&path).map_err(|_| {
            ClientError::new(
                Some(shared::ErrorCode::Unauthorized),
                "not logged in: run `ezilla remote login URL` first",
            )
        })?;
        toml::from_str(&text)
            .map_err(|e| ClientError::new(None, format!("{}: {e}", path.display())))
    };
    match (env("EZILLA_REMOTE_URL"), env("EZILLA_REMOTE_TOKEN")) {
        (Some(url), Some(token)) => Ok(Login { url, token }),
        (url, token) => {
            let login = stored()?;
            Ok(Login {
                url: url.unwrap_or(login.url),
                token: token.unwrap_or(login.token),
            })
        }
    }
}

/// Stores `login`, replacing any other, in a file only its owner can read.
pub fn save(login: &Login) -> Result<PathBuf, ClientError> {
    let path = path()?;
    let fail = |e: std::io::Error| ClientError::new(None, format!("{}: {e}", path.display()));
    let dir = path.parent().expect("the file is in a folder");
    std::fs::create_dir_all(dir).map_err(fail)?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
    let text = toml::to_string(login).expect("a login serializes");
    let temporary = path.with_extension("toml.new");
    let _ = std::fs::remove_file(&temporary);
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temporary)
        .map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)?;
    std::fs::rename(&temporary, &path).map_err(fail)?;
    Ok(path)
}

/// Forgets the stored login; false if there was none.
pub fn forget() -> Result<bool, ClientError> {
    let path = path()?;
    match std::fs::remove_file(&path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(ClientError::new(None, format!("{}: {e}", path.display()))),
    }
}
