//! A value read whole from the database and kept in this replica for a
//! short while: reference data (the service menu, communities) that every
//! request reads and almost nothing writes. A write on any replica
//! announces itself (`LiveEvent::Reference`) and every replica drops its
//! copy at once; the age limit bounds staleness if an announcement is lost
//! (Redis down).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One value kept whole (a [`KeptMap`] with one key).
pub struct Snapshot<T>(KeptMap<(), T>);

impl<T> Snapshot<T> {
    pub fn new(max_age: Duration) -> Self {
        Snapshot(KeptMap::new(max_age, 1))
    }

    /// The kept value if it is young enough.
    pub fn get(&self) -> Option<Arc<T>> {
        self.0.get(&())
    }

    /// The kept value, or `load`'s (kept for next time unless a drop
    /// happened while it ran).
    pub async fn get_or_load<E, F>(&self, load: F) -> Result<Arc<T>, E>
    where
        F: AsyncFnOnce() -> Result<T, E>,
    {
        if let Some(v) = self.get() {
            return Ok(v);
        }
        let ticket = self.0.ticket();
        let v = Arc::new(load().await?);
        self.0.put(ticket, (), v.clone());
        Ok(v)
    }

    /// Forgets the kept value (the data changed).
    pub fn drop_kept(&self) {
        self.0.clear();
    }
}

/// Values by key, each kept for at most `max_age`, dropped by key (or all)
/// when what they were read from changes. Like [`Snapshot`], a read that
/// began before a drop does not put back what it read.
pub struct KeptMap<K, V> {
    max_age: Duration,
    cap: usize,
    /// The generation (bumped by every forget) and the entries.
    inner: Mutex<(u64, Entries<K, V>)>,
}

type Entries<K, V> = HashMap<K, (Instant, Arc<V>)>;

/// Where a read began: given back to [`KeptMap::put`].
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl<K: Eq + Hash, V> KeptMap<K, V> {
    /// At most `cap` entries (beyond it the map starts again empty).
    pub fn new(max_age: Duration, cap: usize) -> Self {
        KeptMap {
            max_age,
            cap,
            inner: Mutex::new((0, HashMap::new())),
        }
    }

    pub fn get(&self, key: &K) -> Option<Arc<V>> {
        let inner = self.inner.lock().ok()?;
        let (at, v) = inner.1.get(key)?;
        (at.elapsed() < self.max_age).then(|| v.clone())
    }

    /// Taken before reading what will be kept.
    pub fn ticket(&self) -> Ticket {
        Ticket(self.inner.lock().map(|i| i.0).unwrap_or(u64::MAX))
    }

    pub fn put(&self, ticket: Ticket, key: K, value: Arc<V>) {
        let Ok(mut inner) = self.inner.lock() else { return };
        if inner.0 != ticket.0 {
            return;
        }
        if inner.1.len() >= self.cap {
            inner.1.clear();
        }
        inner.1.insert(key, (Instant::now(), value));
    }

    /// Drops the entries whose key `matches`.
    pub fn forget(&self, matches: impl Fn(&K) -> bool) {
        if let Ok(mut inner) = self.inner.lock() {
            inner.0 += 1;
            inner.1.retain(|k, _| !matches(k));
        }
    }

    pub fn clear(&self) {
        self.forget(|_| true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn keeps_until_dropped_or_old_and_a_racing_load_does_not_put_back() {
        let s: Snapshot<i32> = Snapshot::new(Duration::from_secs(60));
        let one = s.get_or_load(async || Ok::<_, ()>(1)).await.unwrap();
        assert_eq!(*one, 1);
        assert_eq!(*s.get_or_load(async || Ok::<_, ()>(2)).await.unwrap(), 1, "kept");
        s.drop_kept();
        assert_eq!(
            *s.get_or_load(async || Ok::<_, ()>(3)).await.unwrap(),
            3,
            "dropped, read again"
        );
        // A load that was overtaken by a drop answers its caller but is not kept.
        s.drop_kept();
        let v = s
            .get_or_load(async || {
                s.drop_kept();
                Ok::<_, ()>(4)
            })
            .await
            .unwrap();
        assert_eq!(*v, 4);
        assert!(s.get().is_none(), "the racing load was not kept");
        let old: Snapshot<i32> = Snapshot::new(Duration::ZERO);
        old.get_or_load(async || Ok::<_, ()>(5)).await.unwrap();
        assert!(old.get().is_none(), "too old");
    }

    #[test]
    fn a_kept_map_forgets_by_key_and_a_racing_read_does_not_put_back() {
        let m: KeptMap<(i64, u64), &str> = KeptMap::new(Duration::from_secs(60), 3);
        m.put(m.ticket(), (1, 20), Arc::new("hall of 1"));
        m.put(m.ticket(), (2, 20), Arc::new("hall of 2"));
        assert_eq!(m.get(&(1, 20)).as_deref(), Some(&"hall of 1"));
        let racing = m.ticket();
        m.forget(|k| k.0 == 1);
        assert!(m.get(&(1, 20)).is_none());
        assert_eq!(m.get(&(2, 20)).as_deref(), Some(&"hall of 2"), "other keys stay");
        m.put(racing, (1, 20), Arc::new("read before the change"));
        assert!(m.get(&(1, 20)).is_none(), "a read overtaken by a change is not kept");
        for i in 3..=6 {
            m.put(m.ticket(), (i, 20), Arc::new("more"));
        }
        assert!(m.get(&(2, 20)).is_none(), "the cap starts the map again");
        let old: KeptMap<i64, i64> = KeptMap::new(Duration::ZERO, 3);
        old.put(old.ticket(), 1, Arc::new(1));
        assert!(old.get(&1).is_none(), "too old");
    }
}
