//! Registration, login, logout, password change, and token lookup.

use crate::auth::{CurrentUser, token};
use crate::domain::throttle::Limit;
use crate::domain::{CommunityId, GridId, Phone, Role, UserId};
use crate::error::ApiError;
use crate::infra::live::LiveEvent;
use crate::msg;
use crate::services::{directory, limits};
use crate::state::AppState;
use crate::store::{self, sessions::SessionUser, users::NewUser, users::User};
use chrono::{DateTime, Duration, Utc};
use sea_orm::ConnectionTrait;

/// What a new account needs.
pub struct NewAccount {
    pub phone: Phone,
    pub name: String,
    pub password: String,
    pub role: Role,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
}

/// An account checked and with its password hashed, ready to be written
/// inside whatever transaction makes it (hashing is slow and happens
/// before the transaction opens).
pub struct PreparedAccount {
    phone: Phone,
    name: String,
    password_hash: String,
    pub role: Role,
    pub community_id: CommunityId,
    pub grid_id: Option<GridId>,
}

/// The password policy (`domain::password`) for the account of `phone`
/// and `name`; a refusal names the body's `field`.
pub fn check_password(field: &'static str, password: &str, phone: &str, name: &str) -> Result<(), ApiError> {
    crate::domain::password::check(password, phone, name).map_err(|w| ApiError::WeakPassword(field, w))
}

/// Checks the password policy, placement and that the phone is free, and
/// hashes the password (argon2id).
pub async fn prepare_account(app: &AppState, acc: NewAccount) -> Result<PreparedAccount, ApiError> {
    check_password("password", &acc.password, acc.phone.as_str(), &acc.name)?;
    directory::check_placement(app, acc.community_id, acc.grid_id).await?;
    if store::users::find_by_phone(&app.db, acc.phone.as_str())
        .await?
        .is_some()
    {
        return Err(ApiError::PhoneTaken);
    }
    Ok(PreparedAccount {
        password_hash: app.hasher.hash(acc.password).await?,
        phone: acc.phone,
        name: acc.name.trim().to_owned(),
        role: acc.role,
        community_id: acc.community_id,
        grid_id: acc.grid_id,
    })
}

/// Writes a prepared account. The check in `prepare_account` gives a clear
/// answer in the common case; the unique index decides when two
/// registrations race (`PhoneTaken`).
pub async fn insert_account(
    db: &impl ConnectionTrait,
    acc: &PreparedAccount,
    now: DateTime<Utc>,
) -> Result<User, ApiError> {
    store::users::insert(
        db,
        NewUser {
            phone: acc.phone.as_str(),
            name: &acc.name,
            password_hash: acc.password_hash.clone(),
            role: acc.role,
            community_id: acc.community_id,
            grid_id: acc.grid_id,
        },
        now,
    )
    .await
}

/// Creates an account on its own (sign-up, first admin).
#[tracing::instrument(skip(app, acc), fields(community = %acc.community_id))]
pub async fn create_account(app: &AppState, acc: NewAccount) -> Result<User, ApiError> {
    let acc = prepare_account(app, acc).await?;
    insert_account(&app.db, &acc, app.clock.now()).await
}

/// `now + ttl_hours`, saturating instead of panicking on absurd settings.
fn expiry(now: DateTime<Utc>, ttl_hours: i64) -> DateTime<Utc> {
    Duration::try_hours(ttl_hours.clamp(0, 24 * 365 * 100))
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(now)
}

/// Opens a session for `user_id` and returns its bearer token.
pub async fn open_session(app: &AppState, user_id: UserId) -> Result<String, ApiError> {
    let token = token::generate();
    let now = app.clock.now();
    store::sessions::delete_expired(&app.db, user_id, now).await?;
    store::sessions::insert(
        &app.db,
        token::digest(&token),
        user_id,
        now,
        expiry(now, app.settings.token_ttl_hours),
    )
    .await?;
    Ok(token)
}

/// Phone + password → the user and a new token. Unknown phone and wrong
/// password answer the same, in the same time. 防刷: a phone with 5 wrong
/// passwords in a row, or an address with 50, is locked for a minute,
/// doubling with each further wrong one (up to an hour); a locked caller is
/// refused before any hashing, even with the right password.
#[tracing::instrument(skip_all)]
pub async fn login(app: &AppState, phone: &str, password: String, addr: &str) -> Result<(User, String), ApiError> {
    let parsed = Phone::parse(phone);
    let phone_key = parsed
        .as_ref()
        .map_or_else(|| phone.trim().to_owned(), |p| p.as_str().to_owned());
    let keys = [(Limit::LoginPhone, phone_key.as_str()), (Limit::LoginIp, addr)];
    limits::refuse_if_locked(app, &keys).await?;
    let found = match parsed {
        Some(p) => store::users::find_by_phone(&app.db, p.as_str()).await?,
        None => None,
    };
    let password_again = found
        .as_ref()
        .filter(|u| app.hasher.needs_rehash(&u.password_hash))
        .map(|_| password.clone());
    let ok = app
        .hasher
        .verify(password, found.as_ref().map(|u| u.password_hash.clone()))
        .await?;
    match found {
        Some(u) if ok => {
            limits::clear(app, Limit::LoginPhone, &phone_key).await;
            rehash_if_light(app, &u, &password_again).await;
            let token = open_session(app, u.id).await?;
            Ok((u, token))
        }
        _ => {
            limits::strike(app, &keys).await?;
            Err(ApiError::InvalidCredentials)
        }
    }
}

/// A hash made at less than today's cost (an imported one-time password,
/// older settings) is remade at full cost once the password is known good.
/// Best effort: the login goes on whatever happens here.
async fn rehash_if_light(app: &AppState, u: &User, password: &Option<String>) {
    let Some(password) = password else { return };
    match app.hasher.hash(password.clone()).await {
        Ok(hash) => {
            if let Err(e) = store::users::upgrade_password_hash(&app.db, u.id, &u.password_hash, hash).await {
                tracing::warn!(error = %e, user = u.id.0, "rehash not stored");
            }
        }
        Err(e) => tracing::warn!(error = %e, user = u.id.0, "rehash skipped"),
    }
}

/// Revokes the session the caller used; its open live streams close.
pub async fn logout(app: &AppState, me: &CurrentUser) -> Result<(), ApiError> {
    store::sessions::delete(&app.db, &me.token_hash).await?;
    sessions_changed(app, me.id, Some(me.token_hash.clone())).await;
    Ok(())
}

/// Tells every replica that `user_id`'s sessions changed (one revoked —
/// `token_hash` — or all, or their role or community): their open live
/// streams check themselves again and close if they no longer stand.
pub async fn sessions_changed(app: &AppState, user_id: UserId, token_hash: Option<String>) {
    // This replica at once (the answer to this very call may be followed
    // by the next with the same token); the others through the hub.
    app.sessions.forget(user_id.0, token_hash.as_deref());
    app.accounts.forget(|u| *u == user_id);
    app.hub.publish(vec![LiveEvent::Session { user_id, token_hash }]).await;
}

/// Checks the old password, stores the new one, revokes every session of
/// the user and returns a fresh token.
pub async fn change_password(app: &AppState, me: &CurrentUser, old: String, new: String) -> Result<String, ApiError> {
    let u = store::users::find(&app.db, me.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    let account = me.id.0.to_string();
    let keys = [(Limit::PasswordChange, account.as_str())];
    limits::refuse_if_locked(app, &keys).await?;
    check_password("new_password", &new, u.phone.as_str(), &u.name)?;
    if !app.hasher.verify(old, Some(u.password_hash)).await? {
        limits::strike(app, &keys).await?;
        return Err(ApiError::field(
            "old_password",
            "mismatch",
            msg!("field.old_password.mismatch"),
        ));
    }
    limits::clear(app, Limit::PasswordChange, &account).await;
    let hash = app.hasher.hash(new).await?;
    let txn = store::begin_write(&app.writer).await?;
    store::users::set_password_hash(&txn, me.id, hash, app.clock.now()).await?;
    store::sessions::delete_all_of(&txn, me.id).await?;
    txn.commit().await?;
    sessions_changed(app, me.id, None).await;
    open_session(app, me.id).await
}

/// The caller a session (or the command line) stands for.
fn current_user(u: SessionUser, token_hash: String) -> CurrentUser {
    CurrentUser {
        id: u.id,
        name: u.name,
        phone: u.phone,
        role: u.role,
        community_id: u.community_id,
        grid_id: u.grid_id,
        street: u.street,
        token_hash,
    }
}

/// Bearer token → the caller, if the session exists and has not expired:
/// from this replica's session cache when it is there (dropped at once on
/// every replica when the user's sessions change, see `infra::sessions`),
/// else one query.
pub async fn authenticate(app: &AppState, bearer: &str) -> Result<CurrentUser, ApiError> {
    let digest = token::digest(bearer);
    let now = app.clock.now();
    if let Some(u) = app.sessions.get(&digest, now.timestamp()) {
        return Ok(current_user(u, digest));
    }
    let ticket = app.sessions.ticket();
    let (u, expires_at) = store::sessions::authenticate(&app.db, &digest, now)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    app.sessions
        .put(ticket, digest.clone(), u.id.0, expires_at.timestamp(), u.clone());
    Ok(current_user(u, digest))
}

/// The caller behind a token's digest as the database has it now, past the
/// cache (an open stream checking whether it still stands).
pub async fn authenticate_fresh(app: &AppState, digest: String) -> Result<CurrentUser, ApiError> {
    let (u, _) = store::sessions::authenticate(&app.db, &digest, app.clock.now())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(current_user(u, digest))
}

/// Keeps this replica's kept copies honest: drops a user's cached sessions
/// and account whenever any replica says they changed, the reference data
/// when it changed, and everything if this listener fell behind (it may
/// have missed one).
pub async fn forget_revoked(app: actix_web::web::Data<AppState>) {
    use tokio::sync::broadcast::error::RecvError;
    let mut rx = app.hub.subscribe();
    loop {
        match rx.recv().await {
            Ok(LiveEvent::Session { user_id, token_hash }) => {
                app.sessions.forget(user_id.0, token_hash.as_deref());
                app.accounts.forget(|u| *u == user_id);
            }
            Ok(LiveEvent::Reference) => app.reference.changed(),
            Ok(e @ LiveEvent::Request { .. }) => crate::services::requests::forget_hall(&app, &[e]),
            Ok(LiveEvent::Notification { .. }) => {}
            Err(RecvError::Lagged(_)) => {
                app.sessions.clear();
                app.accounts.clear();
                app.reference.changed();
                app.hall.clear();
            }
            Err(RecvError::Closed) => return,
        }
    }
}

/// Someone as the service layer sees a caller, without a session (the demo
/// seed and benchmarks act as people).
pub async fn acting_as(db: &impl ConnectionTrait, user_id: UserId) -> Result<CurrentUser, ApiError> {
    let u = store::users::find(db, user_id)
        .await?
        .ok_or(ApiError::NotFound("user"))?;
    let street = store::directory::street_of(db, u.community_id)
        .await?
        .ok_or(ApiError::NotFound("community"))?;
    let session = SessionUser {
        id: u.id,
        name: u.name,
        phone: u.phone,
        role: u.role,
        community_id: u.community_id,
        grid_id: u.grid_id,
        street,
    };
    Ok(current_user(session, String::new()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn expiry_saturates() {
        let now = crate::clock::Clock::default().now();
        assert_eq!(super::expiry(now, 2), now + chrono::Duration::hours(2));
        assert_eq!(super::expiry(now, -5), now);
        assert!(super::expiry(now, i64::MAX) > now);
    }
}
