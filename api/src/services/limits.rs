//! 防刷 applied to a use case: refuse a locked phone or address before any
//! work (no password is hashed for a locked caller), count the strikes of a
//! failure, forget them on success. The policies are in
//! [`crate::domain::throttle`], the counts in [`crate::infra::throttle`].

use crate::domain::throttle::Limit;
use crate::error::ApiError;
use crate::state::AppState;

/// One limit and the key it counts (a phone, an address, an account id).
pub type Key<'a> = (Limit, &'a str);

fn now(app: &AppState) -> i64 {
    app.clock.now().timestamp()
}

/// `TooManyAttempts` with the longest wait if any of `keys` is locked.
pub async fn refuse_if_locked(app: &AppState, keys: &[Key<'_>]) -> Result<(), ApiError> {
    longest_wait(app, keys, false).await
}

/// Counts a strike against each of `keys`; `TooManyAttempts` if one of them
/// is locked now (the caller answers that instead of its own error, so the
/// person learns at once that they must wait).
pub async fn strike(app: &AppState, keys: &[Key<'_>]) -> Result<(), ApiError> {
    longest_wait(app, keys, true).await
}

/// Looks at (or strikes, with `strike`) each key; the longest lock found.
async fn longest_wait(app: &AppState, keys: &[Key<'_>], strike: bool) -> Result<(), ApiError> {
    let now = now(app);
    let mut wait = None;
    for (limit, key) in keys {
        let locked = if strike {
            app.throttle.strike(*limit, key, now).await
        } else {
            app.throttle.locked(*limit, key, now).await
        };
        wait = wait.max(locked);
    }
    wait.map_or(Ok(()), |secs| Err(ApiError::TooManyAttempts(secs)))
}

/// Checks `keys` and counts this attempt against them, for limits where
/// every attempt counts (sign-ups, reset mails): the policy's number of
/// attempts go through, the next is refused.
pub async fn attempt(app: &AppState, keys: &[Key<'_>]) -> Result<(), ApiError> {
    refuse_if_locked(app, keys).await?;
    // A lock this attempt starts applies from the next one.
    let _ = strike(app, keys).await;
    Ok(())
}

/// Forgets a key's strikes (the right password).
pub async fn clear(app: &AppState, limit: Limit, key: &str) {
    app.throttle.clear(limit, key).await;
}
