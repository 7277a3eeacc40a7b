//! 分流 — a bulkhead for heavy reads. Exports, statistics and certificate
//! PDFs scan many rows and hold a pooled connection for long; at most
//! `heavy_reads` of them run at once (half the pool by default), so
//! everyday requests — signing in, reading a request, `GET /me` — always
//! find a connection. One more waits a few seconds for a turn, then is told to
//! come back (503 with `Retry-After`) rather than queueing without end.

use crate::error::ApiError;
use crate::state::AppState;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// How long a heavy read waits for a turn before it is refused (a street
/// admin's dashboard asks for several at once; each takes a second or two).
const WAIT: Duration = Duration::from_secs(5);

/// What a refused caller is told to wait (seconds).
const RETRY_SECS: u64 = 5;

/// The turns: `configured`, or half a pool of `pool` connections (≥ 1).
pub fn heavy_turns(configured: usize, pool: u32) -> Semaphore {
    let n = if configured > 0 {
        configured
    } else {
        usize::try_from(pool / 2).unwrap_or(1)
    };
    Semaphore::new(n.max(1))
}

/// A turn for one heavy read, held until dropped.
pub async fn heavy_turn(app: &AppState) -> Result<OwnedSemaphorePermit, ApiError> {
    match tokio::time::timeout(WAIT, app.heavy.clone().acquire_owned()).await {
        Ok(Ok(permit)) => Ok(permit),
        Ok(Err(closed)) => Err(ApiError::Internal(closed.into())),
        Err(_) => Err(ApiError::Busy(RETRY_SECS)),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn half_the_pool_unless_configured() {
        assert_eq!(super::heavy_turns(0, 8).available_permits(), 4);
        assert_eq!(super::heavy_turns(0, 2).available_permits(), 1);
        assert_eq!(super::heavy_turns(3, 8).available_permits(), 3);
    }
}
