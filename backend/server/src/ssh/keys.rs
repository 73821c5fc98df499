//! Users' SSH public keys: what counts as one (an OpenSSH public key line of a known
//! algorithm, at most `MAX_LINE` bytes), its canonical form and fingerprint, and new ed25519
//! pairs whose private half the server hands out once and never keeps.

use rand_core::OsRng;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey};

/// The longest public key line accepted (an RSA 16384-bit key is about 2.8 KB).
pub const MAX_LINE: usize = 4096;

/// A validated public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidKey {
    /// `ALGORITHM BASE64 COMMENT`, re-encoded from the parsed key: one line, no options.
    pub line: String,
    /// `SHA256:...`.
    pub fingerprint: String,
    /// The key's comment (may be empty).
    pub comment: String,
}

/// Parses an OpenSSH public key line; the error says why it is not one.
pub fn validate(text: &str) -> Result<ValidKey, String> {
    let text = text.trim();
    if text.len() > MAX_LINE {
        return Err(format!("a public key is at most {MAX_LINE} bytes"));
    }
    if text.contains(['\n', '\r']) {
        return Err("one public key, on one line".into());
    }
    let key = PublicKey::from_openssh(text)
        .map_err(|_| "not an OpenSSH public key (ssh-ed25519 AAAA... comment)".to_owned())?;
    if matches!(key.algorithm(), Algorithm::Dsa) {
        return Err("DSA keys are no longer accepted by OpenSSH".into());
    }
    // The comment becomes part of YAML and of the guest's authorized_keys: keep it printable.
    let comment: String = key
        .comment()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    let mut clean = key.clone();
    clean.set_comment(comment.as_str());
    let line = clean.to_openssh().map_err(|e| e.to_string())?;
    Ok(ValidKey {
        line,
        fingerprint: key.fingerprint(HashAlg::Sha256).to_string(),
        comment,
    })
}

/// A new ed25519 pair labelled `comment`: its public key (validated) and its private half in
/// OpenSSH's format, unencrypted.
pub fn generate(comment: &str) -> Result<(ValidKey, String), String> {
    let mut private =
        PrivateKey::random(&mut OsRng, Algorithm::Ed25519).map_err(|e| e.to_string())?;
    private.set_comment(comment);
    let pem = private
        .to_openssh(LineEnding::LF)
        .map_err(|e| e.to_string())?;
    let public = private
        .public_key()
        .to_openssh()
        .map_err(|e| e.to_string())?;
    Ok((validate(&public)?, pem.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHyWw5jsM1M4zV1y6CqZgkvbTWcGVMlVK3x9o5rXn4pC alice@laptop";

    #[test]
    fn a_public_key_is_parsed_and_fingerprinted() {
        let key = validate(&format!("  {ALICE}\n")).unwrap();
        assert_eq!(key.line, ALICE);
        assert_eq!(key.comment, "alice@laptop");
        assert!(
            key.fingerprint.starts_with("SHA256:"),
            "{}",
            key.fingerprint
        );
        for bad in [
            "",
            "ssh-ed25519",
            "ssh-ed25519 AAAA!!! x",
            "-----BEGIN OPENSSH PRIVATE KEY-----",
            &format!("{ALICE}\n{ALICE}"),
            &format!("ssh-ed25519 {}", "A".repeat(5000)),
        ] {
            assert!(validate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_generated_pair_matches() {
        let (public, private) = generate("made by ezilla").unwrap();
        assert!(public.line.starts_with("ssh-ed25519 "), "{}", public.line);
        let parsed = PrivateKey::from_openssh(&private).unwrap();
        assert_eq!(
            parsed.public_key().fingerprint(HashAlg::Sha256).to_string(),
            public.fingerprint
        );
    }
}
