//! Redis, when `REDIS_URL` is set: one multiplexed connection that reconnects
//! by itself, with short timeouts so that a Redis outage slows nothing down —
//! callers fall back to the database.

use anyhow::Context;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

pub async fn connect(url: &str) -> anyhow::Result<ConnectionManager> {
    let client = redis::Client::open(url).with_context(|| format!("bad REDIS_URL {url}"))?;
    let config = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(Duration::from_secs(2)))
        .set_number_of_retries(2);
    ConnectionManager::new_with_config(client, config)
        .await
        .with_context(|| format!("connecting to Redis at {url}"))
}
