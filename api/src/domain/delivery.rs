//! Delivering notices outside the app (mail today): the states of an
//! outbox row and how long to wait before trying again. Pure.

use chrono::Duration;

code_enum! {
    /// How a message travels.
    pub enum Channel {
        Mail,
    }
}

code_enum! {
    /// pending → sent, or pending → … → dead after the last attempt.
    pub enum DeliveryStatus {
        /// Waiting for its (next) attempt.
        Pending,
        Sent,
        /// Given up after `outbox_max_attempts`.
        Dead,
    }
}

/// The wait before attempt `attempts + 1`: base × 2^(attempts − 1), at most an hour.
pub fn backoff(base_ms: u64, attempts: i32) -> Duration {
    let exp = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(20);
    let ms = base_ms.saturating_mul(1u64 << exp).min(3_600_000);
    Duration::milliseconds(i64::try_from(ms).unwrap_or(3_600_000))
}

/// What becomes of a row whose attempt number `attempts` failed.
pub fn after_failure(attempts: i32, max_attempts: i32) -> DeliveryStatus {
    if attempts >= max_attempts {
        DeliveryStatus::Dead
    } else {
        DeliveryStatus::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1000, 1).num_milliseconds(), 1000);
        assert_eq!(backoff(1000, 2).num_milliseconds(), 2000);
        assert_eq!(backoff(1000, 4).num_milliseconds(), 8000);
        assert_eq!(backoff(1000, 40).num_milliseconds(), 3_600_000);
    }

    #[test]
    fn dies_on_the_last_attempt() {
        assert_eq!(after_failure(1, 3), DeliveryStatus::Pending);
        assert_eq!(after_failure(3, 3), DeliveryStatus::Dead);
    }
}
