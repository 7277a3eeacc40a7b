//! Where the strike counts of [`crate::domain::throttle`] are kept: in
//! Redis when it is configured, so every replica counts the same strikes
//! and honours the same locks; in this process otherwise. A Redis that does
//! not answer falls back to this process's counts (a replica then counts on
//! its own until Redis is back, never refusing everyone). Redis calls go
//! through the Redis breaker: an outage costs a sign-in one short timeout.
//!
//! A key's record is its strike count and the end of its lock (unix seconds
//! on the app's clock, so tests can move past a lock). The count lives for
//! the policy's window after the last strike and its lock.

use super::redis::{Redis, RedisFailure};
use crate::domain::throttle::{Limit, Policy, remaining};
use redis::Script;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Adds a strike and (re)sets the record's life; returns the count.
/// KEYS[1] record; ARGV[1] seconds to keep it.
const STRIKE: &str = r"
local n = redis.call('HINCRBY', KEYS[1], 'n', 1)
redis.call('EXPIRE', KEYS[1], ARGV[1])
return n
";

/// Locks the record until ARGV[1] unless it is locked longer already, and
/// keeps it ARGV[2] seconds. KEYS[1] record.
const LOCK: &str = r"
local till = tonumber(redis.call('HGET', KEYS[1], 'until') or '0')
if tonumber(ARGV[1]) > till then redis.call('HSET', KEYS[1], 'until', ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
";

/// At most this many keys are kept in process; beyond it expired ones go,
/// then (a flood of distinct keys) the oldest half.
const LOCAL_CAP: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Tally {
    strikes: u32,
    locked_until: Option<i64>,
    /// Forgotten after this (unix seconds).
    expires: i64,
}

#[derive(Clone)]
pub struct Throttle {
    local: Arc<Mutex<HashMap<String, Tally>>>,
    redis: Option<RedisCounts>,
    register_per_hour: u32,
}

#[derive(Clone)]
struct RedisCounts {
    redis: Redis,
    prefix: String,
    strike: Arc<Script>,
    lock: Arc<Script>,
}

impl Throttle {
    /// Counts in this process only.
    pub fn local(register_per_hour: u32) -> Self {
        Throttle {
            local: Arc::default(),
            redis: None,
            register_per_hour,
        }
    }

    /// Counts in Redis under `{prefix}:throttle:`, shared by every replica.
    pub fn with_redis(redis: Redis, prefix: &str, register_per_hour: u32) -> Self {
        Throttle {
            redis: Some(RedisCounts {
                redis,
                prefix: format!("{prefix}:throttle:"),
                strike: Arc::new(Script::new(STRIKE)),
                lock: Arc::new(Script::new(LOCK)),
            }),
            ..Throttle::local(register_per_hour)
        }
    }

    pub fn policy(&self, limit: Limit) -> Policy {
        limit.policy(self.register_per_hour)
    }

    fn record_key(limit: Limit, key: &str) -> String {
        format!("{}:{key}", limit.name())
    }

    /// Seconds `key` is still locked for under `limit`, if it is.
    pub async fn locked(&self, limit: Limit, key: &str, now: i64) -> Option<u64> {
        let record = Self::record_key(limit, key);
        if let Some(r) = &self.redis {
            let key = format!("{}{record}", r.prefix);
            let got: Result<Option<i64>, RedisFailure> = r
                .redis
                .run(|mut c| async move { redis::cmd("HGET").arg(key).arg("until").query_async(&mut c).await })
                .await;
            match got {
                Ok(until) => return remaining(until, now),
                Err(e) => tracing::debug!(error = %e, "throttle: Redis unavailable, counting in process"),
            }
        }
        let map = self.local.lock().ok()?;
        let t = map.get(&record).filter(|t| t.expires > now)?;
        remaining(t.locked_until, now)
    }

    /// Counts a strike against `key`; the seconds it is locked for if this
    /// strike locked it.
    pub async fn strike(&self, limit: Limit, key: &str, now: i64) -> Option<u64> {
        let policy = self.policy(limit);
        let record = Self::record_key(limit, key);
        if let Some(r) = &self.redis {
            match r.strike(&record, &policy, now).await {
                Ok(lock) => return lock,
                Err(e) => tracing::debug!(error = %e, "throttle: Redis unavailable, counting in process"),
            }
        }
        let mut map = self.local.lock().ok()?;
        if map.len() >= LOCAL_CAP {
            map.retain(|_, t| t.expires > now);
            if map.len() >= LOCAL_CAP {
                let mut by_age: Vec<(String, i64)> = map.iter().map(|(k, t)| (k.clone(), t.expires)).collect();
                by_age.sort_by_key(|(_, e)| *e);
                for (k, _) in by_age.into_iter().take(LOCAL_CAP / 2) {
                    map.remove(&k);
                }
            }
        }
        let kept = map.get(&record).copied().filter(|t| t.expires > now);
        let strikes = kept.map_or(0, |t| t.strikes).saturating_add(1);
        let lock = policy.lock_secs(strikes);
        let locked_until = match (lock, kept.and_then(|t| t.locked_until)) {
            (Some(l), Some(before)) => Some(before.max(now + l)),
            (Some(l), None) => Some(now + l),
            (None, before) => before,
        };
        map.insert(
            record,
            Tally {
                strikes,
                locked_until,
                expires: now + policy.keep_secs(lock),
            },
        );
        lock.and_then(|l| u64::try_from(l).ok())
    }

    /// Forgets `key`'s strikes (the right password).
    pub async fn clear(&self, limit: Limit, key: &str) {
        let record = Self::record_key(limit, key);
        if let Some(r) = &self.redis {
            let key = format!("{}{record}", r.prefix);
            let done: Result<i64, RedisFailure> = r
                .redis
                .run(|mut c| async move { redis::cmd("DEL").arg(key).query_async(&mut c).await })
                .await;
            if let Err(e) = done {
                tracing::debug!(error = %e, "throttle: Redis unavailable, clearing in process");
            }
        }
        if let Ok(mut map) = self.local.lock() {
            map.remove(&record);
        }
    }
}

impl RedisCounts {
    /// Both steps in one call through the breaker (one timeout in all).
    async fn strike(&self, record: &str, policy: &Policy, now: i64) -> Result<Option<u64>, RedisFailure> {
        let key = format!("{}{record}", self.prefix);
        self.redis
            .run(|mut conn| async move {
                let strikes: u32 = self
                    .strike
                    .key(&key)
                    .arg(policy.keep_secs(None))
                    .invoke_async(&mut conn)
                    .await?;
                let Some(lock) = policy.lock_secs(strikes) else {
                    return Ok(None);
                };
                let _: i64 = self
                    .lock
                    .key(&key)
                    .arg(now + lock)
                    .arg(policy.keep_secs(Some(lock)))
                    .invoke_async(&mut conn)
                    .await?;
                Ok(u64::try_from(lock).ok())
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_fifth_wrong_password_locks_and_the_lock_ends() {
        let t = Throttle::local(20);
        let now = 1_000_000;
        for _ in 0..4 {
            assert_eq!(t.strike(Limit::LoginPhone, "13800000001", now).await, None);
        }
        assert_eq!(t.locked(Limit::LoginPhone, "13800000001", now).await, None);
        assert_eq!(t.strike(Limit::LoginPhone, "13800000001", now).await, Some(60));
        assert_eq!(t.locked(Limit::LoginPhone, "13800000001", now + 10).await, Some(50));
        // Another phone, another limit: untouched.
        assert_eq!(t.locked(Limit::LoginPhone, "13800000002", now).await, None);
        assert_eq!(t.locked(Limit::LoginIp, "13800000001", now).await, None);
        // Over: free again, but the next wrong one locks twice as long.
        assert_eq!(t.locked(Limit::LoginPhone, "13800000001", now + 60).await, None);
        assert_eq!(t.strike(Limit::LoginPhone, "13800000001", now + 61).await, Some(120));
        // The right password forgets it all.
        t.clear(Limit::LoginPhone, "13800000001").await;
        assert_eq!(t.locked(Limit::LoginPhone, "13800000001", now + 62).await, None);
        assert_eq!(t.strike(Limit::LoginPhone, "13800000001", now + 62).await, None);
    }

    #[tokio::test]
    async fn strikes_are_forgotten_after_the_window() {
        let t = Throttle::local(20);
        for _ in 0..4 {
            t.strike(Limit::LoginPhone, "k", 0).await;
        }
        // 15 minutes later the count starts again.
        assert_eq!(t.strike(Limit::LoginPhone, "k", 15 * 60 + 1).await, None);
    }

    #[tokio::test]
    async fn a_flood_of_distinct_keys_stays_bounded() {
        let t = Throttle::local(20);
        for i in 0..(LOCAL_CAP + 10) {
            t.strike(Limit::LoginIp, &i.to_string(), 0).await;
        }
        let len = t.local.lock().map(|m| m.len()).unwrap_or(usize::MAX);
        assert!(len <= LOCAL_CAP, "{len}");
    }
}
