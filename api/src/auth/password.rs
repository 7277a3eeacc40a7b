//! Password hashing with argon2id. Hashing is CPU-heavy and takes
//! `memory_kib` of memory each time, so it runs on its own threads, one per
//! core (never on an actix worker or the blocking pool), which keep and
//! reuse their memory. A short queue waits for them; beyond it a caller is
//! refused at once (`Busy`: 503 with `Retry-After`) — 200 wrong passwords
//! at once had grown the process to 6 GB when every hash ran at once.

use crate::error::ApiError;
use argon2::password_hash::{self, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use tokio::sync::Semaphore;

/// What a refused caller is told to wait (seconds): the queue drains in
/// well under that at the default cost.
const RETRY_SECS: u64 = 2;

/// The memory (KiB) of an initial password's hash: a random one-time
/// secret of ~58 bits needs no costly stretching, and 5 000 imported rows
/// must not cost 5 000 full hashes. Rehashed at full cost on first login.
const INITIAL_MEMORY_KIB: u32 = 1024;

type Job = Box<dyn FnOnce() + Send>;

#[derive(Clone)]
pub struct Hasher {
    params: Arc<Params>,
    /// A real hash to verify against when the phone is unknown, so that a
    /// login for a missing account costs as much as one for a real account.
    dummy: Arc<String>,
    /// To the hashing threads (one per core): they keep their memory and
    /// reuse it, so the process does not grow with the number of logins.
    jobs: mpsc::Sender<Job>,
    /// Places for hashes running or waiting; beyond them callers are refused.
    places: Arc<Semaphore>,
    /// Hashes running now, and the most there ever were (for tests and checks).
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Hasher {
    /// One hashing thread per core, and `queue` more hashes may wait.
    pub fn new(memory_kib: u32, iterations: u32, queue: usize) -> anyhow::Result<Hasher> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Hasher::with_parallelism(memory_kib, iterations, cores, queue)
    }

    /// `parallel` (≥ 1) hashing threads, and `queue` more hashes may wait.
    pub fn with_parallelism(memory_kib: u32, iterations: u32, parallel: usize, queue: usize) -> anyhow::Result<Hasher> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
        let parallel = parallel.max(1);
        let (jobs, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..parallel {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("linli-hash-{i}"))
                .spawn(move || {
                    loop {
                        // Ends when every `Hasher` (every sender) is gone.
                        let job = match rx.lock() {
                            Ok(r) => r.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => return,
                        }
                    }
                })?;
        }
        let mut h = Hasher {
            params: Arc::new(params),
            dummy: Arc::new(String::new()),
            jobs,
            places: Arc::new(Semaphore::new(parallel + queue)),
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        };
        // Made on a hashing thread, which keeps the memory it took.
        let (tx, rx) = mpsc::channel();
        let params = h.params.clone();
        h.jobs
            .send(Box::new(move || {
                let _ = tx.send(hash_with(&params, "linli-dummy-password"));
            }))
            .map_err(|_| anyhow::anyhow!("hashing threads gone"))?;
        h.dummy = Arc::new(rx.recv()??);
        Ok(h)
    }

    /// Runs `work` on a hashing thread. `wait`: queue for a place however
    /// long it takes (an admin's bulk import); otherwise refuse with `Busy`
    /// when every place is taken (a flood of logins).
    async fn run<T: Send + 'static>(
        &self,
        wait: bool,
        work: impl FnOnce(&Hasher) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let place = if wait {
            self.places
                .clone()
                .acquire_owned()
                .await
                .map_err(|e| ApiError::Internal(e.into()))?
        } else {
            self.places
                .clone()
                .try_acquire_owned()
                .map_err(|_| ApiError::Busy(RETRY_SECS))?
        };
        let (tx, rx) = tokio::sync::oneshot::channel();
        let me = self.clone();
        let job: Job = Box::new(move || {
            let now = me.running.fetch_add(1, Ordering::SeqCst) + 1;
            me.peak.fetch_max(now, Ordering::SeqCst);
            let out = work(&me);
            me.running.fetch_sub(1, Ordering::SeqCst);
            drop(place);
            let _ = tx.send(out);
        });
        self.jobs
            .send(job)
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("hashing threads gone")))?;
        rx.await
            .map_err(|_| ApiError::Internal(anyhow::anyhow!("hashing thread failed")))
    }

    /// The most hashes that ever ran at the same time.
    pub fn peak_parallel(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// A new password's hash at full cost; `Busy` when too many wait.
    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        self.run(false, move |me| hash_with(&me.params, &password))
            .await?
            .map_err(ApiError::Internal)
    }

    /// An initial password's hash (a random one-time secret, see
    /// [`INITIAL_MEMORY_KIB`]), waiting its turn: for bulk imports.
    pub async fn hash_initial(&self, password: String) -> Result<String, ApiError> {
        let light = Params::new(INITIAL_MEMORY_KIB.min(self.params.m_cost()), 1, 1, None)
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("argon2 params: {e}")))?;
        self.run(true, move |_| hash_with(&light, &password))
            .await?
            .map_err(ApiError::Internal)
    }

    /// Verifies `password` against `hash`; with no hash, burns the same time
    /// and fails. `Busy` when too many wait.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, ApiError> {
        self.run(false, move |me| {
            let known = hash.is_some();
            let stored = hash.unwrap_or_else(|| (*me.dummy).clone());
            verify_with(&password, &stored) && known
        })
        .await
    }

    /// Was `hash` made at less than today's cost (an initial password, or
    /// older settings)? Then it is remade on the next good login.
    pub fn needs_rehash(&self, hash: &str) -> bool {
        PasswordHash::new(hash)
            .ok()
            .and_then(|h| Params::try_from(&h).ok())
            .is_none_or(|p| p.m_cost() < self.params.m_cost() || p.t_cost() < self.params.t_cost())
    }
}

fn argon2(params: &Params) -> Argon2<'static> {
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone())
}

thread_local! {
    /// This thread's argon2 working memory, kept from one hash to the next:
    /// each hashing thread holds one hash's worth, and the process never
    /// grows past threads × `memory_kib` for hashing, whatever the
    /// allocator does with freed memory (glibc's kept ~220 MB after 64
    /// logins at once, freeing into arenas it did not return).
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// The raw argon2 output of `password` and `salt` into `out`, in this
/// thread's kept memory.
fn argon2_into(
    hasher: &Argon2<'_>,
    blocks: usize,
    password: &[u8],
    salt: &[u8],
    out: &mut [u8],
) -> password_hash::Result<()> {
    MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        Ok(hasher.hash_password_into_with_memory(password, salt, out, &mut memory[..blocks])?)
    })
}

/// A PHC string (`$argon2id$v=19$m=…,t=…,p=1$salt$hash`) for `password`.
fn hash_with(params: &Params, password: &str) -> anyhow::Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let mut buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut buf).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hasher = argon2(params);
    let len = params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let output = Output::init_with(len, |out| {
        argon2_into(&hasher, params.block_count(), password.as_bytes(), salt_bytes, out)
    })
    .map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| anyhow::anyhow!("params: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Does `password` match the PHC string `stored` (its own algorithm,
/// version and cost)? Compared in constant time.
fn verify_with(password: &str, stored: &str) -> bool {
    let Ok(phc) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(phc.algorithm),
        Params::try_from(&phc),
        phc.salt,
        phc.hash,
    ) else {
        return false;
    };
    let version = phc.version.map_or(Ok(Version::V0x13), Version::try_from);
    let Ok(version) = version else { return false };
    let mut buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut buf) else {
        return false;
    };
    let hasher = Argon2::new(algorithm, version, params.clone());
    Output::init_with(expected.len(), |out| {
        argon2_into(&hasher, params.block_count(), password.as_bytes(), salt_bytes, out)
    })
    .is_ok_and(|got| got == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = Hasher::new(1024, 1, 8).expect("params");
        let hash = h.hash("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            h.verify("correct horse".into(), Some(hash.clone()))
                .await
                .expect("runs")
        );
        assert!(!h.verify("wrong".into(), Some(hash)).await.expect("runs"));
        assert!(!h.verify("linli-dummy-password".into(), None).await.expect("runs"));
    }

    /// A flood of logins never runs more hashes at once than allowed (each
    /// takes `memory_kib`): the rest wait their turn, and all are answered.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_at_once_than_allowed() {
        let h = Hasher::with_parallelism(8192, 2, 2, 64).expect("params");
        let hash = h.hash("right".into()).await.expect("hash");
        // Spawned all at once (collected), then awaited.
        let tries: Vec<_> = (0..24)
            .map(|i| {
                let h = h.clone();
                let hash = hash.clone();
                tokio::spawn(async move {
                    h.verify(if i == 7 { "right" } else { "wrong" }.into(), Some(hash))
                        .await
                        .expect("a place")
                })
            })
            .collect();
        let mut oks = 0;
        for t in tries {
            if t.await.expect("joined") {
                oks += 1;
            }
        }
        assert_eq!(oks, 1);
        assert!(h.peak_parallel() <= 2, "peak {}", h.peak_parallel());
        assert!(h.peak_parallel() >= 1);
    }
}

#[cfg(test)]
mod format_tests {
    use super::*;
    use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};

    /// Hashes stored before (argon2's own hasher) still verify, and ours
    /// verify with argon2's own verifier: the same PHC strings.
    #[test]
    fn stored_hashes_verify_both_ways() {
        let params = Params::new(1024, 2, 1, None).expect("params");
        let salt = SaltString::encode_b64(b"0123456789abcdef").expect("salt");
        let theirs = argon2(&params)
            .hash_password(b"old password", &salt)
            .expect("hash")
            .to_string();
        assert!(verify_with("old password", &theirs));
        assert!(!verify_with("old passwore", &theirs));
        let ours = hash_with(&params, "new password").expect("hash");
        let parsed = PasswordHash::new(&ours).expect("phc");
        assert!(argon2(&params).verify_password(b"new password", &parsed).is_ok());
        assert!(!verify_with("new password", "not a hash"));
    }
}

#[cfg(test)]
mod queue_tests {
    use super::*;

    /// Beyond the cores and the queue, a caller is refused at once (503 with
    /// `Retry-After`) instead of waiting with its memory; bulk work waits.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_full_queue_refuses_at_once_and_bulk_work_waits() {
        let h = Hasher::with_parallelism(8192, 3, 1, 2).expect("params");
        let hash = h.hash("right".into()).await.expect("hash");
        let tries: Vec<_> = (0..12)
            .map(|_| {
                let (h, hash) = (h.clone(), hash.clone());
                tokio::spawn(async move { h.verify("wrong".into(), Some(hash)).await })
            })
            .collect();
        let mut busy = 0;
        for t in tries {
            match t.await.expect("joined") {
                Err(ApiError::Busy(secs)) => {
                    assert!(secs >= 1);
                    busy += 1;
                }
                Ok(ok) => assert!(!ok),
                Err(e) => panic!("{e}"),
            }
        }
        assert!(busy >= 1, "nobody refused");
        assert!(busy <= 9, "at least the places were served: {busy} refused");
        // An import's hashes all get through, one place at a time.
        let bulk: Vec<_> = (0..12)
            .map(|i| {
                let h = h.clone();
                tokio::spawn(async move { h.hash_initial(format!("initial-{i}")).await })
            })
            .collect();
        for b in bulk {
            let made = b.await.expect("joined").expect("hashed");
            assert!(h.needs_rehash(&made), "initial hashes are light");
        }
        assert!(!h.needs_rehash(&hash));
        assert!(h.peak_parallel() <= 1);
    }
}
