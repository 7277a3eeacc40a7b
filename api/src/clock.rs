//! The time source. One function, so that a controllable clock can replace
//! it where deadlines are tested (supervision).

use chrono::{DateTime, SubsecRound, Utc};

/// Now, in UTC, truncated to microseconds so that SQLite and PostgreSQL store
/// and return exactly the same value.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}
