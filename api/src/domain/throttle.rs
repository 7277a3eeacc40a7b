//! 防刷 — limits on guessing and flooding. Each [`Limit`] counts strikes
//! against one key (a phone number, an address, an account) within a
//! window; at the policy's number of strikes the key is locked, and every
//! further strike doubles the lock, up to a ceiling. A strike count is kept
//! for the window after the last strike and its lock, so waiting out a
//! lock does not give a fresh allowance. Pure: the store keeps the counts.

/// What is being limited; each has its own policy and key space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// Wrong passwords for one phone number (登录).
    LoginPhone,
    /// Wrong passwords from one address, whatever the phone.
    LoginIp,
    /// Wrong current passwords when changing one's password (per account).
    PasswordChange,
    /// Sign-ups from one address (every attempt counts).
    Register,
    /// 忘记密码 for one phone number (every request counts).
    ForgotPhone,
    /// 忘记密码 from one address (every request counts).
    ForgotIp,
    /// Reset links that do not work, from one address.
    ResetIp,
    /// Public certificate checks that find nothing, from one address.
    CertificateIp,
}

/// How hard a [`Limit`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// The strike that locks the key first.
    pub strikes: u32,
    /// Strikes are forgotten this long after the last one (and its lock).
    pub window_secs: i64,
    pub first_lock_secs: i64,
    pub max_lock_secs: i64,
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;

impl Limit {
    pub const ALL: [Limit; 8] = [
        Limit::LoginPhone,
        Limit::LoginIp,
        Limit::PasswordChange,
        Limit::Register,
        Limit::ForgotPhone,
        Limit::ForgotIp,
        Limit::ResetIp,
        Limit::CertificateIp,
    ];

    /// The policy, with `register_per_hour` (a setting: a service desk
    /// signing up many neighbours from one address may need more).
    pub fn policy(self, register_per_hour: u32) -> Policy {
        let p = |strikes, window_secs, first_lock_secs, max_lock_secs| Policy {
            strikes,
            window_secs,
            first_lock_secs,
            max_lock_secs,
        };
        match self {
            Limit::LoginPhone | Limit::PasswordChange => p(5, 15 * MINUTE, MINUTE, HOUR),
            Limit::LoginIp => p(50, 15 * MINUTE, MINUTE, HOUR),
            Limit::Register => p(register_per_hour.max(1), HOUR, 10 * MINUTE, 24 * HOUR),
            Limit::ForgotPhone => p(3, HOUR, HOUR, 24 * HOUR),
            Limit::ForgotIp => p(20, HOUR, 10 * MINUTE, 24 * HOUR),
            Limit::ResetIp => p(10, 15 * MINUTE, MINUTE, HOUR),
            Limit::CertificateIp => p(30, 15 * MINUTE, MINUTE, HOUR),
        }
    }

    /// The key space's name in the store.
    pub const fn name(self) -> &'static str {
        match self {
            Limit::LoginPhone => "login-phone",
            Limit::LoginIp => "login-ip",
            Limit::PasswordChange => "password",
            Limit::Register => "register",
            Limit::ForgotPhone => "forgot-phone",
            Limit::ForgotIp => "forgot-ip",
            Limit::ResetIp => "reset-ip",
            Limit::CertificateIp => "certificate-ip",
        }
    }
}

impl Policy {
    /// The lock that the `strikes`-th strike brings, in seconds (none before
    /// the policy's number; doubling after it, up to the ceiling).
    pub fn lock_secs(&self, strikes: u32) -> Option<i64> {
        let over = strikes.checked_sub(self.strikes)?;
        let factor = 1_i64 << over.min(40);
        Some(self.first_lock_secs.saturating_mul(factor).min(self.max_lock_secs))
    }

    /// How long the strike count is kept after a strike that locked for `lock`.
    pub fn keep_secs(&self, lock: Option<i64>) -> i64 {
        self.window_secs + lock.unwrap_or(0)
    }
}

/// Seconds left of a lock that ends at `until` (unix seconds), if any.
pub fn remaining(until: Option<i64>, now: i64) -> Option<u64> {
    until.filter(|u| *u > now).and_then(|u| u64::try_from(u - now).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn five_wrong_passwords_lock_a_minute_then_it_doubles_to_an_hour() {
        let p = Limit::LoginPhone.policy(20);
        assert_eq!(p.lock_secs(4), None);
        assert_eq!(p.lock_secs(5), Some(60));
        assert_eq!(p.lock_secs(6), Some(120));
        assert_eq!(p.lock_secs(7), Some(240));
        assert_eq!(p.lock_secs(30), Some(3600));
        assert_eq!(p.lock_secs(u32::MAX), Some(3600));
        assert_eq!(p.keep_secs(Some(240)), 15 * 60 + 240);
    }

    #[test]
    fn a_lock_counts_down_to_nothing() {
        assert_eq!(remaining(Some(100), 40), Some(60));
        assert_eq!(remaining(Some(100), 100), None);
        assert_eq!(remaining(None, 0), None);
    }

    #[test]
    fn names_are_distinct() {
        let names: std::collections::HashSet<_> = Limit::ALL.iter().map(|l| l.name()).collect();
        assert_eq!(names.len(), Limit::ALL.len());
    }

    proptest! {
        /// More strikes never shorten the lock, and no lock exceeds the ceiling.
        #[test]
        fn locks_grow_and_stay_under_the_ceiling(a in 0u32..200, b in 0u32..200, reg in 1u32..1000) {
            for l in Limit::ALL {
                let p = l.policy(reg);
                let (lo, hi) = (a.min(b), a.max(b));
                prop_assert!(p.lock_secs(lo).unwrap_or(0) <= p.lock_secs(hi).unwrap_or(0));
                prop_assert!(p.lock_secs(hi).unwrap_or(0) <= p.max_lock_secs);
            }
        }
    }
}
