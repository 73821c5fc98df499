//! `/api/v1/me/keys`: the caller's SSH public keys, which the VMs Ezilla makes for them
//! accept at first boot.

use serde::{Deserialize, Serialize};

/// One of the user's SSH public keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct SshKey {
    pub id: i64,
    /// The user's own label (by default the key's comment).
    pub name: String,
    /// The key in OpenSSH's one-line form (`ssh-ed25519 AAAA... comment`).
    pub public_key: String,
    /// `SHA256:...`, as `ssh-keygen -l` shows it.
    pub fingerprint: String,
    /// Unix seconds when it was added.
    pub created: u64,
}

/// `POST /api/v1/me/keys`: add a public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct NewSshKey {
    /// A label; the key's comment when empty.
    #[serde(default)]
    pub name: String,
    /// An OpenSSH public key line.
    pub public_key: String,
}

/// `POST /api/v1/me/keys/generate`: a new ed25519 pair. The server keeps only the public
/// half; the private half is in this answer and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GeneratedKey {
    pub key: SshKey,
    /// The private key in OpenSSH's format, unencrypted: save it at once.
    pub private_key: String,
}

/// `POST /api/v1/me/keys/generate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct GenerateKey {
    /// A label for the new key.
    pub name: String,
}
