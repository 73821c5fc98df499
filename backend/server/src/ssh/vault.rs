//! Secrets sealed at rest: the private halves of the server's per-user SSH keys are kept in
//! the database only as ChaCha20-Poly1305 ciphertext under a key of the data directory
//! (`vault.key`, 32 random bytes, mode 0600, made on first start). A copy of the database
//! alone opens nothing; each sealed value is bound to its owner (the additional data), so it
//! cannot be moved to another user's row.

use std::{
    io::Write,
    os::unix::fs::OpenOptionsExt,
    path::{Path, PathBuf},
};

use anyhow::Context;
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};

/// The key file's name under the data directory.
pub const KEY_FILE: &str = "vault.key";

/// Seals and opens values with the data directory's key.
pub struct Vault {
    key: LessSafeKey,
}

impl Vault {
    /// The vault of `data_dir`, making its key the first time.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        let path = data_dir.join(KEY_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => make_key(&path)?,
            Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
        };
        Self::with_key(&bytes).with_context(|| format!("{} is not a vault key", path.display()))
    }

    fn with_key(bytes: &[u8]) -> anyhow::Result<Self> {
        let unbound = UnboundKey::new(&CHACHA20_POLY1305, bytes)
            .map_err(|_| anyhow::anyhow!("a vault key is 32 bytes"))?;
        Ok(Self {
            key: LessSafeKey::new(unbound),
        })
    }

    /// `secret` sealed for `owner`: a fresh nonce, then the ciphertext and its tag.
    pub fn seal(&self, owner: &str, secret: &[u8]) -> anyhow::Result<Vec<u8>> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
        let mut sealed = secret.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(owner.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| anyhow::anyhow!("sealing failed"))?;
        let mut out = nonce.to_vec();
        out.append(&mut sealed);
        Ok(out)
    }

    /// What `sealed` holds, if it was sealed by this vault for `owner` and is whole.
    pub fn open_sealed(&self, owner: &str, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, body) = sealed.split_at_checked(NONCE_LEN)?;
        let nonce = Nonce::try_assume_unique_for_key(nonce).ok()?;
        let mut body = body.to_vec();
        let plain = self
            .key
            .open_in_place(nonce, Aad::from(owner.as_bytes()), &mut body)
            .ok()?;
        Some(plain.to_vec())
    }
}

/// Writes a new random key to `path` (0600, never over an existing file).
fn make_key(path: &PathBuf) -> anyhow::Result<Vec<u8>> {
    let mut key = vec![0u8; 32];
    getrandom::fill(&mut key).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(&key)?;
    file.sync_all()?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_for_its_owner_and_whole() {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(dir.path()).unwrap();
        let sealed = vault.seal("alice", b"private half").unwrap();
        assert!(!sealed.windows(12).any(|w| w == b"private half"));
        assert_eq!(
            vault.open_sealed("alice", &sealed).as_deref(),
            Some(&b"private half"[..])
        );
        assert_eq!(vault.open_sealed("bob", &sealed), None);
        let mut bent = sealed.clone();
        *bent.last_mut().unwrap() ^= 1;
        assert_eq!(vault.open_sealed("alice", &bent), None);
        assert_eq!(vault.open_sealed("alice", &sealed[..5]), None);
        // The same directory opens it again; another directory's key does not.
        let again = Vault::open(dir.path()).unwrap();
        assert!(again.open_sealed("alice", &sealed).is_some());
        let other = Vault::open(tempfile::tempdir().unwrap().path()).unwrap();
        assert_eq!(other.open_sealed("alice", &sealed), None);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(KEY_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
}
