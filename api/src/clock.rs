//! The time source. One function, so that a controllable clock can replace
//! it where deadlines are tested (supervision).

use chrono::{DateTime, SubsecRound, Utc};

/// Now, in UTC, truncated to microseconds so that SQLite and PostgreSQL store
/// and return exactly the same value.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Today's date where the communities are (`settings.utc_offset`).
pub fn today(offset: chrono::FixedOffset) -> chrono::NaiveDate {
    local_date(now(), offset)
}

/// The local date of an instant.
pub fn local_date(at: DateTime<Utc>, offset: chrono::FixedOffset) -> chrono::NaiveDate {
    at.with_timezone(&offset).date_naive()
}

/// The time as background jobs see it: the real time plus an offset that
/// tests (only tests) move forward to put deadlines behind them.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_secs: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        now() + chrono::Duration::seconds(self.offset_secs.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Moves this clock (and every copy of it) forward.
    pub fn advance(&self, by: chrono::Duration) {
        self.offset_secs
            .fetch_add(by.num_seconds(), std::sync::atomic::Ordering::Relaxed);
    }
}
