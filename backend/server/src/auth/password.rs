//! Password hashing (argon2id) and the rules a new password must meet. The server hashes
//! through one `HashGate`: `hashing_threads()` threads of its own (argon2 takes 19 MiB and a core
//! per hash; neither the async workers nor the blocking pool that runs SQLite and libvirt
//! calls are ever taken), with at most `HASHES_WAITING` hashes queued.

use std::{
    sync::{Arc, Mutex, OnceLock, mpsc},
    thread,
};

use argon2::{
    Argon2, Block, PasswordHash,
    password_hash::{Output, SaltString},
};

/// The shortest password accepted.
pub const MIN_LEN: usize = 8;
/// The longest password accepted or checked, in bytes.
pub const MAX_LEN: usize = 1024;
/// Passwords hashed or verified at once, at most, each on a thread of its own.
pub const HASHES_AT_ONCE: usize = 2;

/// Hashing threads: half the cores (at least one), at most `HASHES_AT_ONCE`, so a login
/// storm never takes every core.
pub fn hashing_threads() -> usize {
    let cores = thread::available_parallelism().map_or(1, |n| n.get());
    (cores / 2).clamp(1, HASHES_AT_ONCE)
}
/// Hashes that may wait for a thread; one more is refused at once as `Busy`. A classroom's
/// worth: a hash takes about 35 ms here (release build), so the last of 256 waits about 9 s,
/// and each waiting one holds only its password (at most `MAX_LEN` bytes).
pub const HASHES_WAITING: usize = 256;

type Job = Box<dyn FnOnce() + Send>;

/// The only way the server hashes: a bounded queue in front of `hashing_threads()` threads.
/// The threads end when the gate is dropped.
pub struct HashGate {
    jobs: mpsc::SyncSender<Job>,
}

/// The hashing queue is full: try again in a moment.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

impl HashGate {
    /// Starts the hashing threads.
    pub fn start() -> Self {
        let (jobs, queue) = mpsc::sync_channel::<Job>(HASHES_WAITING);
        let queue = Arc::new(Mutex::new(queue));
        for _ in 0..hashing_threads() {
            let queue = queue.clone();
            thread::Builder::new()
                .name("ezilla-hash".into())
                .spawn(move || {
                    loop {
                        let job = queue.lock().expect("hash queue lock").recv();
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })
                .expect("a hashing thread");
        }
        Self { jobs }
    }

    /// Runs `work` (a hash or a verification) on a hashing thread, or refuses it when
    /// `HASHES_WAITING` are queued already.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Busy> {
        let (done, result) = tokio::sync::oneshot::channel();
        self.jobs
            .try_send(Box::new(move || {
                let _ = done.send(work());
            }))
            .map_err(|_| Busy)?;
        result.await.map_err(|_| Busy)
    }
}

/// The smallest allocation glibc's malloc always maps afresh and unmaps on free: its mmap
/// threshold rises with each large block freed, but never past 32 MiB on 64-bit systems.
const ALWAYS_MAPPED: usize = 32 * 1024 * 1024 + 4096;

/// Argon2 `argon` over `password` and `salt` into `out`, in working memory of its own that goes
/// back to the system when the hash is done. Argon2 needs 19 MiB; reserving more than
/// `ALWAYS_MAPPED` makes the allocator map it afresh and unmap it on free (the pages past
/// the 19 MiB are never touched, so never resident). A smaller allocation, once freed, stays
/// in the allocator for later and resident (measured: 19 MiB more per hashing thread after
/// the first login, hundreds of MB when hashes ran on many threads).
fn argon2_into(
    argon: &Argon2<'_>,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), argon2::Error> {
    let blocks = argon.params().block_count();
    let reserved = blocks.max(ALWAYS_MAPPED.div_ceil(std::mem::size_of::<Block>()));
    let mut memory: Vec<Block> = Vec::with_capacity(reserved);
    memory.resize(blocks, Block::default());
    argon.hash_password_into_with_memory(password, salt, out, &mut memory[..])
}

/// An argon2id PHC string for `password`.
pub fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("OS randomness");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    let argon = Argon2::default();
    let mut raw = [0u8; 32];
    let mut salt_bytes = [0u8; 16];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).expect("our own salt");
    argon2_into(&argon, password.as_bytes(), salt_bytes, &mut raw)
        .expect("argon2 with default parameters");
    PasswordHash {
        algorithm: argon2::Algorithm::Argon2id.ident(),
        version: Some(argon2::Version::V0x13.into()),
        params: argon.params().try_into().expect("default parameters"),
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&raw).expect("32 bytes")),
    }
    .to_string()
}

/// Whether `password` matches `phc`.
pub fn verify(password: &str, phc: &str) -> bool {
    let check = || -> Option<bool> {
        let parsed = PasswordHash::new(phc).ok()?;
        let algorithm = argon2::Algorithm::try_from(parsed.algorithm).ok()?;
        let version = parsed
            .version
            .map(argon2::Version::try_from)
            .transpose()
            .ok()?
            .unwrap_or_default();
        let params = argon2::Params::try_from(&parsed).ok()?;
        let expected = parsed.hash?;
        let mut salt = [0u8; 64];
        let salt = parsed.salt?.decode_b64(&mut salt).ok()?;
        let mut raw = vec![0u8; expected.len()];
        argon2_into(
            &Argon2::new(algorithm, version, params),
            password.as_bytes(),
            salt,
            &mut raw,
        )
        .ok()?;
        // `Output`'s equality is constant-time.
        Some(Output::new(&raw).ok()? == expected)
    };
    check().unwrap_or(false)
}

/// Spends the same time as checking a real user's password, for unknown usernames, so the
/// answer time does not tell whether a username exists.
pub fn verify_against_nobody(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| hash("not anyone's password"));
    let _ = verify(password, phc);
}

/// Why a new password is refused, if it is.
pub fn check_new(password: &str) -> Result<(), String> {
    if password.chars().count() < MIN_LEN {
        return Err(format!("a password needs at least {MIN_LEN} characters"));
    }
    if password.len() > MAX_LEN {
        return Err(format!("a password is at most {MAX_LEN} bytes"));
    }
    Ok(())
}

/// A random password for generated accounts: 20 characters, about 119 bits.
pub fn generate() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    let mut bytes = [0u8; 20];
    getrandom::fill(&mut bytes).expect("OS randomness");
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ_per_salt() {
        let a = hash("correct horse");
        assert!(a.starts_with("$argon2id$"));
        assert!(verify("correct horse", &a));
        assert!(!verify("wrong horse", &a));
        assert_ne!(a, hash("correct horse"));
        assert!(!verify("x", "not a phc string"));
    }

    #[test]
    fn hashes_made_by_argon2_itself_verify_and_ours_verify_there() {
        use argon2::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::encode_b64(b"sixteen bytes!!!").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"pw-pw-pw", &salt)
            .unwrap()
            .to_string();
        assert!(verify("pw-pw-pw", &theirs));
        assert!(!verify("pw-pw-px", &theirs));
        let ours = hash("pw-pw-pw");
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password(b"pw-pw-pw", &parsed)
                .is_ok()
        );
    }

    #[tokio::test]
    async fn the_gate_queues_a_bounded_number_of_hashes() {
        let gate = HashGate::start();
        assert_eq!(gate.run(|| 2 + 2).await, Ok(4));
        // Hold every thread (waiting until each has taken its job, else a thread taking one
        // later frees a slot of the full queue), then fill the queue: the next hash is
        // refused at once.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = Arc::new(Mutex::new(held));
        let (taken, each_taken) = std::sync::mpsc::channel::<()>();
        for _ in 0..hashing_threads() {
            let (held, taken) = (held.clone(), taken.clone());
            gate.jobs
                .send(Box::new(move || {
                    let _ = taken.send(());
                    let _ = held.lock().unwrap().recv();
                }))
                .unwrap();
        }
        for _ in 0..hashing_threads() {
            each_taken.recv().unwrap();
        }
        let mut queued = 0;
        while gate.jobs.try_send(Box::new(|| {})).is_ok() {
            queued += 1;
        }
        assert!(queued <= HASHES_WAITING);
        assert_eq!(gate.run(|| ()).await, Err(Busy));
        drop(release);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(check_new("1234567").is_err());
        assert!(check_new("12345678").is_ok());
        assert_eq!(generate().len(), 20);
    }
}
