//! A circuit breaker (熔断) for calls to a helper that may go away — Redis.
//!
//! Every call is bounded by a short timeout. One failure (an error or a
//! timeout) opens the breaker: for `open_for` every call is refused at once,
//! so callers take their fallback without waiting (boards from SQL, live
//! events delivered locally). Then the next call is let through alone as a
//! probe — the others are still refused while it runs — and its outcome
//! decides: success closes the breaker, failure opens it again.
//!
//! Hand-written rather than `failsafe`: that crate's half-open state admits
//! every caller (not one probe) and leaves timeouts to the caller; this is an
//! atomic state and a timestamp.

use std::future::Future;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::time::{Duration, Instant};

const CLOSED: u8 = 0;
const OPEN: u8 = 1;
/// Open, with the one probe call under way.
const PROBING: u8 = 2;

/// Why a call gave no answer.
#[derive(Debug, thiserror::Error)]
pub enum Refused<E> {
    /// The breaker is open: not tried.
    #[error("circuit open after a recent failure; not tried")]
    Open,
    #[error("no answer within {0:?}")]
    TimedOut(Duration),
    #[error(transparent)]
    Failed(E),
}

#[derive(Debug)]
pub struct Breaker {
    name: &'static str,
    state: AtomicU8,
    /// When it last opened, in ms since `epoch`.
    opened_at: AtomicU64,
    epoch: Instant,
    timeout: Duration,
    open_for: Duration,
}

/// Reopens the breaker if a probe is dropped before it finished (its caller
/// went away), so the breaker never stays half-open with no probe out.
struct Probe<'a> {
    breaker: &'a Breaker,
    finished: bool,
}

impl Drop for Probe<'_> {
    fn drop(&mut self) {
        if !self.finished {
            self.breaker.trip();
        }
    }
}

impl Breaker {
    /// `timeout` bounds each call; `open_for` is how long calls are refused
    /// after a failure.
    pub fn new(name: &'static str, timeout: Duration, open_for: Duration) -> Self {
        Breaker {
            name,
            state: AtomicU8::new(CLOSED),
            opened_at: AtomicU64::new(0),
            epoch: Instant::now(),
            timeout,
            open_for,
        }
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Are calls being refused now (open, or a probe under way)?
    pub fn is_open(&self) -> bool {
        self.state.load(Ordering::Acquire) != CLOSED
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// May a call go ahead, and is it the probe?
    fn admit(&self) -> Option<bool> {
        match self.state.load(Ordering::Acquire) {
            CLOSED => Some(false),
            OPEN => {
                let since = self.now_ms().saturating_sub(self.opened_at.load(Ordering::Acquire));
                let waited = Duration::from_millis(since) >= self.open_for;
                (waited
                    && self
                        .state
                        .compare_exchange(OPEN, PROBING, Ordering::AcqRel, Ordering::Acquire)
                        .is_ok())
                .then_some(true)
            }
            _ => None,
        }
    }

    fn trip(&self) {
        self.opened_at.store(self.now_ms(), Ordering::Release);
        if self.state.swap(OPEN, Ordering::AcqRel) == CLOSED {
            tracing::warn!(
                breaker = self.name,
                open_ms = self.open_for.as_millis() as u64,
                "circuit opened: callers fall back"
            );
        }
    }

    /// Runs `call` within the breaker's timeout.
    pub async fn call<T, E>(&self, call: impl Future<Output = Result<T, E>>) -> Result<T, Refused<E>> {
        self.call_within(self.timeout, call).await
    }

    /// Runs `call` within `limit` (bulk work such as a rebuild may need
    /// longer than one command), or refuses it at once when open.
    pub async fn call_within<T, E>(
        &self,
        limit: Duration,
        call: impl Future<Output = Result<T, E>>,
    ) -> Result<T, Refused<E>> {
        let Some(probe) = self.admit() else {
            return Err(Refused::Open);
        };
        // `then`, not `then_some`: a guard built and dropped here would trip it.
        let mut guard = probe.then(|| Probe {
            breaker: self,
            finished: false,
        });
        let result = match tokio::time::timeout(limit, call).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(Refused::Failed(e)),
            Err(_) => Err(Refused::TimedOut(limit)),
        };
        if let Some(g) = guard.as_mut() {
            g.finished = true;
        }
        match (&result, probe) {
            (Ok(_), true) => {
                self.state.store(CLOSED, Ordering::Release);
                tracing::info!(breaker = self.name, "circuit closed: the probe succeeded");
            }
            (Ok(_), false) => {}
            (Err(_), _) => self.trip(),
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    const SHORT: Duration = Duration::from_millis(50);

    fn breaker() -> Breaker {
        Breaker::new("test", SHORT, Duration::from_millis(80))
    }

    async fn ok(b: &Breaker) -> Result<u8, Refused<&'static str>> {
        b.call(async { Ok(1) }).await
    }

    async fn fail(b: &Breaker) -> Result<u8, Refused<&'static str>> {
        b.call(async { Err("down") }).await
    }

    #[tokio::test]
    async fn a_failure_opens_it_and_calls_are_refused_without_running() {
        let b = breaker();
        assert!(matches!(ok(&b).await, Ok(1)));
        let r = fail(&b).await;
        assert!(matches!(r, Err(Refused::Failed("down"))), "{r:?}");
        assert!(b.is_open());
        let ran = AtomicUsize::new(0);
        let started = Instant::now();
        let r: Result<(), Refused<()>> = b
            .call(async {
                ran.fetch_add(1, Ordering::SeqCst);
                Ok(())
            })
            .await;
        assert!(matches!(r, Err(Refused::Open)));
        assert_eq!(ran.load(Ordering::SeqCst), 0, "an open breaker does not call");
        assert!(started.elapsed() < SHORT, "refused at once");
    }

    #[tokio::test]
    async fn a_slow_call_times_out_and_opens_it() {
        let b = breaker();
        let started = Instant::now();
        let r: Result<(), Refused<()>> = b.call(std::future::pending()).await;
        assert!(matches!(r, Err(Refused::TimedOut(_))));
        assert!(started.elapsed() < SHORT * 3, "bounded by the timeout");
        assert!(b.is_open());
    }

    #[tokio::test]
    async fn after_the_pause_one_probe_decides() {
        let b = breaker();
        let _ = fail(&b).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (release, wait) = tokio::sync::oneshot::channel::<()>();
        let probe = b.call(async {
            let _ = wait.await;
            Ok::<_, &str>(7)
        });
        let others = async {
            // While the probe is out, every other caller is refused.
            tokio::task::yield_now().await;
            let r = ok(&b).await;
            let _ = release.send(());
            r
        };
        let (p, o) = tokio::join!(probe, others);
        assert!(matches!(p, Ok(7)));
        assert!(matches!(o, Err(Refused::Open)), "only the probe goes through");
        assert!(!b.is_open(), "a good probe closes it");
        assert!(matches!(ok(&b).await, Ok(1)));
    }

    #[tokio::test]
    async fn a_failed_probe_opens_it_again() {
        let b = breaker();
        let _ = fail(&b).await;
        assert!(matches!(ok(&b).await, Err(Refused::Open)));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(matches!(fail(&b).await, Err(Refused::Failed(_))), "the probe runs");
        assert!(matches!(ok(&b).await, Err(Refused::Open)), "open for another pause");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(matches!(ok(&b).await, Ok(1)));
    }

    #[tokio::test]
    async fn a_dropped_probe_does_not_leave_it_half_open() {
        let b = breaker();
        let _ = fail(&b).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        {
            let probe = b.call(std::future::pending::<Result<(), ()>>());
            // Polled once (it is the probe now), then dropped.
            let _ = tokio::time::timeout(Duration::from_millis(1), probe).await;
        }
        assert!(matches!(ok(&b).await, Err(Refused::Open)));
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(matches!(ok(&b).await, Ok(1)), "a later probe is let through");
    }
}
