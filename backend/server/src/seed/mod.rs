//! A VM's first-boot data for cloud-init's NoCloud datasource: `meta-data` (instance id and
//! hostname) and `user-data` (an account named after the Ezilla user, with the user's SSH
//! keys and sudo), on an ISO 9660 volume labelled `cidata`. Every value goes into the YAML
//! as a JSON string (JSON is YAML), so no input can add a key.

mod iso;

/// What a VM's seed says.
#[derive(Debug, Clone)]
pub struct Seed {
    /// Unique per VM (its UUID): cloud-init runs its first-boot modules once per instance.
    pub instance_id: String,
    /// The VM's name.
    pub hostname: String,
    /// The Ezilla user the guest account is named after.
    pub owner: String,
    /// OpenSSH public keys the account accepts.
    pub keys: Vec<String>,
    /// An admin's own extra user-data (`#cloud-config` or a script), run after Ezilla's.
    pub extra_user_data: Option<String>,
}

/// The guest account of Ezilla user `owner`: the name in lower case, which Linux account
/// names want, with `u` before one that does not start with a letter.
pub fn guest_account(owner: &str) -> String {
    let lower = owner.to_ascii_lowercase();
    match lower.starts_with(|c: char| c.is_ascii_lowercase()) {
        true => lower,
        false => format!("u{lower}"),
    }
}

impl Seed {
    /// The seed as an ISO 9660 image, ready to be a CD-ROM of the VM.
    pub fn to_iso(&self) -> Vec<u8> {
        let (meta, user) = (self.meta_data(), self.user_data());
        iso::image(
            "cidata",
            &[
                iso::File {
                    name: "META-DATA.;1",
                    data: meta.as_bytes(),
                },
                iso::File {
                    name: "USER-DATA.;1",
                    data: user.as_bytes(),
                },
            ],
        )
    }

    fn meta_data(&self) -> String {
        format!(
            "instance-id: {}\nlocal-hostname: {}\n",
            quoted(&self.instance_id),
            quoted(&self.hostname)
        )
    }

    fn cloud_config(&self) -> String {
        let keys: String = self
            .keys
            .iter()
            .map(|k| format!("      - {}\n", quoted(k)))
            .collect();
        format!(
            "#cloud-config\nhostname: {host}\nmanage_etc_hosts: true\nusers:\n  - name: {account}\n    \
             gecos: {gecos}\n    groups: [sudo]\n    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n    \
             shell: /bin/bash\n    lock_passwd: true\n    ssh_authorized_keys:\n{keys}\
             ssh_pwauth: false\n",
            host = quoted(&self.hostname),
            account = quoted(&guest_account(&self.owner)),
            gecos = quoted(&format!("Ezilla user {}", self.owner)),
        )
    }

    /// Ezilla's cloud-config, with an admin's extra user-data after it as a second part of
    /// a MIME multipart (cloud-init's way to combine them).
    fn user_data(&self) -> String {
        let ours = self.cloud_config();
        let Some(extra) = &self.extra_user_data else {
            return ours;
        };
        let mut boundary = String::from("==ezilla-seed==");
        while ours.contains(&boundary) || extra.contains(&boundary) {
            boundary.push('=');
        }
        let kind = match extra.starts_with("#!") {
            true => "text/x-shellscript",
            false => "text/cloud-config",
        };
        format!(
            "Content-Type: multipart/mixed; boundary=\"{boundary}\"\nMIME-Version: 1.0\n\n\
             --{boundary}\nContent-Type: text/cloud-config\n\n{ours}\n\
             --{boundary}\nContent-Type: {kind}\n\n{extra}\n--{boundary}--\n"
        )
    }
}

/// `text` as a double-quoted YAML scalar.
fn quoted(text: &str) -> String {
    serde_json::to_string(text).expect("a string serialises")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed() -> Seed {
        Seed {
            instance_id: "4f1c".into(),
            hostname: "web1".into(),
            owner: "Alice".into(),
            keys: vec!["ssh-ed25519 AAAAC3Nz alice@laptop".into()],
            extra_user_data: None,
        }
    }

    #[test]
    fn the_account_has_the_users_keys_and_sudo() {
        let user = seed().user_data();
        assert!(user.starts_with("#cloud-config\n"), "{user}");
        assert!(user.contains("name: \"alice\""), "{user}");
        assert!(
            user.contains("- \"ssh-ed25519 AAAAC3Nz alice@laptop\""),
            "{user}"
        );
        assert!(user.contains("sudo: \"ALL=(ALL) NOPASSWD:ALL\""));
        assert_eq!(guest_account("9lives"), "u9lives");
    }

    #[test]
    fn values_cannot_add_keys() {
        let mut evil = seed();
        evil.hostname = "x\"\nruncmd: [\"rm -rf /\"]\n#".into();
        evil.keys = vec!["ssh-ed25519 AAAA\n  - name: root".into()];
        let user = evil.user_data();
        assert!(!user.contains("\nruncmd"), "{user}");
        assert!(!user.contains("\n  - name: root"), "{user}");
    }

    #[test]
    fn extra_user_data_comes_after_ours() {
        let mut admin = seed();
        admin.extra_user_data = Some("#!/bin/sh\necho hi\n".into());
        let user = admin.user_data();
        let ours = user.find("#cloud-config").unwrap();
        let theirs = user.find("#!/bin/sh").unwrap();
        assert!(
            ours < theirs && user.contains("text/x-shellscript"),
            "{user}"
        );
    }

    #[test]
    fn the_iso_is_labelled_cidata() {
        let iso = seed().to_iso();
        assert_eq!(&iso[16 * 2048 + 40..][..6], b"cidata");
    }
}
