//! Redis, when `REDIS_URL` is set: one multiplexed connection that reconnects
//! by itself, and one circuit breaker every Redis call goes through. Each
//! call is bounded by `redis_timeout_ms`; after a failure the breaker
//! refuses calls for `redis_breaker_open_ms` and callers fall back at once
//! (boards from the ledgers, live events delivered locally). A Redis that
//! is down, frozen or slow thus costs a write at most one short timeout.

use super::breaker::{Breaker, Refused};
use anyhow::Context;
use redis::RedisError;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// A failed Redis call: refused by the open breaker, timed out, or an error.
pub type RedisFailure = Refused<RedisError>;

#[derive(Clone)]
pub struct Redis {
    conn: ConnectionManager,
    breaker: Arc<Breaker>,
}

/// Connects lazily: a Redis that is down at start-up leaves the breaker to
/// deal with it (the service starts and falls back), a bad URL is an error.
pub async fn connect(url: &str, timeout: Duration, open_for: Duration) -> anyhow::Result<Redis> {
    let client = redis::Client::open(url).with_context(|| format!("bad REDIS_URL {url}"))?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(1)
        .set_min_delay(Duration::from_millis(10))
        .set_max_delay(timeout);
    let conn = ConnectionManager::new_lazy_with_config(client, config)
        .with_context(|| format!("connecting to Redis at {url}"))?;
    let redis = Redis {
        conn,
        breaker: Arc::new(Breaker::new("redis", timeout, open_for)),
    };
    if let Err(e) = redis.ping().await {
        tracing::warn!(error = %e, "Redis unreachable at start-up; falling back until it answers");
    }
    Ok(redis)
}

impl Redis {
    /// Runs `call` on the shared connection through the breaker.
    pub async fn run<T, F, Fut>(&self, call: F) -> Result<T, RedisFailure>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = Result<T, RedisError>>,
    {
        self.breaker.call(call(self.conn.clone())).await
    }

    /// `run` with room for bulk work (a rebuild's pipelines): `factor`
    /// times the usual timeout.
    pub async fn run_bulk<T, F, Fut>(&self, factor: u32, call: F) -> Result<T, RedisFailure>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = Result<T, RedisError>>,
    {
        self.breaker
            .call_within(self.breaker.timeout() * factor, call(self.conn.clone()))
            .await
    }

    pub async fn ping(&self) -> Result<(), RedisFailure> {
        self.run(|mut c| async move { redis::cmd("PING").query_async::<String>(&mut c).await })
            .await
            .map(drop)
    }

    /// Is the breaker refusing calls now?
    pub fn is_open(&self) -> bool {
        self.breaker.is_open()
    }
}
