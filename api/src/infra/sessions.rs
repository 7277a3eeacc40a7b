//! A per-replica cache of live sessions, keyed by the token's digest, so
//! that an authenticated read does not pay a database query to learn who
//! is calling. Entries live a short while (`TTL`) and are dropped at once
//! when the user's sessions change: logout, password change or reset, role
//! or community change publish `LiveEvent::Session`, which reaches every
//! replica through the live hub (Redis pub/sub when configured), and
//! [`SessionCache::forget`] runs on each.
//!
//! A lookup that raced with a revocation must not put the revoked session
//! back: every forget bumps a generation, and a read only stores what it
//! found if no forget happened since it began.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long an entry is trusted without a revocation signal (the bound on
/// staleness if a signal is lost, e.g. while Redis is down).
pub const TTL: Duration = Duration::from_secs(15);

/// Beyond this many entries the cache starts again empty.
pub const CAP: usize = 100_000;

struct Entry<V> {
    user: i64,
    value: V,
    /// Unix seconds on the app's clock when the session itself expires.
    expires_at: i64,
    stored: Instant,
}

pub struct SessionCache<V> {
    entries: Mutex<HashMap<String, Entry<V>>>,
    generation: AtomicU64,
}

impl<V> Default for SessionCache<V> {
    fn default() -> Self {
        SessionCache {
            entries: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
        }
    }
}

/// Where a read began (see the module docs).
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl<V: Clone> SessionCache<V> {
    /// The cached session for `digest`, if fresh and not expired at `now`.
    pub fn get(&self, digest: &str, now: i64) -> Option<V> {
        let map = self.entries.lock().ok()?;
        let e = map.get(digest)?;
        (e.stored.elapsed() < TTL && e.expires_at > now).then(|| e.value.clone())
    }

    /// Taken before reading the database, given back to [`Self::put`].
    pub fn ticket(&self) -> Ticket {
        Ticket(self.generation.load(Ordering::SeqCst))
    }

    /// Keeps what a read found, unless a forget happened since its ticket.
    pub fn put(&self, ticket: Ticket, digest: String, user: i64, expires_at: i64, value: V) {
        let Ok(mut map) = self.entries.lock() else { return };
        // Checked under the lock that `forget` takes too.
        if self.generation.load(Ordering::SeqCst) != ticket.0 {
            return;
        }
        if map.len() >= CAP {
            map.clear();
        }
        map.insert(
            digest,
            Entry {
                user,
                value,
                expires_at,
                stored: Instant::now(),
            },
        );
    }

    /// Drops one session (`digest`) of `user`, or all of theirs.
    pub fn forget(&self, user: i64, digest: Option<&str>) {
        if let Ok(mut map) = self.entries.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            match digest {
                Some(d) => {
                    map.remove(d);
                }
                None => map.retain(|_, e| e.user != user),
            }
        }
    }

    /// Drops everything (a revocation signal may have been missed).
    pub fn clear(&self) {
        if let Ok(mut map) = self.entries.lock() {
            self.generation.fetch_add(1, Ordering::SeqCst);
            map.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_forget_drops_the_user_and_beats_a_racing_read() {
        let c: SessionCache<&str> = SessionCache::default();
        let t = c.ticket();
        c.put(t, "a".into(), 1, 100, "ann");
        c.put(c.ticket(), "b".into(), 1, 100, "ann on a phone");
        c.put(c.ticket(), "c".into(), 2, 100, "bob");
        assert_eq!(c.get("a", 50), Some("ann"));
        assert_eq!(c.get("a", 100), None, "the session expired");
        c.forget(1, Some("a"));
        assert_eq!(c.get("a", 50), None);
        assert_eq!(c.get("b", 50), Some("ann on a phone"));
        c.forget(1, None);
        assert_eq!(c.get("b", 50), None);
        assert_eq!(c.get("c", 50), Some("bob"));
        // A read that began before a forget does not store what it read.
        let before = c.ticket();
        c.forget(2, None);
        c.put(before, "c".into(), 2, 100, "bob (revoked)");
        assert_eq!(c.get("c", 50), None);
        c.put(c.ticket(), "c".into(), 2, 100, "bob again");
        c.clear();
        assert_eq!(c.get("c", 50), None);
    }
}
