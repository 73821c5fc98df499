//! First start on an empty database: create `admin` with a random password, shown once in the
//! log and written to a file only root can read.

use std::{fs, io::Write, os::unix::fs::OpenOptionsExt, path::Path};

use anyhow::Context;
use shared::{Language, Quota, Role, User};

use store::Store;

/// Name of the file, in the data directory, that holds the first admin password.
pub const PASSWORD_FILE: &str = "admin-password";

/// Creates the first admin if there are no users at all.
pub async fn ensure_admin(store: &Store, data_dir: &Path, quota: Quota) -> anyhow::Result<()> {
    if store.users().count().await? > 0 {
        return Ok(());
    }
    let password = super::password::generate();
    let admin = User {
        username: "admin".into(),
        role: Role::Admin,
        language: Language::En,
        quota,
    };
    super::add_user(store, admin, &password)
        .await?
        .map_err(anyhow::Error::msg)?;
    let path = data_dir.join(PASSWORD_FILE);
    let mut file = fs::OpenOptions::new()
        .create(true)
        .write(true)
        .truncate(true)
        .mode(0o600)
        .open(&path)
        .with_context(|| format!("writing {}", path.display()))?;
    writeln!(file, "{password}")?;
    tracing::warn!(
        username = "admin",
        %password,
        file = %path.display(),
        "created the first admin account; this password is shown only once"
    );
    Ok(())
}
