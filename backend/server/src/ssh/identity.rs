//! The server's own SSH key of each user: an ed25519 key made the first time the user needs
//! it, whose public half every seed of theirs installs in the guest beside their own keys, and
//! whose private half never leaves the server: the SSH terminal logs in with it, and the
//! database keeps it only sealed by the vault.

use std::{path::Path, sync::Arc};

use russh::keys::{PrivateKey, ssh_key::private::Ed25519Keypair};

use super::vault::Vault;
use store::{Store, ssh_identities};

/// The comment of the public half, as the guest's `authorized_keys` shows it.
const COMMENT: &str = "ezilla-terminal";

/// The users' server-side keys.
pub struct Identities {
    vault: Vault,
}

/// One user's key, opened.
pub struct Identity {
    key: Arc<PrivateKey>,
}

impl Identities {
    /// The keys sealed with the vault of `data_dir`.
    pub fn open(data_dir: &Path) -> anyhow::Result<Self> {
        Ok(Self {
            vault: Vault::open(data_dir)?,
        })
    }

    /// User `user_id`'s key (stable id `uid`), made and kept the first time.
    pub async fn of_user(
        &self,
        store: &Store,
        user_id: i64,
        uid: &str,
    ) -> anyhow::Result<Identity> {
        let stored = store.ssh_identities().get(user_id).await?;
        let stored = match stored {
            Some(stored) => stored,
            None => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
                let new = ssh_identities::StoredIdentity {
                    public_key: Identity::from_seed(&seed).public_line()?,
                    sealed: self.vault.seal(uid, &seed)?,
                };
                store.ssh_identities().get_or_insert(user_id, new).await?
            }
        };
        let seed: [u8; 32] = self
            .vault
            .open_sealed(uid, &stored.sealed)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| anyhow::anyhow!("the user's SSH key does not open with this vault"))?;
        Ok(Identity::from_seed(&seed))
    }
}

impl Identity {
    fn from_seed(seed: &[u8; 32]) -> Self {
        let mut key = PrivateKey::from(Ed25519Keypair::from_seed(seed));
        key.set_comment(COMMENT);
        Self { key: Arc::new(key) }
    }

    /// The public half as an OpenSSH `authorized_keys` line.
    pub fn public_line(&self) -> anyhow::Result<String> {
        Ok(self.key.public_key().to_openssh()?)
    }

    /// The key to log in with.
    pub fn private_key(&self) -> Arc<PrivateKey> {
        self.key.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_users_key_is_made_once_and_kept_sealed() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("db.sqlite")).unwrap();
        let alice = store
            .users()
            .insert(&crate::auth::test_user("alice"), "x", 0)
            .await
            .unwrap();
        let (id, uid) = (alice.id, alice.uid.as_str());
        let identities = Identities::open(dir.path()).unwrap();
        let first = identities.of_user(&store, id, uid).await.unwrap();
        let again = identities.of_user(&store, id, uid).await.unwrap();
        let line = first.public_line().unwrap();
        assert!(
            line.starts_with("ssh-ed25519 ") && line.ends_with(COMMENT),
            "{line}"
        );
        assert_eq!(line, again.public_line().unwrap());
        let stored = store.ssh_identities().get(id).await.unwrap().unwrap();
        // A nonce, the 32-byte seed encrypted, a tag: nothing of the key in the clear.
        assert_eq!(stored.sealed.len(), 12 + 32 + 16);
        assert_eq!(stored.public_key, line);
        // Another user's uid does not open it.
        assert!(identities.of_user(&store, id, "another").await.is_err());
    }
}
