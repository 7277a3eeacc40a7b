//! Registration, login, logout, password change, and token lookup.

use crate::auth::{CurrentUser, token};
use crate::domain::{CommunityId, GridId, Phone, Role, UserId};
use crate::error::ApiError;
use crate::msg;
use crate::services::directory;
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
    directory::check_placement(&app.db, acc.community_id, acc.grid_id).await?;
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
/// password answer the same, in the same time.
#[tracing::instrument(skip_all)]
pub async fn login(app: &AppState, phone: &str, password: String) -> Result<(User, String), ApiError> {
    let found = match Phone::parse(phone) {
        Some(p) => store::users::find_by_phone(&app.db, p.as_str()).await?,
        None => None,
    };
    let ok = app
        .hasher
        .verify(password, found.as_ref().map(|u| u.password_hash.clone()))
        .await;
    match found {
        Some(u) if ok => {
            let token = open_session(app, u.id).await?;
            Ok((u, token))
        }
        _ => Err(ApiError::InvalidCredentials),
    }
}

/// Revokes the session the caller used.
pub async fn logout(app: &AppState, me: &CurrentUser) -> Result<(), ApiError> {
    store::sessions::delete(&app.db, &me.token_hash).await
}

/// Checks the old password, stores the new one, revokes every session of
/// the user and returns a fresh token.
pub async fn change_password(app: &AppState, me: &CurrentUser, old: String, new: String) -> Result<String, ApiError> {
    let u = store::users::find(&app.db, me.id)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    check_password("new_password", &new, u.phone.as_str(), &u.name)?;
    if !app.hasher.verify(old, Some(u.password_hash)).await {
        return Err(ApiError::field(
            "old_password",
            "mismatch",
            msg!("field.old_password.mismatch"),
        ));
    }
    let hash = app.hasher.hash(new).await?;
    let txn = store::begin_write(&app.db).await?;
    store::users::set_password_hash(&txn, me.id, hash, app.clock.now()).await?;
    store::sessions::delete_all_of(&txn, me.id).await?;
    txn.commit().await?;
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

/// Bearer token → the caller, if the session exists and has not expired.
pub async fn authenticate(app: &AppState, bearer: &str) -> Result<CurrentUser, ApiError> {
    let digest = token::digest(bearer);
    let u = store::sessions::authenticate(&app.db, &digest, app.clock.now())
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(current_user(u, digest))
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
