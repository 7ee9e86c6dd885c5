//! Password hashing with bounded memory: Argon2id needs 19 MiB for each password it checks,
//! so checks run on a fixed number of worker threads, each reusing one memory block, behind a
//! queue of bounded length. When the queue is full a check is refused at once (the caller
//! answers 503 with `Retry-After`) instead of taking another 19 MiB: a flood of sign-ins
//! costs at most `workers × 19 MiB`, reused through the burst and given back after it.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use argon2::password_hash::phc::{PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;

/// How many checks run at once and how many may wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashLimits {
    /// Threads that hash (each holds one Argon2 memory block).
    pub workers: usize,
    /// Checks that may wait for a worker; beyond them a check is refused.
    pub queue: usize,
    /// Places in the queue kept for people signing in from a browser they used before, so
    /// that a flood from strangers does not keep them out.
    pub reserved: usize,
    /// How long a worker keeps its memory block with nothing to do: a burst reuses it, and
    /// the block goes back to the system once the burst is over.
    pub keep_idle: Duration,
}

impl Default for HashLimits {
    /// Half the processors (at least one) hash, so that pages keep answering during a flood.
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(1, usize::from);
        HashLimits {
            workers: (cpus / 2).max(1),
            queue: 16,
            reserved: 4,
            keep_idle: Duration::from_secs(5),
        }
    }
}

/// The queue is full: try again shortly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

/// The largest Argon2 memory a stored hash may ask for (KiB): a hash asking for more is
/// treated as not matching rather than allowed to take the memory.
const MAX_MEMORY_KIB: u32 = 256 * 1024;

enum Job {
    Verify {
        password: String,
        phc: String,
        done: oneshot::Sender<bool>,
    },
    Hash {
        password: String,
        done: oneshot::Sender<Option<String>>,
    },
}

/// The jobs waiting, shared by the workers; each waits on `ready` with its own timeout.
#[derive(Debug, Default)]
struct Queue {
    jobs: Mutex<Waiting>,
    ready: Condvar,
}

#[derive(Default)]
struct Waiting {
    jobs: VecDeque<Job>,
    /// The hasher is gone: workers end.
    closed: bool,
}

/// Jobs hold passwords: only how many there are is shown.
impl std::fmt::Debug for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiting")
            .field("jobs", &self.jobs.len())
            .field("closed", &self.closed)
            .finish()
    }
}

/// The hashing workers and their queue.
#[derive(Debug)]
pub struct Hasher {
    queue: Arc<Queue>,
    /// Checks waiting or running.
    pending: Arc<AtomicUsize>,
    /// Workers holding a memory block now.
    holding: Arc<AtomicUsize>,
    limits: HashLimits,
}

impl Hasher {
    /// Starts `limits.workers` threads (they end when the hasher is dropped).
    pub fn new(limits: HashLimits) -> Hasher {
        let queue = Arc::new(Queue::default());
        let pending = Arc::new(AtomicUsize::new(0));
        let holding = Arc::new(AtomicUsize::new(0));
        for i in 0..limits.workers.max(1) {
            let worker = Worker {
                queue: Arc::clone(&queue),
                pending: Arc::clone(&pending),
                holding: Arc::clone(&holding),
                keep_idle: limits.keep_idle,
            };
            let spawned = std::thread::Builder::new()
                .name(format!("pegaso-hash-{i}"))
                .spawn(move || worker.run());
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password hashing thread");
            }
        }
        Hasher {
            queue,
            pending,
            holding,
            limits,
        }
    }

    pub fn limits(&self) -> HashLimits {
        self.limits
    }

    /// How many workers hold their memory block now (each 19 MiB).
    pub fn blocks_held(&self) -> usize {
        self.holding.load(Ordering::Acquire)
    }

    /// Takes a place in the queue, or refuses when it is full (`trusted` callers may use the
    /// reserved places too).
    fn admit(&self, trusted: bool) -> Result<(), Busy> {
        let cap = self.limits.workers.max(1)
            + self.limits.queue
            + if trusted { self.limits.reserved } else { 0 };
        self.pending
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < cap).then_some(n + 1)
            })
            .map(|_| ())
            .map_err(|_| Busy)
    }

    fn send(&self, job: Job) -> Result<(), Busy> {
        match self.queue.jobs.lock() {
            Ok(mut waiting) => {
                waiting.jobs.push_back(job);
                self.queue.ready.notify_one();
                Ok(())
            }
            Err(_) => {
                self.pending.fetch_sub(1, Ordering::AcqRel);
                Err(Busy)
            }
        }
    }

    /// Whether `password` matches the PHC string `phc`.
    pub async fn verify(&self, password: &str, phc: &str, trusted: bool) -> Result<bool, Busy> {
        self.admit(trusted)?;
        let (done, answer) = oneshot::channel();
        self.send(Job::Verify {
            password: password.to_owned(),
            phc: phc.to_owned(),
            done,
        })?;
        answer.await.map_err(|_| Busy)
    }

    /// A new Argon2id PHC string for `password`.
    pub async fn hash(&self, password: &str) -> Result<Option<String>, Busy> {
        self.admit(true)?;
        let (done, answer) = oneshot::channel();
        self.send(Job::Hash {
            password: password.to_owned(),
            done,
        })?;
        answer.await.map_err(|_| Busy)
    }
}

impl Drop for Hasher {
    fn drop(&mut self) {
        if let Ok(mut waiting) = self.queue.jobs.lock() {
            waiting.closed = true;
        }
        self.queue.ready.notify_all();
    }
}

/// One hashing thread, with the memory block it reuses while jobs keep coming.
struct Worker {
    queue: Arc<Queue>,
    pending: Arc<AtomicUsize>,
    holding: Arc<AtomicUsize>,
    keep_idle: Duration,
}

impl Worker {
    fn run(self) {
        let mut memory: Vec<Block> = Vec::new();
        loop {
            let Some(job) = self.next(&mut memory) else {
                return;
            };
            let had = !memory.is_empty();
            match job {
                Job::Verify {
                    password,
                    phc,
                    done,
                } => {
                    let ok = verify_with(&mut memory, &password, &phc);
                    self.pending.fetch_sub(1, Ordering::AcqRel);
                    let _ = done.send(ok);
                }
                Job::Hash { password, done } => {
                    let phc = hash_with(&mut memory, &password);
                    self.pending.fetch_sub(1, Ordering::AcqRel);
                    let _ = done.send(phc);
                }
            }
            if !had && !memory.is_empty() {
                self.holding.fetch_add(1, Ordering::AcqRel);
            }
        }
    }

    /// The next job; while none comes for `keep_idle`, the memory block goes back. `None`
    /// once the hasher is gone.
    fn next(&self, memory: &mut Vec<Block>) -> Option<Job> {
        let mut waiting = self.queue.jobs.lock().ok()?;
        loop {
            if let Some(job) = waiting.jobs.pop_front() {
                return Some(job);
            }
            if waiting.closed {
                return None;
            }
            let (again, timeout) = self
                .queue
                .ready
                .wait_timeout(waiting, self.keep_idle)
                .ok()?;
            waiting = again;
            if timeout.timed_out() && waiting.jobs.is_empty() && !memory.is_empty() {
                *memory = Vec::new();
                self.holding.fetch_sub(1, Ordering::AcqRel);
            }
        }
    }
}

/// The least a memory block reserves: 32 MiB. glibc's malloc serves an allocation this large
/// from a mapping of its own whatever its history (mallopt(3): the dynamic mmap threshold
/// never passes DEFAULT_MMAP_THRESHOLD_MAX, 32 MiB on 64-bit systems), and gives that mapping
/// back whole when it is freed; a smaller block would, from the second burst on, come from
/// the heap and stay there. Only the pages used (19 MiB) are ever resident.
const RESERVE_BYTES: usize = 32 * 1024 * 1024;

/// `memory`, grown to `blocks` when it is smaller (it is not shrunk while jobs keep coming:
/// the next check needs the same).
fn blocks(memory: &mut Vec<Block>, blocks: usize) -> &mut [Block] {
    if memory.len() < blocks {
        let reserve = blocks.max(RESERVE_BYTES / Block::SIZE + 1);
        if memory.capacity() < reserve {
            *memory = Vec::with_capacity(reserve);
        }
        memory.resize(blocks, Block::new());
    }
    &mut memory[..blocks]
}

/// Checks `password` against the PHC string with the parameters it names, in `memory`.
pub(super) fn verify_with(memory: &mut Vec<Block>, password: &str, phc: &str) -> bool {
    let Ok(hash) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(salt), Some(expected)) = (&hash.salt, &hash.hash) else {
        return false;
    };
    let Ok(algorithm) = Algorithm::try_from(hash.algorithm.as_str()) else {
        return false;
    };
    let version = match hash.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let Ok(params) = Params::try_from(&hash) else {
        return false;
    };
    if params.m_cost() > MAX_MEMORY_KIB {
        tracing::warn!(
            m_cost = params.m_cost(),
            "stored password hash asks for too much memory"
        );
        return false;
    }
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let memory = blocks(memory, params.block_count());
    if argon
        .hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
        .is_err()
    {
        return false;
    }
    bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// Hashes `password` with Argon2id's default parameters and a fresh salt, in `memory`.
pub(super) fn hash_with(memory: &mut Vec<Block>, password: &str) -> Option<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).ok()?;
    let salt = Salt::new(&salt).ok()?;
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let memory = blocks(memory, params.block_count());
    argon
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, memory)
        .ok()?;
    let output = argon2::password_hash::phc::Output::new(&out).ok()?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: argon2::password_hash::phc::ParamsString::try_from(&params).ok()?,
        salt: Some(salt),
        hash: Some(output),
    };
    Some(phc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_made_here_verify_with_the_library_and_back() {
        let mut memory = Vec::new();
        let phc = hash_with(&mut memory, "correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(super::super::verify_password("correct horse", &phc));
        assert!(verify_with(&mut memory, "correct horse", &phc));
        assert!(!verify_with(&mut memory, "correct hors", &phc));
        let theirs = super::super::hash_password("battery staple").unwrap();
        assert!(verify_with(&mut memory, "battery staple", &theirs));
        assert!(!verify_with(&mut memory, "battery staple", "not a hash"));
        // Other parameters (smaller memory, more passes) are read from the string.
        let small = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(1024, 3, 1, None).unwrap(),
        );
        let phc = argon2::PasswordHasher::hash_password(&small, b"x")
            .unwrap()
            .to_string();
        assert!(verify_with(&mut memory, "x", &phc));
        assert_eq!(memory.len(), 19_456, "the block is kept, not shrunk");
    }

    #[test]
    fn a_full_queue_refuses_at_once() {
        let hasher = Hasher::new(HashLimits {
            workers: 1,
            queue: 1,
            reserved: 1,
            ..HashLimits::default()
        });
        // One running and one waiting fill it; the reserved place is for trusted callers.
        assert_eq!(hasher.admit(false), Ok(()));
        assert_eq!(hasher.admit(false), Ok(()));
        assert_eq!(hasher.admit(false), Err(Busy));
        assert_eq!(hasher.admit(true), Ok(()));
        assert_eq!(hasher.admit(true), Err(Busy));
        hasher.pending.fetch_sub(3, Ordering::AcqRel);
        assert_eq!(hasher.admit(false), Ok(()));
    }

    #[tokio::test]
    async fn checks_come_back_and_free_their_place() {
        let hasher = Hasher::new(HashLimits {
            workers: 1,
            queue: 2,
            reserved: 0,
            ..HashLimits::default()
        });
        let phc = hasher.hash("pw").await.unwrap().unwrap();
        let (a, b) = tokio::join!(
            hasher.verify("pw", &phc, false),
            hasher.verify("no", &phc, false)
        );
        assert_eq!((a, b), (Ok(true), Ok(false)));
        assert_eq!(hasher.pending.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn every_worker_gives_its_memory_back_after_a_burst() {
        let hasher = Hasher::new(HashLimits {
            workers: 3,
            queue: 3,
            reserved: 0,
            keep_idle: Duration::from_millis(200),
        });
        let phc = super::super::hash_password("pw").unwrap();
        let (a, b, c) = tokio::join!(
            hasher.verify("pw", &phc, false),
            hasher.verify("pw", &phc, false),
            hasher.verify("pw", &phc, false)
        );
        assert_eq!((a, b, c), (Ok(true), Ok(true), Ok(true)));
        assert!(hasher.blocks_held() >= 1);
        // Each worker waits with its own timeout: all blocks go back, not one at a time.
        for _ in 0..50 {
            if hasher.blocks_held() == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        assert_eq!(hasher.blocks_held(), 0);
        // And the next burst takes them again.
        assert_eq!(hasher.verify("pw", &phc, false).await, Ok(true));
    }
}
