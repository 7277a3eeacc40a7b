//! Password hashing with argon2id. Hashing is CPU-heavy, so it runs on the
//! blocking pool, never on an actix worker thread.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;

#[derive(Clone)]
pub struct Hasher {
    params: Arc<Params>,
    /// A real hash to verify against when the phone is unknown, so that a
    /// login for a missing account costs as much as one for a real account.
    dummy: Arc<String>,
}

impl Hasher {
    pub fn new(memory_kib: u32, iterations: u32) -> anyhow::Result<Hasher> {
        let params = Params::new(memory_kib, iterations, 1, None).map_err(|e| anyhow::anyhow!("argon2 params: {e}"))?;
        let mut h = Hasher {
            params: Arc::new(params),
            dummy: Arc::new(String::new()),
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

    pub async fn hash(&self, password: String) -> anyhow::Result<String> {
        let me = self.clone();
        tokio::task::spawn_blocking(move || me.hash_blocking(&password)).await?
    }

    /// Verifies `password` against `hash`; with no hash, burns the same time and fails.
    pub async fn verify(&self, password: String, hash: Option<String>) -> bool {
        let me = self.clone();
        tokio::task::spawn_blocking(move || {
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
}
