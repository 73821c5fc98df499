//! Users' uploaded wallpapers: one re-encoded JPEG per user id under `<data_dir>/wallpapers/`.
//! A new upload replaces the old one atomically (written aside, then renamed), so an upload
//! that fails leaves the previous wallpaper as it was; deleting the user deletes the file.
//! Every method blocks: call them off the async runtime.

mod reencode;

use std::{
    fs, io,
    io::Write,
    path::{Path, PathBuf},
    sync::atomic::{AtomicU64, Ordering},
};

use sha2::{Digest, Sha256};

pub use reencode::{Rejected, reencode};

/// The directory of uploaded wallpapers.
pub struct Wallpapers {
    dir: PathBuf,
    /// Numbers temporary files, so two uploads at once never write the same one.
    next_temp: AtomicU64,
}

/// An uploaded wallpaper as stored.
pub struct Stored {
    /// Changes with the content: a hash of the JPEG.
    pub version: String,
    pub jpeg: Vec<u8>,
}

impl Wallpapers {
    /// The wallpapers kept under `data_dir`.
    pub fn new(data_dir: &Path) -> Self {
        Self {
            dir: data_dir.join("wallpapers"),
            next_temp: AtomicU64::new(0),
        }
    }

    fn path(&self, user_id: i64) -> PathBuf {
        self.dir.join(format!("{user_id}.jpg"))
    }

    /// Makes `jpeg` the user's wallpaper; its version.
    pub fn replace(&self, user_id: i64, jpeg: &[u8]) -> io::Result<String> {
        fs::create_dir_all(&self.dir)?;
        let n = self.next_temp.fetch_add(1, Ordering::Relaxed);
        let temp = self.dir.join(format!(".{user_id}.{n}.tmp"));
        let written =
            write_synced(&temp, jpeg).and_then(|()| fs::rename(&temp, self.path(user_id)));
        if written.is_err() {
            let _ = fs::remove_file(&temp);
        }
        written?;
        // The rename itself survives a crash once the directory is synced.
        fs::File::open(&self.dir)?.sync_all()?;
        Ok(version_of(jpeg))
    }

    /// The user's wallpaper, if they uploaded one.
    pub fn get(&self, user_id: i64) -> io::Result<Option<Stored>> {
        match fs::read(self.path(user_id)) {
            Ok(jpeg) => Ok(Some(Stored {
                version: version_of(&jpeg),
                jpeg,
            })),
            Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// Deletes the user's wallpaper, if any (user ids are reused, wallpapers must not be).
    pub fn remove(&self, user_id: i64) -> io::Result<()> {
        match fs::remove_file(self.path(user_id)) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => Err(err),
            _ => Ok(()),
        }
    }
}

fn write_synced(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    // Readable by the server's user alone, like everything under the data directory.
    let mut file = fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The first 16 hex digits of the SHA-256 of `jpeg`.
fn version_of(jpeg: &[u8]) -> String {
    Sha256::digest(jpeg)[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_user_has_one_wallpaper_until_deleted() {
        let data = tempfile::tempdir().unwrap();
        let wallpapers = Wallpapers::new(data.path());
        assert!(wallpapers.get(1).unwrap().is_none());
        let v1 = wallpapers.replace(1, b"one").unwrap();
        let v2 = wallpapers.replace(1, b"two").unwrap();
        wallpapers.replace(2, b"other").unwrap();
        assert_ne!(v1, v2);
        let stored = wallpapers.get(1).unwrap().unwrap();
        assert_eq!((stored.version, stored.jpeg), (v2, b"two".to_vec()));
        wallpapers.remove(1).unwrap();
        wallpapers.remove(1).unwrap();
        assert!(wallpapers.get(1).unwrap().is_none());
        assert!(wallpapers.get(2).unwrap().is_some());
        let left: Vec<_> = fs::read_dir(data.path().join("wallpapers"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["2.jpg"], "no temporary file is left");
    }
}
