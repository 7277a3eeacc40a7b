//! A value read whole from the database and kept in this replica for a
//! short while: reference data (the service menu, communities) that every
//! request reads and almost nothing writes. A write on any replica
//! announces itself (`LiveEvent::Reference`) and every replica drops its
//! copy at once; the age limit bounds staleness if an announcement is lost
//! (Redis down).

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub struct Snapshot<T> {
    max_age: Duration,
    kept: Mutex<Option<(Instant, Arc<T>)>>,
    /// Bumped by every drop, so a load that began before it does not put
    /// back what it read.
    generation: Mutex<u64>,
}

impl<T> Snapshot<T> {
    pub fn new(max_age: Duration) -> Self {
        Snapshot {
            max_age,
            kept: Mutex::new(None),
            generation: Mutex::new(0),
        }
    }

    /// The kept value if it is young enough.
    pub fn get(&self) -> Option<Arc<T>> {
        let kept = self.kept.lock().ok()?;
        let (at, v) = kept.as_ref()?;
        (at.elapsed() < self.max_age).then(|| v.clone())
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
        let generation = self.generation();
        let v = Arc::new(load().await?);
        if let (Ok(mut kept), Ok(now)) = (self.kept.lock(), self.generation.lock())
            && *now == generation
        {
            *kept = Some((Instant::now(), v.clone()));
        }
        Ok(v)
    }

    /// Forgets the kept value (the data changed).
    pub fn drop_kept(&self) {
        if let (Ok(mut kept), Ok(mut generation)) = (self.kept.lock(), self.generation.lock()) {
            *generation += 1;
            *kept = None;
        }
    }

    fn generation(&self) -> u64 {
        self.generation.lock().map(|g| *g).unwrap_or(0)
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
}
