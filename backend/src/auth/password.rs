//! Password hashing (argon2id) and the rules a new password must meet. The server hashes
//! through one `HashGate`: `HASHES_AT_ONCE` threads of its own (argon2 takes 19 MiB and a core
//! per hash; neither the async workers nor the blocking pool that runs SQLite and libvirt
//! calls are ever taken), with at most `HASHES_WAITING` hashes queued.

use std::{
    sync::{Arc, Mutex, OnceLock, mpsc},
    thread,
};

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier, password_hash::SaltString};

/// The shortest password accepted.
pub const MIN_LEN: usize = 8;
/// The longest password accepted or checked, in bytes.
pub const MAX_LEN: usize = 1024;
/// Passwords hashed or verified at once, each on a thread of its own.
pub const HASHES_AT_ONCE: usize = 2;
/// Hashes that may wait for a thread; one more is refused at once as `Busy`.
pub const HASHES_WAITING: usize = 32;

type Job = Box<dyn FnOnce() + Send>;

/// The only way the server hashes: a bounded queue in front of `HASHES_AT_ONCE` threads.
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
        for _ in 0..HASHES_AT_ONCE {
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

/// An argon2id PHC string for `password`.
pub fn hash(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("OS randomness");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters")
        .to_string()
}

/// Whether `password` matches `phc`.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
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

    #[tokio::test]
    async fn the_gate_queues_a_bounded_number_of_hashes() {
        let gate = HashGate::start();
        assert_eq!(gate.run(|| 2 + 2).await, Ok(4));
        // Hold every thread, then fill the queue: the next hash is refused at once.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let held = Arc::new(Mutex::new(held));
        for _ in 0..HASHES_AT_ONCE {
            let held = held.clone();
            gate.jobs
                .send(Box::new(move || {
                    let _ = held.lock().unwrap().recv();
                }))
                .unwrap();
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
