//! The one source of "now". Every timestamp the service writes and every
//! deadline it judges comes from the [`Clock`] in the application state, so
//! a test that moves it moves everything: the sweeper's judgement, the
//! timeline's times, the ledgers' dates.

use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

/// The real time plus an offset that only tests move forward.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
}

impl Clock {
    /// Now, in UTC, truncated to microseconds so that SQLite and PostgreSQL
    /// store and return exactly the same value.
    pub fn now(&self) -> DateTime<Utc> {
        let offset = chrono::Duration::seconds(self.offset_secs.load(Ordering::Relaxed));
        (Utc::now() + offset).trunc_subsecs(6)
    }

    /// Today's date where the communities are.
    pub fn today(&self, offset: FixedOffset) -> NaiveDate {
        local_date(self.now(), offset)
    }

    /// Moves this clock (and every copy of it) forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_secs.fetch_add(by.num_seconds(), Ordering::Relaxed);
    }
}

/// The instant a local date begins.
pub fn local_midnight(d: NaiveDate, offset: FixedOffset) -> DateTime<Utc> {
    (d.and_time(chrono::NaiveTime::MIN) - offset).and_utc()
}

/// The local date of an instant.
pub fn local_date(at: DateTime<Utc>, offset: FixedOffset) -> NaiveDate {
    at.with_timezone(&offset).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copy_moves_together() {
        let a = Clock::default();
        let b = a.clone();
        let before = b.now();
        a.advance(chrono::Duration::hours(2));
        assert!(b.now() - before >= chrono::Duration::hours(2));
    }
}
