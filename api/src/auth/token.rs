//! Opaque bearer tokens: 32 random bytes, hex-encoded. The database keeps only
//! their SHA-256, so revoking is deleting a row.

use sha2::{Digest, Sha256};

pub fn generate() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

pub fn digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_unique_and_hashed() {
        let (a, b) = (super::generate(), super::generate());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(super::digest(&a).len(), 64);
        assert_ne!(super::digest(&a), a);
    }
}
