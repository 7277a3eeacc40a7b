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
