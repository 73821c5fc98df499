//! The history file: every subject's rings written to the data directory (periodically and on
//! shutdown) and read back at start, so a restart leaves a gap of the time the server was down
//! and no more, as Ganglia's RRDs did.
//!
//! Format (little-endian), version 1: the magic `EZMHIST\0`, the version (u32), the step and
//! the latest hour slot (u64 each), the subject count (u32); then per subject its kind (u8: 0
//! host, 1 VM), its id (u16 length and UTF-8), its last hour slot and day bucket (u64 each),
//! and its rings as they are in memory: hour and day values (f32), the day bucket's sums (f32)
//! and counts (u16). Sizes follow from the kind and the step, so nothing in the file decides
//! how much is read; a file larger than `MAX_FILE_BYTES`, of another version or step, or cut
//! short is refused whole.

use std::{
    collections::HashMap,
    io::Write as _,
    path::{Path, PathBuf},
};

use super::{
    ring::{DAY_SLOTS, Rings, hour_slots},
    subjects::{Kind, Subjects},
};

const MAGIC: &[u8; 8] = b"EZMHIST\0";
/// The format this server writes and reads.
pub const VERSION: u32 = 1;
/// The largest history file read: about 6,000 VMs at the default interval.
pub const MAX_FILE_BYTES: u64 = 256 << 20;
/// The file's name in the data directory.
pub const FILE_NAME: &str = "metrics-history.bin";

/// Why a history file was not loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    #[error("it is {0} bytes, more than the {MAX_FILE_BYTES} allowed")]
    TooLarge(u64),
    #[error("not a history file")]
    NotHistory,
    #[error("format version {0}, this server reads {VERSION}")]
    Version(u32),
    #[error("sampled every {0} s, this server every {1} s")]
    Step(u64, u64),
    #[error("it is cut short or corrupt")]
    Corrupt,
}

/// The store as the bytes of a history file.
pub fn encode(store: &Subjects) -> Vec<u8> {
    let mut out = Vec::with_capacity(store.bytes().0);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&store.step.to_le_bytes());
    out.extend_from_slice(&store.now.to_le_bytes());
    let subjects = (store.hosts.iter().map(|s| (Kind::Host, s)))
        .chain(store.vms.iter().map(|s| (Kind::Vm, s)))
        .filter(|(_, (id, _))| id.len() <= usize::from(u16::MAX));
    let subjects: Vec<_> = subjects.collect();
    out.extend_from_slice(&(subjects.len() as u32).to_le_bytes());
    for (kind, (id, rings)) in subjects {
        out.push(match kind {
            Kind::Host => 0,
            Kind::Vm => 1,
        });
        out.extend_from_slice(&(id.len() as u16).to_le_bytes());
        out.extend_from_slice(id.as_bytes());
        out.extend_from_slice(&rings.last_slot.to_le_bytes());
        out.extend_from_slice(&rings.bucket.to_le_bytes());
        for v in rings.hour.iter().chain(&rings.day).chain(&rings.sums) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for n in &rings.counts {
            out.extend_from_slice(&n.to_le_bytes());
        }
    }
    out
}

/// A store for rounds `step` seconds apart from the bytes of a history file.
pub fn decode(bytes: &[u8], step: u64) -> Result<Subjects, LoadError> {
    let mut r = Reader(bytes);
    if r.take(MAGIC.len())? != MAGIC {
        return Err(LoadError::NotHistory);
    }
    let version = r.u32()?;
    if version != VERSION {
        return Err(LoadError::Version(version));
    }
    let file_step = r.u64()?;
    if file_step != step {
        return Err(LoadError::Step(file_step, step));
    }
    let mut store = Subjects::new(step);
    store.now = r.u64()?;
    let count = r.u32()?;
    for _ in 0..count {
        let kind = match r.take(1)?[0] {
            0 => Kind::Host,
            1 => Kind::Vm,
            _ => return Err(LoadError::Corrupt),
        };
        let len = usize::from(r.u16()?);
        let id = std::str::from_utf8(r.take(len)?).map_err(|_| LoadError::Corrupt)?;
        let width = kind.metrics().len();
        let mut rings = Rings::new(width, step);
        rings.last_slot = r.u64()?;
        rings.bucket = r.u64()?;
        for v in rings.hour.iter_mut().chain(rings.day.iter_mut()) {
            *v = r.f32()?;
        }
        for v in rings.sums.iter_mut() {
            *v = r.f32()?;
        }
        for n in rings.counts.iter_mut() {
            *n = r.u16()?;
        }
        debug_assert_eq!(rings.hour.len() as u64, width as u64 * hour_slots(step));
        debug_assert_eq!(rings.day.len() as u64, width as u64 * DAY_SLOTS);
        subjects(&mut store, kind).insert(id.to_owned(), rings);
    }
    if !r.0.is_empty() {
        return Err(LoadError::Corrupt);
    }
    Ok(store)
}

fn subjects(store: &mut Subjects, kind: Kind) -> &mut HashMap<String, Rings> {
    match kind {
        Kind::Host => &mut store.hosts,
        Kind::Vm => &mut store.vms,
    }
}

/// Reads the history file at `path`, refusing one larger than `MAX_FILE_BYTES` before reading.
pub fn load(path: &Path, step: u64) -> Result<Subjects, LoadError> {
    let size = std::fs::metadata(path)?.len();
    if size > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge(size));
    }
    decode(&std::fs::read(path)?, step)
}

/// Writes `bytes` to `path` whole or not at all: a crash mid-write leaves the last file.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let partial: PathBuf = path.with_extension("partial");
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)
}

/// The unread rest of a file; every read fails with `Corrupt` past its end.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], LoadError> {
        if self.0.len() < n {
            return Err(LoadError::Corrupt);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], LoadError> {
        Ok(self.take(N)?.try_into().expect("took N bytes"))
    }

    fn u16(&mut self) -> Result<u16, LoadError> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    fn u32(&mut self) -> Result<u32, LoadError> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    fn u64(&mut self) -> Result<u64, LoadError> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    fn f32(&mut self) -> Result<f32, LoadError> {
        Ok(f32::from_le_bytes(self.array()?))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use shared::Range;

    use super::*;

    fn sampled() -> Subjects {
        let mut store = Subjects::new(5);
        store.record(Kind::Host, "one1", 1000, &[Some(12.5), None, Some(4096.0)]);
        store.record(Kind::Vm, "u1", 1000, &[Some(50.0); 7]);
        store.record(Kind::Vm, "u1", 1001, &[Some(60.0); 7]);
        store.finish_round(1001, &HashSet::new());
        store
    }

    #[test]
    fn a_store_reads_back_as_it_was_written() {
        let store = sampled();
        let back = decode(&encode(&store), 5).unwrap();
        for (kind, id) in [(Kind::Host, "one1"), (Kind::Vm, "u1")] {
            for range in [Range::Hour, Range::Day] {
                assert_eq!(
                    back.history(kind, id, range),
                    store.history(kind, id, range)
                );
            }
        }
        assert_eq!(back.bytes(), store.bytes());
    }

    #[test]
    fn cut_corrupt_foreign_or_other_step_files_are_refused() {
        let bytes = encode(&sampled());
        assert!(matches!(
            decode(&bytes[..bytes.len() - 1], 5),
            Err(LoadError::Corrupt)
        ));
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(matches!(decode(&longer, 5), Err(LoadError::Corrupt)));
        assert!(matches!(decode(b"garbage!", 5), Err(LoadError::NotHistory)));
        let mut v2 = bytes.clone();
        v2[8] = 2;
        assert!(matches!(decode(&v2, 5), Err(LoadError::Version(2))));
        assert!(matches!(decode(&bytes, 10), Err(LoadError::Step(5, 10))));
    }

    #[test]
    fn files_are_replaced_whole_and_too_large_ones_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(FILE_NAME);
        write(&path, &encode(&sampled())).unwrap();
        assert!(load(&path, 5).is_ok());
        assert!(!path.with_extension("partial").exists());
        let file = std::fs::File::create(&path).unwrap();
        file.set_len(MAX_FILE_BYTES + 1).unwrap();
        assert!(matches!(load(&path, 5), Err(LoadError::TooLarge(_))));
    }
}
