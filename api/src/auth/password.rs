//! Password hashing with argon2id. Hashing is CPU-heavy and takes
//! `memory_kib` of memory each time, so it runs on the blocking pool (never
//! on an actix worker thread) and at most one hash per core at a time: a
//! flood of logins waits its turn instead of taking the machine's memory
//! (200 wrong passwords at once had grown the process to 6 GB), and the
//! blocking pool stays free for everything else.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct Hasher {
    params: Arc<Params>,
    /// A real hash to verify against when the phone is unknown, so that a
    /// login for a missing account costs as much as one for a real account.
    dummy: Arc<String>,
    /// One permit per hash allowed at once.
    permits: Arc<Semaphore>,
    /// Hashes running now, and the most there ever were (for tests and checks).
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

impl Hasher {
    /// At most one hash per core at a time.
    pub fn new(memory_kib: u32, iterations: u32) -> anyhow::Result<Hasher> {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
        Hasher::with_parallelism(memory_kib, iterations, cores)
    }

    /// At most `parallel` (≥ 1) hashes at a time.
    pub fn with_parallelism(memory_kib: u32, iterations: u32, parallel: usize) -> anyhow::Result<Hasher> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
        let mut h = Hasher {
            params: Arc::new(params),
            dummy: Arc::new(String::new()),
            permits: Arc::new(Semaphore::new(parallel.max(1))),
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        };
        h.dummy = Arc::new(h.hash_blocking("linli-dummy-password")?);
        Ok(h)
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, (*self.params).clone())
    }

    fn hash_blocking(&self, password: &str) -> anyhow::Result<String> {
        let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing: {e}"))
    }

    /// Runs `work` on the blocking pool once a permit is free.
    async fn limited<T: Send + 'static>(&self, work: impl FnOnce(&Hasher) -> T + Send + 'static) -> anyhow::Result<T> {
        let _permit = self.permits.clone().acquire_owned().await?;
        let me = self.clone();
        Ok(tokio::task::spawn_blocking(move || {
            let now = me.running.fetch_add(1, Ordering::SeqCst) + 1;
            me.peak.fetch_max(now, Ordering::SeqCst);
            let out = work(&me);
            me.running.fetch_sub(1, Ordering::SeqCst);
            out
        })
        .await?)
    }

    /// The most hashes that ever ran at the same time.
    pub fn peak_parallel(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        self.limited(move |me| me.hash_blocking(&password)).await?
    }

    /// Verifies `password` against `hash`; with no hash, burns the same time and fails.
    pub async fn verify(&self, password: String, hash: Option<String>) -> bool {
        self.limited(move |me| {
            let known = hash.is_some();
            let stored = hash.unwrap_or_else(|| (*me.dummy).clone());
            let ok = PasswordHash::new(&stored)
                .map(|parsed| me.argon2().verify_password(password.as_bytes(), &parsed).is_ok())
                .unwrap_or(false);
            ok && known
        })
        .await
        .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_are_argon2id_and_verify() {
        let h = Hasher::new(1024, 1).expect("params");
        let hash = h.hash("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(h.verify("correct horse".into(), Some(hash.clone())).await);
        assert!(!h.verify("wrong".into(), Some(hash)).await);
        assert!(!h.verify("linli-dummy-password".into(), None).await);
    }

    /// A flood of logins never runs more hashes at once than allowed (each
    /// takes `memory_kib`): the rest wait their turn, and all are answered.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_hashes_at_once_than_allowed() {
        let h = Hasher::with_parallelism(8192, 2, 2).expect("params");
        let hash = h.hash("right".into()).await.expect("hash");
        // Spawned all at once (collected), then awaited.
        let tries: Vec<_> = (0..24)
            .map(|i| {
                let h = h.clone();
                let hash = hash.clone();
                tokio::spawn(async move {
                    h.verify(if i == 7 { "right" } else { "wrong" }.into(), Some(hash))
                        .await
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
