//! The SQLite database: one file under the data directory, WAL mode, `synchronous=FULL` so a
//! write acknowledged to a client survives `kill -9` and power loss, migrations at open.
//!
//! The only crate that depends on `rusqlite`. Its API is typed and async, one handle per
//! table (`store.users().by_name("alice").await`); every query runs on a blocking thread and
//! no SQLite type leaves the crate.

pub mod access_tokens;
pub mod desktops;
pub mod host_keys;
pub mod hosts;
pub mod isos;
pub(crate) mod migrations;
pub mod sessions;
pub mod ssh_identities;
pub mod ssh_keys;
pub mod templates;
pub mod users;

use std::{
    path::Path,
    sync::{Arc, Mutex},
};

use anyhow::Context;
use rusqlite::Connection;

/// A handle to the database; cheap to clone. Calls run on a blocking thread.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

/// A database failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique key is taken.
    #[error("already exists")]
    Conflict,
    #[error("database: {0}")]
    Database(#[source] DatabaseError),
    #[error("database task failed: {0}")]
    Task(String),
}

/// What SQLite said, kept opaque.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct DatabaseError(rusqlite::Error);

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> Self {
        Self::Database(DatabaseError(err))
    }
}

impl Store {
    pub fn users(&self) -> users::Users<'_> {
        users::Users(self)
    }

    pub fn sessions(&self) -> sessions::Sessions<'_> {
        sessions::Sessions(self)
    }

    pub fn access_tokens(&self) -> access_tokens::AccessTokens<'_> {
        access_tokens::AccessTokens(self)
    }

    pub fn templates(&self) -> templates::Templates<'_> {
        templates::Templates(self)
    }

    pub fn isos(&self) -> isos::Isos<'_> {
        isos::Isos(self)
    }

    pub fn desktops(&self) -> desktops::Desktops<'_> {
        desktops::Desktops(self)
    }

    pub fn host_keys(&self) -> host_keys::HostKeys<'_> {
        host_keys::HostKeys(self)
    }

    pub fn ssh_identities(&self) -> ssh_identities::SshIdentities<'_> {
        ssh_identities::SshIdentities(self)
    }

    pub fn ssh_keys(&self) -> ssh_keys::SshKeys<'_> {
        ssh_keys::SshKeys(self)
    }

    pub fn hosts(&self) -> hosts::Hosts<'_> {
        hosts::Hosts(self)
    }

    /// A number that changes whenever another connection (another process: an `ezilla user`
    /// command) has written to the database since this one last looked.
    pub async fn data_version(&self) -> Result<i64, StoreError> {
        self.run(|c| Ok(c.pragma_query_value(None, "data_version", |r| r.get(0))?))
            .await
    }

    /// The disk a user's own saved images and ISOs (uploaded or uploading) take, in whole
    /// GiB (an ISO's bytes rounded up), as quotas count it. One trip to the database.
    pub async fn images_disk_gib(&self, owner_id: i64) -> Result<u64, StoreError> {
        self.run(move |c| {
            Ok(templates::own_disk_gib(c, owner_id)?
                + isos::own_bytes(c, owner_id)?.div_ceil(1 << 30))
        })
        .await
    }

    /// SQLite's own check of the file: "ok", or what is damaged.
    pub async fn integrity_check(&self) -> Result<String, StoreError> {
        self.run(|c| Ok(c.query_row("PRAGMA integrity_check", [], |r| r.get(0))?))
            .await
    }

    /// Runs raw SQL and returns the rows it changed. For tests only (feature `testing`).
    #[cfg(feature = "testing")]
    pub async fn execute_for_tests(&self, sql: &str) -> Result<usize, StoreError> {
        let sql = sql.to_owned();
        self.run(move |c| Ok(c.execute(&sql, [])?)).await
    }

    /// Opens (creating if needed) the database file and brings its schema up to date. The
    /// directory is made private (0700) and the database's files readable by the server's
    /// user alone (0600; SQLite gives its WAL and shared-memory files the database's mode).
    pub fn open(path: &Path) -> anyhow::Result<Self> {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating data directory {}", dir.display()))?;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                .with_context(|| format!("making {} private", dir.display()))?;
        }
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .with_context(|| format!("creating database {}", path.display()))?;
        for suffix in ["", "-wal", "-shm"] {
            let file = format!("{}{suffix}", path.display());
            if Path::new(&file).exists() {
                std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600))
                    .with_context(|| format!("making {file} private"))?;
            }
        }
        let mut conn = Connection::open(path)
            .with_context(|| format!("opening database {}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrations::apply(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection, on a blocking thread.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.run_blocking(f))
            .await
            .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Runs `f` on the connection, on this thread.
    fn run_blocking<T>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().expect("database lock");
        f(&mut conn)
    }
}

/// Maps a unique or primary-key violation to `Conflict`.
fn conflict_on_unique(err: rusqlite::Error) -> StoreError {
    match err {
        rusqlite::Error::SqliteFailure(e, _)
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
        {
            StoreError::Conflict
        }
        other => other.into(),
    }
}
