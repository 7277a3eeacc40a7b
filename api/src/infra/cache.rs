//! A small in-process cache whose entries are only good while a stamp the
//! caller reads from the database is unchanged (and, optionally, while they
//! are younger than a maximum age). Each replica keeps its own and checks
//! the stamp on every use, so nothing stale is served and replicas need no
//! shared cache.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A kept value with the stamp it was read at, and when.
type Kept<S, V> = (S, Instant, Arc<V>);

pub struct StampedCache<K, S, V> {
    entries: Mutex<HashMap<K, Kept<S, V>>>,
}

impl<K, S, V> Default for StampedCache<K, S, V> {
    fn default() -> Self {
        StampedCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: Eq + Hash, S: PartialEq, V> StampedCache<K, S, V> {
    /// The entry for `key` if it was kept at `stamp` less than `max_age` ago.
    pub fn get(&self, key: &K, stamp: &S, max_age: Option<Duration>) -> Option<Arc<V>> {
        let map = self.entries.lock().ok()?;
        let (s, at, v) = map.get(key)?;
        (s == stamp && max_age.is_none_or(|m| at.elapsed() < m)).then(|| v.clone())
    }

    pub fn put(&self, key: K, stamp: S, value: Arc<V>) {
        if let Ok(mut map) = self.entries.lock() {
            map.insert(key, (stamp, Instant::now(), value));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_stamp_or_old_age_misses() {
        let c: StampedCache<i64, (i64, i64), String> = StampedCache::default();
        c.put(1, (3, 7), Arc::new("roster".into()));
        assert_eq!(c.get(&1, &(3, 7), None).as_deref().map(String::as_str), Some("roster"));
        assert!(c.get(&1, &(3, 8), None).is_none());
        assert!(c.get(&2, &(3, 7), None).is_none());
        assert!(c.get(&1, &(3, 7), Some(Duration::ZERO)).is_none());
    }
}
